package org.erofssim.contract;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Typed access to the fields of a Jackson tree with the contract's error messages: every
 * problem becomes a {@link ScenarioException} naming the field path. A field that is absent or
 * JSON {@code null} counts as not given.
 */
final class JsonFields {
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    static final BigInteger U64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private JsonFields() {}

    /** Parses a JSON document whose top level must be an object; {@code what} names it in errors. */
    static JsonNode parseObject(String json, String what) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new ScenarioException(where(e) + shortReason(e));
        }
        if (root == null || root.isMissingNode()) {
            throw new ScenarioException("line 1 column 1: empty document");
        }
        if (!root.isObject()) {
            throw ScenarioException.at(what, "expected a JSON object, got " + typeOf(root));
        }
        return root;
    }

    private static String where(JsonProcessingException e) {
        JsonLocation loc = e.getLocation();
        if (loc == null) {
            return "";
        }
        return "line " + loc.getLineNr() + " column " + loc.getColumnNr() + ": ";
    }

    /** Jackson's reason, first line only, without code points, source excerpts or class names. */
    private static String shortReason(JsonProcessingException e) {
        String m = e.getOriginalMessage();
        if (m == null) {
            return "malformed JSON";
        }
        if (m.startsWith("Trailing token")) {
            return "unexpected data after the JSON value";
        }
        int nl = m.indexOf('\n');
        if (nl >= 0) {
            m = m.substring(0, nl);
        }
        int marker = m.indexOf(" (start marker at");
        if (marker >= 0) {
            m = m.substring(0, marker);
        }
        int hint = m.indexOf(": enable `");
        if (hint >= 0) {
            m = m.substring(0, hint);
        }
        m = m.replaceAll(" \\(code \\d+\\)", "");
        m = m.replaceAll("\\s*\\[Source:.*$", "");
        return m.isBlank() ? "malformed JSON" : m;
    }

    /** The JSON type of a node as a message word: string, number, boolean, object, array, null. */
    static String typeOf(JsonNode n) {
        return n.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    /** The field's value, or null when absent or JSON null. */
    static JsonNode opt(JsonNode obj, String name) {
        JsonNode n = obj.get(name);
        return n == null || n.isNull() ? null : n;
    }

    static String child(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    static String string(JsonNode obj, String name, String path, String dflt) {
        JsonNode n = opt(obj, name);
        if (n == null) {
            return dflt;
        }
        return asString(n, child(path, name));
    }

    static String requiredString(JsonNode obj, String name, String path) {
        JsonNode n = opt(obj, name);
        if (n == null) {
            throw ScenarioException.at(child(path, name), "missing");
        }
        return asString(n, child(path, name));
    }

    static String asString(JsonNode n, String field) {
        if (!n.isTextual()) {
            throw ScenarioException.at(field, "expected a string, got " + typeOf(n));
        }
        return n.textValue();
    }

    static boolean bool(JsonNode obj, String name, String path, boolean dflt) {
        JsonNode n = opt(obj, name);
        if (n == null) {
            return dflt;
        }
        if (!n.isBoolean()) {
            throw ScenarioException.at(child(path, name), "expected true or false, got " + typeOf(n));
        }
        return n.booleanValue();
    }

    /** A signed 64-bit integer. */
    static long asLong(JsonNode n, String field) {
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw ScenarioException.at(field, "expected an integer, got " + describe(n));
        }
        return n.longValue();
    }

    /** An unsigned 64-bit integer (0 .. 2^64-1), held in a long's bits. */
    static long asUnsigned64(JsonNode n, String field) {
        if (!n.isIntegralNumber()) {
            throw ScenarioException.at(field, "expected an integer, got " + describe(n));
        }
        BigInteger v = n.bigIntegerValue();
        if (v.signum() < 0 || v.compareTo(U64_MAX) > 0) {
            throw ScenarioException.at(field, "expected an unsigned 64-bit integer, got " + v);
        }
        return v.longValue();
    }

    static JsonNode object(JsonNode obj, String name, String path) {
        JsonNode n = opt(obj, name);
        if (n != null && !n.isObject()) {
            throw ScenarioException.at(child(path, name), "expected an object, got " + typeOf(n));
        }
        return n;
    }

    static JsonNode array(JsonNode obj, String name, String path) {
        JsonNode n = opt(obj, name);
        if (n != null && !n.isArray()) {
            throw ScenarioException.at(child(path, name), "expected a list, got " + typeOf(n));
        }
        return n;
    }

    /** A list of strings; null when absent. */
    static List<String> strings(JsonNode obj, String name, String path) {
        JsonNode n = array(obj, name, path);
        if (n == null) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n.size(); i++) {
            out.add(asString(n.get(i), child(path, name) + "[" + i + "]"));
        }
        return out;
    }

    /** A value for messages: its JSON text for scalars, its type otherwise. */
    static String describe(JsonNode n) {
        if (n.isNumber()) {
            return n.asText();
        }
        if (n.isValueNode()) {
            return n.toString();
        }
        return typeOf(n);
    }
}
