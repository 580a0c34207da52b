package org.erofssim.fuzz;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.erofssim.kernel.KernelProfile;
import org.erofssim.contract.Scenario;
import org.erofssim.fuzz.FuzzCase.BaseImage;
import org.erofssim.fuzz.FuzzCase.DeviceArg;
import org.erofssim.contract.ScenarioJson;

/**
 * A fuzz campaign's cases as scenarios in memory, without a file per case: templates parsed once
 * per shape and shared by the worker threads, each case's edited image swapped into them. Split
 * from {@link FuzzCampaign} (issue 8's size rule).
 */
final class FuzzScenarios {
    private final Path images;
    private final Path work;
    /** Each base's bytes, read by every case's copy-on-write view of it ({@link FuzzCase#view}), never written. */
    private final Map<BaseImage, org.erofssim.block.ImageBytes> bases = new java.util.EnumMap<>(BaseImage.class);

    FuzzScenarios(Path images, Path work, Map<BaseImage, byte[]> bases) {
        this.images = images;
        this.work = work;
        bases.forEach((b, bytes) -> this.bases.put(b, org.erofssim.block.ImageBytes.of(bytes)));
    }

    /**
     * What a case's parsed scenario depends on besides its image, edits, options, CONFIG and tree
     * read (which only its description names, or the case sets on the template): the key of a
     * parsed template. Not the base: the nodes holding the image are the case's own
     * ({@link #inMemory}).
     */
    private record Shape(String profile, FuzzCase.Source source, List<DeviceArg> devices, FuzzCase.Context context) {
        static Shape of(FuzzCase c, KernelProfile p) {
            return new Shape(p.name(), c.source(), c.devices(),
                    templateContext(c.source(), c.context(), c.devices().contains(DeviceArg.PRIMARY_FILE)));
        }

        // written out (every case looks its shape up): a record's own equals and hashCode go
        // through method handles, slow until the JIT has compiled them (issue 12)
        @Override public boolean equals(Object o) {
            if (this == o) {
                return true;
            }
            if (!(o instanceof Shape s) || source != s.source || !profile.equals(s.profile)
                    || !devices.equals(s.devices)) {
                return false;
            }
            return sameContext(context, s.context);
        }

        @Override public int hashCode() {
            int h = profile.hashCode();
            h = 31 * h + source.ordinal();
            for (DeviceArg d : devices) {
                h = 31 * h + d.ordinal();
            }
            return 31 * h + contextHash(context);
        }
    }

    /**
     * Parsed scenarios by their shape (images named by an unedited base file), shared by the
     * worker threads. A campaign meets thousands of shapes (4,022 in 20,000 guided cases of seed
     * 12): the earlier 2,048-entry LRU reparsed a shape a few cases after evicting it (a tenth of a
     * model-only campaign's time, JFR); this one is emptied when it reaches {@value #TEMPLATES}.
     * A template's scenario differs from case to case in its description, which no prediction
     * reads, and the image its nodes hold, which each case puts in.
     */
    private final Map<Shape, Scenario> templates = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int TEMPLATES = 65_536;

    /**
     * Whether each shape's template is its own scenario JSON, written and parsed
     * ({@code -Derofssim.fuzzTemplates=parse}, as before), instead of assembled from parsed parts
     * ({@link #assembledTemplate}); {@code FuzzTemplatesTest} compares the two.
     */
    static final boolean PARSE_EACH_SHAPE = "parse".equals(System.getProperty("erofssim.fuzzTemplates"));

    /** The shape's template: the case's scenario JSON naming the unedited base image, parsed. */
    Scenario parsedTemplate(FuzzCase c, KernelProfile profile) {
        String basePath = images.resolve(c.base().path()).toAbsolutePath().toString();
        ObjectNode json = c.scenario(profile.name(), basePath, images.resolve(FuzzCampaign.BLOB).toAbsolutePath().toString());
        return ScenarioJson.read(json.toString(), work, "fuzz");
    }

    /**
     * The part of a case's mount context its template depends on (what {@link FuzzCase#scenario}
     * writes of it besides the description, {@code "config"}, {@code "options"} and {@code "read"},
     * which a case sets on its template): the mount API, the mount before and fscache mode always;
     * the backing filesystem of a primary file ({@code FILE}, a {@code SYMLINK}'s target, a
     * {@code device=} entry naming the primary when {@code primaryFileDevice}); a loop device
     * primary's block size and DAX; page 0's EIO on a primary. The rest (a block size with a file
     * primary, a filesystem with a loop device, anything of a primary the source does not hold)
     * writes nothing: keying templates by the whole context parsed the same template again for
     * each such combination (3,983 templates without {@code device=} entries in 100,000 cases of
     * seed 12, a parse each: 9% of the workers' CPU, issue 15).
     */
    static FuzzCase.Context templateContext(FuzzCase.Source source, FuzzCase.Context x, boolean primaryFileDevice) {
        boolean bdev = source == FuzzCase.Source.BDEV;
        boolean file = source == FuzzCase.Source.FILE || source == FuzzCase.Source.SYMLINK;
        String fs = file || primaryFileDevice ? x.fs() : null;
        int lbs = bdev ? x.logicalBlockSize() : 0;
        boolean dax = bdev && x.dax();
        boolean eio = (bdev || file) && x.eio();
        if (java.util.Objects.equals(fs, x.fs()) && lbs == x.logicalBlockSize() && dax == x.dax() && eio == x.eio()) {
            return x;
        }
        return new FuzzCase.Context(x.fsopen(), fs, lbs, dax, x.before(), eio, x.fscache());
    }

    /** What a template depends on besides its {@code device=} entries. */
    private record Core(String profile, FuzzCase.Source source, FuzzCase.Context context) {
        // written out, as Shape's: a record's own equals and hashCode (and the context's) go
        // through method handles, slow until compiled (JFR, session 14: 2% of the workers' samples)
        @Override public boolean equals(Object o) {
            return o instanceof Core k && source == k.source && profile.equals(k.profile)
                    && sameContext(context, k.context);
        }

        @Override public int hashCode() {
            return (31 * profile.hashCode() + source.ordinal()) * 31 + contextHash(context);
        }
    }

    /** What one {@code device=} entry's node depends on: its kind, its place and a primary file's backing filesystem. */
    private record DeviceShape(String profile, DeviceArg arg, int index, String fs) {
        @Override public boolean equals(Object o) {
            return o instanceof DeviceShape k && arg == k.arg && index == k.index && profile.equals(k.profile)
                    && java.util.Objects.equals(fs, k.fs);
        }

        @Override public int hashCode() {
            return ((31 * profile.hashCode() + arg.ordinal()) * 31 + index) * 31 + (fs == null ? 0 : fs.hashCode());
        }
    }

    /** {@code a.equals(b)}, field by field. */
    private static boolean sameContext(FuzzCase.Context a, FuzzCase.Context b) {
        return a == b || a.fsopen() == b.fsopen() && a.logicalBlockSize() == b.logicalBlockSize()
                && a.dax() == b.dax() && a.before() == b.before() && a.eio() == b.eio()
                && a.fscache() == b.fscache() && java.util.Objects.equals(a.fs(), b.fs());
    }

    /** A hash of a context's fields (consistent with {@link #sameContext}). */
    private static int contextHash(FuzzCase.Context x) {
        int h = (x.fsopen() ? 1 : 0) + (x.dax() ? 2 : 0) + (x.eio() ? 4 : 0) + (x.fscache() ? 8 : 0);
        h = 31 * h + x.logicalBlockSize();
        h = 31 * h + x.before().ordinal();
        return 31 * h + (x.fs() == null ? 0 : x.fs().hashCode());
    }

    /**
     * The base image every template names ({@link #assembledTemplate}): a case's scenario holds
     * its own image in those nodes ({@link #inMemory}). Templates were parsed per base before, 14
     * times as many (2,023 without {@code device=} entries in 100,000 cases of seed 12, a parse
     * each: 6% of the workers' CPU).
     */
    static final BaseImage TEMPLATE_BASE = BaseImage.MULTIDEV;

    /** Parsed templates without {@code device=} entries (a few hundred in a campaign). */
    private final Map<Core, Scenario> cores = new java.util.concurrent.ConcurrentHashMap<>();
    /** Parsed {@code device=} nodes (null for a missing path: {@link #NO_NODE}). */
    private final Map<DeviceShape, Object> deviceNodes = new java.util.concurrent.ConcurrentHashMap<>();
    private static final Object NO_NODE = new Object();

    /**
     * The shape's template without a JSON of its own (JFR: writing and parsing one per shape was
     * a tenth of a model-only campaign, thousands of shapes differing mostly in their
     * {@code device=} lists): the parsed template of the case without {@code device=} entries
     * (one per profile, source and the part of the mount context it depends on,
     * {@link #templateContext}) with each entry's node added, parsed once per (kind, index,
     * backing filesystem of a primary file) from a scenario holding that node alone; both name
     * {@link #TEMPLATE_BASE} as the image. The result is the template {@link #parsedTemplate}
     * gives for that base: nodes are added in the JSON's order
     * (a device path equal to an earlier node's replaces it, as a JSON key written again does),
     * and a node's parse depends on nothing else of its scenario (the device numbers of
     * {@code /dev/loopN} paths are their own; the entries' other nodes are files and directories).
     */
    Scenario assembledTemplate(FuzzCase c, KernelProfile profile) {
        FuzzCase.Context context = templateContext(c.source(), c.context(), false);
        Scenario core = cores.computeIfAbsent(new Core(profile.name(), c.source(), context),
                k -> PARSE_EACH_CORE ? partTemplate(c.source(), context, profile) : coreTemplate(c.source(), context, profile));
        if (c.devices().isEmpty()) {
            return core;
        }
        Scenario.Builder b = core.toBuilder();
        for (int i = 0; i < c.devices().size(); i++) {
            DeviceArg d = c.devices().get(i);
            int index = i;
            // the backing filesystem is a node field of a primary file alone
            String fs = d == DeviceArg.PRIMARY_FILE ? c.context().fs() : null;
            // only a loop device's node depends on its place (its device number is the path's)
            Object n = deviceNodes.computeIfAbsent(new DeviceShape(profile.name(), d, d == DeviceArg.BLOB_BDEV ? i : -1, fs),
                    k -> deviceNode(TEMPLATE_BASE, d, index, fs, profile));
            if (n != NO_NODE) {
                b.node(d.path(i), (org.erofssim.block.Node) n);
            }
        }
        return b.build();
    }

    /**
     * Whether each template without {@code device=} entries is parsed from its own JSON
     * ({@code -Derofssim.fuzzCores=parse}, as before session 14) instead of assembled from parsed
     * parts ({@link #coreTemplate}).
     */
    static final boolean PARSE_EACH_CORE = "parse".equals(System.getProperty("erofssim.fuzzCores"));

    /** Parsed parts of templates without {@code device=} entries, by what each depends on ({@link #coreTemplate}). */
    private final Map<Core, Scenario> parts = new java.util.concurrent.ConcurrentHashMap<>();

    /** The template without {@code device=} entries of {@code source} in {@code context}, parsed from its JSON. */
    Scenario partTemplate(FuzzCase.Source source, FuzzCase.Context context, KernelProfile profile) {
        return parsedTemplate(new FuzzCase(TEMPLATE_BASE, source, false, List.of(), List.of(), false, List.of(),
                List.of(), Map.of(), context), profile);
    }

    /** A part of {@link #coreTemplate}: the template of {@code source} in {@code context}, parsed once. */
    private Scenario part(FuzzCase.Source source, FuzzCase.Context context, KernelProfile profile) {
        return parts.computeIfAbsent(new Core(profile.name(), source, context), k -> partTemplate(source, context, profile));
    }

    /**
     * The template without {@code device=} entries of {@code source} in {@code context} (narrowed
     * by {@link #templateContext}) without a JSON of its own (JFR, session 14: the few hundred
     * such templates of a campaign, a parse each, were 7% of the workers' samples in 30,000
     * cases of seed 12, each parse cold): assembled from templates parsed once per part of the
     * context the JSON ({@link FuzzCase#scenario}) writes independently of the rest. The primary's
     * nodes (their backing filesystem, block size, DAX and page-0 EIO) come from the template of
     * the source in a context with those fields alone; the mount before, with the
     * {@code /dev/loop20} node of an earlier mount that claims the source, from the template of
     * the source with that mount alone; the fscache blob node and its CONFIG from the template
     * with no source in fscache mode, with its option string ({@code fsid=fs1}); {@code "api":
     * "fsopen"} is the field set. Nodes are put in
     * at their own paths (no two parts write the same path), so the result is the template
     * {@link #partTemplate} parses for that context ({@code FuzzTemplatesTest} compares both).
     */
    Scenario coreTemplate(FuzzCase.Source source, FuzzCase.Context context, KernelProfile profile) {
        FuzzCase.Context primaryOnly = new FuzzCase.Context(false, context.fs(), context.logicalBlockSize(),
                context.dax(), FuzzCase.Before.NONE, context.eio(), false);
        Scenario primary = part(source, primaryOnly, profile);
        if (sameContext(primaryOnly, context)) {
            return primary;
        }
        Scenario.Builder b = primary.toBuilder();
        if (context.before() != FuzzCase.Before.NONE) {
            Scenario before = part(source, FuzzCase.Context.NONE.withBefore(context.before()), profile);
            b.before(before.before());
            org.erofssim.block.Node loop = before.namespace().nodes().get(FuzzCase.CLAIMING_LOOP);
            if (loop != null) {
                b.node(FuzzCase.CLAIMING_LOOP, loop);
            }
        }
        if (context.fscache()) {
            Scenario fscache = part(FuzzCase.Source.MISSING, FuzzCase.Context.NONE.withFscache(true), profile);
            b.kernel(fscache.kernel());
            b.options(fscache.options()); // fsid=fs1
            b.node(FuzzCase.FSCACHE_BLOB, fscache.namespace().nodes().get(FuzzCase.FSCACHE_BLOB));
        }
        if (context.fsopen()) {
            b.api(Scenario.MountApi.FSOPEN);
        }
        return b.build();
    }

    /** The node of {@code device=} entry {@code index} of kind {@code d}, parsed from a scenario holding it alone. */
    private Object deviceNode(BaseImage base, DeviceArg d, int index, String fs, KernelProfile profile) {
        List<DeviceArg> devices = new ArrayList<>(java.util.Collections.nCopies(index, DeviceArg.MISSING));
        devices.add(d);
        FuzzCase alone = new FuzzCase(base, FuzzCase.Source.MISSING, false, List.of(), devices, false, List.of(),
                List.of(), Map.of(), FuzzCase.Context.NONE.withFs(fs));
        org.erofssim.block.Node n = parsedTemplate(alone, profile).namespace().nodes().get(d.path(index));
        return n == null ? NO_NODE : n;
    }

    /**
     * The case's scenario on {@code profile} without writing a file: the scenario JSON naming an
     * unedited base image is parsed once per shape (source, devices, the part of the mount context
     * the JSON writes) and kept; each case then swaps the nodes that hold the image for ones
     * holding its own bytes: its base, or with edits a copy-on-write view of the shared base
     * ({@link FuzzCase#view}), no copy of the base beyond the pages its edits touch.
     */
    Scenario inMemory(FuzzCase c, KernelProfile profile) {
        return inMemory(c, profile, b -> c.view(bases.get(b)));
    }

    /**
     * {@link #inMemory(FuzzCase, KernelProfile)} with the case's edited image given by
     * {@code edited} (called at most once, with the case's base; not for a case without edits,
     * whose image is the base): {@code FuzzCowProperties} compares the view with a whole copy of
     * the edited bytes.
     */
    Scenario inMemory(FuzzCase c, KernelProfile profile,
                      java.util.function.Function<BaseImage, org.erofssim.block.ImageBytes> edited) {
        // the JSON is written and parsed once per shape (nodes), not per case: a case sets its
        // option string, CONFIG and tree read on the template's builder
        Shape key = Shape.of(c, profile);
        Scenario t = templates.get(key);
        if (t == null) {
            t = PARSE_EACH_SHAPE ? parsedTemplate(c, profile) : assembledTemplate(c, profile);
            if (templates.size() >= TEMPLATES) {
                templates.clear();
            }
            templates.putIfAbsent(key, t);
        }
        // the template's fields with the case's options, CONFIG and tree read (what
        // toBuilder()...build() gives, without copying the nodes into a builder: issue 12)
        org.erofssim.kernel.KernelConfig kernel = kernelConfig(profile, c.effectiveConfig());
        org.erofssim.block.VirtualNamespace ns = t.namespace();
        List<String> paths = c.imageNodes();
        if (!paths.isEmpty()) {
            boolean edits = !c.edits().isEmpty() || !c.bytes().isEmpty() || c.fixChecksum();
            org.erofssim.block.ImageBytes image = edits ? edited.apply(c.base()) : bases.get(c.base());
            Map<String, org.erofssim.block.Node> swapped = new java.util.HashMap<>(4);
            for (String path : paths) {
                // the nodes that name the image in the case's JSON: not /dev/loop20 when an 11th
                // device= entry made it the blob (an edited case put its image there too until
                // session 13, where its JSON, a finding's scenario.json, has the blob)
                if (!holdsImage(c, path)) {
                    continue;
                }
                org.erofssim.block.Node n = ns.nodes().get(path);
                if (n instanceof org.erofssim.block.Node.RegularFile f) {
                    swapped.put(path, new org.erofssim.block.Node.RegularFile(faulted(c, path, image), f.fs()));
                } else if (n instanceof org.erofssim.block.Node.BlockDevice d) {
                    swapped.put(path, new org.erofssim.block.Node.BlockDevice(faulted(c, path, image), d.dev(),
                            d.readOnly(), d.logicalBlockSize(), d.dax(), d.nodev()));
                } else if (n instanceof org.erofssim.block.Node.FscacheBlob blob) {
                    swapped.put(path, new org.erofssim.block.Node.FscacheBlob(image, blob.daemon(), blob.pastEnd()));
                }
            }
            ns = ns.replacing(swapped);
        }
        return new Scenario(t.name(), kernel, ns, t.source(), c.optionString(), t.readOnly(), t.before(), c.read(),
                t.extents(), t.probeCache(), t.api(), t.readSize(), t.mmap());
    }

    /**
     * The kernel configurations cases ran with, by profile name and CONFIG overrides (most cases
     * have none): a {@link org.erofssim.kernel.KernelConfig} is immutable, and making one per case
     * (an EnumMap of every flag) was a tenth of a case's scenario (issue 12). Emptied at
     * {@value #CONFIGS}.
     */
    private final Map<String, Map<Map<org.erofssim.kernel.ConfigFlag, Boolean>, org.erofssim.kernel.KernelConfig>>
            configs = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int CONFIGS = 4096;
    /** The configuration of the last profile cases without CONFIG overrides ran with. */
    private volatile org.erofssim.kernel.KernelConfig plain;

    private org.erofssim.kernel.KernelConfig kernelConfig(KernelProfile profile,
                                                          Map<org.erofssim.kernel.ConfigFlag, Boolean> overrides) {
        if (overrides.isEmpty()) { // most cases: no lookup by a map key (AbstractMap.equals, hashing its entries)
            org.erofssim.kernel.KernelConfig k = plain;
            if (k == null || k.profile() != profile) {
                k = new org.erofssim.kernel.KernelConfig(profile, overrides);
                plain = k;
            }
            return k;
        }
        Map<Map<org.erofssim.kernel.ConfigFlag, Boolean>, org.erofssim.kernel.KernelConfig> byOverrides =
                configs.computeIfAbsent(profile.name(), k -> new java.util.concurrent.ConcurrentHashMap<>());
        org.erofssim.kernel.KernelConfig k = byOverrides.get(overrides);
        if (k == null || k.profile() != profile) {
            k = new org.erofssim.kernel.KernelConfig(profile, overrides);
            if (byOverrides.size() >= CONFIGS) {
                byOverrides.clear();
            }
            byOverrides.put(overrides, k);
        }
        return k;
    }

    /**
     * Whether the node at {@code path}, one of {@link FuzzCase#imageNodes}, names the image in the
     * case's JSON ({@link FuzzCase#scenario}): not when a later {@code device=} entry of another
     * kind wrote that path again (the 11th, {@code /dev/loop20}, over an earlier mount's loop device).
     */
    private static boolean holdsImage(FuzzCase c, String path) {
        for (int i = 0; i < c.devices().size(); i++) {
            DeviceArg d = c.devices().get(i);
            if (d != DeviceArg.PRIMARY_FILE && d != DeviceArg.MISSING && d.path(i).equals(path)) {
                return false;
            }
        }
        return true;
    }

    /** The edited bytes, with the case's page-0 EIO when {@code path} is the primary's node. */
    private static org.erofssim.block.ImageBytes faulted(FuzzCase c, String path, org.erofssim.block.ImageBytes edited) {
        return c.context().eio() && path.equals(c.primaryNode()) ? edited.withFaults(EIO_ON_PAGE_0) : edited;
    }

    /** Page 0 failing with EIO (immutable: one for every case). */
    private static final org.erofssim.block.Faults EIO_ON_PAGE_0 = new org.erofssim.block.Faults(
            Map.of(0L, org.erofssim.block.Faults.Kind.EIO));
}
