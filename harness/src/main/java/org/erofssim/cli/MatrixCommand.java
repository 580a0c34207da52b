package org.erofssim.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.erofssim.block.ImageBytes;
import org.erofssim.contract.Scenario;
import org.erofssim.kernel.KernelConfig;
import org.erofssim.reference.Case;
import org.erofssim.reference.HostKernel;
import org.erofssim.reference.KernelReference;
import org.erofssim.reference.Observation;
import org.erofssim.report.Difference;
import org.erofssim.kernel.Behavior;
import org.erofssim.kernel.ConfigFlag;
import org.erofssim.kernel.KernelProfile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code matrix IMAGE}: the model's outcome of one mount on every modelled kernel release and
 * source kind, the differences between neighbouring releases and the upstream changes
 * ({@link Behavior}s) that cause them ({@link Matrix}). Evaluated in-process, no kernel needed.
 */
@Command(name = "matrix", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, sortOptions = false,
        description = {"One mount on every modelled kernel: mode, errno and first log line.",
                "",
                "Rows are kernel releases (oldest first), columns source kinds: 'file' is",
                "the image as a regular file on ext4 given as the source (a file-backed",
                "mount where the kernel has one); 'loop' is the image on the loop device",
                "/dev/loop0 given as the source (what 'mount -o loop' does). A cell is the",
                "mode when mounted (bdev, fileio, fscache), else the errno, then the first",
                "kernel log line. A cell marked [n] differs from the release above it;",
                "note [n] below the table names the outcome fields that differ and the",
                "upstream changes (Behavior constants, commit, title) that cause it: those",
                "whose removal from the newer release gives the older release's outcome.",
                "",
                "Paths: a relative path is placed at the model's / (a device= option",
                "written the same way finds it); mount(2) flags are MS_RDONLY; with",
                "--api fsopen each option is one fsconfig call and \"ro\" a flag.",
                "",
                "--live (root) adds a row 'host RELEASE' for the running kernel and a row",
                "'vm RELEASE' for each VM kernel of 'erofs-sim kernels' whose preset is a",
                "release --kernel picks (all of them with --kernel all; --vm LIST|all|none",
                "names them instead): the same mount observed now by the live oracle, on",
                "the host and in one QEMU boot per VM kernel (every source kind in that",
                "boot), each row after the model row of its release; a cell marked *",
                "differs from the model on that release (notes below the table). A VM",
                "kernel boots only from a prepared boot folder in the kernel cache; one",
                "that is not prepared, or does not boot, is a row saying why. Exit 77 when",
                "the live oracle cannot run here."})
final class MatrixCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "the EROFS image file")
    String image;

    @Option(names = "--device", paramLabel = "PATH",
            description = "an extra device for a device= option you write in -o: a regular file on ext4 at PATH, "
                    + "or with /dev/NODE=PATH a block device /dev/NODE holding the file PATH (repeatable)")
    List<String> devices = new ArrayList<>();

    @Option(names = {"-o", "--options"}, paramLabel = "OPTIONS", description = "the mount -o string, as written")
    String options;

    @Option(names = "--as", paramLabel = "file|loop|both", defaultValue = "both",
            description = "the source kinds to evaluate (default ${DEFAULT-VALUE})")
    String as;

    @Option(names = "--kernel", paramLabel = "LIST|all", defaultValue = "all",
            description = "comma-separated releases (each resolved as a scenario's \"kernel\"), or all (default): every modelled release")
    String kernel;

    @Option(names = "--config", paramLabel = "SYMBOL=y|n",
            description = "a CONFIG symbol on every release, e.g. EROFS_FS_ONDEMAND=y (repeatable)")
    List<String> config = new ArrayList<>();

    @Option(names = "--read", description = "also walk the tree: a 'tree' column with a digest of it and its read errors")
    boolean read;

    @Option(names = "--json", description = "print the matrix as one JSON object")
    boolean json;

    @Option(names = "--api", paramLabel = "mount|fsopen", defaultValue = "mount",
            description = "the system calls: mount (mount(2), the default) or fsopen (fsopen, fsconfig per option, "
                    + "fsmount: fs_context messages go to the descriptor's log, shown as 'fc: ...' lines)")
    String api;

    @Option(names = "--live", description = "also observe the mount on the running kernel (root): a row 'host RELEASE', "
            + "and on the VM kernels of the releases --kernel picks: a row 'vm RELEASE' each; "
            + "exit 77 when the live oracle is unavailable")
    boolean live;

    @Option(names = "--vm", paramLabel = "LIST|all|none",
            description = "with --live: the VM kernels to boot, by name of 'erofs-sim kernels' (or a prefix: 6.1, 7.2), "
                    + "all or none (default: those whose preset is a release --kernel picks)")
    String vm;

    @Option(names = "--cache", paramLabel = "DIR", description = "with --live: the kernel cache folder (see 'kernels')")
    java.nio.file.Path cacheDir;

    /** The running kernel; null: {@link HostKernel} (tests give a stand-in). */
    KernelReference hostKernel;

    /** How VM kernels boot; null: QEMU ({@link MatrixVm#qemu}; tests give a stand-in). */
    MatrixVm.Kernels vmKernels;

    @Override
    public Integer call() {
        List<Matrix.SourceKind> kinds = switch (as) {
            case "file" -> List.of(Matrix.SourceKind.file);
            case "loop" -> List.of(Matrix.SourceKind.loop);
            case "both" -> List.of(Matrix.SourceKind.file, Matrix.SourceKind.loop);
            default -> throw CliException.badInput("--as '" + as + "': expected file, loop or both");
        };
        Scenario.MountApi mountApi = switch (api) {
            case "mount" -> Scenario.MountApi.MOUNT;
            case "fsopen" -> Scenario.MountApi.FSOPEN;
            default -> throw CliException.badInput("--api '" + api + "': expected mount or fsopen");
        };
        Path imagePath = Matrix.existing(image, "IMAGE");
        String imageNode = Matrix.nodePath(image, "IMAGE");
        List<Matrix.Device> devs = devices.stream().map(Matrix::device).toList();
        Scenarios.Notes notes = new Scenarios.Notes(spec.commandLine().getErr());
        List<KernelProfile> kernels = KernelOptions.releases(kernel, notes);
        Map<ConfigFlag, Boolean> cfg = KernelOptions.config(config);
        if (vm != null && !live) {
            throw CliException.badInput("--vm '" + vm + "': needs --live");
        }
        List<org.erofssim.vm.KernelCatalog.Kernel> vms = live ? MatrixVm.select(vm, kernel, kernels) : List.of();
        KernelReference host = null;
        if (live) {
            host = hostKernel != null ? hostKernel : new HostKernel();
            String why = host.unavailable().orElse(null);
            if (why != null) {
                // --live asks for the running kernel: a matrix without it is not what was asked
                throw CliException.unavailable("--live: kernel oracle unavailable: " + why);
            }
        }
        Matrix.Request req = new Matrix.Request(imagePath, devs, options, kinds, kernels, cfg, read, mountApi);
        Matrix.Result result = Matrix.evaluate(req, imageNode);
        List<LiveRow> liveRows = new ArrayList<>();
        if (host != null) {
            liveRows.add(host(host, req, imageNode, result));
            MatrixVm.Kernels boots = vmKernels != null ? vmKernels : vms.isEmpty() ? null
                    : MatrixVm.qemu(cacheDir, spec.commandLine().getErr());
            for (org.erofssim.vm.KernelCatalog.Kernel k : vms) {
                liveRows.add(MatrixVm.row(boots, k, req, imageNode, result));
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(json(result, imageNode, liveRows));
        } else {
            table(out, result, liveRows);
        }
        out.flush();
        return ExitCode.OK;
    }

    /**
     * The running kernel's answer for one source kind.
     *
     * @param observation what the live oracle says
     * @param observed    the observed outcome as a cell (summary, log, tree), or null when unchecked
     * @param model       the model's cell on the host release's profile, or null without a profile
     * @param differences where the kernel's outcome differs from the model's (pattern-matched kernel numbers)
     */
    record HostCell(Observation observation, Matrix.Cell observed, Matrix.Cell model, List<Difference> differences) {}

    /**
     * A row observed on a kernel: {@code label} ({@code host RELEASE}, {@code vm RELEASE}),
     * {@code kind} ({@code host}, {@code vm}), its {@code uname -r}, its modelled profile (or
     * null) and whether that profile is a row of the table (the row is printed after it, else
     * last); {@code unavailable} says why a kernel was not observed at all (then no cells).
     */
    record LiveRow(String label, String kind, String release, KernelProfile profile, boolean profileInTable,
                   Map<Matrix.SourceKind, HostCell> cells, String unavailable) {
        static LiveRow unavailable(String label, String kind, String release, KernelProfile profile, boolean inTable,
                                   String why) {
            return new LiveRow(label, kind, release, profile, inTable, Map.of(), why);
        }
    }

    /**
     * The host row: each source kind's scenario on the host release's profile, observed by
     * {@code k} (the live oracle's {@link HostKernel}; tests give a stand-in).
     */
    static LiveRow host(KernelReference k, Matrix.Request req, String imageNode, Matrix.Result result) {
        return observe("host " + k.release(), "host", k, req, imageNode, result);
    }

    /** Each source kind's scenario on {@code k}'s profile, observed by {@code k}: a row {@code label}. */
    static LiveRow observe(String label, String kind, KernelReference k, Matrix.Request req, String imageNode,
                           Matrix.Result result) {
        KernelProfile hp = k.profile().orElse(null);
        boolean inTable = hp != null && result.cells().containsKey(hp.release());
        Map<Path, ImageBytes> images = new LinkedHashMap<>();
        Map<Matrix.SourceKind, HostCell> cells = new LinkedHashMap<>();
        // without a profile the scenario names the newest release asked for (CONFIG refusals need one)
        KernelProfile scenarioProfile = hp != null ? hp : req.kernels().get(req.kernels().size() - 1);
        for (Matrix.SourceKind sk : req.kinds()) {
            Matrix.Cell model = hp == null ? null
                    : inTable ? result.cell(hp, sk) : Matrix.cell(req, imageNode, sk, hp, images);
            Scenario s = Matrix.scenario(req, imageNode, sk, new KernelConfig(scenarioProfile, req.config()), images);
            Observation o = k.observe(Case.of(s));
            Matrix.Cell observed = null;
            List<Difference> diffs = List.of();
            if (o instanceof Observation.Observed ob) {
                observed = new Matrix.Cell(hp, sk, ob.outcome(), Matrix.compared(ob.outcome()));
                if (model != null) {
                    diffs = k.comparison().differences(model.outcome(), o);
                }
            }
            cells.put(sk, new HostCell(o, observed, model, diffs));
        }
        return new LiveRow(label, kind, k.release(), hp, inTable, cells, null);
    }

    private void liveTableRow(List<String[]> rows, LiveRow h, List<Matrix.SourceKind> kinds) {
        List<String> row = new ArrayList<>();
        row.add(h.label());
        for (Matrix.SourceKind k : kinds) {
            if (h.unavailable() != null) {
                row.add("unavailable");
                if (read) {
                    row.add(null);
                }
                row.add("(not observed: see below)");
                continue;
            }
            HostCell c = h.cells().get(k);
            if (c.observed() == null) {
                Observation.Unchecked u = (Observation.Unchecked) c.observation();
                row.add(u.why().cell());
                if (read) {
                    row.add(null);
                }
                row.add("(" + u.reason() + ")");
                continue;
            }
            row.add(c.observed().summary() + (c.differences().isEmpty() ? "" : " *"));
            if (read) {
                row.add(tree(c.observed()));
            }
            row.add(c.observed().firstLog());
        }
        rows.add(row.toArray(String[]::new));
    }

    private static void liveNotes(PrintWriter out, LiveRow h) {
        String name = h.label();
        if (h.unavailable() != null) {
            out.println(name + ": not observed: " + h.unavailable());
            return;
        }
        if (h.profile() == null) {
            out.println(name + ": the kernel's release has no modelled profile; its cells are not compared");
        } else {
            out.println(name + (h.kind().equals("vm") ? " (booted in QEMU)" : "") + ": compared with the model on " + h.profile().release()
                    + (h.profileInTable() ? "" : " (not a row of this table)") + "; * marks a difference");
        }
        h.cells().forEach((k, c) -> {
            for (Difference d : c.differences()) {
                out.println("* " + k + ": " + d.field() + ": model " + d.model() + ", kernel " + d.reference());
            }
            if (c.observation() instanceof Observation.Observed o) {
                o.trouble().forEach(t -> out.println("! " + k + ": kernel log shows trouble: " + t));
            }
        });
    }

    /** The table, then one note per difference. */
    void table(PrintWriter out, Matrix.Result r, List<LiveRow> live) {
        List<Matrix.SourceKind> kinds = r.request().kinds();
        List<String[]> rows = new ArrayList<>();
        List<String> header = new ArrayList<>();
        header.add("kernel");
        for (Matrix.SourceKind k : kinds) {
            header.add(k.name());
            if (read) {
                header.add("tree");
            }
            header.add("first log line");
        }
        rows.add(header.toArray(String[]::new));
        List<Matrix.Difference> numbered = new ArrayList<>();
        for (KernelProfile kp : r.request().kernels()) {
            List<String> row = new ArrayList<>();
            row.add(kp.release());
            for (Matrix.SourceKind k : kinds) {
                Matrix.Cell c = r.cell(kp, k);
                Matrix.Difference d = r.differenceAt(kp, k);
                String mark = "";
                if (d != null) {
                    numbered.add(d);
                    mark = " [" + numbered.size() + "]";
                }
                row.add(c.summary() + mark);
                if (read) {
                    row.add(tree(c));
                }
                row.add(c.firstLog() != null || c.reason() == null ? c.firstLog()
                        : "(" + c.outcome().outcome() + ": " + c.reason() + ")");
            }
            rows.add(row.toArray(String[]::new));
            for (LiveRow h : live) {
                if (h.profileInTable() && h.profile().release().equals(kp.release())) {
                    liveTableRow(rows, h, kinds);
                }
            }
        }
        for (LiveRow h : live) {
            if (!h.profileInTable()) {
                liveTableRow(rows, h, kinds);
            }
        }
        Table.print(out, rows);
        if (!live.isEmpty()) {
            out.println();
        }
        for (LiveRow h : live) {
            liveNotes(out, h);
        }
        if (numbered.isEmpty()) {
            out.println();
            out.println(r.request().kernels().size() > 1
                    ? "no differences between neighbouring releases"
                    : "one release: nothing to compare");
            return;
        }
        out.println();
        for (int i = 0; i < numbered.size(); i++) {
            Matrix.Difference d = numbered.get(i);
            out.println("[" + (i + 1) + "] " + d.kind() + ", " + d.older().release() + " -> " + d.newer().release()
                    + ": " + String.join(", ", d.fields()) + (d.fields().size() == 1 ? " differs; " : " differ; ")
                    + (d.exact() ? "caused by" : d.causes().isEmpty()
                    ? "no upstream change of the newer release, nor two together, explains it"
                    : "no change nor two together explain it all; per field:"));
            if (d.exact()) {
                for (List<Behavior> e : d.explanations()) {
                    out.println("    " + e.stream().map(MatrixCommand::behavior).collect(Collectors.joining(" together with ")));
                }
            } else if (!d.causes().isEmpty()) {
                d.byField().forEach((f, bs) -> out.println("    " + f + ": " + (bs.isEmpty() ? "no single change"
                        : bs.stream().map(MatrixCommand::behavior).collect(Collectors.joining("; ")))));
            }
        }
    }

    private static String tree(Matrix.Cell c) {
        String digest = c.treeDigest();
        if (digest == null) {
            return null;
        }
        int errors = c.readErrors();
        return errors == 0 ? digest : digest + " (" + errors + " read errors)";
    }

    /** {@code NAME commit "title"}, {@code [unsure]} for an unknown hash. */
    static String behavior(Behavior b) {
        return b.name() + " " + (b.commit() == null ? "[hash unsure]" : b.commit()) + " \"" + b.title() + "\"";
    }

    private ObjectNode liveJson(LiveRow h, List<Matrix.SourceKind> kinds) {
        ObjectNode row = JsonNodeFactory.instance.objectNode();
        row.put("kernel", h.label());
        ObjectNode ref = row.putObject("reference");
        ref.put("kind", h.kind()).put("release", h.release()).put("profile", h.profile() == null ? null : h.profile().release());
        ObjectNode cells = row.putObject("cells");
        if (h.unavailable() != null) {
            row.put("unavailable", h.unavailable());
            for (Matrix.SourceKind k : kinds) {
                cells.putObject(k.name()).put("summary", "unavailable").put("unchecked", h.unavailable());
            }
            return row;
        }
        h.cells().forEach((k, c) -> {
            ObjectNode cell = cells.putObject(k.name());
            if (c.observed() == null) {
                Observation.Unchecked u = (Observation.Unchecked) c.observation();
                cell.put("summary", u.why().cell());
                cell.put("unchecked", u.reason());
                return;
            }
            Matrix.Cell o = c.observed();
            cell.put("summary", o.summary());
            cell.set("outcome", o.compared().get("outcome"));
            cell.set("errno", o.compared().get("errno"));
            cell.set("mode", o.compared().get("mode"));
            cell.put("firstLog", o.firstLog());
            cell.put("reason", o.reason());
            cell.set("log", o.compared().get("log"));
            if (read) {
                cell.put("treeDigest", o.treeDigest());
                cell.put("readErrors", o.readErrors());
            }
            if (c.model() == null) {
                cell.putNull("agreesWithModel");
            } else {
                cell.put("agreesWithModel", c.differences().isEmpty());
            }
            ArrayNode ds = cell.putArray("differences");
            c.differences().forEach(d -> ds.addObject().put("field", d.field()).put("model", d.model())
                    .put("kernel", d.reference()));
            if (c.observation() instanceof Observation.Observed ob) {
                ArrayNode t = cell.putArray("trouble");
                ob.trouble().forEach(t::add);
            }
        });
        return row;
    }

    private ObjectNode json(Matrix.Result r, String imageNode, List<LiveRow> live) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode o = f.objectNode();
        o.put("image", image);
        o.put("fileSource", imageNode);
        o.put("options", options);
        o.put("api", api);
        ArrayNode ds = o.putArray("devices");
        for (Matrix.Device d : r.request().devices()) {
            ds.addObject().put("node", d.node()).put("kind", d.bdev() ? "bdev" : "file").put("image", d.image().toString());
        }
        ObjectNode cfg = o.putObject("config");
        r.request().config().forEach((k, v) -> cfg.put(k.symbol(), v ? "y" : "n"));
        ArrayNode kinds = o.putArray("kinds");
        r.request().kinds().forEach(k -> kinds.add(k.name()));
        ArrayNode rows = o.putArray("rows");
        for (KernelProfile kp : r.request().kernels()) {
            ObjectNode row = rows.addObject();
            row.put("kernel", kp.release());
            ObjectNode cells = row.putObject("cells");
            for (Matrix.SourceKind k : r.request().kinds()) {
                Matrix.Cell c = r.cell(kp, k);
                ObjectNode cell = cells.putObject(k.name());
                cell.put("summary", c.summary());
                cell.set("outcome", c.compared().get("outcome"));
                cell.set("errno", c.compared().get("errno"));
                cell.set("mode", c.compared().get("mode"));
                cell.put("firstLog", c.firstLog());
                cell.put("reason", c.reason());
                cell.set("log", c.compared().get("log"));
                if (read) {
                    cell.put("treeDigest", c.treeDigest());
                    cell.put("readErrors", c.readErrors());
                }
                cell.put("differsFromPrevious", r.differenceAt(kp, k) != null);
            }
            for (LiveRow h : live) {
                if (h.profileInTable() && h.profile().release().equals(kp.release())) {
                    rows.add(liveJson(h, r.request().kinds()));
                }
            }
        }
        for (LiveRow h : live) {
            if (!h.profileInTable()) {
                rows.add(liveJson(h, r.request().kinds()));
            }
        }
        ArrayNode diffs = o.putArray("differences");
        for (Matrix.Difference d : r.differences()) {
            ObjectNode n = diffs.addObject();
            n.put("kind", d.kind().name()).put("from", d.older().release()).put("to", d.newer().release());
            ArrayNode fs = n.putArray("fields");
            d.fields().forEach(fs::add);
            n.put("exact", d.exact());
            ArrayNode cs = n.putArray("causes");
            d.causes().forEach(b -> cs.add(behaviorJson(b)));
            ArrayNode ex = n.putArray("explanations");
            for (List<Behavior> e : d.explanations()) {
                ArrayNode a = ex.addArray();
                e.forEach(b -> a.add(behaviorJson(b)));
            }
            if (!d.exact()) {
                ObjectNode bf = n.putObject("causesByField");
                d.byField().forEach((field, bs) -> {
                    ArrayNode a = bf.putArray(field);
                    bs.forEach(b -> a.add(behaviorJson(b)));
                });
            }
        }
        return o;
    }

    private static ObjectNode behaviorJson(Behavior b) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("behavior", b.name());
        n.put("commit", b.commit());
        n.put("title", b.title());
        return n;
    }
}
