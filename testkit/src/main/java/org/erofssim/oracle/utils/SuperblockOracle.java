package org.erofssim.oracle.utils;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.erofssim.contract.MountOutcome;
import org.erofssim.ondisk.DeviceSlot;
import org.erofssim.ondisk.FeatureCompat;
import org.erofssim.ondisk.FeatureIncompat;
import org.erofssim.ondisk.Superblock;

/**
 * {@code dump.erofs -s} against the model: the ondisk decode ({@link Superblock},
 * {@link DeviceSlot}) field by field, and a model mount (statfs blocks and inodes, the root
 * nid in the log line, the device count).
 */
public final class SuperblockOracle {
    private SuperblockOracle() {}

    /** One disagreement: the field, erofs-utils' value, the model's. */
    public record Difference(String field, String utils, String model) {
        @Override public String toString() {
            return field + ": dump.erofs " + utils + ", model " + model;
        }
    }

    /** The model's decode of an image's first 4 KiB and device slots. */
    public record Decoded(Superblock superblock, List<DeviceSlot> slots) {
        /** Blocks as dump.erofs 1.5 counts them: the primary's plus every slot's. */
        public long totalBlocks() {
            long b = superblock.blocksLo();
            for (DeviceSlot s : slots) {
                b += s.blocksLo();
            }
            return b;
        }

        /** The feature words dump.erofs 1.5 prints, in its order (compat, then incompat, by bit). */
        public List<String> dump15Features() {
            List<String> out = new ArrayList<>();
            for (FeatureCompat f : superblock.compatFeatures()) {
                if (f.printedByDumpErofs15()) {
                    out.add(f.dumpName());
                }
            }
            for (FeatureIncompat f : superblock.incompatFeatures()) {
                if (f.printedByDumpErofs15()) {
                    out.add(f.dumpName());
                }
            }
            return out;
        }

        /**
         * The feature words dump.erofs of {@code format} prints: 1.5's ({@link #dump15Features}); 1.8's and
         * 1.9's, every set bit by its later names (bit 0x02 as {@code compr_cfgs big_pcluster}, 0x20 as
         * {@code fragments dedupe}), 1.9 calling bit 0x01 {@code lz4_0padding} where 1.8 says {@code 0padding}.
         */
        public List<String> dumpFeatures(DumpErofs.Format format) {
            if (format == DumpErofs.Format.V1_5) {
                return dump15Features();
            }
            List<String> out = new ArrayList<>();
            for (FeatureCompat f : superblock.compatFeatures()) {
                out.add(f.dumpName());
            }
            for (FeatureIncompat f : superblock.incompatFeatures()) {
                for (String n : f.laterDumpNames()) {
                    out.add(format == DumpErofs.Format.V1_9 && f == FeatureIncompat.ZERO_PADDING ? "lz4_0padding" : n);
                }
            }
            return out;
        }
    }

    /** Decodes the superblock (first 4 KiB, zero-padded) and, with a device table, its slots. */
    public static Decoded decode(Path image) throws IOException {
        try (FileChannel ch = FileChannel.open(image, StandardOpenOption.READ)) {
            ByteBuffer page0 = read(ch, 0, 4096);
            Superblock sb = Superblock.decode(page0);
            List<DeviceSlot> slots = new ArrayList<>();
            if (FeatureIncompat.DEVICE_TABLE.in(sb.featureIncompat())) {
                for (int i = 0; i < sb.extraDevices(); i++) {
                    long pos = DeviceSlot.position(sb.devtSlotoff(), i);
                    slots.add(DeviceSlot.decode(read(ch, pos, DeviceSlot.SIZE), 0));
                }
            }
            return new Decoded(sb, slots);
        }
    }

    private static ByteBuffer read(FileChannel ch, long pos, int len) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            if (ch.read(b, pos + b.position()) < 0) {
                break;
            }
        }
        b.clear();
        return b;
    }

    /** dump.erofs -s vs the ondisk decode. */
    public static List<Difference> compare(DumpErofs.SuperblockInfo dump, Decoded model) {
        Superblock sb = model.superblock();
        List<Difference> out = new ArrayList<>();
        eq(out, "magic", dump.magic(), sb.magic());
        eq(out, "blocks (primary + device slots)", dump.blocks(), model.totalBlocks());
        eq(out, "meta_blkaddr", dump.metaBlkaddr(), sb.metaBlkaddr());
        eq(out, "xattr_blkaddr", dump.xattrBlkaddr(), sb.xattrBlkaddr());
        eq(out, "root_nid", dump.rootNid(), (long) sb.rootNid());
        eq(out, "inos", dump.inos(), sb.inos());
        eq(out, "build time (epoch)", dump.created(), sb.epoch());
        eq(out, "features", dump.features(), model.dumpFeatures(dump.format()));
        if (dump.blockSize() >= 0) {
            eq(out, "block size", dump.blockSize(), 1L << sb.blkszbits());
        }
        eq(out, "uuid", dump.uuid(), sb.uuidString());
        return out;
    }

    /** dump.erofs -s vs what the model's mount reports (the mount must succeed). */
    public static List<Difference> compare(DumpErofs.SuperblockInfo dump, MountOutcome outcome, int devices) {
        List<Difference> out = new ArrayList<>();
        if (!(outcome instanceof MountOutcome.Mounted)) {
            out.add(new Difference("mount", "readable image", String.valueOf(outcome)));
            return out;
        }
        MountOutcome.Mounted m = (MountOutcome.Mounted) outcome;
        eq(out, "statfs f_blocks", dump.blocks(), m.statfs().blocks());
        eq(out, "statfs f_files - f_ffree (inos)", dump.inos(), m.statfs().files() - m.statfs().ffree());
        eq(out, "statfs f_type", dump.magic(), m.statfs().type());
        String line = "mounted with root inode @ nid " + dump.rootNid() + ".";
        boolean found = m.log().stream().anyMatch(l -> l.endsWith(line));
        if (!found) {
            out.add(new Difference("log", "… " + line, String.valueOf(m.log())));
        }
        eq(out, "devices", (long) devices, (long) m.devices().size());
        return out;
    }

    private static void eq(List<Difference> out, String field, Object utils, Object model) {
        if (!utils.equals(model)) {
            out.add(new Difference(field, String.valueOf(utils), String.valueOf(model)));
        }
    }
}
