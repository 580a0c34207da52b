package org.erofssim.contract;

import static org.apiguardian.api.API.Status.MAINTAINED;

import org.apiguardian.api.API;

import static org.erofssim.contract.JsonFields.array;
import static org.erofssim.contract.JsonFields.asLong;
import static org.erofssim.contract.JsonFields.asString;
import static org.erofssim.contract.JsonFields.bool;
import static org.erofssim.contract.JsonFields.child;
import static org.erofssim.contract.JsonFields.describe;
import static org.erofssim.contract.JsonFields.object;
import static org.erofssim.contract.JsonFields.opt;
import static org.erofssim.contract.JsonFields.requiredString;
import static org.erofssim.contract.JsonFields.string;
import static org.erofssim.contract.JsonFields.typeOf;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.erofssim.block.BackingFs;
import org.erofssim.block.DevT;
import org.erofssim.block.Faults;
import org.erofssim.block.ImageBytes;
import org.erofssim.block.Node;
import org.erofssim.block.VirtualNamespace;
import org.erofssim.kernel.ConfigFlag;
import org.erofssim.kernel.KernelConfig;
import org.erofssim.kernel.KernelProfile;
import org.erofssim.kernel.Releases;

/**
 * Decodes a scenario of the harness contract ({@code "version": 1}) into a {@link Scenario}.
 * The fields and the model's extensions are listed in {@code package-info.java}. Every problem
 * is a {@link ScenarioException} with a one-line message naming the JSON field.
 */
@API(status = MAINTAINED, since = "0.1.0")
public final class ScenarioJson {
    /** The only scenario version this reader knows. */
    public static final int VERSION = 1;

    /** Mount flags a scenario may list; only {@code ro} changes what the model does. */
    static final Set<String> MOUNT_FLAGS = Set.of("ro");

    private static final Set<String> KINDS = Set.of("bdev", "file", "dir", "chardev", "symlink", "fifo", "socket", "blob");

    /** Node fields this reader knows, and the kinds they belong to. */
    private static final Map<String, Set<String>> NODE_FIELDS = Map.ofEntries(
            Map.entry("image", Set.of("bdev", "file", "blob")),
            Map.entry("faults", Set.of("bdev", "file", "blob")),
            Map.entry("dev", Set.of("bdev", "chardev")),
            Map.entry("readOnly", Set.of("bdev")),
            Map.entry("logicalBlockSize", Set.of("bdev")),
            Map.entry("dax", Set.of("bdev")),
            Map.entry("nodev", Set.of("bdev")),
            Map.entry("fs", Set.of("file")),
            Map.entry("target", Set.of("symlink")),
            Map.entry("daemon", Set.of("blob")),
            Map.entry("pastEnd", Set.of("blob")));

    /**
     * Top-level fields of a scenario: the contract's, the model's extensions and those of the
     * harness ({@code "expect"}, {@code "description"}, {@code "comment"}). Any other name is a
     * typo and refused, except names starting with {@link #EXTENSION_PREFIX}.
     */
    static final Set<String> TOP_FIELDS = Set.of("version", "name", "description", "comment", "kernel", "config",
            "nodes", "source", "options", "flags", "before", "read", "extents", "probeCache", "expect",
            "api",
            "readSize",
            "mmap");

    /** Fields of a {@code "before"} mount. */
    private static final Set<String> BEFORE_FIELDS = Set.of("source", "options", "flags");

    /** A field whose name starts with this is another tool's own and is ignored (like OpenAPI's {@code x-}). */
    public static final String EXTENSION_PREFIX = "x-";

    private static final Pattern DEV = Pattern.compile("(\\d{1,7}):(\\d{1,8})");
    private static final Pattern LOOP = Pattern.compile("/dev/loop(0|[1-9]\\d{0,6})");
    private static final int MAX_MAJOR = (1 << 12) - 1;
    private static final int MAX_MINOR = (1 << 20) - 1;
    /** blkext, where the kernel numbers block devices without a major of their own. */
    private static final int BLKEXT_MAJOR = 259;
    private static final int LOOP_MAJOR = 7;
    /** The mem driver's harmless character devices (null, zero, full, random, urandom). */
    private static final Map<String, Integer> MEM_MINORS = Map.of(
            "/dev/null", 3, "/dev/zero", 5, "/dev/full", 7, "/dev/random", 8, "/dev/urandom", 9);
    private static final int[] MEM_HARMLESS = {3, 5, 7, 8, 9};

    private ScenarioJson() {}

    /**
     * Reads a scenario file. Image paths are relative to its folder; the scenario's name
     * defaults to the file name without {@code .json}.
     */
    public static Scenario read(Path file) {
        return read(file, note -> { });
    }

    /**
     * {@link #read(Path)}, handing {@code notes} the one-line notes of the decoding, e.g. how a
     * {@code "kernel"} release resolved ({@link Releases.Resolution#note()}); the CLI prints them.
     */
    public static Scenario read(Path file, Consumer<String> notes) {
        String text;
        try {
            byte[] bytes = Files.readAllBytes(file);
            text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (NoSuchFileException e) {
            throw new ScenarioException(file + ": no such file");
        } catch (CharacterCodingException e) {
            throw new ScenarioException(file + ": not UTF-8 text");
        } catch (IOException e) {
            throw new ScenarioException(file + ": cannot read: " + e.getClass().getSimpleName());
        }
        String name = file.getFileName() == null ? "scenario" : file.getFileName().toString();
        if (name.endsWith(".json")) {
            name = name.substring(0, name.length() - ".json".length());
        }
        Path dir = file.toAbsolutePath().getParent();
        return read(text, dir, name, notes);
    }

    /** Decodes scenario text; image paths are relative to {@code baseDir}; name defaults to {@code scenario}. */
    public static Scenario read(String json, Path baseDir) {
        return read(json, baseDir, "scenario");
    }

    /** Decodes scenario text with the name to use when it has no {@code "name"}. */
    public static Scenario read(String json, Path baseDir, String defaultName) {
        return read(json, baseDir, defaultName, note -> { });
    }

    /** {@link #read(String, Path, String)}, handing {@code notes} the decoding's one-line notes. */
    public static Scenario read(String json, Path baseDir, String defaultName, Consumer<String> notes) {
        JsonNode root = JsonFields.parseObject(json, "scenario");
        return new Decoder(baseDir == null ? Path.of("") : baseDir, notes).scenario(root, defaultName);
    }

    private static final class Decoder {
        private final Path baseDir;
        private final Consumer<String> notes;

        Decoder(Path baseDir, Consumer<String> notes) {
            this.baseDir = baseDir;
            this.notes = notes;
        }

        Scenario scenario(JsonNode root, String defaultName) {
            version(root);
            knownFields(root, "", TOP_FIELDS);
            String name = string(root, "name", "", defaultName);
            KernelConfig kernel = new KernelConfig(profile(root), config(root));
            VirtualNamespace ns = nodes(root);
            String source = string(root, "source", "", null);
            String options = string(root, "options", "", null);
            boolean readOnly = flags(root, "");
            List<Scenario.Mount> before = before(root);
            return Scenario.builder().name(name).kernel(kernel).namespace(ns).source(source).options(options)
                    .readOnly(readOnly).before(before).read(bool(root, "read", "", false))
                    .extents(bool(root, "extents", "", false)).probeCache(bool(root, "probeCache", "", false))
                    .api(api(root))
                    .readSize(readSize(root))
                    .mmap(bool(root, "mmap", "", false))
                    .build();
        }

        /** {@code api}: {@code "mount"} (default) or {@code "fsopen"}. */
        private static Scenario.MountApi api(JsonNode root) {
            String api = string(root, "api", "", null);
            if (api == null) {
                return Scenario.MountApi.MOUNT;
            }
            for (Scenario.MountApi a : Scenario.MountApi.values()) {
                if (a.json().equals(api)) {
                    return a;
                }
            }
            throw ScenarioException.at("api", "unknown mount API '" + api + "' (known: fsopen, mount)");
        }

        /** {@code "readSize"}: bytes per {@code read(2)} call, 1..16 MiB; not with {@code "mmap": true}. */
        private static int readSize(JsonNode root) {
            JsonNode v = opt(root, "readSize");
            if (v == null) {
                return Scenario.DEFAULT_READ_SIZE;
            }
            long size = asLong(v, "readSize");
            if (size < 1 || size > Scenario.MAX_READ_SIZE) {
                throw ScenarioException.at("readSize", "expected 1.." + Scenario.MAX_READ_SIZE + " bytes, got " + size);
            }
            if (bool(root, "mmap", "", false)) {
                throw ScenarioException.at("readSize", "has no meaning with \"mmap\": true (pages are touched one by one)");
            }
            return (int) size;
        }

        /** Refuses a field of {@code obj} that is not in {@code known} and not an extension ({@code x-...}). */
        private static void knownFields(JsonNode obj, String path, Set<String> known) {
            for (Iterator<String> names = obj.fieldNames(); names.hasNext(); ) {
                String field = names.next();
                if (!known.contains(field) && !field.startsWith(EXTENSION_PREFIX)) {
                    throw ScenarioException.at(child(path, field), "unknown field (known: "
                            + String.join(", ", new java.util.TreeSet<>(known)) + "; or " + EXTENSION_PREFIX + "...)");
                }
            }
        }

        private static void version(JsonNode root) {
            JsonNode v = opt(root, "version");
            if (v == null) {
                throw ScenarioException.at("version", "missing (expected " + VERSION + ")");
            }
            if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() != VERSION) {
                throw ScenarioException.at("version", "expected " + VERSION + ", got " + describe(v));
            }
        }

        /** {@code "kernel"}: a release or short name ({@link Releases#resolve}); absent: {@link Releases#DEFAULT}. */
        private KernelProfile profile(JsonNode root) {
            String k = string(root, "kernel", "", null);
            if (k == null) {
                return Releases.DEFAULT;
            }
            Releases.Resolution r;
            try {
                r = Releases.resolve(k);
            } catch (Releases.UnknownRelease e) {
                throw ScenarioException.at("kernel", e.getMessage());
            }
            r.noteIfAny().ifPresent(notes);
            return r.profile();
        }

        private static Map<ConfigFlag, Boolean> config(JsonNode root) {
            JsonNode cfg = object(root, "config", "");
            Map<ConfigFlag, Boolean> out = new EnumMap<>(ConfigFlag.class);
            Map<ConfigFlag, String> seenAs = new EnumMap<>(ConfigFlag.class);
            if (cfg == null) {
                return out;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = cfg.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String field = "config." + e.getKey();
                String symbol = e.getKey().startsWith("CONFIG_") ? e.getKey().substring("CONFIG_".length()) : e.getKey();
                ConfigFlag flag = null;
                for (ConfigFlag f : ConfigFlag.values()) {
                    if (f.symbol().equals(symbol)) {
                        flag = f;
                    }
                }
                if (flag == null) {
                    throw ScenarioException.at(field, "unknown CONFIG symbol (known: "
                            + Stream.of(ConfigFlag.values()).map(ConfigFlag::symbol).collect(Collectors.joining(", ")) + ")");
                }
                if (seenAs.containsKey(flag)) {
                    throw ScenarioException.at(field, "given twice (also as " + seenAs.get(flag) + ")");
                }
                seenAs.put(flag, e.getKey());
                if (!e.getValue().isBoolean()) {
                    throw ScenarioException.at(field, "expected true or false, got " + typeOf(e.getValue()));
                }
                out.put(flag, e.getValue().booleanValue());
            }
            return out;
        }

        /** {@code flags} of the object at {@code path}: whether it holds {@code ro} (default {@code ["ro"]}). */
        private static boolean flags(JsonNode obj, String path) {
            List<String> flags = JsonFields.strings(obj, "flags", path);
            if (flags == null) {
                return true;
            }
            for (int i = 0; i < flags.size(); i++) {
                if (!MOUNT_FLAGS.contains(flags.get(i))) {
                    throw ScenarioException.at(child(path, "flags") + "[" + i + "]",
                            "unknown mount flag '" + flags.get(i) + "' (known: " + String.join(", ", new java.util.TreeSet<>(MOUNT_FLAGS)) + ")");
                }
            }
            return flags.contains("ro");
        }

        private static List<Scenario.Mount> before(JsonNode root) {
            JsonNode list = array(root, "before", "");
            List<Scenario.Mount> out = new ArrayList<>();
            if (list == null) {
                return List.copyOf(out);
            }
            for (int i = 0; i < list.size(); i++) {
                String path = "before[" + i + "]";
                JsonNode m = list.get(i);
                if (!m.isObject()) {
                    throw ScenarioException.at(path, "expected an object, got " + typeOf(m));
                }
                knownFields(m, path, BEFORE_FIELDS);
                out.add(new Scenario.Mount(string(m, "source", path, null), string(m, "options", path, null), flags(m, path)));
            }
            return List.copyOf(out);
        }

        private VirtualNamespace nodes(JsonNode root) {
            JsonNode nodes = object(root, "nodes", "");
            if (nodes == null) {
                return new VirtualNamespace(Map.of());
            }
            // pass 1: keys, kinds, fields, explicit device numbers
            Map<String, JsonNode> byPath = new TreeMap<>();
            Map<String, String> kinds = new HashMap<>();
            Map<DevT, String> bdevs = new HashMap<>();
            Set<DevT> chardevs = new HashSet<>();
            Map<String, DevT> devs = new HashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = nodes.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String key = e.getKey();
                String path = "nodes." + ScenarioException.abbreviate(key, ScenarioException.MAX_FIELD);
                String bad = VirtualNamespace.checkKey(key);
                if (bad != null) {
                    throw ScenarioException.at(path, bad);
                }
                JsonNode n = e.getValue();
                if (!n.isObject()) {
                    throw ScenarioException.at(path, "expected an object, got " + typeOf(n));
                }
                String kind = requiredString(n, "kind", path);
                if (!KINDS.contains(kind)) {
                    throw ScenarioException.at(path + ".kind", "unknown kind '" + kind + "' (known: "
                            + String.join(", ", new java.util.TreeSet<>(KINDS)) + ")");
                }
                boolean fscacheKey = key.startsWith(VirtualNamespace.FSCACHE_PREFIX);
                if (fscacheKey != kind.equals("blob")) {
                    throw ScenarioException.at(path + ".kind", fscacheKey
                            ? "a " + VirtualNamespace.FSCACHE_PREFIX + " key must be a blob, got " + kind
                            : "a blob's path must start with " + VirtualNamespace.FSCACHE_PREFIX);
                }
                for (Iterator<String> names = n.fieldNames(); names.hasNext(); ) {
                    String field = names.next();
                    if (!field.equals("kind") && !NODE_FIELDS.containsKey(field) && !field.startsWith(EXTENSION_PREFIX)) {
                        throw ScenarioException.at(path + "." + field, "unknown field (known: kind, "
                                + String.join(", ", new java.util.TreeSet<>(NODE_FIELDS.keySet())) + "; or " + EXTENSION_PREFIX + "...)");
                    }
                }
                for (Map.Entry<String, Set<String>> f : NODE_FIELDS.entrySet()) {
                    if (opt(n, f.getKey()) != null && !f.getValue().contains(kind)) {
                        throw ScenarioException.at(path + "." + f.getKey(), "not a field of a " + kind + " node");
                    }
                }
                String devText = string(n, "dev", path, null);
                if (devText != null) {
                    DevT dev = parseDev(devText, path + ".dev");
                    if (kind.equals("bdev")) {
                        String other = bdevs.putIfAbsent(dev, key);
                        if (other != null) {
                            throw ScenarioException.at(path + ".dev", dev + " is already the dev of " + other
                                    + " (use a symlink for a second name)");
                        }
                    } else {
                        chardevs.add(dev);
                    }
                    devs.put(key, dev);
                }
                byPath.put(key, n);
                kinds.put(key, kind);
            }
            // pass 2: default device numbers, in path order: first the names that have a
            // number of their own (/dev/loopN, /dev/null...), then the others
            for (String key : byPath.keySet()) {
                if (devs.containsKey(key)) {
                    continue;
                }
                DevT own = null;
                if (kinds.get(key).equals("bdev")) {
                    Matcher m = LOOP.matcher(key);
                    if (m.matches() && Integer.parseInt(m.group(1)) <= MAX_MINOR) {
                        own = new DevT(LOOP_MAJOR, Integer.parseInt(m.group(1)));
                        own = bdevs.containsKey(own) ? null : own;
                    }
                    if (own != null) {
                        bdevs.put(own, key);
                    }
                } else if (kinds.get(key).equals("chardev") && MEM_MINORS.containsKey(key)) {
                    own = new DevT(1, MEM_MINORS.get(key));
                    own = chardevs.add(own) ? own : null;
                }
                if (own != null) {
                    devs.put(key, own);
                }
            }
            for (String key : byPath.keySet()) {
                if (devs.containsKey(key)) {
                    continue;
                }
                if (kinds.get(key).equals("bdev")) {
                    DevT dev = null;
                    for (int minor = 0; dev == null; minor++) {
                        DevT d = new DevT(BLKEXT_MAJOR, minor);
                        dev = bdevs.containsKey(d) ? null : d;
                    }
                    bdevs.put(dev, key);
                    devs.put(key, dev);
                } else if (kinds.get(key).equals("chardev")) {
                    DevT dev = null;
                    for (int i = 0; dev == null; i++) {
                        DevT d = new DevT(1, i < MEM_HARMLESS.length ? MEM_HARMLESS[i] : 256 + i);
                        dev = chardevs.add(d) ? d : null;
                    }
                    devs.put(key, dev);
                }
            }
            // pass 3: the nodes
            Map<String, Node> out = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : byPath.entrySet()) {
                out.put(e.getKey(), node(e.getKey(), kinds.get(e.getKey()), e.getValue(), devs.get(e.getKey())));
            }
            String bad = VirtualNamespace.checkPaths(out);
            if (bad != null) {
                throw new ScenarioException("nodes." + bad);
            }
            return new VirtualNamespace(out);
        }

        private Node node(String key, String kind, JsonNode n, DevT dev) {
            String path = "nodes." + ScenarioException.abbreviate(key, ScenarioException.MAX_FIELD);
            switch (kind) {
                case "bdev": {
                    ImageBytes bytes = image(n, path, null);
                    if (bytes == null && opt(n, "faults") != null) {
                        throw ScenarioException.at(path + ".faults", "a bdev without image has no bytes to fault");
                    }
                    return new Node.BlockDevice(bytes, dev, bool(n, "readOnly", path, true),
                            logicalBlockSize(n, path), bool(n, "dax", path, false), bool(n, "nodev", path, false));
                }
                case "file": {
                    String fsName = string(n, "fs", path, BackingFs.EXT4.contractName());
                    BackingFs fs = BackingFs.byContractName(fsName);
                    if (fs == null) {
                        throw ScenarioException.at(path + ".fs", "unknown filesystem '" + fsName + "' (known: "
                                + Stream.of(BackingFs.values()).map(BackingFs::contractName).collect(Collectors.joining(", ")) + ")");
                    }
                    return new Node.RegularFile(image(n, path, ImageBytes.empty()), fs);
                }
                case "blob":
                    return new Node.FscacheBlob(image(n, path, ImageBytes.empty()),
                            named(n, "daemon", path, Node.FscacheBlob.Daemon.values(), Node.FscacheBlob.Daemon::contractName,
                                    Node.FscacheBlob.Daemon.SERVES),
                            named(n, "pastEnd", path, Node.FscacheBlob.PastEnd.values(), Node.FscacheBlob.PastEnd::contractName,
                                    Node.FscacheBlob.PastEnd.ZEROS));
                case "dir":
                    return new Node.Directory();
                case "chardev":
                    return new Node.CharDevice(dev);
                case "fifo":
                    return new Node.Fifo();
                case "socket":
                    return new Node.Socket();
                case "symlink": {
                    String target = requiredString(n, "target", path);
                    if (target.isEmpty()) {
                        throw ScenarioException.at(path + ".target", "empty (symlink(2) refuses an empty target)");
                    }
                    if (target.indexOf('\0') >= 0) {
                        throw ScenarioException.at(path + ".target", "NUL byte in target");
                    }
                    if (target.getBytes(StandardCharsets.UTF_8).length >= VirtualNamespace.PATH_MAX) {
                        throw ScenarioException.at(path + ".target", "longer than PATH_MAX");
                    }
                    return new Node.Symlink(target);
                }
                default:
                    throw new IllegalStateException(kind);
            }
        }

        private static int logicalBlockSize(JsonNode n, String path) {
            JsonNode v = opt(n, "logicalBlockSize");
            if (v == null) {
                return 512;
            }
            long size = asLong(v, path + ".logicalBlockSize");
            if (size != 512 && size != 1024 && size != 2048 && size != 4096) {
                throw ScenarioException.at(path + ".logicalBlockSize", "expected 512, 1024, 2048 or 4096, got " + size);
            }
            return (int) size;
        }

        /** The node's image mapped, with its faults; {@code dflt} when it has none. */
        private ImageBytes image(JsonNode n, String path, ImageBytes dflt) {
            String given = string(n, "image", path, null);
            Faults faults = faults(n, path);
            if (given == null) {
                return dflt == null ? null : dflt.withFaults(faults);
            }
            String field = path + ".image";
            Path file;
            try {
                file = baseDir.resolve(given);
            } catch (InvalidPathException e) {
                throw ScenarioException.at(field, "invalid path: " + given);
            }
            if (!Files.exists(file)) {
                throw ScenarioException.at(field, "no such file: " + given);
            }
            if (!Files.isRegularFile(file)) {
                throw ScenarioException.at(field, "not a regular file: " + given);
            }
            try {
                return ImageBytes.map(file).withFaults(faults);
            } catch (UncheckedIOException e) {
                String why = e.getCause() == null || e.getCause().getMessage() == null
                        ? "I/O error" : e.getCause().getMessage();
                throw ScenarioException.at(field, "cannot map " + given + ": " + why);
            }
        }

        private static Faults faults(JsonNode n, String path) {
            JsonNode f = object(n, "faults", path);
            if (f == null) {
                return Faults.NONE;
            }
            Map<Long, Faults.Kind> out = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = f.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String field = path + ".faults." + e.getKey();
                long page;
                if (!e.getKey().matches("\\d{1,18}")) {
                    throw ScenarioException.at(field, "a fault's key must be a page index (0, 1, ...)");
                }
                page = Long.parseLong(e.getKey());
                if (out.containsKey(page)) {
                    throw ScenarioException.at(field, "page " + page + " given twice");
                }
                String what = asString(e.getValue(), field);
                switch (what) {
                    case "eio" -> out.put(page, Faults.Kind.EIO);
                    case "short" -> out.put(page, Faults.Kind.SHORT);
                    default -> throw ScenarioException.at(field, "expected \"eio\" or \"short\", got '" + what + "'");
                }
            }
            return new Faults(out);
        }

        private static DevT parseDev(String text, String field) {
            Matcher m = DEV.matcher(text);
            if (m.matches()) {
                int major = Integer.parseInt(m.group(1));
                int minor = Integer.parseInt(m.group(2));
                if (major <= MAX_MAJOR && minor <= MAX_MINOR) {
                    return new DevT(major, minor);
                }
            }
            throw ScenarioException.at(field, "expected \"MAJ:MIN\" with MAJ < 4096 and MIN < 1048576, got '" + text + "'");
        }
    }

    /** An optional enum field written by its contract name; one line naming the field and the names it takes. */
    private static <E> E named(JsonNode n, String field, String path, E[] values,
                               java.util.function.Function<E, String> name, E dflt) {
        String v = string(n, field, path, null);
        if (v == null) {
            return dflt;
        }
        for (E e : values) {
            if (name.apply(e).equals(v)) {
                return e;
            }
        }
        throw ScenarioException.at(path + "." + field, "unknown value '" + v + "' (known: "
                + Stream.of(values).map(name).collect(Collectors.joining(", ")) + ")");
    }
}
