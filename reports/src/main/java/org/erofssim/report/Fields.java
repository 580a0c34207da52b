package org.erofssim.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A contract outcome as a flat list of fields, the rows {@code erofs-sim compare} and the
 * report's side-by-side tables print: dotted paths ({@code statfs.blocks}, {@code log[0]}),
 * the model's {@code notes} left out (remarks for a person), the {@code tree} summarised as its
 * entry count (its differences are listed on their own), an empty list or map shown as
 * {@code []} or {@code {}} (so that it stays apart from {@code null}).
 */
public final class Fields {
    private Fields() {}

    /** The outcome's fields as dotted paths and their values (strings unquoted, others as JSON). */
    public static Map<String, String> flatten(JsonNode n) {
        Map<String, String> out = new LinkedHashMap<>();
        flatten("", n, out);
        return out;
    }

    private static void flatten(String at, JsonNode n, Map<String, String> out) {
        if ((n.isObject() || n.isArray()) && n.isEmpty() && !at.isEmpty()) {
            // an empty list or map is a value of its own ("known to be none"), unlike null ("not known")
            out.put(at, n.isArray() ? "[]" : "{}");
        } else if (n.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("notes")) {
                    continue;
                }
                flatten(at.isEmpty() ? e.getKey() : at + "." + e.getKey(), e.getValue(), out);
            }
        } else if (n.isArray() && at.equals("tree")) {
            out.put(at, n.size() + " entries");
        } else if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                flatten(at + "[" + i + "]", n.get(i), out);
            }
        } else {
            out.put(at, n.isTextual() ? n.asText() : n.toString());
        }
    }
}
