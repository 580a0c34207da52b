package org.erofssim.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.erofssim.contract.TreeEntry;
import org.erofssim.oracle.KernelBench;

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

    /** Whether the kernel's cold read {@code k} gave the same file hashes, in words. */
    String compareTrees(KernelBench.ColdRead k) {
        Map<String, String> kh = new TreeMap<>();
        for (TreeEntry e : k.tree()) {
            if ("file".equals(e.type())) {
                kh.put(e.path(), e.sha256());
            }
        }
        if (kh.equals(hashes)) {
            return "same " + kh.size() + " file hashes on both sides";
        }
        long differ = kh.keySet().stream().filter(p -> !java.util.Objects.equals(kh.get(p), hashes.get(p))).count();
        return "MODEL AND KERNEL DIFFER: " + differ + " of " + kh.size() + " files";
    }
}
