package org.erofssim.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringReader;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.xml.sax.InputSource;

@DisplayName("ReportWriter")
class ReportWriterTest {
    static final String REC = "recorded 6.18.44-fc-v782";
    static final ConformanceReport REPORT = new ConformanceReport("6.18", List.of("spec", REC, "live 6.18.44"), "6.18.44-fc-v782", "2026-11-24T00:00:00Z",
            List.of(new CaseResult("row06", "fixtures/scenarios/row06.json",
                            List.of(new CaseResult.Check("spec", "6.18", new Verdict.Agrees(), null),
                                    new CaseResult.Check(REC, "6.18", new Verdict.Agrees(), "{}")),
                            "{\"outcome\":\"mounted\"}", 12),
                    new CaseResult("a<b&c", "x.json",
                            List.of(new CaseResult.Check(REC, "6.18",
                                    new Verdict.Diverges(List.of(new Difference("errno", "\"EINVAL\"", "\"ENOTBLK\""))),
                                    "{\"outcome\":\"failed\"}")),
                            "{\"outcome\":\"failed\"}", 7),
                    new CaseResult("fscache", "y.json",
                            List.of(new CaseResult.Check("live 6.18.44", null, new Verdict.Unchecked("ONDEMAND is off"), null)),
                            "{}", 1)));

    @Test
    @DisplayName("a case diverges when any reference does, agrees when one agrees and none diverges")
    void verdicts() {
        assertThat(REPORT.cases()).extracting(c -> c.verdict().word()).containsExactly("agree", "diverge", "unchecked");
        assertThat(((Verdict.Diverges) REPORT.cases().get(1).verdict()).differences().get(0).field())
                .isEqualTo(REC + ": errno");
        assertThat(REPORT.passed()).isFalse();
    }

    @Test
    @DisplayName("JSON: a summary per verdict and per reference, every case with its checks")
    void json() throws Exception {
        JsonNode root = new ObjectMapper().readTree(ReportWriter.json(REPORT));
        assertThat(root.path("summary").path("cases").asInt()).isEqualTo(3);
        assertThat(root.path("summary").path("diverge").asInt()).isEqualTo(1);
        JsonNode check = root.path("cases").get(1).path("checks").get(0);
        assertThat(check.path("reference").asText()).isEqualTo(REC);
        assertThat(check.path("differences").get(0).path("field").asText()).isEqualTo("errno");
        assertThat(check.path("differences").get(0).path("reference").asText()).isEqualTo("\"ENOTBLK\"");
        assertThat(check.path("kernel").path("outcome").asText()).isEqualTo("failed");
        assertThat(root.path("cases").get(2).path("checks").get(0).path("reason").asText()).isEqualTo("ONDEMAND is off");
        assertThat(root.path("cases").get(0).path("model").path("outcome").asText()).isEqualTo("mounted");
    }

    @Test
    @DisplayName("JUnit XML parses, with one failure and one skipped testcase, names escaped")
    void junit() throws Exception {
        Document d = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new InputSource(new StringReader(ReportWriter.junitXml(REPORT))));
        assertThat(d.getElementsByTagName("failure").getLength()).isEqualTo(1);
        assertThat(d.getElementsByTagName("skipped").getLength()).isEqualTo(1);
        boolean escapedNameFound = false;
        for (int i = 0; i < d.getElementsByTagName("testcase").getLength(); i++) {
            escapedNameFound |= ((org.w3c.dom.Element) d.getElementsByTagName("testcase").item(i))
                    .getAttribute("name").contains("a<b&c");
        }
        assertThat(escapedNameFound).isTrue();
    }

    @Test
    @DisplayName("HTML escapes case names and shows each verdict word")
    void html() {
        String h = ReportWriter.html(REPORT);
        assertThat(h).contains("a&lt;b&amp;c").doesNotContain("a<b&c").contains("diverge").contains("agree")
                .contains("ONDEMAND is off");
    }
}
