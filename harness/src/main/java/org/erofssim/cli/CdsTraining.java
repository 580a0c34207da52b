package org.erofssim.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.erofssim.file.TreeWalk;

/**
 * The training run of the launcher's class-data archive (AppCDS, issue 12): the {@code erofs-sim}
 * script starts this class once per build with {@code -XX:ArchiveClassesAtExit}, before the
 * user's command, so the archive holds the classes of the paths users and {@code bench} time
 * whatever command comes first: {@code predict} of scenarios and the whole-image verify
 * ({@code "read": true}) through both tree walks (the clean-data fast path with {@code ZDirect},
 * {@code Lz4Strict}, and the full model), outcome JSON written, and a 400-case model-only
 * {@code fuzz} campaign. An archive made by the first
 * command alone covered only that command (a {@code --help} first: the later verify loaded its
 * classes from the jar, 0.9 s more CPU), and the processes a first {@code bench} started ran with
 * no archive at all.
 *
 * <p>The launcher gives it {@code -Derofssim.mapLimit=40000}, so that both ways of reading an
 * image (mapped, and positional reads as for the large images a verify reads) are trained.
 * It reads fixture images of the checkout ({@code -Derofssim.root}), writes its scenario
 * files to a temporary folder of its own (removed) and its outputs nowhere; it never fails
 * (a missing fixture makes a smaller archive) and exits 0.
 */
public final class CdsTraining {
    private CdsTraining() {}

    public static void main(String[] args) {
        ZstdLibrary.preload(); // as Main does: its classes are archived too
        String root = System.getProperty("erofssim.root");
        if (root == null) {
            return;
        }
        Path images = Path.of(root, "fixtures", "images");
        PrintStream none = new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);
        Path dir = null;
        TreeWalk.Strategy before = TreeWalk.strategy;
        try {
            dir = Files.createTempDirectory("erofs-sim-cds-");
            List<String> read = new ArrayList<>();
            List<String> mountOnly = new ArrayList<>();
            for (String image : List.of("lz4hc.erofs", "lz4.erofs", "plain.erofs", "ztailpacking.erofs")) {
                Path img = images.resolve(image);
                if (Files.isRegularFile(img)) {
                    read.add(scenario(dir, img, true).toString());
                    mountOnly.add(scenario(dir, img, false).toString());
                }
            }
            if (read.isEmpty()) {
                return;
            }
            // the clean-data fast path (what a large image's verify takes), then the full model
            for (TreeWalk.Strategy s : List.of(TreeWalk.Strategy.FAST, TreeWalk.Strategy.FULL)) {
                TreeWalk.strategy = s;
                for (String sc : read) {
                    Main.run(new String[] {"predict", sc}, none, none);
                }
            }
            TreeWalk.strategy = before;
            List<String> batch = new ArrayList<>(List.of("predict", "--quiet"));
            batch.addAll(mountOnly);
            Main.run(batch.toArray(String[]::new), none, none);
            // a model-only fuzz campaign (bench's fuzz-model rate, issues 12 and 15), long enough to
            // load what a campaign's first thousands of cases load (400 cases of seed 1: all but 5 of
            // the 55 classes of the jar that the 30,000 cases of seed 12 loaded from outside an
            // archive trained on 8 cases: the LZMA, zstd and deflate decompressors, device and
            // fscache nodes, ...), with its JSON summary; about 1.5 s of CPU once per build
            String[] fuzz = {"fuzz", "--cases", "400", "--seed", "1", "--quiet", "--json", "--out", dir.resolve("fuzz").toString()};
            Main.run(fuzz, none, none);
            // that command line runs without picocli (FuzzCommand.runPlain); picocli's parse of it
            // (what the predict server does, and every other command) keeps the JDK classes
            // picocli's reflection loads in the archive, as when the campaign ran through picocli
            FuzzCommand.servable(fuzz);
        } catch (IOException | RuntimeException e) {
            // a smaller archive
        } finally {
            TreeWalk.strategy = before;
            if (dir != null) {
                try (Stream<Path> s = Files.walk(dir)) {
                    s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                } catch (IOException e) {
                    // a temporary folder left behind
                }
            }
        }
    }

    private static Path scenario(Path dir, Path image, boolean read) throws IOException {
        String json = "{\"version\":1,\"nodes\":{\"/srv/image.erofs\":{\"kind\":\"file\",\"image\":"
                + quote(image.toAbsolutePath().toString()) + "}},\"source\":\"/srv/image.erofs\""
                + (read ? ",\"read\":true" : "") + "}";
        Path f = dir.resolve(image.getFileName() + (read ? ".read" : "") + ".json");
        Files.writeString(f, json);
        return f;
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
