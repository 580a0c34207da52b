package org.erofssim.report;

import com.fasterxml.jackson.databind.DeserializationFeature;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a conformance report three ways: {@code report.json} (machine-readable, one object per
 * case with one entry per reference; its layout is published as a JSON Schema,
 * {@code docs/spec/report.schema.json}), {@code report.xml} (JUnit XML, one test suite per
 * reference and one test case per scenario, for CI dashboards) and {@code report.html} (the page
 * a person decides from, {@link ReportPage}). Paths in all three are relative to the folder the
 * report is written to, so the folder can travel as a CI artifact beside the checkout.
 */
public final class ReportWriter {
    /** The version of report.json's layout ({@code "version"}); the schema's {@code const}. */
    public static final int JSON_VERSION = 3;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private ReportWriter() {}

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

    /** Writes the three files into {@code dir} (created if needed) and returns the JSON file. */
    public static Path writeAll(ConformanceReport report, Path dir) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("report.json"), json(report, dir), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("report.xml"), junitXml(report), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("report.html"), ReportPage.html(report, dir), StandardCharsets.UTF_8);
            return dir.resolve("report.json");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code target} as a relative link from the folder {@code dir} ({@code /}-separated). */
    static String relative(Path dir, Path target) {
        Path from = dir.toAbsolutePath().normalize();
        Path to = target.toAbsolutePath().normalize();
        String rel = from.relativize(to).toString().replace('\\', '/');
        return rel.isEmpty() ? "." : rel;
    }

    /** The JSON report, paths relative to {@code dir} (where it is written). */
    public static String json(ConformanceReport r, Path dir) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", JSON_VERSION);
        ObjectNode profile = root.putObject("profile");
        profile.put("perScenario", r.profile().perScenario());
        profile.put("release", r.profile().release());
        ObjectNode config = profile.putObject("config");
        new TreeMap<>(r.profile().config()).forEach(config::put);
        root.put("liveKernel", r.kernelRelease());
        root.put("createdAt", r.createdAt());
        root.put("corpus", relative(dir, r.corpus()));
        ArrayNode refs = root.putArray("references");
        r.references().forEach(ref -> refs.add(reference(ref)));
        ObjectNode summary = root.putObject("summary");
        summary.put("cases", r.cases().size());
        summary.put("agree", r.count(Verdict.Agrees.class));
        summary.put("diverge", r.count(Verdict.Diverges.class));
        summary.put("unchecked", r.count(Verdict.Unchecked.class));
        ArrayNode per = summary.putArray("byReference");
        for (ReferenceId ref : r.references()) {
            ObjectNode o = per.addObject();
            o.set("reference", reference(ref));
            long na = r.cases().stream().filter(c -> c.check(ref) != null
                    && c.check(ref).verdict() instanceof Verdict.Unchecked u && u.otherCorpus()).count();
            o.put("agree", r.count(ref, Verdict.Agrees.class))
                    .put("diverge", r.count(ref, Verdict.Diverges.class))
                    .put("unchecked", r.count(ref, Verdict.Unchecked.class) - na);
            if (na > 0) {
                o.put("notApplicable", na);
            }
        }
        ArrayNode cases = root.putArray("cases");
        for (CaseResult c : r.cases()) {
            ObjectNode o = cases.addObject();
            o.put("name", c.name());
            o.put("scenario", c.scenario());
            o.put("source", c.sourceKind());
            o.put("profile", c.profile());
            o.put("verdict", c.verdict().word());
            o.put("micros", c.micros());
            ArrayNode checks = o.putArray("checks");
            for (CaseResult.Check k : c.checks()) {
                ObjectNode x = checks.addObject();
                x.set("reference", reference(k.reference()));
                x.put("profile", k.profile());
                x.put("verdict", k.verdict().word());
                if (k.verdict() instanceof Verdict.Diverges d) {
                    ArrayNode diffs = x.putArray("differences");
                    for (Difference f : d.differences()) {
                        ObjectNode y = diffs.addObject().put("field", f.field());
                        putValue(y, "model", f.model());
                        putValue(y, "reference", f.reference());
                    }
                    if (k.referenceOutcomeJson() != null) {
                        x.set("kernel", value(k.referenceOutcomeJson()));
                    }
                } else if (k.verdict() instanceof Verdict.Unchecked u) {
                    x.put("reason", u.reason());
                }
            }
            o.set("model", value(c.modelOutcomeJson()));
        }
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code {"kind": ..., "release": ...}}, the release left out for the spec. */
    static ObjectNode reference(ReferenceId ref) {
        ObjectNode o = JSON.createObjectNode().put("kind", ref.kind());
        if (ref.release() != null) {
            o.put("release", ref.release());
        }
        return o;
    }

    /**
     * A difference's side as a JSON value: the comparators give JSON text, or {@code <absent>}
     * where the side has no such field (then the key is left out), or a few words where a
     * field is summarised (then a JSON string).
     */
    private static void putValue(ObjectNode o, String key, String text) {
        if (text == null || text.equals(Difference.ABSENT)) {
            return;
        }
        o.set(key, value(text));
    }

    /** JSON text as a tree; anything that is not one JSON value is kept as a string. */
    static JsonNode value(String text) {
        try {
            JsonNode n = JSON.readTree(text);
            return n == null || n.isMissingNode() ? JSON.getNodeFactory().textNode(text) : n;
        } catch (IOException e) {
            return JSON.getNodeFactory().textNode(text);
        }
    }

    /**
     * JUnit XML as CI dashboards read it: {@code <testsuites>} with one {@code <testsuite>} per
     * reference (its kind, kernel release and model profile in {@code <properties>}), one
     * {@code <testcase>} per scenario with {@code classname} {@code conform.<reference>} made of
     * letters, digits, {@code _} and {@code -} ({@link ReferenceId#safeName()}) and {@code time}
     * in decimal seconds; a divergence is a {@code <failure>}, an unchecked reference a
     * {@code <skipped>} with the reason.
     */
    public static String junitXml(ConformanceReport r) {
        StringBuilder suites = new StringBuilder();
        int allTests = 0;
        int allFailures = 0;
        int allSkipped = 0;
        long allMicros = 0;
        for (ReferenceId ref : r.references()) {
            StringBuilder body = new StringBuilder();
            int tests = 0;
            int failures = 0;
            int skipped = 0;
            long micros = 0;
            Map<String, Integer> profiles = new LinkedHashMap<>();
            String classname = "conform." + ref.safeName();
            for (CaseResult c : r.cases()) {
                CaseResult.Check k = c.check(ref);
                if (k == null) {
                    continue;
                }
                tests++;
                micros += c.micros();
                if (k.profile() != null) {
                    profiles.merge(k.profile(), 1, Integer::sum);
                }
                body.append("    <testcase classname=\"").append(xml(classname)).append("\" name=\"")
                        .append(xml(c.name())).append("\" time=\"").append(seconds(c.micros())).append("\"");
                if (k.verdict() instanceof Verdict.Diverges d) {
                    failures++;
                    body.append(">\n      <failure message=\"").append(d.differences().size())
                            .append(" field(s) differ from ").append(xml(ref.label())).append("\" type=\"divergence\">");
                    for (Difference x : d.differences()) {
                        body.append(xml(x.toString())).append('\n');
                    }
                    body.append("</failure>\n    </testcase>\n");
                } else if (k.verdict() instanceof Verdict.Unchecked u) {
                    skipped++;
                    body.append(">\n      <skipped message=\"").append(xml(u.reason())).append("\"/>\n    </testcase>\n");
                } else {
                    body.append("/>\n");
                }
            }
            allTests += tests;
            allFailures += failures;
            allSkipped += skipped;
            allMicros += micros;
            suites.append("  <testsuite name=\"").append(xml(classname)).append("\" tests=\"").append(tests)
                    .append("\" failures=\"").append(failures).append("\" errors=\"0\" skipped=\"").append(skipped)
                    .append("\" time=\"").append(seconds(micros)).append("\">\n    <properties>\n");
            property(suites, "reference.kind", ref.kind());
            if (ref.release() != null) {
                property(suites, "kernel.release", ref.release());
            }
            if (!profiles.isEmpty()) {
                property(suites, "model.profile", String.join(",", profiles.keySet()));
            }
            property(suites, "model.profileChoice", r.profile().describe());
            if (r.kernelRelease() != null) {
                property(suites, "live.kernel.release", r.kernelRelease());
            }
            suites.append("    </properties>\n").append(body).append("  </testsuite>\n");
        }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"erofs-sim conform\" tests=\"" + allTests
                + "\" failures=\"" + allFailures + "\" errors=\"0\" skipped=\"" + allSkipped + "\" time=\""
                + seconds(allMicros) + "\">\n" + suites + "</testsuites>\n";
    }

    private static void property(StringBuilder b, String name, String value) {
        b.append("      <property name=\"").append(xml(name)).append("\" value=\"").append(xml(value)).append("\"/>\n");
    }

    /** Microseconds as decimal seconds, six places, never in exponent form ({@code 0.000084}). */
    static String seconds(long micros) {
        return String.format(Locale.ROOT, "%d.%06d", micros / 1_000_000, micros % 1_000_000);
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String xml(String s) {
        StringBuilder b = new StringBuilder();
        for (char ch : esc(s).replace("'", "&apos;").toCharArray()) {
            // XML 1.0 has no control characters but tab, newline and carriage return
            b.append(ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r' ? '?' : ch);
        }
        return b.toString();
    }

    /** The references' labels, for messages. */
    static List<String> labels(List<ReferenceId> refs) {
        return refs.stream().map(ReferenceId::label).toList();
    }
}
