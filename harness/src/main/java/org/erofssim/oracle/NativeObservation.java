package org.erofssim.oracle;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.erofssim.block.DevT;
import org.erofssim.block.Node;
import org.erofssim.compare.OutcomeComparator;
import org.erofssim.contract.MountOutcome;
import org.erofssim.contract.Scenario;
import org.erofssim.contract.TreeEntry;
import org.erofssim.kernel.Errno;
import org.erofssim.sb.Mode;

/**
 * The contract outcome of one raw line of the native guest runner ({@code vm/guest-runner.c}),
 * made with the live oracle's own code: the same log attribution and mapping ({@link LogFilter},
 * {@link LogWindow#attributedLog}, the guard check), the same failed-mode inference
 * ({@link FailedMode}), the same mode/superblock/statfs naming
 * ({@link LiveKernelOracle#mountedFacts}) and the same notes as {@link LiveKernelOracle}'s
 * observation of a scenario the runner supports ({@link NativePlan#unsupported} is null). The
 * runner reports facts only (numbers, hex of bytes); every outcome field is decided here.
 *
 * <p>Differences from the JVM oracle, by design: the runner observes once. A window whose log
 * attribution is ambiguous (evidence of foreign erofs activity) is not observed again: in a VM
 * guest nothing else mounts, so the evidence is the case's own, and the outcome gets the
 * {@link OutcomeComparator#LOG_UNCERTAIN} note the oracle gives after its last try. The guard
 * after the window reads the records printed until the sandbox is released, without the
 * oracle's 60 ms wait.
 *
 * <p>A window whose records were overwritten in the guest's log buffer before the runner read
 * them ({@code kmsgLost}: its reads of {@code /dev/kmsg} failed with {@code EPIPE}, at least that
 * many records lost) gets the {@link OutcomeComparator#LOG_INCOMPLETE} note: the comparison then
 * takes its surviving lines as a subsequence. Lost guard records ({@code guardLost}) are not noted:
 * the guard re-reads the window, whose loss is already known, and nothing else prints in a guest.
 */
public final class NativeObservation {
    private NativeObservation() {}

    /** The sandbox names the runner reported: its folder, its loop devices and their scenario names. */
    private record Names(Path dir, Map<String, String> bdevNames, Set<String> wrapLoops) implements SandboxNames {
        @Override public Path root() {
            return dir.resolve("root");
        }

        @Override public boolean ownsLoop(String name) {
            return bdevNames.containsKey(name) || wrapLoops.contains(name); // as Sandbox: the wrapped file systems' too
        }

        @Override public boolean isScenarioLoop(String name) {
            return bdevNames.containsKey(name);
        }

        @Override public String scenarioLoopName(String realName) {
            return bdevNames.get(realName);
        }

        String real(String scenarioPath) {
            if (scenarioPath == null || scenarioPath.isEmpty()) {
                return scenarioPath;
            }
            return scenarioPath.startsWith("/") ? root() + scenarioPath : root() + "/" + scenarioPath;
        }
    }

    /**
     * The outcome of {@code sc} from the runner's line {@code raw}.
     *
     * @throws OracleUnavailable when the runner could not build the namespace (as the oracle's exit 77)
     */
    public static MountOutcome outcome(Scenario sc, JsonNode raw) {
        if (raw.has("setupErrno") && !raw.has("sandbox")) {
            throw new OracleUnavailable("cannot make a sandbox in the guest's /tmp: " + errno(raw.get("setupErrno").asInt()));
        }
        Path dir = Path.of(text(raw.get("sandbox")));
        Map<String, String> bdevNames = new TreeMap<>();
        Map<String, DevT> bdevDevs = new TreeMap<>();
        for (JsonNode l : raw.path("loops")) {
            String scenarioPath = text(l.get(0));
            String real = l.get(1).asText();
            String[] mm = l.get(2).asText().split(":");
            DevT realDev = new DevT(Integer.parseInt(mm[0]), Integer.parseInt(mm[1]));
            bdevNames.put(real, scenarioPath.substring(scenarioPath.lastIndexOf('/') + 1));
            Node n = sc.namespace().nodes().get(scenarioPath);
            DevT given = n instanceof Node.BlockDevice b ? b.dev() : null;
            bdevDevs.put(realDev.toString(), given != null ? given : realDev);
        }
        Set<String> wrapLoops = new TreeSet<>();
        raw.path("wrapLoops").forEach(l -> wrapLoops.add(l.asText()));
        Names names = new Names(dir, bdevNames, wrapLoops);
        if (raw.has("setupErrno")) {
            String what = raw.path("setupWhat").asText() + (raw.has("setupPath") ? " " + text(raw.get("setupPath")) : "");
            throw new OracleUnavailable("cannot build the scenario's namespace: " + what + ": "
                    + errno(raw.get("setupErrno").asInt()));
        }
        List<String> notes = new ArrayList<>();
        String release = text(raw.get("release"));
        if (!org.erofssim.kernel.Releases.forRelease(release).map(sc.kernel().profile()::equals).orElse(false)) {
            notes.add("observed on Linux " + release + ", not on the scenario's profile " + sc.kernel().profile().name());
        }
        notes.addAll(sandboxNotes(sc));
        Map<String, String> realToScenario = new LinkedHashMap<>();
        int i = 0;
        for (Scenario.Mount m : sc.before()) {
            LiveKernelOracle.pathPairs(names::real, m.source(), m.options(), realToScenario);
            int e = raw.path("before").path(i).asInt(0);
            if (e != 0) {
                notes.add("before mount " + i + " (" + m.source() + ") failed: " + errno(e));
            }
            i++;
        }
        LiveKernelOracle.pathPairs(names::real, sc.source(), sc.options(), realToScenario);
        LogFilter logs = new LogFilter(names, realToScenario);
        String kind = raw.path("sourceKind").isTextual() ? raw.get("sourceKind").asText() : null;
        boolean blockSource = "blk".equals(kind);
        LogWindow w = new LogWindow(null);
        w.blockSource = blockSource;
        Set<String> sysfsBefore = strings(raw.path("sysfsBefore"));
        List<Kmsg.Record> records = records(raw.path("kmsg"));
        List<String> fcLog = new ArrayList<>();
        for (JsonNode f : raw.path("fcLog")) {
            fcLog.add(text(f));
        }
        int err = raw.path("errno").asInt();
        MountOutcome o;
        if (err != 0) {
            List<String> log = LiveKernelOracle.withFc(w.attributedLog(logs, records, false, sc.options(), sysfsBefore,
                    strings(raw.path("sysfsAtLog")), -1, null), logs, fcLog);
            Errno e = Errno.ofNumber(err);
            if (e == null) {
                notes.add("mount(2) failed with errno " + err + ", which the model's Errno does not name");
            }
            int type = kind == null ? -1 : blockSource ? Syscalls.S_IFBLK : "reg".equals(kind) ? Syscalls.S_IFREG : 0;
            Mode mode = org.erofssim.oracle.fscache.FscacheSession.mode(FailedMode.infer(log,
                    sc.source() != null && !sc.source().isEmpty(), type, raw.path("sourceNodev").asBoolean(), err, notes),
                    sc, null);
            o = new MountOutcome.Failed(e, mode, log, List.copyOf(notes));
        } else {
            MountInfo mi = MountInfo.parseLine(text(raw.get("mountinfo")));
            Set<String> sysfsNew = new TreeSet<>(strings(raw.path("sysfsMounted")));
            sysfsNew.removeAll(sysfsBefore);
            JsonNode s = raw.get("statfs");
            Syscalls.StatfsResult st = new Syscalls.StatfsResult(s.get(0).asLong(), s.get(1).asLong(), s.get(2).asLong(),
                    s.get(3).asLong(), s.get(4).asLong(), s.get(5).asLong(), s.get(6).asLong(), s.get(7).asInt(),
                    s.get(8).asInt(), s.get(9).asLong(), 0, 0);
            String realBdev = mi.major() == 0 || !raw.has("bdevName") ? null : text(raw.get("bdevName"));
            LiveKernelOracle.MountedFacts facts = LiveKernelOracle.mountedFacts(sc, mi, sysfsNew, st, bdevDevs, bdevNames,
                    realBdev, raw.path("bdevSysfs").asBoolean(), null, notes);
            List<TreeEntry> tree = null;
            if (sc.read()) {
                tree = tree(raw.path("tree"));
                for (JsonNode n : raw.path("walkNotes")) {
                    notes.add(errnoNames(text(n)));
                }
            }
            long rootIno = raw.path("rootIno").asLong(-1);
            List<String> log = w.attributedLog(logs, records, true, sc.options(), sysfsBefore, strings(raw.path("sysfsAtLog")),
                    rootIno, LogWindow.treeNids(tree, rootIno));
            o = new MountOutcome.Mounted(facts.mode(), LiveKernelOracle.withFc(log, logs, fcLog), facts.superblock(),
                    mi.superOptions(), facts.statfs(), null, tree, List.copyOf(notes), null);
        }
        w.guardCheck(records(raw.path("guard")));
        if (raw.has("left")) {
            o = LiveKernelOracle.withNote(o, "the native runner could not unmount " + text(raw.get("left")));
        }
        long lost = raw.path("kmsgLost").asLong(0);
        if (lost > 0) {
            o = LiveKernelOracle.withNote(o, logIncomplete(lost));
        }
        if (w.ambiguous) {
            o = LiveKernelOracle.withNote(o, OutcomeComparator.LOG_UNCERTAIN + "erofs activity that may not be this "
                    + "observation's during the guest's one observation (the native runner does not observe again: "
                    + String.join("; ", w.evidence) + ")");
        }
        return o;
    }

    /** The {@link OutcomeComparator#LOG_INCOMPLETE} note of a window that lost at least {@code lost} records. */
    static String logIncomplete(long lost) {
        return LogWindow.incompleteNote(lost, "the native runner");
    }

    /**
     * The notes {@code Sandbox.realise} adds for how it realised {@code sc} in a guest (whose /tmp
     * is ext4): one for files on procfs, whose content is not the image's.
     */
    static List<String> sandboxNotes(Scenario sc) {
        for (Node n : sc.namespace().nodes().values()) {
            if (n instanceof Node.RegularFile f && f.fs() == org.erofssim.block.BackingFs.PROC) {
                return List.of(Sandbox.PROC_NOTE);
            }
        }
        return List.of();
    }

    private static List<TreeEntry> tree(JsonNode entries) {
        List<TreeEntry> out = new ArrayList<>();
        for (JsonNode e : entries) {
            String path = text(e.get("path"));
            if (e.has("lstatErrno")) {
                String name = errno(e.get("lstatErrno").asInt());
                out.add(new TreeEntry(path, e.get("dino").asLong(), TreeWalker.direntType(e.get("dtype").asInt()), null, 0,
                        0, 0, 0, 0, 0, 0, null, null, null, null, name, 0, null, List.of("lstat " + name)));
                continue;
            }
            List<String> entryNotes = new ArrayList<>();
            Map<String, String> xattrs;
            if (e.has("listxattrErrno")) {
                entryNotes.add("llistxattr " + errno(e.get("listxattrErrno").asInt()));
                xattrs = null;
            } else {
                xattrs = new TreeMap<>();
                for (JsonNode x : e.path("xattrs")) {
                    String name = text(x.get(0));
                    if (x.get(1).isInt()) {
                        entryNotes.add("lgetxattr " + name + " " + errno(x.get(1).asInt()));
                    } else {
                        xattrs.put(name, Base64.getEncoder().encodeToString(HexFormat.of().parseHex(x.get(1).asText())));
                    }
                }
            }
            String type = e.get("type").asText();
            String readErrno = e.has("linkErrno") ? errno(e.get("linkErrno").asInt())
                    : e.has("readErrno") ? errno(e.get("readErrno").asInt()) : null;
            if (e.path("readLimit").asBoolean()) {
                entryNotes.add("read only the first " + TreeEntry.MAX_FILE_BYTES + " bytes (the contract's walk limit)");
            }
            out.add(new TreeEntry(path, e.get("ino").asLong(), type, String.format("%04o", e.get("mode").asInt() & 07777),
                    e.get("uid").asLong(), e.get("gid").asLong(), e.get("size").asLong(), e.get("blocks").asLong(),
                    e.get("nlink").asLong(), e.get("mtime").asLong(), e.get("mtimeNsec").asLong(),
                    e.has("target") ? text(e.get("target")) : null, e.has("rdev") ? e.get("rdev").asText() : null, xattrs,
                    e.has("sha256") ? e.get("sha256").asText() : null, readErrno, e.path("okBytes").asLong(), null,
                    List.copyOf(entryNotes)));
        }
        out.sort(Comparator.comparing(TreeEntry::path));
        return List.copyOf(out);
    }

    private static List<Kmsg.Record> records(JsonNode hexRecords) {
        List<Kmsg.Record> out = new ArrayList<>();
        for (JsonNode r : hexRecords) {
            Kmsg.Record rec = Kmsg.parse(HexFormat.of().parseHex(r.asText()));
            if (rec != null) {
                out.add(rec);
            }
        }
        return out;
    }

    private static Set<String> strings(JsonNode hexes) {
        Set<String> out = new TreeSet<>();
        for (JsonNode h : hexes) {
            out.add(text(h));
        }
        return out;
    }

    /** The bytes of a hex string decoded as UTF-8 (as the oracle decodes names and paths). */
    static String text(JsonNode hex) {
        if (hex == null || hex.isNull()) {
            return null;
        }
        return new String(HexFormat.of().parseHex(hex.asText()), StandardCharsets.UTF_8);
    }

    private static String errno(int n) {
        return SyscallException.name(n);
    }

    private static final java.util.regex.Pattern ERRNO = java.util.regex.Pattern.compile("@E(\\d+)@");

    /** A walk note with its {@code @E<n>@} placeholders written as errno names. */
    private static String errnoNames(String note) {
        return ERRNO.matcher(note).replaceAll(m -> errno(Integer.parseInt(m.group(1))));
    }

}
