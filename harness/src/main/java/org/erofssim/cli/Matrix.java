package org.erofssim.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.erofssim.block.BackingFs;
import org.erofssim.block.DevT;
import org.erofssim.block.ImageBytes;
import org.erofssim.block.Node;
import org.erofssim.block.VirtualNamespace;
import org.erofssim.contract.OutcomeJson;
import org.erofssim.contract.Scenario;
import org.erofssim.kernel.Behavior;
import org.erofssim.kernel.ConfigFlag;
import org.erofssim.kernel.KernelConfig;
import org.erofssim.kernel.KernelProfile;
import org.erofssim.contract.MountOutcome;

/**
 * One mount evaluated on several kernel profiles and source kinds ({@code erofs-sim matrix}):
 * the outcomes, the differences between neighbouring releases, and the {@link Behavior}s that
 * cause each difference.
 *
 * <p>A difference between an older release O and the next modelled release N (same source
 * kind) is attributed by re-evaluating N's profile with each behaviour O lacks removed
 * ({@link KernelProfile#toBuilder()}{@code .without(b)}): the behaviours whose removal alone
 * makes N's outcome equal to O's are the difference's causes ({@link Difference#exact()}). When
 * no single removal does, the pairs whose joint removal does; when no pair does either, each
 * differing field is attributed on its own: the behaviours whose removal gives that field O's
 * value.
 *
 * <p>Outcomes are compared as the contract's outcome JSON without {@code version} and the
 * model's {@code notes} (remarks for a person, not kernel behaviour).
 */
final class Matrix {
    /** How the image reaches mount(2). */
    enum SourceKind {
        /** The image as a regular file on ext4, given as the source (file-backed mount where supported). */
        file,
        /** The image on the loop device /dev/loop0, given as the source ({@code mount -o loop}). */
        loop
    }

    /** The loop device the image sits on in {@link SourceKind#loop}. */
    static final String LOOP_DEVICE = "/dev/loop0";
    private static final int LOOP_MAJOR = 7;
    private static final int BLKEXT_MAJOR = 259;
    private static final Pattern LOOP = Pattern.compile("/dev/loop(0|[1-9]\\d{0,6})");

    /**
     * An extra node for {@code device=} options: {@code node} is its path in the model's
     * namespace, {@code image} the local file with its bytes, {@code bdev} whether it is a block
     * device (else a regular file on ext4).
     */
    record Device(String node, Path image, boolean bdev) {}

    /**
     * What to evaluate.
     *
     * @param image    the image file on this machine
     * @param devices  extra nodes
     * @param options  the {@code -o} string as written, or null
     * @param kinds    source kinds, in column order
     * @param kernels  profiles, oldest first
     * @param config   CONFIG overrides on every profile
     * @param read     also walk the tree
     * @param api      the system calls of the mount ({@code mount(2)} or fsopen/fsconfig/fsmount)
     */
    record Request(Path image, List<Device> devices, String options, List<SourceKind> kinds,
                   List<KernelProfile> kernels, Map<ConfigFlag, Boolean> config, boolean read,
                   Scenario.MountApi api) {}

    /** One evaluated cell: the outcome, and its JSON as compared. */
    record Cell(KernelProfile kernel, SourceKind kind, MountOutcome outcome, ObjectNode compared) {
        /** {@code mode} when mounted, the errno when failed, else the outcome's name. */
        String summary() {
            return Matrix.summary(outcome);
        }

        /** The first kernel log line, or null when the attempt logs nothing. */
        String firstLog() {
            return outcome.log().isEmpty() ? null : outcome.log().get(0);
        }

        /** Why a blocked or crashed attempt stops (the contract's {@code reason}), else null. */
        String reason() {
            JsonNode r = compared.get("reason");
            return r == null || r.isNull() ? null : r.asText();
        }

        /** The first 8 hex digits of the SHA-256 of the tree as JSON, or null when there is no tree. */
        String treeDigest() {
            JsonNode t = compared.get("tree");
            if (t == null || t.isNull()) {
                return null;
            }
            try {
                byte[] h = MessageDigest.getInstance("SHA-256").digest(t.toString().getBytes(StandardCharsets.UTF_8));
                return HexFormat.of().formatHex(h, 0, 4);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        /** How many tree entries failed to read (readErrno set), or 0 without a tree. */
        int readErrors() {
            JsonNode t = compared.get("tree");
            int n = 0;
            if (t != null && t.isArray()) {
                for (JsonNode e : t) {
                    JsonNode r = e.get("readErrno");
                    if (r != null && !r.isNull()) {
                        n++;
                    }
                }
            }
            return n;
        }
    }

    /**
     * A change between neighbouring releases for one source kind.
     *
     * @param fields     the outcome fields that differ, in the contract's order
     * @param causes     the behaviours of the {@code explanations} or, when there is none, those
     *                   whose removal gives at least one differing field its older value
     * @param exact      whether there are explanations
     * @param explanations the sets of behaviours whose removal from {@code newer} gives
     *                   {@code older}'s outcome: each single behaviour that does, or when none
     *                   does, each pair that does together
     * @param byField    with {@code exact} false: per differing field, the behaviours whose
     *                   removal gives that field the older value
     */
    record Difference(SourceKind kind, KernelProfile older, KernelProfile newer, List<String> fields,
                      List<Behavior> causes, boolean exact, List<List<Behavior>> explanations,
                      Map<String, List<Behavior>> byField) {}

    /** The evaluated matrix: cells by kernel then kind, and the differences found. */
    record Result(Request request, Map<String, Map<SourceKind, Cell>> cells, List<Difference> differences) {
        Cell cell(KernelProfile k, SourceKind kind) {
            return cells.get(k.release()).get(kind);
        }

        /** The difference of this cell against the row above, or null. */
        Difference differenceAt(KernelProfile k, SourceKind kind) {
            for (Difference d : differences) {
                if (d.newer().release().equals(k.release()) && d.kind() == kind) {
                    return d;
                }
            }
            return null;
        }
    }

    private Matrix() {}

    /** {@code mode} when mounted, the errno when failed, else the outcome's name. */
    static String summary(MountOutcome outcome) {
        if (outcome instanceof MountOutcome.Mounted m) {
            return m.mode() == null ? "mounted" : m.mode().contractName();
        }
        if (outcome instanceof MountOutcome.Failed f && f.errno() != null) {
            return f.errno().name();
        }
        return outcome.outcome();
    }

    /**
     * The model path of a local path as given: a relative path without {@code ..} is taken from
     * the model's {@code /} (where the model resolves relative paths, as in a {@code device=}
     * option written the same way), anything else is made absolute and normalised.
     */
    static String nodePath(String typed, String what) {
        Path p = Scenarios.path(typed, what);
        String key;
        boolean dotdot = false;
        for (Path c : p) {
            dotdot |= c.toString().equals("..");
        }
        if (!p.isAbsolute() && !dotdot) {
            key = Path.of("/").resolve(p).normalize().toString();
        } else {
            key = p.toAbsolutePath().normalize().toString();
        }
        String bad = VirtualNamespace.checkKey(key);
        if (bad != null) {
            throw CliException.badInput(what + " '" + typed + "': " + bad);
        }
        return key;
    }

    /**
     * Parses {@code --device}: {@code PATH} (a regular file on ext4 at PATH holding the file
     * PATH) or {@code /dev/NODE=PATH} (a block device node holding the file PATH).
     */
    static Device device(String spec) {
        int eq = spec.indexOf('=');
        if (spec.startsWith("/dev/") && eq > 0) {
            String node = spec.substring(0, eq);
            String file = spec.substring(eq + 1);
            String bad = VirtualNamespace.checkKey(node);
            if (bad != null) {
                throw CliException.badInput("--device '" + spec + "': " + node + ": " + bad);
            }
            return new Device(node, existing(file, "--device '" + spec + "'"), true);
        }
        return new Device(nodePath(spec, "--device"), existing(spec, "--device"), false);
    }

    /** A local file that must exist and be a regular file. */
    static Path existing(String typed, String what) {
        Path p = Scenarios.path(typed, what);
        if (!Files.exists(p)) {
            throw CliException.badInput(what + " " + typed + ": no such file");
        }
        if (!Files.isRegularFile(p)) {
            throw CliException.badInput(what + " " + typed + ": not a regular file");
        }
        return p;
    }

    /** The scenario of one cell (file-source path {@code imageNode}). */
    static Scenario scenario(Request r, String imageNode, SourceKind kind, KernelConfig kernel,
                             Map<Path, ImageBytes> images) {
        Scenario.Builder b = Scenario.builder().name("matrix " + kind + " " + kernel.profile().release())
                .kernel(kernel).options(r.options()).read(r.read()).api(r.api());
        ImageBytes bytes = images.computeIfAbsent(r.image(), ImageBytes::map);
        if (kind == SourceKind.file) {
            b.node(imageNode, new Node.RegularFile(bytes, BackingFs.EXT4)).source(imageNode);
        } else {
            b.node(LOOP_DEVICE, new Node.BlockDevice(bytes, new DevT(LOOP_MAJOR, 0), true, 512, false))
                    .source(LOOP_DEVICE);
        }
        Set<DevT> used = new LinkedHashSet<>();
        used.add(new DevT(LOOP_MAJOR, 0));
        int minor = 0;
        for (Device d : r.devices()) {
            ImageBytes db = images.computeIfAbsent(d.image(), ImageBytes::map);
            if (d.bdev()) {
                Matcher m = LOOP.matcher(d.node());
                DevT dev = m.matches() ? new DevT(LOOP_MAJOR, Integer.parseInt(m.group(1))) : null;
                if (dev == null || used.contains(dev)) {
                    do {
                        dev = new DevT(BLKEXT_MAJOR, minor++);
                    } while (used.contains(dev));
                }
                used.add(dev);
                b.node(d.node(), new Node.BlockDevice(db, dev, true, 512, false));
            } else if (!(kind == SourceKind.file && d.node().equals(imageNode))) { // else: the source file itself
                b.node(d.node(), new Node.RegularFile(db, BackingFs.EXT4));
            }
        }
        return b.build();
    }

    /** Checks that the extra nodes do not take the place of the image's own. */
    static void checkNodes(Request r, String imageNode) {
        Set<String> seen = new LinkedHashSet<>();
        for (Device d : r.devices()) {
            if (!seen.add(d.node())) {
                throw CliException.badInput("--device " + d.node() + ": given twice");
            }
            if (d.node().equals(imageNode) && r.kinds().contains(SourceKind.file) && (d.bdev() || !sameFile(d.image(), r.image()))) {
                throw CliException.badInput("--device " + d.node() + ": is the path of the file source, with another file");
            }
            if (d.node().equals(LOOP_DEVICE) && r.kinds().contains(SourceKind.loop)) {
                throw CliException.badInput("--device " + d.node() + ": is the loop device the image sits on; use /dev/loop1 and up");
            }
        }
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** Evaluates every cell, then the differences between neighbouring releases. */
    static Result evaluate(Request r, String imageNode) {
        checkNodes(r, imageNode);
        Map<Path, ImageBytes> images = new LinkedHashMap<>();
        Map<String, Map<SourceKind, Cell>> cells = new LinkedHashMap<>();
        for (KernelProfile k : r.kernels()) {
            Map<SourceKind, Cell> row = new LinkedHashMap<>();
            for (SourceKind kind : r.kinds()) {
                row.put(kind, cell(r, imageNode, kind, k, images));
            }
            cells.put(k.release(), row);
        }
        List<Difference> diffs = new ArrayList<>();
        for (int i = 1; i < r.kernels().size(); i++) {
            KernelProfile older = r.kernels().get(i - 1);
            KernelProfile newer = r.kernels().get(i);
            for (SourceKind kind : r.kinds()) {
                Cell o = cells.get(older.release()).get(kind);
                Cell n = cells.get(newer.release()).get(kind);
                if (!o.compared().equals(n.compared())) {
                    diffs.add(attribute(r, imageNode, kind, o, n, images));
                }
            }
        }
        return new Result(r, cells, diffs);
    }

    /** The model's cell of one source kind on one profile (with the request's CONFIG overrides). */
    static Cell cell(Request r, String imageNode, SourceKind kind, KernelProfile k, Map<Path, ImageBytes> images) {
        Scenario s = scenario(r, imageNode, kind, new KernelConfig(k, r.config()), images);
        MountOutcome o = Scenarios.predict(s, "the " + kind + " source on " + k.release());
        return new Cell(k, kind, o, compared(o));
    }

    /** The outcome JSON as compared: without {@code version} and {@code notes}. */
    static ObjectNode compared(MountOutcome o) {
        ObjectNode t = OutcomeJson.toTree(o);
        t.remove("version");
        t.remove("notes");
        return t;
    }

    private static Difference attribute(Request r, String imageNode, SourceKind kind, Cell older, Cell newer,
                                        Map<Path, ImageBytes> images) {
        List<String> fields = differingFields(older.compared(), newer.compared());
        EnumSet<Behavior> lacking = EnumSet.noneOf(Behavior.class);
        lacking.addAll(newer.kernel().behaviors());
        lacking.removeAll(older.kernel().behaviors());
        List<Behavior> exact = new ArrayList<>();
        Map<String, List<Behavior>> byField = new LinkedHashMap<>();
        fields.forEach(f -> byField.put(f, new ArrayList<>()));
        for (Behavior b : lacking) {
            KernelProfile without = newer.kernel().toBuilder().without(b).build();
            Cell c = cell(r, imageNode, kind, without, images);
            if (c.compared().equals(older.compared())) {
                exact.add(b);
            }
            for (String f : fields) {
                if (Objects.equals(c.compared().get(f), older.compared().get(f))) {
                    byField.get(f).add(b);
                }
            }
        }
        if (!exact.isEmpty()) {
            return new Difference(kind, older.kernel(), newer.kernel(), fields, List.copyOf(exact), true,
                    exact.stream().map(List::of).toList(), Map.of());
        }
        // no single change: the pairs whose joint removal gives the older outcome
        List<Behavior> cands = new ArrayList<>(lacking);
        List<List<Behavior>> pairs = new ArrayList<>();
        for (int i = 0; i < cands.size(); i++) {
            for (int j = i + 1; j < cands.size(); j++) {
                KernelProfile without = newer.kernel().toBuilder().without(cands.get(i), cands.get(j)).build();
                if (cell(r, imageNode, kind, without, images).compared().equals(older.compared())) {
                    pairs.add(List.of(cands.get(i), cands.get(j)));
                }
            }
        }
        if (!pairs.isEmpty()) {
            Set<Behavior> members = new LinkedHashSet<>();
            pairs.forEach(members::addAll);
            return new Difference(kind, older.kernel(), newer.kernel(), fields, List.copyOf(members), true,
                    List.copyOf(pairs), Map.of());
        }
        Set<Behavior> partial = new LinkedHashSet<>();
        byField.values().forEach(partial::addAll);
        Map<String, List<Behavior>> frozen = new LinkedHashMap<>();
        byField.forEach((f, bs) -> frozen.put(f, List.copyOf(bs)));
        return new Difference(kind, older.kernel(), newer.kernel(), fields, List.copyOf(partial), false, List.of(), frozen);
    }

    /** Top-level fields whose values differ, in the first object's order, then the second's extras. */
    static List<String> differingFields(ObjectNode a, ObjectNode b) {
        List<String> out = new ArrayList<>();
        for (Iterator<String> it = a.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!Objects.equals(a.get(f), b.get(f))) {
                out.add(f);
            }
        }
        for (Iterator<String> it = b.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!a.has(f)) {
                out.add(f);
            }
        }
        return out;
    }
}
