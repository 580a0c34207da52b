package org.erofssim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.erofssim.tools.ErofsUtils;
import org.erofssim.tools.HostTools;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conformance report of the bundled corpus in a real browser (headless Chromium, Debian
 * package {@code chromium}, declared in {@code .ci/host-tools}): the page loads without a script
 * error, {@code <table id="matrix">} is rendered, visible and wholly inside the first screen
 * (a 1280x900 window, no scrolling), and a screenshot of that screen shows the matrix's verdict colours
 * where the browser laid it out. The screenshot is kept as {@code target/report-browser/report.png}
 * (a CI artifact). Without chromium the test skips, saying so; under
 * {@code -Derofssim.requireOracles=true} (CI) it fails instead.
 *
 * <p>The layout and error probe runs in a copy of the page ({@code probe.html}) with two scripts
 * added: one first in {@code <head>} that records every error event, one last in {@code <body>}
 * that writes the errors and the matrix's {@code getBoundingClientRect()} into a
 * {@code <pre id="probe">}, which {@code --dump-dom} prints. The screenshot is of the page itself.
 */
class ReportBrowserTest {
    private static final String CHROMIUM = "chromium";
    private static final int WIDTH = 1280;
    private static final int HEIGHT = 900;
    /** The matrix cells' background colours (report.html's .v-agree, .v-mixed, .v-diverge, .v-unchecked). */
    private static final int[] VERDICT_RGB = {0xc9ecc9, 0xe6f4d7, 0xf6b8b8, 0xeeeeee};

    @TempDir
    Path tmp;

    @Test
    void theReportLoadsInChromiumWithoutScriptErrorsAndShowsTheMatrixWithoutScrolling() throws Exception {
        if (!ErofsUtils.require(CHROMIUM)) {
            Assumptions.abort("SKIPPED: " + HostTools.missingLine(HostTools.declared(CHROMIUM)));
        }
        Path dir = tmp.resolve("report");
        Cli.Result conform = Cli.run("conform", "--quiet", "--report", dir.toString());
        assertThat(conform.exit()).as(conform.out() + conform.err()).isZero();
        Path page = dir.resolve("report.html");
        String html = Files.readString(page, StandardCharsets.UTF_8);

        // 1. the probe: script errors and the matrix's box, as the browser computed them
        String probeHead = "<script>window.__errors=[];addEventListener('error',function(e){"
                + "__errors.push(String(e.message||(e.target&&e.target.outerHTML)||e.type))},true);</script>";
        String probeTail = "<script>(function(){var m=document.getElementById('matrix');var o={errors:__errors,"
                + "innerWidth:innerWidth,innerHeight:innerHeight,scrollY:scrollY,matrix:null};if(m){var r="
                + "m.getBoundingClientRect();var s=getComputedStyle(m);o.matrix={top:r.top,left:r.left,bottom:r.bottom,"
                + "right:r.right,rows:m.rows.length,display:s.display,visibility:s.visibility,opacity:s.opacity}}"
                + "var p=document.createElement('pre');p.id='probe';p.textContent=JSON.stringify(o);"
                + "document.body.appendChild(p)})();</script>";
        assertThat(html).contains("<head>").contains("</body>");
        Path probe = dir.resolve("probe.html");
        Files.writeString(probe, html.replaceFirst("<head>", "<head>" + probeHead).replace("</body>", probeTail + "</body>"),
                StandardCharsets.UTF_8);
        String dom = chromium("--dump-dom", probe.toUri().toString());
        Matcher m = Pattern.compile("<pre id=\"probe\">(.*?)</pre>", Pattern.DOTALL).matcher(dom);
        assertThat(m.find()).as("the probe ran (the DOM chromium dumped has its <pre>)").isTrue();
        JsonNode p = new ObjectMapper().readTree(m.group(1).replace("&lt;", "<").replace("&gt;", ">")
                .replace("&quot;", "\"").replace("&amp;", "&"));
        assertThat(p.path("errors").size()).as("script errors: " + p.path("errors")).isZero();
        JsonNode box = p.path("matrix");
        assertThat(box.isObject()).as("a <table id=matrix> in the rendered page").isTrue();
        assertThat(box.path("display").asText()).isNotEqualTo("none");
        assertThat(box.path("visibility").asText()).isEqualTo("visible");
        assertThat(box.path("opacity").asDouble()).isEqualTo(1.0);
        assertThat(box.path("rows").asInt()).as("header rows and at least one source kind").isGreaterThanOrEqualTo(3);
        // --dump-dom lays the page out in a viewport somewhat smaller than the window (757 px of 900
        // with Chromium 156): the matrix must fit in that one, the stricter of the two
        int viewport = p.path("innerHeight").asInt();
        assertThat(viewport).as("the viewport chromium laid the page out in").isBetween(600, HEIGHT);
        assertThat(p.path("innerWidth").asInt()).isEqualTo(WIDTH);
        double top = box.path("top").asDouble();
        double bottom = box.path("bottom").asDouble();
        double right = box.path("right").asDouble();
        assertThat(top).as("the matrix starts on the first screen").isGreaterThanOrEqualTo(0).isLessThan(viewport);
        assertThat(bottom).as("the whole matrix is on the first screen, no scrolling").isLessThanOrEqualTo(viewport);
        assertThat(right).as("and no sideways scrolling").isLessThanOrEqualTo(WIDTH);

        // 2. the screenshot of the page itself: the matrix's verdict colours where the probe found it
        Path shot = Files.createDirectories(Path.of("target", "report-browser")).resolve("report.png");
        Files.deleteIfExists(shot);
        chromium("--screenshot=" + shot.toAbsolutePath(), page.toUri().toString());
        BufferedImage img = ImageIO.read(shot.toFile());
        assertThat(img).as("a PNG screenshot").isNotNull();
        assertThat(img.getWidth()).isEqualTo(WIDTH);
        assertThat(img.getHeight()).isEqualTo(HEIGHT);
        int inside = 0;
        int outsideAbove = 0;
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                if (isVerdictColour(img.getRGB(x, y) & 0xffffff)) {
                    if (y >= top && y < bottom && x < right) {
                        inside++;
                    } else if (y < top) {
                        outsideAbove++;
                    }
                }
            }
        }
        int cellsArea = (int) ((bottom - top) * right);
        assertThat(inside).as("verdict-coloured pixels inside the matrix's box in the screenshot")
                .isGreaterThan(cellsArea / 10);
        System.out.println("report.html in chromium: matrix at y " + (int) top + ".." + (int) bottom + " of " + HEIGHT
                + ", " + inside + " verdict-coloured pixels in it (" + outsideAbove + " above it, the summary's"
                + " highlight); screenshot " + shot.toAbsolutePath());
    }

    private static boolean isVerdictColour(int rgb) {
        for (int c : VERDICT_RGB) {
            if (rgb == c) {
                return true;
            }
        }
        return false;
    }

    /**
     * Runs headless chromium on {@code url} with a fixed window and a private profile folder,
     * returning its stdout; at most 120 s, then it and its children are killed and the test fails.
     */
    private String chromium(String action, String url) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(tmp, "chromium-profile");
        List<String> cmd = new ArrayList<>(List.of(CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                "--hide-scrollbars", "--no-first-run", "--disable-extensions", "--force-device-scale-factor=1",
                "--user-data-dir=" + profile, "--window-size=" + WIDTH + "," + HEIGHT, action, url));
        Path out = tmp.resolve("chromium.out");
        Path err = tmp.resolve("chromium.err");
        Process proc = HostTools.processBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            boolean done = proc.waitFor(120, TimeUnit.SECONDS);
            assertThat(done).as("chromium answered within 120 s: " + Files.readString(err)).isTrue();
            assertThat(proc.exitValue()).as("chromium's exit code; its stderr: " + Files.readString(err)).isZero();
            return Files.readString(out, StandardCharsets.UTF_8);
        } finally {
            proc.descendants().forEach(ProcessHandle::destroyForcibly);
            proc.destroyForcibly();
            proc.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
