package org.erofssim.reference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.erofssim.contract.OutcomeJson;
import org.erofssim.contract.ScenarioException;
import org.erofssim.contract.MountOutcome;

/**
 * Recorded kernel observations ({@code fixtures/recorded/}): what {@code record} wrote and
 * {@code conform} reads.
 *
 * <p>Layout: {@code <recorded>/<uname -r>/<scenario path relative to the corpus>.json}, one
 * file per scenario, plus {@code <recorded>/<uname -r>/refused.tsv} naming the scenarios the
 * live oracle refused, one {@code name<TAB>reason} line each after {@code #} comment lines (not
 * JSON, so that no scenario name can collide with it). Each recording is
 * <pre>
 * {
 *   "recording": {"kernel": "6.18.44-…", "date": "…Z", "erofsSim": "0.1.0-SNAPSHOT", "commit": "…",
 *                 "scenario": "decision-table/row03-bdev.json", "inputsSha256": "…"},
 *   "outcome": { … the contract's outcome, one field per line, one tree entry per line … }
 * }
 * </pre>
 * {@code inputsSha256} covers the scenario file and every image it names, so a recording whose
 * scenario or images changed since is recognised as stale instead of compared.
 *
 * <p>The default recordings folder of a corpus {@code X/scenarios} is {@code X/recorded}
 * (the bundled corpus: {@code fixtures/recorded}).
 */
public final class Recordings {
    public static final String REFUSED = "refused.tsv";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Recordings() {}

    /** A recording read back. */
    public record Recording(String release, Path file, String date, String inputsSha256, MountOutcome outcome,
                     String outcomeJson) {}

    /** {@code <corpus>/../recorded}. */
    public static Path defaultDir(Path corpus) {
        Path abs = corpus.toAbsolutePath().normalize();
        return abs.getParent() == null ? abs.resolve("recorded") : abs.resolveSibling("recorded");
    }

    /** The release folders under {@code dir}, sorted; empty when there is none. */
    public static List<String> releases(Path dir) {
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                if (Files.isDirectory(p)) {
                    out.add(p.getFileName().toString());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.sort(null);
        return out;
    }

    /** The recording file of scenario {@code name} (corpus-relative, without .json) on {@code release}. */
    public static Path file(Path dir, String release, String name) {
        return dir.resolve(release).resolve(name + ".json");
    }

    /**
     * Reads a recording; null when there is none.
     *
     * @throws ReferenceInputException (exit 2) naming the file when it cannot be decoded
     */
    public static Recording read(Path dir, String release, String name) {
        Path f = file(dir, release, name);
        if (!Files.isRegularFile(f)) {
            return null;
        }
        try {
            JsonNode root = JSON.readTree(Files.readString(f));
            JsonNode h = root.path("recording");
            JsonNode o = root.get("outcome");
            if (!h.isObject() || o == null || !o.isObject()) {
                throw new ReferenceInputException(f + ": expected {\"recording\": {...}, \"outcome\": {...}}");
            }
            String json = JSON.writeValueAsString(o);
            return new Recording(release, f, h.path("date").asText(null), h.path("inputsSha256").asText(null),
                    OutcomeJson.read(json), json);
        } catch (ScenarioException e) {
            throw new ReferenceInputException(f + ": outcome: " + e.getMessage());
        } catch (IOException e) {
            throw new ReferenceInputException(f + ": cannot read: " + ReferenceInputException.oneLine(e.getMessage()));
        }
    }

    /** The refusals recorded for {@code release}: scenario name → reason. */
    public static Map<String, String> refused(Path dir, String release) {
        Path f = dir.resolve(release).resolve(REFUSED);
        Map<String, String> out = new TreeMap<>();
        if (!Files.isRegularFile(f)) {
            return out;
        }
        try {
            for (String line : Files.readAllLines(f)) {
                int tab = line.indexOf('\t');
                if (line.startsWith("#") || tab < 0) {
                    continue;
                }
                out.put(line.substring(0, tab), line.substring(tab + 1));
            }
        } catch (IOException e) {
            throw new ReferenceInputException(f + ": cannot read: " + ReferenceInputException.oneLine(e.getMessage()));
        }
        return out;
    }

    /**
     * SHA-256 over the scenario file's bytes and, for each node with an {@code image} (in path
     * order), the node path and the image's bytes; a missing image counts as its path only.
     */
    public static String inputsSha256(Path scenarioFile) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] text = Files.readAllBytes(scenarioFile);
            md.update(text);
            JsonNode nodes = JSON.readTree(text).path("nodes");
            Map<String, String> images = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = nodes.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode img = e.getValue().path("image");
                if (img.isTextual()) {
                    images.put(e.getKey(), img.asText());
                }
            }
            Path base = scenarioFile.toAbsolutePath().getParent();
            for (Map.Entry<String, String> e : images.entrySet()) {
                md.update(("\0" + e.getKey() + "\0").getBytes(StandardCharsets.UTF_8));
                Path img = base.resolve(e.getValue()).normalize();
                if (Files.isRegularFile(img)) {
                    md.update(Files.readAllBytes(img));
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new ReferenceInputException(scenarioFile + ": cannot read: " + ReferenceInputException.oneLine(e.getMessage()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The recording's text: the header on one line, then the outcome with one top-level field
     * per line and one tree entry per line (diff-friendly, still plain JSON).
     */
    public static String format(ObjectNode header, ObjectNode outcome) {
        try {
            StringBuilder b = new StringBuilder("{\n  \"recording\": ").append(JSON.writeValueAsString(header))
                    .append(",\n  \"outcome\": {");
            boolean first = true;
            for (Iterator<Map.Entry<String, JsonNode>> it = outcome.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                b.append(first ? "\n" : ",\n").append("    ").append(JSON.writeValueAsString(e.getKey())).append(": ");
                first = false;
                JsonNode v = e.getValue();
                if (v.isArray() && v.size() > 0 && (e.getKey().equals("tree") || e.getKey().equals("log"))) {
                    b.append("[");
                    for (int i = 0; i < v.size(); i++) {
                        b.append(i == 0 ? "\n" : ",\n").append("      ").append(JSON.writeValueAsString(v.get(i)));
                    }
                    b.append("\n    ]");
                } else {
                    b.append(JSON.writeValueAsString(v));
                }
            }
            return b.append("\n  }\n}\n").toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code refused.tsv} of one release: a comment line with the header, then one line per refusal. */
    public static void writeRefused(Path releaseDir, ObjectNode header, Map<String, String> refused) throws IOException {
        StringBuilder b = new StringBuilder("# scenarios the live oracle refused (not recorded): name<TAB>reason; ")
                .append(JSON.writeValueAsString(header)).append('\n');
        refused.forEach((n, r) -> b.append(n).append('\t').append(ReferenceInputException.oneLine(r).replace('\t', ' ')).append('\n'));
        Files.writeString(releaseDir.resolve(REFUSED), b.toString());
    }

    public static ObjectMapper mapper() {
        return JSON;
    }
}
