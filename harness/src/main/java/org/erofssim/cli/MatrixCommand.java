package org.erofssim.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.erofssim.contract.Scenario;
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
                "Not yet: --live (the host and VM kernels beside the model)."})
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

    @Option(names = "--live", description = "not yet: the host and VM kernels beside the model (refused with exit 2)")
    boolean live;

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
        if (live) {
            throw CliException.badInput("--live: not implemented yet (the model's matrix only)");
        }
        Path imagePath = Matrix.existing(image, "IMAGE");
        String imageNode = Matrix.nodePath(image, "IMAGE");
        List<Matrix.Device> devs = devices.stream().map(Matrix::device).toList();
        Scenarios.Notes notes = new Scenarios.Notes(spec.commandLine().getErr());
        List<KernelProfile> kernels = KernelOptions.releases(kernel, notes);
        Map<ConfigFlag, Boolean> cfg = KernelOptions.config(config);
        Matrix.Request req = new Matrix.Request(imagePath, devs, options, kinds, kernels, cfg, read, mountApi);
        Matrix.Result result = Matrix.evaluate(req, imageNode);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(json(result, imageNode));
        } else {
            table(out, result);
        }
        out.flush();
        return ExitCode.OK;
    }

    /** The table, then one note per difference. */
    private void table(PrintWriter out, Matrix.Result r) {
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
        }
        Table.print(out, rows);
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

    private ObjectNode json(Matrix.Result r, String imageNode) {
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
