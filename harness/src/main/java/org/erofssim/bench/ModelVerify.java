package org.erofssim.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * One model verify of bench ({@code predict} with {@code "read": true}): the process run and what
 * its outcome's tree held.
 */
record ModelVerify(ChildRun run, int files, long bytes, Map<String, String> hashes, String outcome) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The model verify that run {@code r} wrote into {@code outFile} (removed once read). */
    static ModelVerify read(ChildRun r, Path outFile) {
        if (r.exitCode() != 0) {
            throw new IllegalStateException("erofs-sim predict (read) exited " + r.exitCode() + ": "
                    + Figure.oneLine(r.stderr()));
        }
        try {
            JsonNode o = JSON.readTree(outFile.toFile());
            Map<String, String> hashes = new TreeMap<>();
            int files = 0;
            long bytes = 0;
            for (JsonNode e : o.path("tree")) {
                if ("file".equals(e.path("type").asText())) {
                    files++;
                    bytes += e.path("size").asLong();
                    hashes.put(e.path("path").asText(), e.path("sha256").asText(null));
                }
            }
            Files.delete(outFile);
            return new ModelVerify(r, files, bytes, hashes, o.path("outcome").asText());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
