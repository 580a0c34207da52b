package org.erofssim.contract;

import static org.apiguardian.api.API.Status.MAINTAINED;

import org.apiguardian.api.API;

import static org.erofssim.contract.JsonFields.asLong;
import static org.erofssim.contract.JsonFields.asString;
import static org.erofssim.contract.JsonFields.asUnsigned64;
import static org.erofssim.contract.JsonFields.child;
import static org.erofssim.contract.JsonFields.describe;
import static org.erofssim.contract.JsonFields.opt;
import static org.erofssim.contract.JsonFields.requiredString;
import static org.erofssim.contract.JsonFields.typeOf;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.erofssim.kernel.Errno;
import org.erofssim.sb.Mode;

/**
 * The contract's outcome JSON ({@code "version": 1}): {@link #write} gives one compact line
 * with the fields in the contract's order, {@link #read} is its inverse (for recorded kernel
 * observations). Field order and the model's additions are listed in {@code package-info.java}.
 */
@API(status = MAINTAINED, since = "0.1.0")
public final class OutcomeJson {
    public static final int VERSION = 1;

    private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);
    private static final Pattern FSID = Pattern.compile("([0-9a-f]{8}):([0-9a-f]{8})");
    private static final Pattern HEX = Pattern.compile("0x([0-9a-f]{1,16})");

    private OutcomeJson() {}

    /** The contract's name of an outcome: mounted, failed, blocked or crashed. */
    public static String outcomeName(MountOutcome o) {
        return o.outcome();
    }

    /** One line of JSON, no trailing newline: {@link #write(MountOutcome, java.io.Writer)}'s characters. */
    public static String write(MountOutcome o) {
        java.io.StringWriter w = new java.io.StringWriter(512);
        try {
            write(o, w);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot happen: writing to a StringWriter", e);
        }
        return w.toString();
    }

    /**
     * {@link #write(MountOutcome)} written to {@code w} (no trailing newline) with Jackson's
     * streaming generator, field by field, without building a tree (issue 12: the 100,000
     * entries of a huge image's walk held as one Jackson tree and one string were most of the
     * process's memory; and in a 10,000-scenario {@code predict} batch the tree, an {@code
     * ObjectMapper.writeTree} per field and the {@code BigInteger}s of the unsigned statfs counts
     * were 44 % of the CPU samples). {@code w} is flushed, not closed.
     */
    public static void write(MountOutcome o, java.io.Writer w) throws java.io.IOException {
        try (JsonGenerator g = JsonFields.MAPPER.getFactory().createGenerator(w)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            generate(o, g);
        }
        w.flush();
    }

    /**
     * The outcome as a Jackson tree, fields in the contract's order: {@link #generate}'s tokens
     * replayed from a {@link TokenBuffer} (so the tree and the line cannot disagree on a field).
     * The buffer keeps each value's Java type: {@code int} fields become {@code IntNode}s,
     * {@code long} ones {@code LongNode}s and the unsigned statfs counts {@code BigIntegerNode}s.
     */
    public static ObjectNode toTree(MountOutcome o) {
        try (TokenBuffer b = new TokenBuffer(JsonFields.MAPPER, false)) {
            generate(o, b);
            try (JsonParser p = b.asParser()) {
                return (ObjectNode) JsonFields.MAPPER.readTree(p);
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot happen: replaying a token buffer of plain values", e);
        }
    }

    /** The one writer of every field, in the contract's order (see {@code package-info.java}). */
    private static void generate(MountOutcome o, JsonGenerator g) throws java.io.IOException {
        g.writeStartObject();
        g.writeNumberField("version", VERSION);
        g.writeStringField("outcome", outcomeName(o));
        g.writeStringField("errno", o instanceof MountOutcome.Failed f && f.errno() != null ? f.errno().name() : null);
        g.writeStringField("mode", o.mode() == null ? null : o.mode().contractName());
        g.writeFieldName("log");
        strings(g, o.log());
        MountOutcome.Mounted m = o instanceof MountOutcome.Mounted mm ? mm : null;
        g.writeFieldName("superblock");
        if (m == null || m.superblock() == null) {
            g.writeNull();
        } else {
            SuperblockInfo sb = m.superblock();
            g.writeStartObject();
            g.writeBooleanField("anonDev", sb.anonDev());
            g.writeStringField("dev", sb.dev());
            g.writeStringField("sysfsName", sb.sysfsName());
            g.writeNumberField("blockSize", sb.blockSize());
            g.writeEndObject();
        }
        g.writeStringField("superOptions", m == null ? null : m.superOptions());
        g.writeFieldName("statfs");
        if (m == null || m.statfs() == null) {
            g.writeNull();
        } else {
            statfs(g, m.statfs());
        }
        g.writeFieldName("devices");
        if (m == null || m.devices() == null) {
            g.writeNull();
        } else {
            g.writeStartArray();
            for (DeviceInfo d : m.devices()) {
                g.writeStartObject();
                g.writeNumberField("id", d.id());
                g.writeStringField("tag", d.tag());
                g.writeStringField("kind", d.kind());
                g.writeNumberField("blocks", d.blocks());
                g.writeNumberField("mappedBlkaddr", d.mappedBlkaddr());
                g.writeStringField("path", d.path());
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        g.writeFieldName("tree");
        if (m == null || m.tree() == null) {
            g.writeNull();
        } else {
            g.writeStartArray();
            for (TreeEntry t : m.tree()) {
                entry(g, t);
            }
            g.writeEndArray();
        }
        if (m != null && m.metadataCache() != null) {
            g.writeObjectFieldStart("metadataCache");
            g.writeStringField("cache", m.metadataCache().cache());
            g.writeArrayFieldStart("blocks");
            for (Long b : m.metadataCache().blocks()) {
                if (b == null) {
                    g.writeNull();
                } else {
                    g.writeNumber(b.longValue());
                }
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        if (m != null && m.unmount() != null && !m.unmount().isEmpty()) {
            g.writeFieldName("unmount");
            strings(g, m.unmount());
        }
        if (o.notes() != null && !o.notes().isEmpty()) {
            g.writeFieldName("notes");
            strings(g, o.notes());
        }
        if (o instanceof MountOutcome.Blocked b) {
            g.writeStringField("reason", b.reason());
        } else if (o instanceof MountOutcome.Crashed c) {
            g.writeStringField("reason", c.what());
        }
        g.writeEndObject();
    }

    private static void strings(JsonGenerator g, List<String> list) throws java.io.IOException {
        g.writeStartArray();
        if (list != null) {
            for (String v : list) {
                g.writeString(v);
            }
        }
        g.writeEndArray();
    }

    /** The statfs object; {@code files} and {@code ffree} are unsigned 64-bit counts (2^64 - 1 for erofs). */
    private static void statfs(JsonGenerator g, Statfs s) throws java.io.IOException {
        g.writeStartObject();
        g.writeStringField("type", "0x" + Long.toHexString(s.type()));
        g.writeNumberField("bsize", s.bsize());
        g.writeNumberField("blocks", s.blocks());
        g.writeNumberField("bfree", s.bfree());
        g.writeNumberField("bavail", s.bavail());
        g.writeFieldName("files");
        unsigned(g, s.files());
        g.writeFieldName("ffree");
        unsigned(g, s.ffree());
        g.writeNumberField("namelen", s.namelen());
        g.writeStringField("fsid", s.fsid());
        g.writeEndObject();
    }

    /**
     * {@code v} read as unsigned: its decimal digits to a text generator (no {@code BigInteger}
     * on the fast path), a {@code BigInteger} to {@link #toTree}'s buffer (which would keep
     * digits given as text as a floating-point token).
     */
    private static void unsigned(JsonGenerator g, long v) throws java.io.IOException {
        if (g instanceof TokenBuffer) {
            BigInteger b = BigInteger.valueOf(v);
            g.writeNumber(v >= 0 ? b : b.add(TWO_64));
        } else {
            g.writeNumber(Long.toUnsignedString(v));
        }
    }

    /** One entry of the {@code tree} array. */
    private static void entry(JsonGenerator g, TreeEntry t) throws java.io.IOException {
        g.writeStartObject();
        g.writeStringField("path", t.path());
        g.writeNumberField("ino", t.ino());
        g.writeStringField("type", t.type());
        g.writeStringField("mode", t.mode());
        g.writeNumberField("uid", t.uid());
        g.writeNumberField("gid", t.gid());
        g.writeNumberField("size", t.size());
        g.writeNumberField("blocks", t.blocks());
        g.writeNumberField("nlink", t.nlink());
        g.writeNumberField("mtime", t.mtime());
        g.writeNumberField("mtimeNsec", t.mtimeNsec());
        g.writeStringField("target", t.target());
        g.writeStringField("rdev", t.rdev());
        if (t.xattrs() == null) {
            g.writeNullField("xattrs");
        } else {
            g.writeObjectFieldStart("xattrs");
            for (Map.Entry<String, String> x : new TreeMap<>(t.xattrs()).entrySet()) {
                g.writeStringField(x.getKey(), x.getValue());
            }
            g.writeEndObject();
        }
        g.writeStringField("sha256", t.sha256());
        g.writeStringField("readErrno", t.readErrno());
        g.writeNumberField("readOkBytes", t.readOkBytes());
        if (t.extents() != null) {
            g.writeArrayFieldStart("extents");
            for (TreeEntry.Extent e : t.extents()) {
                g.writeStartArray();
                g.writeNumber(e.logical());
                g.writeNumber(e.physical());
                g.writeNumber(e.length());
                g.writeString(e.flags());
                g.writeNumber(e.device());
                g.writeEndArray();
            }
            g.writeEndArray();
        }
        if (t.notes() != null && !t.notes().isEmpty()) {
            g.writeFieldName("notes");
            strings(g, t.notes());
        }
        g.writeEndObject();
    }

    /**
     * Decodes an outcome line. Lists that {@link #write} omits when empty ({@code notes}) come
     * back empty; a tree entry without {@code extents} gets null ones.
     *
     * @throws ScenarioException naming the field on bad input
     */
    public static MountOutcome read(String json) {
        JsonNode root = JsonFields.parseObject(json, "outcome");
        JsonNode v = opt(root, "version");
        if (v == null) {
            throw ScenarioException.at("version", "missing (expected " + VERSION + ")");
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() != VERSION) {
            throw ScenarioException.at("version", "expected " + VERSION + ", got " + describe(v));
        }
        String outcome = requiredString(root, "outcome", "");
        Mode mode = mode(root);
        List<String> log = stringList(root, "log", "");
        List<String> notes = stringList(root, "notes", "");
        switch (outcome) {
            case "mounted": {
                JsonNode sb = obj(root, "superblock", "");
                JsonNode sf = obj(root, "statfs", "");
                return new MountOutcome.Mounted(mode, log, sb == null ? null : superblock(sb, "superblock"),
                        JsonFields.string(root, "superOptions", "", null), sf == null ? null : statfs(sf, "statfs"),
                        devices(root), tree(root), notes, metadataCache(root), stringList(root, "unmount", ""));
            }
            case "failed": {
                String name = requiredString(root, "errno", "");
                Errno errno;
                try {
                    errno = Errno.valueOf(name);
                } catch (IllegalArgumentException e) {
                    throw ScenarioException.at("errno", "unknown errno '" + name + "'");
                }
                return new MountOutcome.Failed(errno, mode, log, notes);
            }
            case "blocked":
                return new MountOutcome.Blocked(requiredString(root, "reason", ""), mode, log, notes);
            case "crashed":
                return new MountOutcome.Crashed(requiredString(root, "reason", ""), mode, log, notes);
            default:
                throw ScenarioException.at("outcome", "expected mounted, failed, blocked or crashed, got '" + outcome + "'");
        }
    }

    private static Mode mode(JsonNode root) {
        String name = JsonFields.string(root, "mode", "", null);
        if (name == null) {
            return null;
        }
        for (Mode m : Mode.values()) {
            if (m.contractName().equals(name)) {
                return m;
            }
        }
        throw ScenarioException.at("mode", "expected bdev, fileio or fscache, got '" + name + "'");
    }

    private static JsonNode obj(JsonNode parent, String name, String path) {
        return JsonFields.object(parent, name, path);
    }

    private static List<String> stringList(JsonNode parent, String name, String path) {
        List<String> l = JsonFields.strings(parent, name, path);
        return l == null ? List.of() : List.copyOf(l);
    }

    private static long longField(JsonNode parent, String name, String path) {
        JsonNode n = opt(parent, name);
        if (n == null) {
            throw ScenarioException.at(child(path, name), "missing");
        }
        return asLong(n, child(path, name));
    }

    private static int intField(JsonNode parent, String name, String path) {
        long v = longField(parent, name, path);
        if (v != (int) v) {
            throw ScenarioException.at(child(path, name), "out of range: " + v);
        }
        return (int) v;
    }

    private static SuperblockInfo superblock(JsonNode n, String path) {
        JsonNode anon = opt(n, "anonDev");
        if (anon == null || !anon.isBoolean()) {
            throw ScenarioException.at(path + ".anonDev", anon == null ? "missing" : "expected true or false, got " + typeOf(anon));
        }
        return new SuperblockInfo(anon.booleanValue(), JsonFields.string(n, "dev", path, null),
                JsonFields.string(n, "sysfsName", path, null), intField(n, "blockSize", path));
    }

    private static Statfs statfs(JsonNode n, String path) {
        String type = requiredString(n, "type", path);
        Matcher t = HEX.matcher(type);
        if (!t.matches()) {
            throw ScenarioException.at(path + ".type", "expected 0x and lower-case hex digits, got '" + type + "'");
        }
        String fsid = requiredString(n, "fsid", path);
        Matcher f = FSID.matcher(fsid);
        if (!f.matches()) {
            throw ScenarioException.at(path + ".fsid", "expected %08x:%08x, got '" + fsid + "'");
        }
        return new Statfs(Long.parseUnsignedLong(t.group(1), 16), longField(n, "bsize", path),
                longField(n, "blocks", path), optLong(n, "bfree", path), optLong(n, "bavail", path),
                unsignedField(n, "files", path), unsignedField(n, "ffree", path), longField(n, "namelen", path),
                Integer.parseUnsignedInt(f.group(1), 16), Integer.parseUnsignedInt(f.group(2), 16));
    }

    /** bfree/bavail: the contract's example leaves them out; they are 0 for erofs. */
    private static long optLong(JsonNode parent, String name, String path) {
        JsonNode n = opt(parent, name);
        return n == null ? 0 : asLong(n, child(path, name));
    }

    private static long unsignedField(JsonNode parent, String name, String path) {
        JsonNode n = opt(parent, name);
        if (n == null) {
            throw ScenarioException.at(child(path, name), "missing");
        }
        return asUnsigned64(n, child(path, name));
    }

    private static List<DeviceInfo> devices(JsonNode root) {
        JsonNode a = JsonFields.array(root, "devices", "");
        if (a == null) {
            return null;
        }
        List<DeviceInfo> out = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            String path = "devices[" + i + "]";
            JsonNode d = element(a, i, path);
            out.add(new DeviceInfo(intField(d, "id", path), JsonFields.string(d, "tag", path, null),
                    requiredString(d, "kind", path), longField(d, "blocks", path),
                    longField(d, "mappedBlkaddr", path), JsonFields.string(d, "path", path, null)));
        }
        return List.copyOf(out);
    }

    private static JsonNode element(JsonNode array, int i, String path) {
        JsonNode e = array.get(i);
        if (!e.isObject()) {
            throw ScenarioException.at(path, "expected an object, got " + typeOf(e));
        }
        return e;
    }

    /** The {@code probeCache} answer, or null where the outcome has none. */
    private static MetadataCache metadataCache(JsonNode root) {
        JsonNode c = obj(root, "metadataCache", "");
        if (c == null) {
            return null;
        }
        String cache = requiredString(c, "cache", "metadataCache");
        JsonNode a = JsonFields.array(c, "blocks", "metadataCache");
        List<Long> blocks = new ArrayList<>();
        if (a != null) {
            for (int i = 0; i < a.size(); i++) {
                if (!a.get(i).canConvertToLong()) {
                    throw ScenarioException.at("metadataCache.blocks[" + i + "]", "expected a page number");
                }
                blocks.add(a.get(i).longValue());
            }
        }
        return new MetadataCache(cache, blocks);
    }

    private static List<TreeEntry> tree(JsonNode root) {
        JsonNode a = JsonFields.array(root, "tree", "");
        if (a == null) {
            return null;
        }
        List<TreeEntry> out = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            String path = "tree[" + i + "]";
            JsonNode t = element(a, i, path);
            out.add(new TreeEntry(requiredString(t, "path", path), longField(t, "ino", path),
                    // null for a name whose lstat failed (then only path, ino, type of the dirent and readErrno)
                    JsonFields.string(t, "type", path, null), JsonFields.string(t, "mode", path, null),
                    longField(t, "uid", path), longField(t, "gid", path), longField(t, "size", path),
                    longField(t, "blocks", path), longField(t, "nlink", path), longField(t, "mtime", path),
                    longField(t, "mtimeNsec", path), JsonFields.string(t, "target", path, null),
                    JsonFields.string(t, "rdev", path, null), xattrs(t, path),
                    JsonFields.string(t, "sha256", path, null), JsonFields.string(t, "readErrno", path, null),
                    longField(t, "readOkBytes", path), extents(t, path), stringList(t, "notes", path)));
        }
        return List.copyOf(out);
    }

    private static Map<String, String> xattrs(JsonNode t, String path) {
        JsonNode x = JsonFields.object(t, "xattrs", path);
        if (x == null) {
            return null;
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = x.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.put(e.getKey(), asString(e.getValue(), path + ".xattrs." + e.getKey()));
        }
        return out;
    }

    private static List<TreeEntry.Extent> extents(JsonNode t, String path) {
        JsonNode a = JsonFields.array(t, "extents", path);
        if (a == null) {
            return null;
        }
        List<TreeEntry.Extent> out = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            String p = path + ".extents[" + i + "]";
            JsonNode e = a.get(i);
            if (!e.isArray() || (e.size() != 4 && e.size() != 5)) {
                throw ScenarioException.at(p, "expected [logical, physical, length, \"flags\"(, device)], got " + describe(e));
            }
            long device = e.size() == 5 ? asLong(e.get(4), p + "[4]") : 0;
            if (device != (int) device) {
                throw ScenarioException.at(p + "[4]", "out of range: " + device);
            }
            out.add(new TreeEntry.Extent(asLong(e.get(0), p + "[0]"), asLong(e.get(1), p + "[1]"),
                    asLong(e.get(2), p + "[2]"), asString(e.get(3), p + "[3]"), (int) device));
        }
        return List.copyOf(out);
    }
}
