package org.erofssim.report;

import com.fasterxml.jackson.databind.JsonNode;
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
 * case with one entry per reference), {@code report.xml} (JUnit XML, one testcase per scenario
 * and reference, for CI dashboards) and {@code report.html} (one page a person reads: a summary
 * per reference, a table with one column per reference, then each case with its differences and
 * the model's outcome). A kernel outcome (recorded or live) is included where it diverges from
 * the model; where they agree it equals the model's up to kernel-assigned numbers.
 */
public final class ReportWriter {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ReportWriter() {}

    /** Writes the three files into {@code dir} (created if needed) and returns the JSON file. */
    /**
     * Why the report could not be written to {@code dir}, or null when it can: checked before any
     * work (issue 11: a run of minutes must not end in an internal error at the last step). The
     * folder must be a directory or not exist yet under a writable parent; existing report files
     * in it are replaced.
     */
    public static String cannotWrite(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        if (Files.exists(abs) && !Files.isDirectory(abs)) {
            return dir + ": exists and is not a directory";
        }
        Path existing = abs;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null || !Files.isDirectory(existing)) {
            return dir + ": " + existing + " is not a directory";
        }
        if (!Files.isWritable(existing)) {
            return dir + ": " + existing + " is not writable";
        }
        for (String name : new String[] {"report.json", "report.xml", "report.html"}) {
            Path f = abs.resolve(name);
            if (Files.exists(f) && (!Files.isRegularFile(f) || !Files.isWritable(f))) {
                return f + ": exists and cannot be replaced";
            }
        }
        return null;
    }

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
        root.put("version", 2);
        root.put("profile", r.profile());
        root.put("kernel", r.kernelRelease());
        root.put("createdAt", r.createdAt());
        ObjectNode summary = root.putObject("summary");
        summary.put("cases", r.cases().size());
        summary.put("agree", r.count(Verdict.Agrees.class));
        summary.put("diverge", r.count(Verdict.Diverges.class));
        summary.put("unchecked", r.count(Verdict.Unchecked.class));
        ObjectNode per = summary.putObject("byReference");
        for (String ref : r.references()) {
            per.putObject(ref).put("agree", r.count(ref, Verdict.Agrees.class))
                    .put("diverge", r.count(ref, Verdict.Diverges.class))
                    .put("unchecked", r.count(ref, Verdict.Unchecked.class));
        }
        ArrayNode cases = root.putArray("cases");
        for (CaseResult c : r.cases()) {
            ObjectNode o = cases.addObject();
            o.put("name", c.name());
            o.put("scenario", c.scenarioPath());
            o.put("verdict", c.verdict().word());
            o.put("micros", c.micros());
            ArrayNode checks = o.putArray("checks");
            for (CaseResult.Check k : c.checks()) {
                ObjectNode x = checks.addObject();
                x.put("reference", k.reference());
                x.put("profile", k.profile());
                x.put("verdict", k.verdict().word());
                verdictDetails(x, k.verdict());
                if (k.referenceOutcomeJson() != null && k.verdict() instanceof Verdict.Diverges) {
                    x.set("kernel", tree(k.referenceOutcomeJson()));
                }
            }
            o.set("model", tree(c.modelOutcomeJson()));
        }
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void verdictDetails(ObjectNode o, Verdict v) {
        if (v instanceof Verdict.Diverges d) {
            ArrayNode diffs = o.putArray("differences");
            for (Difference x : d.differences()) {
                diffs.addObject().put("field", x.field()).put("model", x.model()).put("reference", x.reference());
            }
        } else if (v instanceof Verdict.Unchecked u) {
            o.put("reason", u.reason());
        }
    }

    private static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            return JSON.getNodeFactory().textNode(json);
        }
    }

    public static String junitXml(ConformanceReport r) {
        StringBuilder body = new StringBuilder();
        int tests = 0;
        int failures = 0;
        int skipped = 0;
        for (CaseResult c : r.cases()) {
            for (CaseResult.Check k : c.checks()) {
                tests++;
                body.append("  <testcase classname=\"conform.").append(xml(k.reference())).append("\" name=\"")
                        .append(xml(c.name())).append("\" time=\"").append(c.micros() / 1e6).append("\"");
                if (k.verdict() instanceof Verdict.Diverges d) {
                    failures++;
                    body.append(">\n    <failure message=\"").append(d.differences().size())
                            .append(" field(s) differ from ").append(xml(k.reference())).append("\">");
                    for (Difference x : d.differences()) {
                        body.append(xml(x.toString())).append('\n');
                    }
                    body.append("</failure>\n  </testcase>\n");
                } else if (k.verdict() instanceof Verdict.Unchecked u) {
                    skipped++;
                    body.append(">\n    <skipped message=\"").append(xml(u.reason())).append("\"/>\n  </testcase>\n");
                } else {
                    body.append("/>\n");
                }
            }
        }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"erofs-sim conform " + xml(r.profile())
                + "\" tests=\"" + tests + "\" failures=\"" + failures + "\" skipped=\"" + skipped + "\">\n" + body
                + "</testsuite>\n";
    }

    public static String html(ConformanceReport r) {
        StringBuilder b = new StringBuilder();
        b.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>erofs-sim conformance</title>\n")
                .append("<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:90em}")
                .append("table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}")
                .append(".agree{color:#176317}.diverge{color:#a31515;font-weight:bold}.unchecked{color:#8a6d00}")
                .append("pre{background:#f6f6f6;padding:.5em;white-space:pre-wrap;max-height:30em;overflow:auto}</style></head><body>\n");
        b.append("<h1>erofs-sim conformance</h1>\n<p>Model profile <b>").append(esc(r.profile()))
                .append("</b>; live kernel ").append(esc(r.kernelRelease() == null ? "not observed" : r.kernelRelease()))
                .append("; ").append(esc(r.createdAt())).append(".</p>\n");
        b.append("<p>").append(r.cases().size()).append(" cases: <span class=agree>")
                .append(r.count(Verdict.Agrees.class)).append(" agree</span>, <span class=diverge>")
                .append(r.count(Verdict.Diverges.class)).append(" diverge</span>, <span class=unchecked>")
                .append(r.count(Verdict.Unchecked.class)).append(" unchecked</span>.</p>\n<ul>\n");
        for (String ref : r.references()) {
            b.append("<li>").append(esc(ref)).append(": <span class=agree>").append(r.count(ref, Verdict.Agrees.class))
                    .append(" agree</span>, <span class=diverge>").append(r.count(ref, Verdict.Diverges.class))
                    .append(" diverge</span>, <span class=unchecked>").append(r.count(ref, Verdict.Unchecked.class))
                    .append(" unchecked</span></li>\n");
        }
        b.append("</ul>\n<table><tr><th>case</th>");
        for (String ref : r.references()) {
            b.append("<th>").append(esc(ref)).append("</th>");
        }
        b.append("<th>what differs / why unchecked</th></tr>\n");
        for (CaseResult c : r.cases()) {
            b.append("<tr><td><a href=\"#").append(esc(c.name())).append("\">").append(esc(c.name())).append("</a></td>");
            for (String ref : r.references()) {
                CaseResult.Check k = c.check(ref);
                String w = k == null ? "" : k.verdict().word();
                b.append("<td class=").append(w.isEmpty() ? "none" : w).append(">").append(w.isEmpty() ? "-" : w)
                        .append("</td>");
            }
            b.append("<td>");
            for (CaseResult.Check k : c.checks()) {
                if (k.verdict() instanceof Verdict.Diverges d) {
                    for (Difference x : d.differences()) {
                        b.append(esc(k.reference() + ": " + x)).append("<br>");
                    }
                } else if (k.verdict() instanceof Verdict.Unchecked u) {
                    b.append("<span class=unchecked>").append(esc(k.reference() + ": " + u.reason())).append("</span><br>");
                }
            }
            b.append("</td></tr>\n");
        }
        b.append("</table>\n");
        for (CaseResult c : r.cases()) {
            b.append("<h2 id=\"").append(esc(c.name())).append("\">").append(esc(c.name())).append(" <span class=")
                    .append(c.verdict().word()).append(">").append(c.verdict().word()).append("</span></h2>\n<p>")
                    .append(esc(c.scenarioPath())).append("</p>\n<p>model (scenario profile):</p><pre>")
                    .append(esc(c.modelOutcomeJson())).append("</pre>\n");
            for (CaseResult.Check k : c.checks()) {
                if (k.referenceOutcomeJson() != null && k.verdict() instanceof Verdict.Diverges) {
                    b.append("<p>").append(esc(k.reference())).append(" (model profile ").append(esc(k.profile()))
                            .append("): <span class=").append(k.verdict().word()).append(">").append(k.verdict().word())
                            .append("</span></p><pre>").append(esc(k.referenceOutcomeJson())).append("</pre>\n");
                }
            }
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
