package org.erofssim.oracle;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps the kernel-log records of one attempt that the contract's {@code log} holds — the erofs
 * driver's lines and the VFS lines the spec names ({@code No source specified},
 * {@code Multiple sources}, {@code <src>: Can't lookup blockdev}, {@code <src>: Can't open blockdev},
 * {@code <bdev>: Can't mount, would change RO state}) — and maps real names back to the
 * scenario's: sandbox paths to scenario paths, loop device names to the names of the scenario's
 * bdev nodes. Lines about block devices or paths that are not this sandbox's are dropped (other
 * users share the log); {@code (device erofs)} lines cannot be told apart and are all kept.
 */
final class LogFilter {
    private static final String LOOKUP = ": Can't lookup blockdev";
    private static final String OPEN = ": Can't open blockdev";
    private static final String RO_STATE = ": Can't mount, would change RO state";

    private final Sandbox sandbox;
    /** Real path strings given to the kernel → the scenario's strings, longest first. */
    private final Map<String, String> paths = new LinkedHashMap<>();

    LogFilter(Sandbox sandbox, Map<String, String> realToScenario) {
        this.sandbox = sandbox;
        realToScenario.entrySet().stream()
                .filter(e -> e.getKey() != null && !e.getKey().isEmpty())
                .sorted((a, b) -> Integer.compare(b.getKey().length(), a.getKey().length()))
                .forEach(e -> paths.put(e.getKey(), e.getValue()));
    }

    List<String> filter(List<Kmsg.Record> records) {
        List<String> out = new ArrayList<>();
        for (Kmsg.Record r : records) {
            String m = r.message();
            if (keep(m)) {
                out.add(map(m));
            }
        }
        return out;
    }

    boolean keep(String m) {
        if (m.startsWith("erofs (device ")) {
            int close = m.indexOf(')');
            if (close < 0) {
                return false;
            }
            String dev = m.substring("erofs (device ".length(), close);
            return dev.equals("erofs") || sandbox.isScenarioLoop(dev);
        }
        if (m.startsWith("erofs: ") || m.equals("No source specified") || m.equals("Multiple sources")) {
            return true;
        }
        for (String tail : List.of(LOOKUP, OPEN)) {
            if (m.endsWith(tail)) {
                String subject = m.substring(0, m.length() - tail.length());
                return paths.containsKey(subject) || MountInfo.under(subject, sandbox.dir.toString())
                        || subject.isEmpty();
            }
        }
        if (m.endsWith(RO_STATE)) {
            return sandbox.isScenarioLoop(m.substring(0, m.length() - RO_STATE.length()));
        }
        return false;
    }

    String map(String m) {
        String prefix = "";
        String s = m;
        if (s.startsWith("erofs (device ")) {
            int close = s.indexOf(')');
            prefix = "erofs (device " + device(s.substring("erofs (device ".length(), close)) + ")";
            s = s.substring(close + 1);
        } else if (s.endsWith(RO_STATE)) {
            return device(s.substring(0, s.length() - RO_STATE.length())) + RO_STATE;
        }
        for (Map.Entry<String, String> e : paths.entrySet()) {
            s = s.replace(e.getKey(), e.getValue());
        }
        return prefix + s.replace(sandbox.root.toString(), "");
    }

    private String device(String realName) {
        String name = sandbox.bdevNames.get(realName);
        return name != null ? name : realName;
    }
}
