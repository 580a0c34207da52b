package org.erofssim.report;

import static org.erofssim.report.ReportWriter.esc;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code report.html}: one self-contained page (no script, no external file; links are relative)
 * that a person decides from. From the top:
 * <ol>
 *   <li>a summary that says how many scenarios were checked against what, and how many have no
 *       expectation at all (an unchecked scenario is not counted as agreeing);</li>
 *   <li>{@code <table id="matrix">}: kernel release x reference (rows) by source kind (columns),
 *       each cell the count of scenarios per verdict, coloured by the worst;</li>
 *   <li>the divergences, each with a side-by-side field table (field | model | kernel) as
 *       {@code erofs-sim compare} prints it;</li>
 *   <li>every scenario, one row, with one column per reference (a column per recorded release)
 *       and its model outcome's fields behind a {@code <details>} (expanded on demand);</li>
 *   <li>the findings catalogue ({@code docs/findings/});</li>
 *   <li>benchmark figures with a small SVG bar plot, when given.</li>
 * </ol>
 * The model's full outcomes are in report.json, not here: the page stays small (under 1 MB for
 * the bundled corpus).
 */
public final class ReportPage {
    private ReportPage() {}

    private static final String STYLE = "body{font:14px system-ui,sans-serif;margin:1em 2em;max-width:100em;color:#111}"
            + "h1{font-size:1.4em;margin:.2em 0}h2{font-size:1.15em;margin:1.2em 0 .4em}p{margin:.3em 0}"
            + "table{border-collapse:collapse;margin:.3em 0}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left;vertical-align:top}"
            + "th{background:#f2f2f2}.n{text-align:right}"
            + ".v-agree{background:#c9ecc9}.v-mixed{background:#e6f4d7}.v-diverge{background:#f6b8b8;font-weight:bold}"
            + ".v-unchecked{background:#eee;color:#555}.v-none{color:#aaa}"
            + ".diff{background:#fde2e2}details>summary{cursor:pointer}code,.mono{font-family:ui-monospace,monospace;font-size:12px}"
            // cells and headers wrap (a long release name such as 6.12.107-erofssim-ondemand at its
            // hyphens): nine release columns then fit a 1280-px screen (ReportBrowserTest)
            + "#matrix td{text-align:center;font-size:13px;padding:.2em .35em}#matrix th{font-size:13px;padding:.2em .35em}"
            + ".cases td{font-size:13px}.muted{color:#666}svg text{font:11px system-ui,sans-serif}";

    /** The page for {@code r}, links relative to {@code dir} (where it is written). */
    public static String html(ConformanceReport r, Path dir) {
        StringBuilder b = new StringBuilder(256 * 1024);
        b.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width\"><title>erofs-sim conformance</title>\n<style>")
                .append(STYLE).append("</style></head><body>\n");
        summary(b, r);
        matrix(b, r);
        divergences(b, r, dir);
        cases(b, r, dir);
        findings(b, r, dir);
        bench(b, r, dir);
        return b.append("</body></html>\n").toString();
    }

    private static void summary(StringBuilder b, ConformanceReport r) {
        b.append("<h1>erofs-sim conformance</h1>\n<p class=muted>Model: ").append(esc(r.profile().describe()))
                .append(". Live kernel: ").append(esc(r.kernelRelease() == null ? "not observed" : r.kernelRelease()))
                .append(". ").append(esc(r.createdAt())).append(". Full outcomes: <a href=\"report.json\">report.json</a>, ")
                .append("JUnit: <a href=\"report.xml\">report.xml</a>.</p>\n");
        long n = r.cases().size();
        long diverge = r.count(Verdict.Diverges.class);
        long none = r.count(Verdict.Unchecked.class);
        b.append("<p id=summary><b>").append(n).append(" scenarios: ");
        b.append(diverge == 0 ? "<span class=v-agree>no divergence</span>"
                : "<span class=v-diverge>" + diverge + " diverge</span>");
        b.append("</b>; ").append(n - diverge - none).append(" agree with at least one reference and none disagrees; ")
                .append(none).append(" were checked against nothing.</p>\n<ul>\n");
        for (ReferenceId ref : r.references()) {
            long agree = r.count(ref, Verdict.Agrees.class);
            long div = r.count(ref, Verdict.Diverges.class);
            long unchecked = r.count(ref, Verdict.Unchecked.class);
            b.append("<li><b>").append(esc(ref.label())).append("</b>: ");
            if (ref.kind().equals("spec")) {
                b.append(agree).append(" meet the spec's expectation, ").append(div).append(" fail it, ")
                        .append(unchecked).append(" have no expectation");
            } else {
                long otherCorpus = r.cases().stream().filter(c -> c.check(ref) != null
                        && c.check(ref).verdict() instanceof Verdict.Unchecked u && u.otherCorpus()).count();
                b.append(agree).append(" agree, ").append(div).append(" diverge, ").append(unchecked - otherCorpus)
                        .append(" unchecked").append(reasons(r, ref));
                if (otherCorpus > 0) {
                    b.append("; ").append(otherCorpus).append(" n/a (not in a corpus recorded on this release)");
                }
            }
            b.append("</li>\n");
        }
        b.append("</ul>\n");
    }

    /** The unchecked reasons against {@code ref}, counted: " (1 refused ..., 3 not recorded ...)". */
    private static String reasons(ConformanceReport r, ReferenceId ref) {
        Map<String, Integer> why = new LinkedHashMap<>();
        for (CaseResult c : r.cases()) {
            CaseResult.Check k = c.check(ref);
            if (k != null && k.verdict() instanceof Verdict.Unchecked u && !u.otherCorpus()) {
                why.merge(shortReason(u.reason()), 1, Integer::sum);
            }
        }
        if (why.isEmpty()) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        why.forEach((k, v) -> parts.add(v + " " + k));
        return " (" + esc(String.join(", ", parts)) + ")";
    }

    /** The first words of a reason, up to a colon or parenthesis: what kind of reason it is. */
    private static String shortReason(String reason) {
        int cut = reason.length();
        for (String stop : new String[] {":", " (", ";"}) {
            int i = reason.indexOf(stop);
            if (i > 0) {
                cut = Math.min(cut, i);
            }
        }
        return reason.substring(0, cut);
    }

    /** A matrix row: a reference on one kernel release. */
    private record Row(ReferenceId ref, String release) {}

    private static void matrix(StringBuilder b, ConformanceReport r) {
        Set<String> kinds = new TreeSet<>(Comparator.comparing(ReportPage::kindOrder).thenComparing(k -> k));
        for (CaseResult c : r.cases()) {
            kinds.add(c.sourceKind());
        }
        // rows: each reference; the spec once per model release its scenarios name
        Map<Row, Map<String, int[]>> cells = new LinkedHashMap<>();
        for (ReferenceId ref : r.references()) {
            Set<String> releases = new TreeSet<>(ReportPage::compareReleases);
            for (CaseResult c : r.cases()) {
                if (c.check(ref) != null) {
                    releases.add(ref.release() != null ? ref.release() : c.profile());
                }
            }
            for (String rel : releases) {
                cells.put(new Row(ref, rel), new LinkedHashMap<>());
            }
        }
        for (CaseResult c : r.cases()) {
            for (CaseResult.Check k : c.checks()) {
                Row row = new Row(k.reference(), k.reference().release() != null ? k.reference().release() : c.profile());
                int[] n = cells.computeIfAbsent(row, x -> new LinkedHashMap<>()).computeIfAbsent(c.sourceKind(),
                        x -> new int[4]);
                n[k.verdict() instanceof Verdict.Agrees ? 0 : k.verdict() instanceof Verdict.Diverges ? 1
                        : k.verdict() instanceof Verdict.Unchecked u && u.otherCorpus() ? 3 : 2]++;
            }
        }
        // one column per (kernel release, reference), one row per source kind: kernels grow slower than kinds
        b.append("<h2>Kernel release x source kind x reference</h2>\n<table id=matrix><tr><th rowspan=2>source kind</th>");
        for (Row row : cells.keySet()) {
            b.append("<th>").append(esc(row.release())).append("</th>");
        }
        b.append("</tr>\n<tr>");
        for (Row row : cells.keySet()) {
            b.append("<th>").append(esc(row.ref().kind().equals("spec") ? "spec expectation" : row.ref().kind()))
                    .append("</th>");
        }
        b.append("</tr>\n");
        for (String k : kinds) {
            b.append("<tr><th>").append(esc(k)).append("</th>");
            for (Map.Entry<Row, Map<String, int[]>> e : cells.entrySet()) {
                Row row = e.getKey();
                int[] n = e.getValue().get(k);
                if (n == null) {
                    b.append("<td class=v-none>&middot;</td>");
                    continue;
                }
                if (n[0] + n[1] + n[2] == 0) { // only scenarios of a corpus this release never recorded
                    b.append("<td class=v-none title=\"not in a corpus recorded on this release\">n/a</td>");
                    continue;
                }
                String cls = n[1] > 0 ? "v-diverge" : n[0] > 0 && n[2] > 0 ? "v-mixed" : n[0] > 0 ? "v-agree" : "v-unchecked";
                List<String> parts = new ArrayList<>();
                if (n[1] > 0) {
                    parts.add(n[1] + " diverge");
                }
                if (n[0] > 0) {
                    parts.add(n[0] + " agree");
                }
                if (n[2] > 0) {
                    parts.add(n[2] + (row.ref().kind().equals("spec") ? " no expect" : " unchecked"));
                }
                // the n/a count goes to the tooltip: beside a verdict it is context, and as text it made every
                // such cell two lines high (ten release columns then overflowed a 1280x900 screen)
                b.append("<td class=").append(cls);
                if (n[3] > 0) {
                    b.append(" title=\"").append(n[3]).append(" more n/a: in a corpus not recorded on this release\"");
                }
                b.append(">").append(String.join(" &middot; ", parts)).append("</td>");
            }
            b.append("</tr>\n");
        }
        b.append("</table>\n<p class=muted>A cell counts the scenarios of that source kind (what the scenario gives ")
                .append("mount(2): file/FS a regular file on that filesystem, bdev a block device) by their verdict ")
                .append("against that reference on that kernel release. Green: all agree; light green: some agree, the ")
                .append("others were not checked; grey: none checked; red: a divergence; n/a: scenarios of a corpus ")
                .append("that release never recorded (a cell's tooltip counts those beside its verdicts).</p>\n");
    }

    /** bdev first, then the files, then the rest. */
    private static int kindOrder(String kind) {
        return kind.equals("bdev") ? 0 : kind.startsWith("file") ? 1 : 2;
    }

    /** Releases by their numbers (6.12.0 before 6.13.0-rc4 before 6.18.44), then as text. */
    static int compareReleases(String a, String b) {
        String[] x = a.split("[^0-9]+");
        String[] y = b.split("[^0-9]+");
        for (int i = 0; i < Math.min(x.length, y.length) && i < 3; i++) {
            if (x[i].isEmpty() || y[i].isEmpty()) {
                break;
            }
            int c = Long.compare(Long.parseLong(x[i]), Long.parseLong(y[i]));
            if (c != 0) {
                return c;
            }
        }
        return a.compareTo(b);
    }

    private static void divergences(StringBuilder b, ConformanceReport r, Path dir) {
        b.append("<h2 id=divergences>Divergences</h2>\n");
        boolean any = false;
        for (CaseResult c : r.cases()) {
            for (CaseResult.Check k : c.checks()) {
                if (!(k.verdict() instanceof Verdict.Diverges d)) {
                    continue;
                }
                any = true;
                boolean spec = k.reference().kind().equals("spec");
                b.append("<h3 id=\"d-").append(esc(id(c.name() + "-" + k.reference().safeName()))).append("\">")
                        .append(scenarioLink(r, c, dir)).append(" vs ").append(esc(k.reference().label()))
                        .append(" <span class=muted>(model ").append(esc(k.profile())).append(")</span></h3>\n")
                        .append("<table class=side><tr><th>field</th><th>model</th><th>")
                        .append(spec ? "spec expects" : "kernel").append("</th></tr>\n");
                Set<String> differing = new LinkedHashSet<>();
                for (Difference x : d.differences()) {
                    differing.add(x.field());
                }
                Set<String> shown = new LinkedHashSet<>();
                if (k.referenceOutcomeJson() != null) {
                    Map<String, String> m = Fields.flatten(ReportWriter.value(c.modelOutcomeJson()));
                    Map<String, String> kern = Fields.flatten(ReportWriter.value(k.referenceOutcomeJson()));
                    Set<String> names = new LinkedHashSet<>(m.keySet());
                    names.addAll(kern.keySet());
                    for (String f : names) {
                        boolean diff = differing.contains(f);
                        sideRow(b, f, m.getOrDefault(f, "-"), kern.getOrDefault(f, "-"), diff);
                        shown.add(f);
                    }
                }
                for (Difference x : d.differences()) {
                    if (!shown.contains(x.field())) {
                        sideRow(b, x.field(), x.model(), x.reference(), true);
                    }
                }
                b.append("</table>\n");
            }
        }
        if (!any) {
            b.append("<p>None: the model agrees with every reference it was checked against.</p>\n");
        }
    }

    private static void sideRow(StringBuilder b, String field, String model, String kernel, boolean diff) {
        b.append(diff ? "<tr class=diff>" : "<tr>").append("<td class=mono>").append(esc(field))
                .append("</td><td class=mono>").append(esc(model)).append("</td><td class=mono>").append(esc(kernel))
                .append("</td></tr>\n");
    }

    private static String scenarioLink(ConformanceReport r, CaseResult c, Path dir) {
        return "<a href=\"" + esc(ReportWriter.relative(dir, r.corpus().resolve(c.scenario()))) + "\">" + esc(c.name())
                + "</a>";
    }

    private static String id(String s) {
        return s.replaceAll("[^A-Za-z0-9_-]", "_");
    }

    private static void cases(StringBuilder b, ConformanceReport r, Path dir) {
        b.append("<h2 id=cases>Scenarios</h2>\n<p class=muted>Diverging scenarios first. A cell is the verdict ")
                .append("against that reference (hover for why one is unchecked); open a scenario for the model's ")
                .append("outcome, field by field.</p>\n<table class=cases><tr><th>scenario</th><th>source</th>")
                .append("<th>model</th>");
        for (ReferenceId ref : r.references()) {
            b.append("<th>").append(esc(ref.label())).append("</th>");
        }
        b.append("</tr>\n");
        List<CaseResult> ordered = new ArrayList<>(r.cases());
        ordered.sort(Comparator.comparingInt(c -> c.verdict() instanceof Verdict.Diverges ? 0 : 1));
        for (CaseResult c : ordered) {
            JsonNode model = ReportWriter.value(c.modelOutcomeJson());
            b.append("<tr><td><details><summary>").append(esc(c.name())).append("</summary>")
                    .append(scenarioLink(r, c, dir)).append(" (model ").append(esc(c.profile())).append(")<br>");
            fieldList(b, model);
            b.append("</details></td><td>").append(esc(c.sourceKind())).append("</td><td class=mono>")
                    .append(esc(brief(model))).append("</td>");
            for (ReferenceId ref : r.references()) {
                CaseResult.Check k = c.check(ref);
                if (k == null) {
                    b.append("<td class=v-none>-</td>");
                    continue;
                }
                String w = k.verdict().word();
                String cls = k.verdict() instanceof Verdict.Agrees ? "v-agree"
                        : k.verdict() instanceof Verdict.Diverges ? "v-diverge" : "v-unchecked";
                b.append("<td class=").append(cls);
                if (k.verdict() instanceof Verdict.Unchecked u) {
                    b.append(" title=\"").append(esc(u.reason())).append("\">")
                            .append(ref.kind().equals("spec") ? "no expect" : esc(shortReason(u.reason())));
                } else if (k.verdict() instanceof Verdict.Diverges) {
                    b.append("><a href=\"#d-").append(esc(id(c.name() + "-" + ref.safeName()))).append("\">").append(w)
                            .append("</a>");
                } else {
                    b.append(">").append(w);
                }
                b.append("</td>");
            }
            b.append("</tr>\n");
        }
        b.append("</table>\n");
    }

    /** The outcome's fields, one a line (tree as its entry count, as compare prints them). */
    private static void fieldList(StringBuilder b, JsonNode outcome) {
        b.append("<span class=mono>");
        for (Map.Entry<String, String> e : Fields.flatten(outcome).entrySet()) {
            if (e.getKey().equals("version")) {
                continue;
            }
            b.append(esc(e.getKey())).append(" = ").append(esc(e.getValue())).append("<br>");
        }
        b.append("</span>");
    }

    /** {@code mounted fileio}, {@code failed ENOTBLK}: the model outcome in two words. */
    private static String brief(JsonNode o) {
        String outcome = o.path("outcome").asText("?");
        if (outcome.equals("mounted")) {
            return o.path("mode").asText("mounted");
        }
        return o.path("errno").isTextual() ? o.path("errno").asText() : outcome;
    }

    private static void findings(StringBuilder b, ConformanceReport r, Path dir) {
        b.append("<h2 id=findings>Findings</h2>\n");
        if (r.findings().isEmpty()) {
            b.append("<p>No findings catalogue (docs/findings/) beside this corpus.</p>\n");
            return;
        }
        b.append("<p class=muted>Kernel behaviour that looks like a bug, each with its smallest reproducer.</p>\n<ul>\n");
        for (Finding f : r.findings()) {
            b.append("<li><a href=\"").append(esc(ReportWriter.relative(dir, f.file()))).append("\">")
                    .append(esc(f.title())).append("</a>: ").append(esc(f.summary())).append("</li>\n");
        }
        b.append("</ul>\n");
    }

    private static final int MAX_FIGURES = 60;

    private static void bench(StringBuilder b, ConformanceReport r, Path dir) {
        b.append("<h2 id=bench>Benchmark</h2>\n");
        if (r.bench() == null) {
            b.append("<p>No benchmark figures: run <code>erofs-sim bench</code> and pass its JSON with ")
                    .append("<code>conform --bench FILE</code>.</p>\n");
            return;
        }
        Map<String, Double> figures = new LinkedHashMap<>();
        JsonNode data = r.bench().data();
        boolean named = namedFigures(data, figures);
        if (!named) {
            numbers("", data, figures);
        }
        b.append("<p class=muted>From <a href=\"").append(esc(ReportWriter.relative(dir, r.bench().file()))).append("\">")
                .append(esc(r.bench().file().getFileName().toString())).append("</a>: ")
                .append(named ? "its figures (kind / name, value and unit)" : "every number in it by its JSON path")
                .append(figures.size() > MAX_FIGURES ? " (the first " + MAX_FIGURES + " of " + figures.size() + ")" : "")
                .append(named ? "; bars are scaled within each kind.</p>\n" : "; bars are scaled within each group (same parent path).</p>\n");
        if (figures.isEmpty()) {
            b.append("<p>The file holds no numbers.</p>\n");
            return;
        }
        List<Map.Entry<String, Double>> shown = new ArrayList<>(figures.entrySet()).subList(0, Math.min(MAX_FIGURES,
                figures.size()));
        Map<String, Double> groupMax = new LinkedHashMap<>();
        for (Map.Entry<String, Double> e : shown) {
            groupMax.merge(parent(e.getKey()), Math.abs(e.getValue()), Math::max);
        }
        int rowH = 16;
        int labelW = 330;
        int barW = 260;
        int h = rowH * shown.size() + 4;
        b.append("<svg id=bench-plot xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(labelW + barW + 120)
                .append("\" height=\"").append(h).append("\" role=img aria-label=\"benchmark figures\">\n");
        int y = 2;
        for (Map.Entry<String, Double> e : shown) {
            double max = groupMax.get(parent(e.getKey()));
            int w = max == 0 ? 0 : (int) Math.round(barW * Math.abs(e.getValue()) / max);
            b.append("<text x=\"").append(labelW - 4).append("\" y=\"").append(y + 12).append("\" text-anchor=\"end\">")
                    .append(esc(abbreviate(e.getKey(), 55))).append("</text><rect x=\"").append(labelW).append("\" y=\"")
                    .append(y + 2).append("\" width=\"").append(w).append("\" height=\"").append(rowH - 4)
                    .append("\" fill=\"#5b8dd6\"/><text x=\"").append(labelW + w + 4).append("\" y=\"").append(y + 12)
                    .append("\">").append(esc(number(e.getValue()))).append("</text>\n");
            y += rowH;
        }
        b.append("</svg>\n");
    }

    /**
     * The layout {@code erofs-sim bench --json} writes, {@code "figures": [{"kind", "name", "value",
     * "unit", ...}]}: each figure with a numeric value as {@code kind.name (unit)} (so that
     * {@link #parent} groups by kind); false when {@code data} has no such list.
     */
    private static boolean namedFigures(JsonNode data, Map<String, Double> out) {
        JsonNode list = data.path("figures");
        if (!list.isArray() || list.isEmpty()) {
            return false;
        }
        for (JsonNode f : list) {
            if (!f.path("name").isTextual()) {
                return false;
            }
        }
        for (JsonNode f : list) {
            if (f.path("value").isNumber()) {
                String unit = f.path("unit").isTextual() ? " (" + f.path("unit").asText() + ")" : "";
                String kind = f.path("kind").isTextual() ? f.path("kind").asText() : "figure";
                out.put(kind + "." + f.path("name").asText().replace('.', '_') + unit, f.path("value").asDouble());
            }
        }
        return true;
    }

    /** Every number in {@code n} by its path ({@code results[0].ratio}). */
    private static void numbers(String at, JsonNode n, Map<String, Double> out) {
        if (n.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                numbers(at.isEmpty() ? e.getKey() : at + "." + e.getKey(), e.getValue(), out);
            }
        } else if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                JsonNode x = n.get(i);
                // name an array element by its "name" or "benchmark" field when it has one
                String label = x.path("name").isTextual() ? x.path("name").asText()
                        : x.path("benchmark").isTextual() ? x.path("benchmark").asText() : String.valueOf(i);
                numbers(at + "[" + label + "]", x, out);
            }
        } else if (n.isNumber()) {
            out.put(at, n.asDouble());
        }
    }

    private static String parent(String path) {
        int i = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
        return i < 0 ? "" : path.substring(0, i);
    }

    private static String abbreviate(String s, int max) {
        return s.length() <= max ? s : "..." + s.substring(s.length() - max + 3);
    }

    private static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.valueOf((long) v);
        }
        return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%.1f" : "%.3g", v);
    }
}
