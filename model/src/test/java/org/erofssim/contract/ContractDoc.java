package org.erofssim.contract;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.erofssim.testing.Checkout;

/**
 * The contract document ({@code docs/spec/harness-contract.md}, a sibling of the repository
 * root) as test input: its JSON examples with the {@code //} notes removed and {@code ...}
 * placeholders as null. Tests that use it are skipped where the document is not present.
 */
final class ContractDoc {
    private ContractDoc() {}

    static Path path() {
        return Checkout.root().resolve("docs/spec/harness-contract.md");
    }

    static String text() throws IOException {
        return Files.readString(path()); // part of the repository: a missing document fails the tests

    }

    /** The first fenced block after the line starting with {@code heading}, made plain JSON. */
    static String jsonBlockAfter(String heading) throws IOException {
        return jsonBlockAfter(heading, "null");
    }

    /** As {@link #jsonBlockAfter(String)} with {@code placeholder} (JSON text) for {@code ...} values. */
    static String jsonBlockAfter(String heading, String placeholder) throws IOException {
        String doc = text();
        int h = doc.indexOf("\n" + heading);
        if (h < 0) {
            throw new AssertionError("no heading " + heading + " in " + path());
        }
        int open = doc.indexOf("```", h);
        int start = doc.indexOf('\n', open) + 1;
        int end = doc.indexOf("```", start);
        StringBuilder json = new StringBuilder();
        for (String line : doc.substring(start, end).split("\n")) {
            json.append(stripComment(line)).append('\n');
        }
        return json.toString().replaceAll(":\\s*\\.\\.\\.", ": " + placeholder);
    }

    /** Drops a {@code //} note that is outside a string. */
    private static String stripComment(String line) {
        boolean inString = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"' && (i == 0 || line.charAt(i - 1) != '\\')) {
                inString = !inString;
            } else if (!inString && c == '/' && i + 1 < line.length() && line.charAt(i + 1) == '/') {
                return line.substring(0, i);
            }
        }
        return line;
    }
}
