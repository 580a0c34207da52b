package org.erofssim.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.xml.sax.InputSource;

@DisplayName("ReportWriter")
class ReportWriterTest {
    static final ConformanceReport REPORT = new ConformanceReport("6.18", "6.18.44-fc-v782", "2026-11-24T00:00:00Z",
            List.of(new CaseResult("row06", "fixtures/scenarios/row06.json", "live 6.18.44", "{\"outcome\":\"mounted\"}",
                            new Verdict.Agrees(), 12),
                    new CaseResult("a<b&c", "x.json", "recorded 6.18.44", "{\"outcome\":\"failed\"}",
                            new Verdict.Diverges(List.of(new Difference("errno", "\"EINVAL\"", "\"ENOTBLK\""))), 7),
                    new CaseResult("fscache", "y.json", "live 6.18.44", "{}", new Verdict.Unchecked("ONDEMAND is off"), 1)));

    @Test
    @DisplayName("JSON: a summary that counts each verdict and every case with its differences or reason")
    void json() throws Exception {
        JsonNode root = new ObjectMapper().readTree(ReportWriter.json(REPORT));
        assertThat(root.path("summary").path("cases").asInt()).isEqualTo(3);
        assertThat(root.path("summary").path("diverge").asInt()).isEqualTo(1);
        assertThat(root.path("cases").get(1).path("differences").get(0).path("field").asText()).isEqualTo("errno");
        assertThat(root.path("cases").get(1).path("differences").get(0).path("reference").asText()).isEqualTo("\"ENOTBLK\"");
        assertThat(root.path("cases").get(2).path("reason").asText()).isEqualTo("ONDEMAND is off");
        assertThat(root.path("cases").get(0).path("model").path("outcome").asText()).isEqualTo("mounted");
    }

    @Test
    @DisplayName("JUnit XML parses, with one failure and one skipped testcase, names escaped")
    void junit() throws Exception {
        Document d = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new InputSource(new StringReader(ReportWriter.junitXml(REPORT))));
        assertThat(d.getElementsByTagName("testcase").getLength()).isEqualTo(3);
        assertThat(d.getElementsByTagName("failure").getLength()).isEqualTo(1);
        assertThat(d.getElementsByTagName("skipped").getLength()).isEqualTo(1);
        assertThat(d.getDocumentElement().getAttribute("failures")).isEqualTo("1");
        assertThat(((org.w3c.dom.Element) d.getElementsByTagName("testcase").item(1)).getAttribute("name")).isEqualTo("a<b&c");
    }

    @Test
    @DisplayName("HTML escapes case names and shows each verdict word")
    void html() {
        String h = ReportWriter.html(REPORT);
        assertThat(h).contains("a&lt;b&amp;c").doesNotContain("a<b&c").contains(">diverge<").contains(">agree<")
                .contains("ONDEMAND is off");
        assertThat(REPORT.passed()).isFalse();
    }
}
