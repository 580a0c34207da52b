package org.erofssim.reference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.erofssim.contract.OutcomeJson;
import org.erofssim.kernel.Errno;
import org.erofssim.sb.Mode;
import org.erofssim.contract.MountOutcome;
import org.erofssim.report.Difference;

/**
 * The optional {@code "expect"} object of a corpus scenario (a model extension that other
 * tools ignore): what the spec says the outcome is. Each field is checked only when given:
 * {@code outcome} (mounted, failed, blocked, crashed), {@code errno} (a name or null),
 * {@code mode} (bdev, fileio, fscache or null) and {@code log} (the exact list of lines).
 */
public record Expectation(String outcome, boolean hasErrno, String errno, boolean hasMode, String mode, List<String> log) {
    static final Set<String> FIELDS = Set.of("outcome", "errno", "mode", "log");
    static final Set<String> OUTCOMES = Set.of("mounted", "failed", "blocked", "crashed");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /**
     * The {@code expect} object of a scenario file that {@link org.erofssim.contract.ScenarioJson}
     * already accepted; null when it has none.
     *
     * @throws ReferenceInputException (exit 2) naming {@code expect.<field>} when it is malformed
     */
    public static Expectation read(Path file, String shownAs) {
        JsonNode root;
        try {
            root = MAPPER.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new ReferenceInputException(shownAs + ": cannot read: " + e.getClass().getSimpleName());
        }
        JsonNode e = root == null ? null : root.get("expect");
        if (e == null || e.isNull()) {
            return null;
        }
        if (!e.isObject()) {
            throw bad(shownAs, "expect", "expected an object, got " + e.getNodeType().name().toLowerCase());
        }
        for (Iterator<String> it = e.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                throw bad(shownAs, "expect." + f, "unknown field (known: errno, log, mode, outcome)");
            }
        }
        String outcome = null;
        if (e.has("outcome")) {
            outcome = text(e.get("outcome"), shownAs, "expect.outcome");
            if (!OUTCOMES.contains(outcome)) {
                throw bad(shownAs, "expect.outcome", "unknown outcome '" + outcome + "' (known: blocked, crashed, failed, mounted)");
            }
        }
        String errno = null;
        if (e.has("errno") && !e.get("errno").isNull()) {
            errno = text(e.get("errno"), shownAs, "expect.errno");
            try {
                Errno.valueOf(errno);
            } catch (IllegalArgumentException x) {
                throw bad(shownAs, "expect.errno", "unknown errno name '" + errno + "'");
            }
        }
        String mode = null;
        if (e.has("mode") && !e.get("mode").isNull()) {
            mode = text(e.get("mode"), shownAs, "expect.mode");
            boolean known = false;
            for (Mode m : Mode.values()) {
                known |= m.contractName().equals(mode);
            }
            if (!known) {
                throw bad(shownAs, "expect.mode", "unknown mode '" + mode + "' (known: bdev, fileio, fscache, or null)");
            }
        }
        List<String> log = null;
        if (e.has("log")) {
            JsonNode l = e.get("log");
            if (!l.isArray()) {
                throw bad(shownAs, "expect.log", "expected a list of strings");
            }
            log = new ArrayList<>();
            for (int i = 0; i < l.size(); i++) {
                log.add(text(l.get(i), shownAs, "expect.log[" + i + "]"));
            }
            log = List.copyOf(log);
        }
        return new Expectation(outcome, e.has("errno"), errno, e.has("mode"), mode, log);
    }

    private static String text(JsonNode n, String shownAs, String field) {
        if (n == null || !n.isTextual()) {
            throw bad(shownAs, field, "expected a string");
        }
        return n.textValue();
    }

    private static ReferenceInputException bad(String shownAs, String field, String why) {
        return new ReferenceInputException(shownAs + ": " + field + ": " + why);
    }

    /** The fields where an outcome differs from this expectation; empty when it is met. */
    public List<Difference> mismatches(MountOutcome o) {
        List<Difference> out = new ArrayList<>();
        String gotOutcome = OutcomeJson.outcomeName(o);
        if (outcome != null && !outcome.equals(gotOutcome)) {
            out.add(new Difference("outcome", gotOutcome, outcome));
        }
        String gotErrno = errnoOf(o);
        if (hasErrno && !Objects.equals(errno, gotErrno)) {
            out.add(new Difference("errno", String.valueOf(gotErrno), String.valueOf(errno)));
        }
        String gotMode = modeOf(o);
        if (hasMode && !Objects.equals(mode, gotMode)) {
            out.add(new Difference("mode", String.valueOf(gotMode), String.valueOf(mode)));
        }
        if (log != null && !log.equals(o.log())) {
            out.add(new Difference("log", quoted(o.log()), quoted(log)));
        }
        return out;
    }

    /** The errno name of a failed outcome, else null. */
    public static String errnoOf(MountOutcome o) {
        return o instanceof MountOutcome.Failed && ((MountOutcome.Failed) o).errno() != null
                ? ((MountOutcome.Failed) o).errno().name() : null;
    }

    /** The contract name of an outcome's mode, or null. */
    public static String modeOf(MountOutcome o) {
        return o.mode() == null ? null : o.mode().contractName();
    }

    private static String quoted(List<String> lines) {
        List<String> q = new ArrayList<>();
        for (String s : lines) {
            q.add('"' + s + '"');
        }
        return "[" + String.join(", ", q) + "]";
    }

    /** Whether no field is given at all ({@code "expect": {}}). */
    public boolean isEmpty() {
        return outcome == null && !hasErrno && !hasMode && log == null;
    }
}
