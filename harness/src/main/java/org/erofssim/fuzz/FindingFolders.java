package org.erofssim.fuzz;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.erofssim.fuzz.FuzzCampaign.Failure;
import org.erofssim.fuzz.FuzzCampaign.Settings;
import org.erofssim.fuzz.FuzzCase.BaseImage;

/**
 * The campaign's files: a finding's folder ({@code findings/<kind>-<hash>/} with scenario.json,
 * image.erofs, blob.img and repro.sh) and the in-flight case written before each kernel
 * observation, kept as a finding by the next campaign when a crash left it behind.
 */
final class FindingFolders {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BLOB = FuzzCampaign.BLOB;

    private final Settings settings;
    private final Map<BaseImage, byte[]> bases;
    private final Path inFlight;
    private final Path findings;

    FindingFolders(Settings settings, Map<BaseImage, byte[]> bases) {
        this.settings = settings;
        this.bases = bases;
        this.inFlight = settings.out().resolve("in-flight");
        this.findings = settings.out().resolve("findings");
    }

    /** Removes the in-flight case once its observation is over. */
    void clearInFlight() {
        deleteTree(inFlight);
    }

    /**
     * Writes a finding's folder: scenario.json (with a comment), image.erofs, blob.img, repro.sh
     * stating the outcomes in {@code stated} (expected first).
     */
    Path write(FuzzCase c, Failure f, int index, List<ReproScript.Stated> stated) {
        return write(c, f, index, stated, null);
    }

    /**
     * The same, with {@code tag} (a kernel's release, or null) in the folder's name: one case can
     * be a finding on several VM kernels.
     */
    Path write(FuzzCase c, Failure f, int index, List<ReproScript.Stated> stated, String tag) {
        try {
            ObjectNode s = c.scenario(settings.profile().name(), "image.erofs", "blob.img");
            ObjectNode out = JSON.createObjectNode();
            out.put("version", 1);
            out.put("description", "found by erofs-sim fuzz (seed " + settings.seed() + ", case "
                    + index + ", shrunk): " + c);
            out.put("comment", f.kind() + " found " + Instant.now().truncatedTo(ChronoUnit.SECONDS) + ": " + f.what());
            s.fields().forEachRemaining(e -> {
                if (!e.getKey().equals("version") && !e.getKey().equals("description")) {
                    out.set(e.getKey(), e.getValue());
                }
            });
            byte[] image = c.image(bases.get(c.base()));
            String hash = hash(s.toString().getBytes(StandardCharsets.UTF_8), image);
            Path dir = findings.resolve(f.kind().name().toLowerCase().replace('_', '-')
                    + (tag == null ? "" : "-" + tag.replaceAll("[^A-Za-z0-9.+-]", "_")) + "-" + hash);
            Files.createDirectories(dir);
            Files.write(dir.resolve("image.erofs"), image);
            Files.copy(settings.images().resolve(BLOB), dir.resolve("blob.img"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(dir.resolve("scenario.json"),
                    JSON.writerWithDefaultPrettyPrinter().writeValueAsString(out) + "\n", StandardCharsets.UTF_8);
            Path repro = dir.resolve("repro.sh");
            Files.writeString(repro, ReproScript.script(c, f.kind().name(), f.what(), stated), StandardCharsets.UTF_8);
            try {
                Files.setPosixFilePermissions(repro, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            } catch (UnsupportedOperationException notPosix) {
                // run it with sh repro.sh
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Records the case about to be observed, so that a crash mid-observation leaves it behind. */
    void markInFlight(FuzzCase c, Path image) throws IOException {
        Files.createDirectories(inFlight);
        Files.copy(image, inFlight.resolve("image.erofs"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(settings.images().resolve(BLOB), inFlight.resolve("blob.img"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        ObjectNode s = c.scenario(settings.profile().name(), "image.erofs", "blob.img");
        s.put("comment", "in flight since " + Instant.now().truncatedTo(ChronoUnit.SECONDS) + " (seed "
                + settings.seed() + ")");
        try (var w = Files.newBufferedWriter(inFlight.resolve("scenario.json"), StandardCharsets.UTF_8)) {
            w.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(s));
            w.write("\n");
        }
        try (var ch = java.nio.channels.FileChannel.open(inFlight.resolve("scenario.json"),
                java.nio.file.StandardOpenOption.WRITE)) {
            ch.force(true); // it must survive the crash it is there to report
        }
    }

    /** A previous campaign's in-flight case, moved to the findings. */
    FuzzCampaign.Finding keepInterrupted() throws IOException {
        if (!Files.isRegularFile(inFlight.resolve("scenario.json"))) {
            deleteTree(inFlight);
            return null;
        }
        Path dir = findings.resolve("interrupted-" + Instant.now().truncatedTo(ChronoUnit.SECONDS).toString()
                .replace(':', '-'));
        Files.createDirectories(findings);
        Files.move(inFlight, dir);
        return new FuzzCampaign.Finding(FuzzCampaign.Kind.INTERRUPTED, "a previous campaign stopped while the kernel was observing this case "
                + "(kernel crash, reboot or kill): replay it with care", null, null, dir);
    }

    private static String hash(byte[]... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (byte[] p : parts) {
                md.update(p);
            }
            return HexFormat.of().formatHex(md.digest()).substring(0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
