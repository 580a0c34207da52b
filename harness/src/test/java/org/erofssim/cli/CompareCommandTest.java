package org.erofssim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.erofssim.testkit.Live;
import org.junit.jupiter.api.Test;

/**
 * {@code compare}: its options refuse bad values before the kernel is touched (no root needed),
 * and, on the running kernel (root; skipped with the reason elsewhere, failed under
 * {@code -Derofssim.requireOracles=true}), {@code --json} prints exactly the keys its help promises,
 * differences as JSON values, and {@code --kernel} picks the model profile.
 */
class CompareCommandTest {
    private static final String ROW06 = Cli.root().resolve("fixtures/scenarios/decision-table/row06-file-ext4.json").toString();

    @Test
    void badKernelOrConfigIsOneLineAndExitTwo() {
        Cli.Result k = Cli.run("compare", "--kernel", "5.4", ROW06);
        assertThat(k.exit()).as(k.err()).isEqualTo(2);
        assertThat(k.err()).startsWith("erofs-sim compare: --kernel: ");
        assertThat(k.err().lines().count()).isEqualTo(1);
        Cli.Result c = Cli.run("compare", "--config", "EROFS_FS_NOPE=y", ROW06);
        assertThat(c.exit()).as(c.err()).isEqualTo(2);
        assertThat(c.err()).startsWith("erofs-sim compare: --config 'EROFS_FS_NOPE=y': unknown symbol EROFS_FS_NOPE");
    }

    @Test
    void utilsWithoutFsckIsExit77WithTheReason(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) {
        Cli.Result c = Cli.run("compare", "--utils-dir", "/nonexistent-utils", ROW06);
        assertThat(c.exit()).as(c.err()).isEqualTo(77);
        assertThat(c.err()).contains("erofs-utils unavailable: no fsck.erofs in the erofs-utils build /nonexistent-utils");
        Cli.Result k = Cli.run("conform", "--utils-dir", "/nonexistent-utils", "--quiet", "--report", tmp.toString());
        assertThat(k.exit()).as(k.err()).isEqualTo(77);
        assertThat(k.err()).contains("--utils: erofs-utils unavailable: no fsck.erofs");
    }

    /** erofs-utils on PATH: an image both read alike agrees; LZ4 offset 0 (the kernel decodes it in place) differs. */
    @Test
    void utilsComparesTheImageAndTree() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(org.erofssim.tools.ErofsUtils.require("fsck.erofs"));
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name"))
                || !org.erofssim.tools.ErofsUtils.oraclesRequired() && skipped("the images hold device nodes: extraction needs root"));
        String same = Cli.root().resolve("fixtures/scenarios/options/directio-fileio.json").toString();
        String lz4 = Cli.root().resolve("fixtures/scenarios/damaged/lz4-offset0-repeat-fileio.json").toString();
        Cli.Result j = Cli.run("compare", "--utils", "--json", same);
        assertThat(j.exit()).as(j.out() + j.err()).isZero();
        JsonNode n = new ObjectMapper().readTree(j.out());
        assertThat(n.path("reference").path("kind").asText()).isEqualTo("erofs-utils");
        assertThat(n.path("erofs-utils").path("accepted").asBoolean()).isTrue();
        assertThat(n.path("erofs-utils").path("tree").size()).isGreaterThan(10);
        assertThat(n.path("differences").size()).isZero();
        Cli.Result d = Cli.run("compare", "--utils", lz4);
        assertThat(d.exit()).as(d.out() + d.err()).isEqualTo(1);
        assertThat(d.out()).contains("DIFF tree[/text64k].sha256: model ");
    }

    private static boolean skipped(String why) {
        System.out.println("SKIPPED: " + why);
        return false;
    }

    /** The keys {@code compare --help} names for {@code --json}, in order. */
    private static List<String> promisedKeys() {
        String help = Cli.run("compare", "--help").out().replaceAll("\\s+", " ");
        Matcher m = Pattern.compile("one JSON object instead: \\{(.*?)\\} \\(").matcher(help);
        assertThat(m.find()).as(help).isTrue();
        List<String> keys = new ArrayList<>();
        int depth = 0;
        StringBuilder word = new StringBuilder();
        for (char ch : (m.group(1) + ",").toCharArray()) {
            if (ch == '{' || ch == '[') {
                depth++;
            } else if (ch == '}' || ch == ']') {
                depth--;
            } else if (depth == 0 && (ch == ',' || ch == ':')) {
                if (!word.isEmpty()) {
                    keys.add(word.toString().strip());
                }
                word.setLength(0);
                if (ch == ':') {
                    word.append('\0'); // skip the value up to the next comma
                }
            } else if (depth == 0 && (word.isEmpty() || word.charAt(0) != '\0')) {
                word.append(ch);
            }
        }
        keys.removeIf(k -> k.startsWith("\0") || k.isBlank());
        return keys;
    }

    @Test
    @Live
    void jsonHasTheKeysTheHelpPromisesAndKernelPicksTheProfile() throws Exception {
        RecordCommandTest.assumeLiveOracle();
        assertThat(promisedKeys()).containsExactly("scenario", "reference", "profile", "model", "kernel", "differences");
        Cli.Result r = Cli.run("compare", "--json", ROW06);
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        List<String> keys = new ArrayList<>();
        j.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactlyElementsOf(promisedKeys());
        assertThat(j.path("reference").path("kind").asText()).isEqualTo("live");
        assertThat(j.path("kernel").path("outcome").asText()).isEqualTo("mounted");
        assertThat(j.path("differences").size()).isZero();

        // 6.12.0 logs "erofs: (device erofs)": one difference, values as JSON strings, exit 1
        Cli.Result old = Cli.run("compare", "--json", "--kernel", "6.12.0", ROW06);
        assertThat(old.exit()).as(old.out() + old.err()).isEqualTo(1);
        JsonNode d = new ObjectMapper().readTree(old.out());
        assertThat(d.path("profile").path("release").asText()).isEqualTo("6.12.0");
        assertThat(d.path("differences").get(0).path("field").asText()).isEqualTo("log[0]");
        assertThat(d.path("differences").get(0).path("model").asText())
                .isEqualTo("erofs: (device erofs): mounted with root inode @ nid 37.");
        Cli.Result text = Cli.run("compare", "--kernel", "6.12.0", ROW06);
        assertThat(text.out()).contains("(model profile 6.12.0)").contains("DIFF log[0]: ").endsWith("1 field(s) differ\n");
    }
}
