package org.erofssim.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The figures of one {@code erofs-sim bench} run as JSON, as a Markdown table and as a small SVG plot. The JSON shape
 * (version 1) is documented in {@code docs/spec/harness-contract.md}, "bench":
 * <pre>
 * {"version": 1, "quick": bool, "command": "...", "started": ISO-8601, "seconds": wall time of the run,
 *  "machine": {"cpus", "cpu", "memoryMiB", "kernel", "java", "loadAverageStart", "loadAverageEnd"},
 *  "figures": [{"kind": "ratio"|"rss"|"rate", "name", "value": number or null, "unit": "x"|"MiB"|"per second",
 *               "unavailable": why or null, "target": "&gt;= 100" or null, "meetsTarget": bool or null,
 *               "remark", "line": the printed line, "details": {measured quantities}}]}
 * </pre>
 */
public final class BenchReport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private BenchReport() {}

    /** The run's JSON. */
    public static ObjectNode json(List<Figure> figures, boolean quick, String command, Instant started, double seconds,
                                  Map<String, Object> machine) {
        ObjectNode j = JSON.createObjectNode();
        j.put("version", 1).put("quick", quick).put("command", command).put("started", started.toString())
                .put("seconds", Math.round(seconds * 10) / 10.0);
        j.set("machine", JSON.valueToTree(machine));
        ArrayNode a = j.putArray("figures");
        for (Figure f : figures) {
            ObjectNode o = a.addObject();
            o.put("kind", f.kind()).put("name", f.name());
            if (f.value() == null) {
                o.putNull("value");
            } else {
                o.put("value", f.value());
            }
            o.put("unit", f.unit()).put("unavailable", f.unavailable()).put("target", f.target());
            Boolean meets = f.meetsTarget();
            if (meets == null) {
                o.putNull("meetsTarget");
            } else {
                o.put("meetsTarget", meets);
            }
            o.put("remark", f.remark()).put("line", f.line());
            o.set("details", JSON.valueToTree(f.details()));
        }
        return j;
    }

    public static void writeJson(Path file, ObjectNode json) throws IOException {
        Files.writeString(file, JSON.writeValueAsString(json) + "\n");
    }

    /**
     * The run as the Markdown table the README's performance section shows: a line naming the
     * command, when, how long and the machine (CPUs, CPU model, memory, kernel, Java, load average
     * at the start and the end), then one row per figure: its line's kind and name, value with
     * unit, target, whether it meets the target, and how it was measured (the remark, or why it
     * is unavailable). Pipes in a remark are escaped so that a row stays one row.
     */
    public static String markdown(List<Figure> figures, String command, Instant started, double seconds,
                                  Map<String, Object> machine) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "`%s`, %sZ, %.0f s; %s CPUs (%s), %s MiB, Linux %s, %s; load average %s at the start, %s at the end%n%n",
                command, started.toString().substring(0, 16), seconds, machine.get("cpus"), machine.get("cpu"),
                machine.get("memoryMiB"), machine.get("kernel"), machine.get("java"), machine.get("loadAverageStart"),
                machine.get("loadAverageEnd")));
        b.append("| figure | value | target | met | how it was measured |\n| --- | --- | --- | --- | --- |\n");
        for (Figure f : figures) {
            Boolean meets = f.meetsTarget();
            String value = f.value() == null ? "unavailable" : f.formattedValue() + (f.kind().equals(Figure.RATIO) ? "x"
                    : f.kind().equals(Figure.RSS) ? " MiB" : " /s");
            b.append("| `").append(f.kind()).append(' ').append(f.name()).append("` | ").append(value).append(" | ")
                    .append(f.target() == null ? "-" : f.target()).append(" | ")
                    .append(meets == null ? "-" : meets ? "yes" : "**no**").append(" | ")
                    .append(cell(f.value() == null ? f.unavailable() : f.remark())).append(" |\n");
        }
        return b.toString();
    }

    private static String cell(String s) {
        return s.replace("|", "\\|");
    }

    /**
     * A bar per ratio on a log scale from 0.01 to 1000 (the line at 1: model as fast as the
     * reference; a tick at the figure's target), then the rates and rss values as text.
     */
    public static String svg(List<Figure> figures, String title) {
        List<Figure> ratios = figures.stream().filter(f -> f.kind().equals(Figure.RATIO)).toList();
        List<Figure> others = figures.stream().filter(f -> !f.kind().equals(Figure.RATIO)).toList();
        int left = 230;
        int width = 420;
        int row = 22;
        int top = 40;
        int h = top + row * ratios.size() + 30 + 16 * others.size() + 20;
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"12\">%n", left + width + 90, h));
        s.append("<text x=\"8\" y=\"18\" font-weight=\"bold\">").append(esc(title)).append("</text>\n");
        double lo = -2;
        double hi = 3;
        for (int d = (int) lo; d <= hi; d++) {
            double x = left + (d - lo) / (hi - lo) * width;
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\"/>%n", x,
                    top - 6, x, top + row * ratios.size(), d == 0 ? "#000" : "#ddd"));
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#666\">%s</text>%n",
                    x, top - 8, d < 0 ? "1/" + (long) Math.pow(10, -d) : String.valueOf((long) Math.pow(10, d))));
        }
        for (int i = 0; i < ratios.size(); i++) {
            Figure f = ratios.get(i);
            int y = top + i * row;
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n", left - 6,
                    y + 15, esc(f.name())));
            if (f.value() == null) {
                s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"#999\">unavailable (%s)</text>%n",
                        left + 4, y + 15, esc(f.unavailable())));
                continue;
            }
            double lv = Math.max(lo, Math.min(hi, Math.log10(Math.max(f.value(), 1e-9))));
            double x0 = left + (0 - lo) / (hi - lo) * width;
            double x1 = left + (lv - lo) / (hi - lo) * width;
            Boolean meets = f.meetsTarget();
            String color = meets == null ? "#6a8caf" : meets ? "#4a9a5a" : "#c8643c";
            s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"14\" fill=\"%s\"/>%n",
                    Math.min(x0, x1), y + 4, Math.abs(x1 - x0), color));
            if (f.target() != null) {
                double t = Double.parseDouble(f.target().substring(2).strip());
                double xt = left + (Math.log10(t) - lo) / (hi - lo) * width;
                s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#000\" "
                        + "stroke-dasharray=\"2,2\"/>%n", xt, y + 1, xt, y + 21));
            }
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%sx</text>%n", left + width + 6, y + 15,
                    esc(f.formattedValue())));
        }
        int y = top + row * ratios.size() + 26;
        for (Figure f : others) {
            s.append(String.format(Locale.ROOT, "<text x=\"8\" y=\"%d\">%s %s: %s %s</text>%n", y, f.kind(),
                    esc(f.name()), esc(f.formattedValue()), f.value() == null ? "(" + esc(f.unavailable()) + ")"
                            : esc(f.unit())));
            y += 16;
        }
        s.append("</svg>\n");
        return s.toString();
    }

    private static String esc(String t) {
        return t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
