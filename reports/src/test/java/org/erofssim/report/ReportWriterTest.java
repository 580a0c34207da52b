package org.erofssim.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

@DisplayName("ReportWriter")
class ReportWriterTest {
    static final ReferenceId SPEC = ReferenceId.spec();
    static final ReferenceId REC = new ReferenceId("recorded", "6.18.44-fc-v782");
    static final ReferenceId LIVE = new ReferenceId("live", "6.18.44");
    static final Path CHECKOUT = Path.of("/checkout");
    static final Path DIR = CHECKOUT.resolve("report");
    static final ConformanceReport REPORT = new ConformanceReport(ModelProfile.perScenario("6.18.44"),
            List.of(SPEC, REC, LIVE), "6.18.44-fc-v782", "2026-11-24T00:00:00Z", CHECKOUT.resolve("fixtures/scenarios"),
            List.of(new CaseResult("row06", "row06.json", "file/ext4", "6.18.44",
                            List.of(new CaseResult.Check(SPEC, "6.18.44", new Verdict.Agrees(), null),
                                    new CaseResult.Check(REC, "6.18.44", new Verdict.Agrees(), "{}")),
                            "{\"outcome\":\"mounted\",\"errno\":null,\"mode\":\"fileio\",\"log\":[]}", 12),
                    new CaseResult("a<b&c", "sub/x.json", "bdev", "6.12.0",
                            List.of(new CaseResult.Check(REC, "6.18.44",
                                    new Verdict.Diverges(List.of(new Difference("errno", "\"EINVAL\"", "\"ENOTBLK\""),
                                            new Difference("devices", "[{\"id\":1}]", Difference.ABSENT),
                                            new Difference("metadataCache.blocks", "reads pages [3]", "not resident"))),
                                    "{\"outcome\":\"failed\",\"errno\":\"ENOTBLK\",\"mode\":null,\"log\":[]}")),
                            "{\"outcome\":\"failed\",\"errno\":\"EINVAL\",\"mode\":null,\"log\":[],\"devices\":[{\"id\":1}]}", 84),
                    new CaseResult("fscache", "y.json", "fscache", "6.18.44",
                            List.of(new CaseResult.Check(LIVE, null, new Verdict.Unchecked("ONDEMAND is off"), null)),
                            "{\"outcome\":\"failed\",\"errno\":\"EOPNOTSUPP\",\"mode\":null,\"log\":[]}", 1_234_567)),
            List.of(new Finding("Long prefixes", "one byte breaks it", CHECKOUT.resolve("docs/findings/x.md"))), null);

    @Test
    @DisplayName("a case diverges when any reference does, agrees when one agrees and none diverges")
    void verdicts() {
        assertThat(REPORT.cases()).extracting(c -> c.verdict().word()).containsExactly("agree", "diverge", "unchecked");
        assertThat(((Verdict.Diverges) REPORT.cases().get(1).verdict()).differences().get(0).field())
                .isEqualTo("recorded 6.18.44-fc-v782: errno");
        assertThat(REPORT.passed()).isFalse();
    }

    @Test
    @DisplayName("JSON: structured references and profile, differences as JSON values, paths relative to the report")
    void json() throws Exception {
        JsonNode root = new ObjectMapper().readTree(ReportWriter.json(REPORT, DIR));
        assertThat(root.path("version").asInt()).isEqualTo(ReportWriter.JSON_VERSION);
        assertThat(root.path("profile").path("perScenario").asBoolean()).isTrue();
        assertThat(root.path("profile").path("release").asText()).isEqualTo("6.18.44");
        assertThat(root.path("corpus").asText()).isEqualTo("../fixtures/scenarios");
        assertThat(root.path("references").get(1).toString()).isEqualTo("{\"kind\":\"recorded\",\"release\":\"6.18.44-fc-v782\"}");
        assertThat(root.path("references").get(0).toString()).isEqualTo("{\"kind\":\"spec\"}");
        assertThat(root.path("summary").path("cases").asInt()).isEqualTo(3);
        assertThat(root.path("summary").path("diverge").asInt()).isEqualTo(1);
        assertThat(root.path("summary").path("byReference").get(1).path("reference").path("release").asText())
                .isEqualTo("6.18.44-fc-v782");
        JsonNode c1 = root.path("cases").get(1);
        assertThat(c1.path("scenario").asText()).isEqualTo("sub/x.json");
        assertThat(c1.path("source").asText()).isEqualTo("bdev");
        JsonNode check = c1.path("checks").get(0);
        assertThat(check.path("reference").path("kind").asText()).isEqualTo("recorded");
        JsonNode errno = check.path("differences").get(0);
        assertThat(errno.path("field").asText()).isEqualTo("errno");
        assertThat(errno.path("reference").isTextual()).isTrue();
        assertThat(errno.path("reference").asText()).isEqualTo("ENOTBLK");
        JsonNode devices = check.path("differences").get(1);
        assertThat(devices.path("model").isArray()).as("a JSON value, not JSON in a string").isTrue();
        assertThat(devices.path("model").get(0).path("id").asInt()).isEqualTo(1);
        assertThat(devices.has("reference")).as("an absent side is left out").isFalse();
        assertThat(check.path("differences").get(2).path("model").asText()).isEqualTo("reads pages [3]");
        assertThat(check.path("kernel").path("errno").asText()).isEqualTo("ENOTBLK");
        assertThat(root.path("cases").get(2).path("checks").get(0).path("reason").asText()).isEqualTo("ONDEMAND is off");
        assertThat(root.path("cases").get(0).path("model").path("outcome").asText()).isEqualTo("mounted");
    }

    @Test
    @DisplayName("JUnit XML: one suite per reference with the release in properties, decimal times, safe class names")
    void junit() throws Exception {
        Document d = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new InputSource(new StringReader(ReportWriter.junitXml(REPORT))));
        assertThat(d.getDocumentElement().getTagName()).isEqualTo("testsuites");
        assertThat(d.getElementsByTagName("failure").getLength()).isEqualTo(1);
        assertThat(d.getElementsByTagName("skipped").getLength()).isEqualTo(1);
        NodeList cases = d.getElementsByTagName("testcase");
        boolean escapedNameFound = false;
        for (int i = 0; i < cases.getLength(); i++) {
            Element e = (Element) cases.item(i);
            escapedNameFound |= e.getAttribute("name").equals("a<b&c");
            assertThat(e.getAttribute("time")).matches("\\d+\\.\\d{6}");
            assertThat(e.getAttribute("classname")).matches("conform\\.[A-Za-z0-9_-]+");
        }
        assertThat(escapedNameFound).isTrue();
        assertThat(((Element) cases.item(2)).getAttribute("time")).isEqualTo("0.000084");
        assertThat(((Element) cases.item(2)).getAttribute("classname")).isEqualTo("conform.recorded_6_18_44-fc-v782");
        assertThat(((Element) cases.item(3)).getAttribute("time")).isEqualTo("1.234567");
        NodeList suites = d.getElementsByTagName("testsuite");
        assertThat(suites.getLength()).isEqualTo(3);
        Map<String, String> props = new java.util.HashMap<>();
        NodeList p = ((Element) suites.item(1)).getElementsByTagName("property");
        for (int i = 0; i < p.getLength(); i++) {
            props.put(((Element) p.item(i)).getAttribute("name"), ((Element) p.item(i)).getAttribute("value"));
        }
        assertThat(props).containsEntry("kernel.release", "6.18.44-fc-v782").containsEntry("reference.kind", "recorded")
                .containsEntry("model.profile", "6.18.44");
        assertThat(((Element) suites.item(1)).getAttribute("tests")).isEqualTo("2");
        assertThat(((Element) suites.item(1)).getAttribute("failures")).isEqualTo("1");
    }

    @Test
    @DisplayName("HTML: summary, matrix, divergences side by side, escaped names, relative links")
    void html() {
        String h = ReportPage.html(REPORT, DIR);
        assertThat(h).contains("a&lt;b&amp;c").doesNotContain("a<b&c").contains("<table id=matrix>")
                .contains("ONDEMAND is off").contains("href=\"../fixtures/scenarios/sub/x.json\"")
                .contains("href=\"../docs/findings/x.md\"").doesNotContain("/checkout").doesNotContain("<script");
        // the summary counts the unchecked case as checked against nothing, not as agreeing
        assertThat(h).contains("3 scenarios: ").contains("1 diverge").contains("1 were checked against nothing");
        // the divergence's side-by-side table: the differing field marked, model and kernel values
        assertThat(h).contains("<tr class=diff><td class=mono>errno</td><td class=mono>EINVAL</td><td class=mono>ENOTBLK</td>");
        // the diverging case is listed first among the scenarios
        int cases = h.indexOf("id=cases");
        assertThat(h.indexOf("a&lt;b&amp;c</summary>", cases)).isLessThan(h.indexOf("row06</summary>", cases));
        // a matrix row per model release the spec checked (6.18.44 only here) and per kernel reference
        assertThat(h).contains("<table id=matrix><tr><th rowspan=2>source kind</th><th>6.18.44</th><th>6.18.44-fc-v782</th>"
                + "<th>6.18.44</th></tr>\n<tr><th>spec expectation</th><th>recorded</th><th>live</th></tr>");
        assertThat(h).contains("<tr><th>bdev</th><td class=v-none>&middot;</td><td class=v-diverge>1 diverge</td>");
        assertThat(h).contains("No benchmark figures");
    }

    @Test
    @DisplayName("HTML: bench figures as an SVG bar per number, named by path")
    void bench() throws Exception {
        JsonNode data = new ObjectMapper().readTree(
                "{\"machine\":\"x\",\"results\":[{\"name\":\"mount\",\"ratio\":1300},{\"name\":\"verify\",\"ratio\":1.3}]}");
        ConformanceReport r = new ConformanceReport(REPORT.profile(), REPORT.references(), null, "t", REPORT.corpus(),
                REPORT.cases(), List.of(), new Bench(CHECKOUT.resolve("bench.json"), data));
        String h = ReportPage.html(r, DIR);
        assertThat(h).contains("<svg id=bench-plot").contains("results[mount].ratio").contains(">1300<")
                .contains("results[verify].ratio").contains(">1.30<").contains("href=\"../bench.json\"");
    }

    @Test
    @DisplayName("HTML: bench --json's figures list as one bar per figure, scaled within its kind")
    void benchFigures() throws Exception {
        JsonNode data = new ObjectMapper().readTree("{\"version\":1,\"machine\":{\"cpus\":2},\"figures\":["
                + "{\"kind\":\"ratio\",\"name\":\"mount kernel/model\",\"value\":1300,\"unit\":\"x\"},"
                + "{\"kind\":\"ratio\",\"name\":\"verify\",\"value\":650,\"unit\":\"x\"},"
                + "{\"kind\":\"rate\",\"name\":\"predict\",\"value\":null,\"unit\":\"ops/s\"}]}");
        ConformanceReport r = new ConformanceReport(REPORT.profile(), REPORT.references(), null, "t", REPORT.corpus(),
                REPORT.cases(), List.of(), new Bench(CHECKOUT.resolve("bench.json"), data));
        String h = ReportPage.html(r, DIR);
        assertThat(h).contains("ratio.mount kernel/model (x)").contains("ratio.verify (x)").doesNotContain("cpus")
                .doesNotContain("predict");
        // the larger ratio gets the whole bar (260 px), the other half of it
        assertThat(h).contains("width=\"260\"").contains("width=\"130\"");
    }

    @Test
    @DisplayName("releases sort by their numbers")
    void releaseOrder() {
        assertThat(List.of("7.2.13", "6.18.44", "6.1.0-57", "6.13.0-rc4", "6.12.0").stream()
                .sorted(ReportPage::compareReleases).toList())
                .containsExactly("6.1.0-57", "6.12.0", "6.13.0-rc4", "6.18.44", "7.2.13");
    }

    @Test
    @DisplayName("fields: an empty list stays apart from null, the tree is counted, notes are left out")
    void fields() throws Exception {
        Map<String, String> f = Fields.flatten(new ObjectMapper().readTree(
                "{\"devices\":[],\"statfs\":null,\"log\":[\"a\",\"b\"],\"tree\":[{},{}],\"notes\":[\"x\"],\"xattrs\":{}}"));
        assertThat(f).containsExactly(Map.entry("devices", "[]"), Map.entry("statfs", "null"), Map.entry("log[0]", "a"),
                Map.entry("log[1]", "b"), Map.entry("tree", "2 entries"), Map.entry("xattrs", "{}"));
    }
}
