package org.erofssim.oracle.utils;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.erofssim.contract.TreeEntry;

/**
 * Field-by-field comparison of two trees in the {@link TreeEntry} shape. A field is compared
 * only where the expected side knows it ({@link TreeReader#UNKNOWN}, {@link TreeReader#UNKNOWN_TIME}
 * or null mean "not known"); {@code sha256} only for regular files; {@code xattrs} restricted to
 * the names a filter accepts (null and empty maps are the same).
 */
public final class TreeDiff {
    private TreeDiff() {}

    /** The fields a comparison can look at. */
    public enum Field { TYPE, MODE, UID, GID, SIZE, NLINK, MTIME, INO, TARGET, RDEV, SHA256, XATTRS }

    /** Everything but {@code ino}. */
    public static Set<Field> allButIno() {
        return EnumSet.complementOf(EnumSet.of(Field.INO));
    }

    /** One disagreement; {@code field} is a {@link Field} name, or "path" for a missing/extra path. */
    public record Difference(String path, String field, String expected, String actual) {
        @Override public String toString() {
            return path + " " + field + ": expected " + expected + ", got " + actual;
        }
    }

    /** User xattrs only ({@code user.*}). */
    public static final Predicate<String> USER_XATTRS = n -> n.startsWith("user.");

    public static List<Difference> diff(List<TreeEntry> expected, List<TreeEntry> actual, Set<Field> fields,
                                        Predicate<String> xattrNames) {
        Map<String, TreeEntry> exp = index(expected);
        Map<String, TreeEntry> act = index(actual);
        List<Difference> out = new ArrayList<>();
        for (Map.Entry<String, TreeEntry> e : exp.entrySet()) {
            TreeEntry a = act.get(e.getKey());
            if (a == null) {
                out.add(new Difference(e.getKey(), "path", "present", "missing"));
                continue;
            }
            compare(e.getValue(), a, fields, xattrNames, out);
        }
        for (String p : act.keySet()) {
            if (!exp.containsKey(p)) {
                out.add(new Difference(p, "path", "absent", "present"));
            }
        }
        return out;
    }

    private static Map<String, TreeEntry> index(List<TreeEntry> entries) {
        Map<String, TreeEntry> m = new TreeMap<>();
        for (TreeEntry t : entries) {
            if (m.put(t.path(), t) != null) {
                throw new IllegalArgumentException("path twice in one tree: " + t.path());
            }
        }
        return m;
    }

    private static void compare(TreeEntry e, TreeEntry a, Set<Field> fields, Predicate<String> xattrNames,
                                List<Difference> out) {
        String p = e.path();
        if (fields.contains(Field.TYPE)) {
            obj(out, p, Field.TYPE, e.type(), a.type());
        }
        if (fields.contains(Field.MODE)) {
            obj(out, p, Field.MODE, e.mode(), a.mode());
        }
        if (fields.contains(Field.UID)) {
            num(out, p, Field.UID, e.uid(), a.uid());
        }
        if (fields.contains(Field.GID)) {
            num(out, p, Field.GID, e.gid(), a.gid());
        }
        if (fields.contains(Field.SIZE)) {
            num(out, p, Field.SIZE, e.size(), a.size());
        }
        if (fields.contains(Field.NLINK)) {
            num(out, p, Field.NLINK, e.nlink(), a.nlink());
        }
        if (fields.contains(Field.MTIME) && e.mtime() != TreeReader.UNKNOWN_TIME) {
            String ev = e.mtime() + "." + String.format("%09d", e.mtimeNsec());
            String av = a.mtime() + "." + String.format("%09d", a.mtimeNsec());
            if (!ev.equals(av)) {
                out.add(new Difference(p, Field.MTIME.name(), ev, av));
            }
        }
        if (fields.contains(Field.INO)) {
            num(out, p, Field.INO, e.ino(), a.ino());
        }
        if (fields.contains(Field.TARGET)) {
            obj(out, p, Field.TARGET, e.target(), a.target());
        }
        if (fields.contains(Field.RDEV)) {
            obj(out, p, Field.RDEV, e.rdev(), a.rdev());
        }
        if (fields.contains(Field.SHA256) && "file".equals(e.type())) {
            obj(out, p, Field.SHA256, e.sha256(), a.sha256());
        }
        if (fields.contains(Field.XATTRS) && e.xattrs() != null) {
            Map<String, String> ex = filter(e.xattrs(), xattrNames);
            Map<String, String> ax = filter(a.xattrs(), xattrNames);
            if (!ex.equals(ax)) {
                out.add(new Difference(p, Field.XATTRS.name(), ex.toString(), ax.toString()));
            }
        }
    }

    private static Map<String, String> filter(Map<String, String> m, Predicate<String> names) {
        Map<String, String> out = new TreeMap<>();
        if (m != null) {
            m.forEach((k, v) -> {
                if (names.test(k)) {
                    out.put(k, v);
                }
            });
        }
        return out;
    }

    private static void num(List<Difference> out, String p, Field f, long e, long a) {
        if (e != TreeReader.UNKNOWN && e != a) {
            out.add(new Difference(p, f.name(), Long.toString(e), Long.toString(a)));
        }
    }

    private static void obj(List<Difference> out, String p, Field f, Object e, Object a) {
        if (e != null && !Objects.equals(e, a)) {
            out.add(new Difference(p, f.name(), String.valueOf(e), String.valueOf(a)));
        }
    }

    /** Differences grouped by field name, for statistics and reports. */
    public static Map<String, List<Difference>> byField(List<Difference> ds) {
        Map<String, List<Difference>> m = new LinkedHashMap<>();
        for (Difference d : ds) {
            m.computeIfAbsent(d.field(), k -> new ArrayList<>()).add(d);
        }
        return m;
    }
}
