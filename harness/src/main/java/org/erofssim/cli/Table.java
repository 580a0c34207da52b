package org.erofssim.cli;

import java.io.PrintWriter;
import java.util.List;

/**
 * Plain-text tables: columns padded to their widest cell, two spaces apart, no trailing blanks;
 * a null cell (a value nobody knows, e.g. the mode of a path whose lstat failed) prints as {@code -}.
 */
final class Table {
    private Table() {}

    static void print(PrintWriter out, List<String[]> given) {
        List<String[]> rows = new java.util.ArrayList<>(given.size());
        for (String[] r : given) {
            String[] c = r.clone();
            for (int i = 0; i < c.length; i++) {
                c[i] = c[i] == null ? "-" : c[i];
            }
            rows.add(c);
        }
        int cols = 0;
        for (String[] r : rows) {
            cols = Math.max(cols, r.length);
        }
        int[] width = new int[cols];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                if (i > 0) {
                    b.append("  ");
                }
                b.append(r[i]);
                if (i < r.length - 1) {
                    b.append(" ".repeat(width[i] - r[i].length()));
                }
            }
            out.println(b.toString().stripTrailing());
        }
    }
}
