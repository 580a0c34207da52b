package org.erofssim.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a conformance report three ways: {@code report.json} (machine-readable, one object per
 * case), {@code report.xml} (JUnit XML, one testcase per scenario, for CI dashboards) and
 * {@code report.html} (one page a person reads: a summary, then each case with its differences).
 */
public final class ReportWriter {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ReportWriter() {}

    /** Writes the three files into {@code dir} (created if needed) and returns the JSON file. */
    public static Path writeAll(ConformanceReport report, Path dir) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("report.json"), json(report), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("report.xml"), junitXml(report), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("report.html"), html(report), StandardCharsets.UTF_8);
            return dir.resolve("report.json");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String json(ConformanceReport r) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", 1);
        root.put("profile", r.profile());
        root.put("kernel", r.kernelRelease());
        root.put("createdAt", r.createdAt());
        ObjectNode summary = root.putObject("summary");
        summary.put("cases", r.cases().size());
        summary.put("agree", r.count(Verdict.Agrees.class));
        summary.put("diverge", r.count(Verdict.Diverges.class));
        summary.put("unchecked", r.count(Verdict.Unchecked.class));
        ArrayNode cases = root.putArray("cases");
        for (CaseResult c : r.cases()) {
            ObjectNode o = cases.addObject();
            o.put("name", c.name());
            o.put("scenario", c.scenarioPath());
            o.put("reference", c.reference());
            o.put("verdict", c.verdict().word());
            o.put("micros", c.micros());
            if (c.verdict() instanceof Verdict.Diverges d) {
                ArrayNode diffs = o.putArray("differences");
                for (Difference x : d.differences()) {
                    diffs.addObject().put("field", x.field()).put("model", x.model()).put("reference", x.reference());
                }
            } else if (c.verdict() instanceof Verdict.Unchecked u) {
                o.put("reason", u.reason());
            }
            try {
                o.set("model", JSON.readTree(c.modelOutcomeJson()));
            } catch (IOException e) {
                o.put("model", c.modelOutcomeJson());
            }
        }
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String junitXml(ConformanceReport r) {
        StringBuilder b = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        b.append("<testsuite name=\"erofs-sim conform ").append(xml(r.profile())).append("\" tests=\"")
                .append(r.cases().size()).append("\" failures=\"").append(r.count(Verdict.Diverges.class))
                .append("\" skipped=\"").append(r.count(Verdict.Unchecked.class)).append("\">\n");
        for (CaseResult c : r.cases()) {
            b.append("  <testcase classname=\"conform.").append(xml(r.profile())).append("\" name=\"")
                    .append(xml(c.name())).append("\" time=\"").append(c.micros() / 1e6).append("\"");
            if (c.verdict() instanceof Verdict.Diverges d) {
                b.append(">\n    <failure message=\"").append(d.differences().size()).append(" field(s) differ from ")
                        .append(xml(c.reference())).append("\">");
                for (Difference x : d.differences()) {
                    b.append(xml(x.toString())).append('\n');
                }
                b.append("</failure>\n  </testcase>\n");
            } else if (c.verdict() instanceof Verdict.Unchecked u) {
                b.append(">\n    <skipped message=\"").append(xml(u.reason())).append("\"/>\n  </testcase>\n");
            } else {
                b.append("/>\n");
            }
        }
        return b.append("</testsuite>\n").toString();
    }

    public static String html(ConformanceReport r) {
        StringBuilder b = new StringBuilder();
        b.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>erofs-sim conformance</title>\n")
                .append("<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:70em}")
                .append("table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}")
                .append(".agree{color:#176317}.diverge{color:#a31515;font-weight:bold}.unchecked{color:#8a6d00}")
                .append("pre{background:#f6f6f6;padding:.5em;white-space:pre-wrap}</style></head><body>\n");
        b.append("<h1>erofs-sim conformance</h1>\n<p>Model profile <b>").append(esc(r.profile()))
                .append("</b>; kernel ").append(esc(r.kernelRelease() == null ? "not observed" : r.kernelRelease()))
                .append("; ").append(esc(r.createdAt())).append(".</p>\n");
        b.append("<p>").append(r.cases().size()).append(" cases: <span class=agree>")
                .append(r.count(Verdict.Agrees.class)).append(" agree</span>, <span class=diverge>")
                .append(r.count(Verdict.Diverges.class)).append(" diverge</span>, <span class=unchecked>")
                .append(r.count(Verdict.Unchecked.class)).append(" unchecked</span>.</p>\n");
        b.append("<table><tr><th>case</th><th>checked against</th><th>verdict</th><th>what differs</th></tr>\n");
        for (CaseResult c : r.cases()) {
            b.append("<tr><td><a href=\"#").append(esc(c.name())).append("\">").append(esc(c.name()))
                    .append("</a></td><td>").append(esc(c.reference())).append("</td><td class=")
                    .append(c.verdict().word()).append(">").append(c.verdict().word()).append("</td><td>");
            if (c.verdict() instanceof Verdict.Diverges d) {
                for (Difference x : d.differences()) {
                    b.append(esc(x.toString())).append("<br>");
                }
            } else if (c.verdict() instanceof Verdict.Unchecked u) {
                b.append(esc(u.reason()));
            }
            b.append("</td></tr>\n");
        }
        b.append("</table>\n");
        for (CaseResult c : r.cases()) {
            b.append("<h2 id=\"").append(esc(c.name())).append("\">").append(esc(c.name())).append("</h2>\n<p>")
                    .append(esc(c.scenarioPath())).append("</p>\n<pre>").append(esc(c.modelOutcomeJson()))
                    .append("</pre>\n");
        }
        return b.append("</body></html>\n").toString();
    }

    private static String esc(String s) {
        if (s == null) {
            return "";
        }
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String xml(String s) {
        return esc(s).replace("'", "&apos;");
    }
}
