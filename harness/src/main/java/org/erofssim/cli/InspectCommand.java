package org.erofssim.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.erofssim.contract.OutcomeJson;
import org.erofssim.kernel.KernelProfile;
import org.erofssim.kernel.Releases;
import org.erofssim.contract.DeviceInfo;
import org.erofssim.contract.MountOutcome;
import org.erofssim.contract.Statfs;
import org.erofssim.contract.TreeEntry;
import org.erofssim.contract.DeviceInfo;
import org.erofssim.contract.MountOutcome;
import org.erofssim.contract.Statfs;
import org.erofssim.contract.TreeEntry;
import org.erofssim.ondisk.InodeRecord;
import org.erofssim.reference.Expectation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code inspect IMAGE [--device PATH]... [--json]}: the superblock (every field, its byte
 * offset, feature names), derived values, the root inode record, the device table, and the
 * model's file-backed mount of the image with its tree when the model walks it. A corrupt image
 * prints what decodes, then one line naming the byte of the first field the kernel refuses, and
 * exits 2.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, sortOptions = false,
        description = {"Decode an image: superblock, device table, root inode, mount, tree.",
                "",
                "Prints every superblock field with its byte offset and meaning, the",
                "feature names, derived values, the root inode record, the device table",
                "slots, and the model's file-backed mount of the image (with the tree",
                "when this build walks it). A corrupt image prints what decodes, then",
                "one line naming the byte of the first field the kernel refuses (exit 2)."})
final class InspectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "the image file (the primary device)")
    String image;

    @Option(names = "--device", paramLabel = "PATH",
            description = "an extra device, in device-id order (as mount -o device=PATH); repeatable")
    List<String> devices = new ArrayList<>();

    @Option(names = "--json", description = "print one JSON document instead of text")
    boolean json;

    @Option(names = "--kernel", paramLabel = "VERSION",
            description = "the kernel profile for the checks and the mount (default: newest)")
    String kernel;

    @Option(names = "--extract", paramLabel = "DIR",
            description = "also write the model's tree to DIR (a new or empty directory), like fsck.erofs --extract")
    java.nio.file.Path extract;

    @Override
    public Integer call() {
        KernelProfile profile = profile();
        if (extract != null) {
            TreeExtractor.refuseNonEmpty(extract);
        }
        ImageInspector.Report r = ImageInspector.inspect(image, devices, profile);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(toJson(r));
        } else {
            printText(out, r);
        }
        out.flush();
        ImageInspector.Problem p = r.problem();
        if (p != null) {
            throw CliException.badInput(p.oneLine(image));
        }
        if (extract != null) {
            return TreeExtractor.print(json ? spec.commandLine().getErr() : out, TreeExtractor.extract(java.nio.file.Path.of(image),
                    devices.stream().map(java.nio.file.Path::of).toList(), profile, extract), extract);
        }
        return ExitCode.OK;
    }

    private KernelProfile profile() {
        if (kernel == null) {
            return Releases.DEFAULT;
        }
        try {
            return Releases.resolve(kernel).profile();
        } catch (Releases.UnknownRelease e) {
            throw CliException.badInput("--kernel: " + e.getMessage());
        }
    }

    // ---------------------------------------------------------------- text

    private static void printText(PrintWriter out, ImageInspector.Report r) {
        out.println("image: " + r.image() + " (" + r.size() + " bytes)");
        out.println("kernel profile: " + r.kernel().name() + " (used for the checks and the model's mount)");
        out.println();
        out.println("superblock at byte 1024, " + r.sb().sbSize() + " bytes:");
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"byte", "size", "field", "value", "meaning"});
        for (ImageInspector.Field f : r.fields()) {
            rows.add(new String[] {String.valueOf(f.offset()), String.valueOf(f.width()), f.name(),
                    String.valueOf(f.value()), f.note()});
        }
        Table.print(out, indent(rows));
        out.println();

        out.println("derived:");
        List<String[]> d = new ArrayList<>();
        for (Map.Entry<String, Object> e : r.derived().entrySet()) {
            d.add(new String[] {e.getKey(), e.getValue() == null ? "-" : String.valueOf(e.getValue())});
        }
        Table.print(out, indent(d));
        out.println();

        ImageInspector.RootInode root = r.root();
        if (root == null) {
            Object nid = r.derived().get("rootNid");
            out.println(nid instanceof Long n && n < 0
                    ? "root inode: nid " + Long.toUnsignedString(n) + " is in the metabox (bit 63): its record is read"
                            + " through the metabox inode, see the mount below"
                    : "root inode: not located (blkszbits unsupported)");
        } else {
            InodeRecord i = root.inode();
            out.println("root inode: nid " + root.nid() + " at byte " + root.offset()
                    + (root.beyondEnd() ? " (beyond the end of the image: reads as zeros)" : "") + ":");
            List<String[]> ir = new ArrayList<>();
            ir.add(new String[] {"i_format", String.format("0x%04x", i.format()),
                    (i.extended() ? "extended (64 bytes)" : "compact (32 bytes)") + ", layout " + ImageInspector.layoutName(i)
                            + (i.formatHighBits() != 0 ? ", high bits 0x" + Integer.toHexString(i.formatHighBits() << 4) : "")});
            ir.add(new String[] {"i_mode", String.format("0%o", i.mode()), ImageInspector.fileType(i.mode())});
            ir.add(new String[] {"i_xattr_icount", String.valueOf(i.xattrIcount()), "inline xattr bytes " + i.xattrIbodySize()});
            ir.add(new String[] {"i_nlink", String.valueOf(i.nlink()), ""});
            ir.add(new String[] {"i_size", Long.toUnsignedString(i.size()), ""});
            ir.add(new String[] {"i_u", String.valueOf(i.iu()), "raw block address / chunk format / rdev"});
            ir.add(new String[] {"i_uid:i_gid", i.uid() + ":" + i.gid(), ""});
            ir.add(new String[] {"i_mtime", Long.toUnsignedString(i.mtime()) + (i.extended() ? "." + i.mtimeNsec() : ""), ""});
            Table.print(out, indent(ir));
        }
        out.println();

        if (!r.tableHonoured()) {
            out.println("device table: none (device_table not set" + (r.sb().extraDevices() != 0
                    ? "; extra_devices " + r.sb().extraDevices() + " is ignored" : "") + ")");
        } else {
            out.println("device table at byte " + r.tableOffset() + " (devt_slotoff " + r.sb().devtSlotoff() + "), "
                    + r.slots().size() + " slot" + (r.slots().size() == 1 ? "" : "s") + ":");
            List<String[]> s = new ArrayList<>();
            s.add(new String[] {"slot", "device", "byte", "tag", "blocks_lo", "uniaddr_lo", "blocks_hi", "uniaddr_hi", ""});
            for (ImageInspector.Slot slot : r.slots()) {
                s.add(new String[] {String.valueOf(slot.index()), String.valueOf(slot.deviceId()), String.valueOf(slot.offset()),
                        '"' + printable(slot.tag()) + '"',
                        String.valueOf(slot.blocksLo()), String.valueOf(slot.uniaddrLo()), String.valueOf(slot.blocksHi()),
                        String.valueOf(slot.uniaddrHi()), slot.beyondEnd() ? "beyond the end of the image (zeros)" : ""});
            }
            Table.print(out, indent(s));
        }
        if (!r.given().isEmpty()) {
            out.println("given devices (--device, in device-id order):");
            for (int i = 0; i < r.given().size(); i++) {
                ImageInspector.GivenDevice g = r.given().get(i);
                out.println("  " + (i + 1) + "  " + g.path() + " (" + g.size() + " bytes)");
            }
        }
        out.println();

        printOutcome(out, r);
    }

    private static void printOutcome(PrintWriter out, ImageInspector.Report r) {
        MountOutcome o = r.outcome();
        out.println("mount (" + r.kernel().name() + " model, the image as a regular file on ext4, read-only): "
                + OutcomeJson.outcomeName(o)
                + (Expectation.errnoOf(o) != null ? " " + Expectation.errnoOf(o) : "")
                + (o.mode() != null ? ", mode " + o.mode().contractName() : ""));
        for (String l : o.log()) {
            out.println("  log: " + l);
        }
        if (o instanceof MountOutcome.Mounted) {
            MountOutcome.Mounted m = (MountOutcome.Mounted) o;
            if (m.superblock() != null) {
                out.println("  superblock: dev " + m.superblock().dev() + ", sysfs " + m.superblock().sysfsName()
                        + ", block size " + m.superblock().blockSize());
            }
            out.println("  super options: " + m.superOptions());
            Statfs s = m.statfs();
            if (s != null) {
                out.println("  statfs: type 0x" + Long.toHexString(s.type()) + ", bsize " + s.bsize() + ", blocks " + s.blocks()
                        + ", files " + Long.toUnsignedString(s.files()) + ", ffree " + Long.toUnsignedString(s.ffree())
                        + ", namelen " + s.namelen() + ", fsid " + s.fsid());
            }
            if (m.devices() != null) {
                int shown = m.devices().size() > 16 ? 8 : m.devices().size();
                for (DeviceInfo dev : m.devices().subList(0, shown)) {
                    out.println("  device " + dev.id() + ": " + dev.kind() + ", tag \"" + printable(dev.tag()) + "\", blocks " + dev.blocks()
                            + ", mapped_blkaddr " + dev.mappedBlkaddr() + (dev.path() != null ? ", path " + dev.path() : ""));
                }
                if (shown < m.devices().size()) {
                    out.println("  ... " + (m.devices().size() - shown) + " more devices (--json lists all)");
                }
            }
        }
        for (String n : o.notes()) {
            out.println("  note: " + n);
        }
        out.println();
        if (!(o instanceof MountOutcome.Mounted)) {
            out.println("tree: none (the mount fails)");
            return;
        }
        List<TreeEntry> tree = ((MountOutcome.Mounted) o).tree();
        if (tree == null) {
            out.println("tree: not available in this build");
            return;
        }
        printTree(out, tree);
    }

    /** {@code dump.erofs -S}-style counts, then one line per path. */
    private static void printTree(PrintWriter out, List<TreeEntry> tree) {
        Map<String, Integer> byType = new TreeMap<>();
        long bytes = 0;
        int readErrors = 0;
        for (TreeEntry t : tree) {
            byType.merge(t.type() == null ? "unknown" : t.type(), 1, Integer::sum);
            if ("file".equals(t.type())) {
                bytes += t.size();
            }
            if (t.readErrno() != null) {
                readErrors++;
            }
        }
        out.println("tree: " + tree.size() + " paths (" + byType.entrySet().stream()
                .map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining(", ")) + "), "
                + bytes + " bytes in regular files, " + readErrors + " read error" + (readErrors == 1 ? "" : "s"));
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"nid", "type", "mode", "uid:gid", "nlink", "size", "blocks", "sha256", "path"});
        for (TreeEntry t : tree) {
            String path = t.path();
            if (t.target() != null) {
                path += " -> " + t.target();
            }
            if (t.rdev() != null) {
                path += " [" + t.rdev() + "]";
            }
            boolean statFailed = t.mode() == null; // lstat failed: only the dirent's nid and type are known
            if (statFailed && t.readErrno() != null) {
                path += " (lstat " + t.readErrno() + ")";
            } else if (t.readErrno() != null) {
                path += " (read " + t.readErrno() + " after " + t.readOkBytes() + " bytes)";
            }
            String sha = t.sha256() == null ? "-" : t.sha256().length() > 12 ? t.sha256().substring(0, 12) : t.sha256();
            rows.add(statFailed
                    ? new String[] {String.valueOf(t.ino()), t.type(), null, null, null, null, null, sha, path}
                    : new String[] {String.valueOf(t.ino()), t.type(), t.mode(), t.uid() + ":" + t.gid(),
                            String.valueOf(t.nlink()), String.valueOf(t.size()), String.valueOf(t.blocks()), sha, path});
        }
        Table.print(out, indent(rows));
    }

    /** A tag (ISO-8859-1 decoded bytes) with non-printable bytes as {@code \xNN}. */
    private static String printable(String tag) {
        return tag == null ? "" : ImageInspector.printable(tag.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    }

    private static List<String[]> indent(List<String[]> rows) {
        List<String[]> out = new ArrayList<>();
        for (String[] r : rows) {
            String[] c = r.clone();
            c[0] = "  " + c[0];
            out.add(c);
        }
        return out;
    }

    // ---------------------------------------------------------------- JSON

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    static String toJson(ImageInspector.Report r) {
        ObjectNode root = F.objectNode();
        root.put("image", r.image());
        root.put("size", r.size());
        root.put("kernel", r.kernel().name());
        ObjectNode sb = root.putObject("superblock");
        sb.put("offset", 1024);
        sb.put("size", r.sb().sbSize());
        ArrayNode fields = sb.putArray("fields");
        for (ImageInspector.Field f : r.fields()) {
            ObjectNode n = fields.addObject();
            n.put("name", f.name());
            n.put("offset", f.offset());
            n.put("width", f.width());
            put(n, "value", f.value());
            n.put("meaning", f.note());
        }
        sb.put("compatFeatures", ImageInspector.compatNames(r.sb().featureCompat()));
        sb.put("incompatFeatures", ImageInspector.incompatNames(r.sb().featureIncompat(), r.kernel()));
        ObjectNode derived = root.putObject("derived");
        for (Map.Entry<String, Object> e : r.derived().entrySet()) {
            put(derived, e.getKey(), e.getValue());
        }
        if (r.root() == null) {
            root.putNull("rootInode");
        } else {
            ObjectNode ri = root.putObject("rootInode");
            InodeRecord i = r.root().inode();
            ri.put("nid", r.root().nid());
            ri.put("offset", r.root().offset());
            ri.put("beyondEnd", r.root().beyondEnd());
            ri.put("format", i.format());
            ri.put("extended", i.extended());
            ri.put("layout", ImageInspector.layoutName(i));
            ri.put("xattrIcount", i.xattrIcount());
            ri.put("mode", String.format("0%o", i.mode()));
            ri.put("type", ImageInspector.fileType(i.mode()));
            ri.put("nlink", i.nlink());
            put(ri, "size", ImageInspector.unsigned(i.size()));
            ri.put("iu", i.iu());
            ri.put("ino32", i.ino32());
            ri.put("uid", i.uid());
            ri.put("gid", i.gid());
            put(ri, "mtime", ImageInspector.unsigned(i.mtime()));
            ri.put("mtimeNsec", i.mtimeNsec());
        }
        ObjectNode table = root.putObject("deviceTable");
        table.put("honoured", r.tableHonoured());
        table.put("offset", r.tableOffset());
        ArrayNode slots = table.putArray("slots");
        for (ImageInspector.Slot s : r.slots()) {
            ObjectNode n = slots.addObject();
            n.put("slot", s.index());
            n.put("id", s.deviceId());
            n.put("offset", s.offset());
            n.put("tag", s.tag());
            n.put("tagHex", s.tagHex());
            n.put("blocksLo", s.blocksLo());
            n.put("uniaddrLo", s.uniaddrLo());
            n.put("blocksHi", s.blocksHi());
            n.put("uniaddrHi", s.uniaddrHi());
            n.put("beyondEnd", s.beyondEnd());
        }
        ArrayNode given = root.putArray("givenDevices");
        for (ImageInspector.GivenDevice g : r.given()) {
            given.addObject().put("path", g.path()).put("size", g.size());
        }
        ImageInspector.Problem p = r.problem();
        if (p == null) {
            root.putNull("problem");
        } else {
            ObjectNode n = root.putObject("problem");
            if (p.offset() < 0) {
                n.putNull("offset");
            } else {
                n.put("offset", p.offset());
            }
            n.put("field", p.field());
            n.put("message", p.message());
        }
        root.set("mount", OutcomeJson.toTree(r.outcome()));
        boolean mounted = r.outcome() instanceof MountOutcome.Mounted;
        root.put("treeAvailable", mounted && ((MountOutcome.Mounted) r.outcome()).tree() != null);
        try {
            return new ObjectMapper().disable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("writing a tree of plain values", e);
        }
    }

    private static void put(ObjectNode n, String key, Object v) {
        if (v == null) {
            n.putNull(key);
        } else if (v instanceof Long) {
            n.put(key, (Long) v);
        } else if (v instanceof Integer) {
            n.put(key, (Integer) v);
        } else if (v instanceof java.math.BigInteger) {
            n.put(key, (java.math.BigInteger) v);
        } else if (v instanceof Boolean) {
            n.put(key, (Boolean) v);
        } else {
            n.put(key, String.valueOf(v));
        }
    }
}
