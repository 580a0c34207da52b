package org.erofssim.oracle;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps the kernel-log records of one attempt that the contract's {@code log} holds — the erofs
 * driver's lines and the VFS lines the spec names ({@code No source specified},
 * {@code Multiple sources}, {@code Non-string source}, {@code <src>: Can't lookup blockdev}, {@code <src>: Can't open blockdev},
 * {@code <bdev>: Can't mount, would change RO state}) — and maps real names back to the
 * scenario's: sandbox paths to scenario paths, loop device names to the names of the scenario's
 * bdev nodes. Lines about block devices or paths that are not this sandbox's are dropped (other
 * users share the log).
 *
 * <p>Attribution (harness contract, "Kernel-log attribution"): this kernel has no
 * {@code CONFIG_PRINTK_CALLER}, so a record names no task, and a {@code (device erofs)} line of
 * another process's file-backed mount looks like this observation's. {@link #attribute} finds the
 * evidence of erofs activity that is not this observation's in the window's records: lines of a
 * block device the sandbox did not attach; {@code (device erofs)} lines while this observation's
 * source is a block device; more {@code mounted with root inode} lines than this observation's
 * mount can have printed; an {@code Unknown parameter} this observation's options do not have.
 * Lines that are certainly foreign are removed from the log; any evidence makes the oracle observe
 * again (see {@link LiveKernelOracle}).
 */
final class LogFilter {
    private static final String LOOKUP = ": Can't lookup blockdev";
    private static final String OPEN = ": Can't open blockdev";
    private static final String RO_STATE = ": Can't mount, would change RO state";

    private final SandboxNames sandbox;
    /** Real path strings given to the kernel → the scenario's strings, longest first. */
    private final Map<String, String> paths = new LinkedHashMap<>();

    LogFilter(SandboxNames sandbox, Map<String, String> realToScenario) {
        this.sandbox = sandbox;
        realToScenario.entrySet().stream()
                .filter(e -> e.getKey() != null && !e.getKey().isEmpty())
                .sorted((a, b) -> Integer.compare(b.getKey().length(), a.getKey().length()))
                .forEach(e -> paths.put(e.getKey(), e.getValue()));
    }

    /**
     * The window's log as this observation's, and the evidence of foreign erofs activity in it;
     * {@code ambiguous} when foreign lines may remain in {@code log} (evidence of activity whose
     * lines cannot all be told from this observation's).
     */
    record Attributed(List<String> log, List<String> evidence, boolean ambiguous) {}

    /**
     * The contract log of the window's records with the lines that are certainly foreign left
     * out, and the evidence of foreign erofs activity (empty when there was none to see).
     *
     * @param blockSource this observation's mount source is a block device (its lines name it)
     * @param mounted     this observation's mount(2) succeeded
     * @param options     the scenario's mount options (the keys an {@code Unknown parameter} of ours can name)
     */
    Attributed attribute(List<Kmsg.Record> records, boolean blockSource, boolean mounted, String options) {
        return attribute(records, blockSource, mounted, options, -1);
    }

    /**
     * As {@link #attribute(List, boolean, boolean, String)}, with the root nid of this
     * observation's mount ({@code st_ino} of its root), or -1 when unknown: a
     * {@code mounted with root inode @ nid N.} line of another nid is another mount's.
     */
    /**
     * Whether mount line {@code m} names the root whose {@code st_ino} is {@code rootIno} on a
     * metabox image, where the kernel prints the nid (bit 63 set: the metabox) and
     * {@code erofs_nid_to_ino64} gives a different inode number.
     */
    static boolean metaboxRootLine(String m, long rootIno) {
        int at = m.lastIndexOf(" @ nid ");
        if (at < 0 || !m.endsWith(".")) {
            return false;
        }
        try {
            long nid = Long.parseUnsignedLong(m.substring(at + 7, m.length() - 1));
            return nid < 0 && org.erofssim.sb.SbInfo.metaboxIno(nid) == rootIno;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    Attributed attribute(List<Kmsg.Record> records, boolean blockSource, boolean mounted, String options, long rootNid) {
        return attribute(records, blockSource, mounted, options, rootNid, null);
    }

    private static final java.util.regex.Pattern NID = java.util.regex.Pattern.compile("\\bnid (\\d+)");

    /**
     * As above, with the nids of this mount's walked tree (null when not walked): a
     * {@code (device erofs)} line about a nid the tree does not hold may be another file-backed
     * mount's (e.g. its read errors), so the observation is repeated.
     */
    Attributed attribute(List<Kmsg.Record> records, boolean blockSource, boolean mounted, String options, long rootNid,
                         java.util.Set<Long> treeNids) {
        java.util.Set<String> keys = new java.util.HashSet<>();
        if (options != null) {
            // the kernel parses only the first OPTION_PAGE_BYTES bytes: a key cut there is one of ours too
            byte[] b = options.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            String seen = b.length <= LiveRefusals.OPTION_PAGE_BYTES ? options
                    : new String(b, 0, LiveRefusals.OPTION_PAGE_BYTES, java.nio.charset.StandardCharsets.UTF_8);
            for (String part : seen.split(",", -1)) {
                int eq = part.indexOf('=');
                keys.add(eq < 0 ? part : part.substring(0, eq));
            }
        }
        List<Kmsg.Record> kept = new ArrayList<>();
        List<String> evidence = new ArrayList<>();
        int mountLines = 0;
        boolean foreignFileBacked = false;
        for (Kmsg.Record r : records) {
            String m = r.message();
            DeviceLine line = DeviceLine.parse(m);
            if (line != null) {
                String dev = line.device();
                boolean fileBacked = line.fileBacked();
                if (!fileBacked && !sandbox.ownsLoop(dev)) {
                    evidence.add("a line of device " + dev + ", which this sandbox did not attach");
                    continue;
                }
                if (fileBacked && blockSource) {
                    evidence.add("a file-backed line during a block-device observation: " + m);
                    continue;
                }
                if (m.contains("): mounted with root inode")) {
                    if (!mounted) {
                        evidence.add("a mount line although this observation's mount failed: " + m);
                        foreignFileBacked = true;
                        continue;
                    }
                    if (rootNid >= 0 && !m.endsWith(" @ nid " + rootNid + ".") && !metaboxRootLine(m, rootNid)) {
                        evidence.add("a mount line of another root nid than this mount's " + rootNid + ": " + m);
                        foreignFileBacked = true;
                        continue;
                    }
                    mountLines++;
                } else if (fileBacked && treeNids != null) {
                    java.util.regex.Matcher n = NID.matcher(m);
                    // a nid is a u64 (fuzzed images print ones above 2^63): compare bit patterns; a metabox
                    // inode's line names its nid, the tree its inode number
                    if (n.find() && !treeNids.contains(parseNid(n.group(1)))
                            && !treeNids.contains(org.erofssim.sb.SbInfo.metaboxIno(parseNid(n.group(1))))) {
                        evidence.add("a line about nid " + n.group(1) + ", which this mount's tree does not hold: " + m);
                        foreignFileBacked = true;
                    }
                }
            } else if (m.startsWith("erofs: Unknown parameter '")) {
                int end = m.indexOf('\'', "erofs: Unknown parameter '".length());
                String key = m.substring("erofs: Unknown parameter '".length(), end < 0 ? m.length() : end);
                // no closing quote: printk kept only the record's first characters (1021 on 6.3+,
                // b0975c47c217), so the key is cut too and only its start can be compared
                boolean ours = end >= 0 ? keys.contains(key) : !key.isEmpty() && keys.stream().anyMatch(k -> k.startsWith(key));
                if (!ours) {
                    evidence.add("an unknown parameter '" + key + "' this observation did not give");
                    continue;
                }
            }
            kept.add(r);
        }
        if (mountLines > 1) {
            evidence.add(mountLines + " mount lines for one mount(2)");
        }
        // lines of foreign loop devices, foreign unknown parameters and file-backed lines during a
        // block-device observation are all recognisable and gone from the log; a foreign
        // file-backed mount during a file-backed observation may print lines (read errors) that
        // look like this observation's
        boolean ambiguous = !blockSource && (mountLines > 1 || foreignFileBacked);
        return new Attributed(filter(kept), List.copyOf(evidence), ambiguous);
    }

    /** A printed nid as the bits of a Java long; an over-long number (not a u64) as -1. */
    static long parseNid(String digits) {
        try {
            return Long.parseUnsignedLong(digits);
        } catch (NumberFormatException e) {
            return -1;
        }
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
        DeviceLine line = DeviceLine.parse(m);
        if (line != null) {
            return line.fileBacked() || sandbox.isScenarioLoop(line.device());
        }
        if (m.startsWith("erofs: ") || m.equals("No source specified") || m.equals("Multiple sources")
                || m.equals("Non-string source")) {
            return true;
        }
        for (String tail : List.of(LOOKUP, OPEN)) {
            if (m.endsWith(tail)) {
                String subject = m.substring(0, m.length() - tail.length());
                return paths.containsKey(subject) || MountInfo.under(subject, sandbox.dir().toString())
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
        DeviceLine line = DeviceLine.parse(s);
        if (line != null) {
            // the contract's names: the scenario's loop node, 0:* for an anonymous device
            prefix = line.prefix() + (line.anonymous() ? "0:*" : device(line.device())) + ")";
            s = line.rest();
        } else if (s.endsWith(RO_STATE)) {
            return device(s.substring(0, s.length() - RO_STATE.length())) + RO_STATE;
        }
        for (Map.Entry<String, String> e : paths.entrySet()) {
            s = s.replace(e.getKey(), e.getValue());
        }
        return prefix + s.replace(sandbox.root().toString(), "");
    }

    private String device(String realName) {
        String name = sandbox.scenarioLoopName(realName);
        return name != null ? name : realName;
    }
}
