package org.erofssim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plain {@code predict} command line runs without picocli ({@link PredictCommand#runPlain},
 * issue 12: picocli's reflection over classes outside the class-data archive was a third of a
 * 1-scenario process after the JVM's start). Every command line here gives the same exit code,
 * stdout and stderr both ways; the plain ones are run without picocli, the others are left to it.
 */
class PlainPredictTest {
    @TempDir
    Path dir;

    private String scenario(String name, String json) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, json);
        return f.toString();
    }

    private String atFile(String text) throws Exception {
        Path f = Files.createTempFile(dir, "args", ".txt");
        Files.writeString(f, text);
        return "@" + f;
    }

    private static boolean runsPlain(String... args) {
        PrintWriter sink = new PrintWriter(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        return PredictCommand.runPlain(args, sink, sink) != null;
    }

    @Test
    void plainPredictLinesSayWhatPicocliSays() throws Exception {
        String image = Cli.image("plain.erofs").toString();
        String file = scenario("file.json", "{\"version\": 1, \"nodes\": {\"/srv/i\": {\"kind\": \"file\", \"image\": \""
                + image + "\"}}, \"source\": \"/srv/i\", \"options\": \"acl\"}");
        String bdev = scenario("bdev.json", "{\"version\": 1, \"kernel\": \"6.1\", \"nodes\": {\"/dev/loop0\": {\"kind\": "
                + "\"bdev\", \"dev\": \"7:0\", \"image\": \"" + image + "\"}}, \"source\": \"/dev/loop0\"}");
        String bad = scenario("bad.json", "{\"version\": 1, \"nodes\": {\"/x\": {\"kind\": \"y\"}}}");
        String broken = scenario("broken.json", "{\"version\": ");
        String missing = dir.resolve("missing.json").toString();
        List<String[]> plain = List.of(
                new String[] {"predict", file},
                new String[] {"predict", file, bdev, file},
                new String[] {"predict", "--quiet", file, "--kernel", "6.12", bdev},
                new String[] {"predict", file, "--kernel=7.3", "--config", "EROFS_FS_ZIP=n", "--config=EROFS_FS_XATTR=n"},
                new String[] {"predict", "--kernel", "9.9", file},
                new String[] {"predict", "--config", "NOT_A_SYMBOL=y", file},
                new String[] {"predict", "--config", "EROFS_FS_ZIP", file},
                new String[] {"predict", file, bad},
                new String[] {"predict", broken},
                new String[] {"predict", missing},
                new String[] {atFile("predict\n" + file + "\n" + bdev + "\n\n" + file + "\n")},
                new String[] {atFile("predict\n--quiet\n" + file + "\n--kernel=6.1\n")});
        List<String[]> picocli = new ArrayList<>(List.of(
                new String[] {"predict"},
                new String[] {"predict", "--help"},
                new String[] {"predict", "-h", file},
                new String[] {"predict", "--version"},
                new String[] {"predict", "--frob", file},
                new String[] {"predict", "--", file},
                new String[] {"predict", "--quiet", "--quiet", file},
                new String[] {"predict", "--kernel", "6.1", "--kernel", "6.12", file},
                new String[] {"predict", file, "--kernel"},
                new String[] {"predict", "--kernel", "--quiet", file},
                new String[] {"predict", "--kernel=", file},
                new String[] {"predict", ""},
                new String[] {"predict", "@" + missing},
                new String[] {atFile("predict\n'" + file + "'\n")},
                new String[] {atFile("# a comment\npredict\n" + file + "\n")},
                new String[] {atFile("predict " + file + "\n")},
                new String[] {atFile("predict\r\n" + file + "\r\n")},
                new String[] {atFile("inspect\n" + file + "\n")},
                new String[] {"inspect", image}));
        for (String[] args : plain) {
            assertThat(runsPlain(args)).as(String.join(" ", args)).isTrue();
        }
        for (String[] args : picocli) {
            assertThat(runsPlain(args)).as(String.join(" ", args)).isFalse();
        }
        List<String[]> all = new ArrayList<>(plain);
        all.addAll(picocli);
        int failures = 0;
        for (String[] args : all) {
            Cli.Result both = Cli.run(args);
            assertThat(both).as(String.join(" ", args)).isEqualTo(Cli.runWithPicocli(args));
            failures += both.exit() == 0 ? 0 : 1;
        }
        // the lines reach both the outcomes and the errors they were written for
        assertThat(Cli.run("predict", file, bdev).outLines()).hasSize(2).allMatch(l -> l.startsWith("{\"version\":1,"));
        assertThat(Cli.run("predict", file, bad).err()).contains("unknown kind 'y'");
        assertThat(failures).isGreaterThan(10);
    }
}
