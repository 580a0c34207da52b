package org.erofssim.bench;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One figure of {@code erofs-sim bench}: a {@code ratio} (model speed over reference speed; above 1
 * the model is faster), an {@code rss} (a process's peak resident set, MiB) or a {@code rate}
 * (things per second). Printed as one line, {@code KIND NAME VALUE (remark)}, or
 * {@code KIND NAME unavailable (why)} when it could not be measured here.
 *
 * @param kind        {@code ratio}, {@code rss} or {@code rate}
 * @param name        the figure's name, e.g. {@code mount-vs-kernel}
 * @param value       the value, or null when unavailable
 * @param unavailable why there is no value (one line), or null
 * @param remark      how it was measured (sizes, targets, quick mode), may be empty
 * @param target      the target for it ({@code >= 100}, {@code <= 512}), or null
 * @param details     the measured quantities behind the value (seconds, bytes, counts), in order
 */
public record Figure(String kind, String name, Double value, String unavailable, String remark, String target,
                     Map<String, Object> details) {
    public static final String RATIO = "ratio";
    public static final String RSS = "rss";
    public static final String RATE = "rate";

    public Figure {
        Objects.requireNonNull(kind);
        Objects.requireNonNull(name);
        if (!kind.equals(RATIO) && !kind.equals(RSS) && !kind.equals(RATE)) {
            throw new IllegalArgumentException("kind " + kind);
        }
        if ((value == null) == (unavailable == null)) {
            throw new IllegalArgumentException(name + ": exactly one of value and unavailable");
        }
        remark = remark == null ? "" : remark;
        details = details == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    /** A measured figure. */
    public static Figure of(String kind, String name, double value, String target, String remark,
                            Map<String, Object> details) {
        return new Figure(kind, name, value, null, remark, target, details);
    }

    /** A figure that could not be measured here, saying why. */
    public static Figure unavailable(String kind, String name, String why, String target) {
        return new Figure(kind, name, null, oneLine(why), "", target, Map.of());
    }

    /** The unit of the value: {@code x} (ratio), {@code MiB} (rss), {@code per second} (rate). */
    public String unit() {
        return switch (kind) {
            case RATIO -> "x";
            case RSS -> "MiB";
            default -> "per second";
        };
    }

    /** The value as printed: ratios with 3 significant digits, rss in whole MiB, rates whole. */
    public String formattedValue() {
        if (value == null) {
            return "unavailable";
        }
        double v = value;
        return switch (kind) {
            case RATIO -> v >= 100 ? String.format(Locale.ROOT, "%.0f", v)
                    : v >= 10 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.2f", v);
            default -> String.format(Locale.ROOT, "%.0f", v);
        };
    }

    /** The figure's line: {@code ratio mount-vs-kernel 31.2 (remark)} or {@code ... unavailable (why)}. */
    public String line() {
        String tail = value == null ? unavailable : remark;
        return kind + " " + name + " " + formattedValue() + (tail.isEmpty() ? "" : " (" + tail + ")");
    }

    /** Whether the value meets {@link #target} ({@code >= X} or {@code <= X}); null when there is no value or target. */
    public Boolean meetsTarget() {
        if (value == null || target == null) {
            return null;
        }
        String t = target.strip();
        double x = Double.parseDouble(t.substring(2).strip().replace(",", ""));
        return t.startsWith(">=") ? value >= x : value <= x;
    }

    static String oneLine(String s) {
        return s == null ? "unknown reason" : s.replaceAll("\\s*[\\r\\n]+\\s*", "; ").strip();
    }
}
