package org.erofssim.fuzz;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.erofssim.kernel.ConfigFlag;
import org.erofssim.fuzz.FuzzCase.BaseImage;
import org.erofssim.fuzz.FuzzCase.DeviceArg;
import org.erofssim.fuzz.FuzzCase.Source;
import org.erofssim.ondisk.DeviceSlotField;
import org.erofssim.ondisk.FeatureIncompat;
import org.erofssim.ondisk.FieldEdit.Verb;
import org.erofssim.ondisk.ImageEditor;
import org.erofssim.ondisk.SuperblockField;

/**
 * Draws {@link FuzzCase}s from a seeded {@link Random}: the same seed gives the same cases.
 *
 * <p>Edits stay on the slot table: three in four edit a field of slot 0 to 3 (tag, block count,
 * unified address, their 6.15+ high halves), one in four the superblock fields that place the
 * table ({@code extra_devices}, {@code devt_slotoff}) or the {@code DEVICE_TABLE} feature bit.
 * Values lean on the numbers the kernel compares them with: 0, 1, the primary's and the blob's
 * block counts and their neighbours, powers of two, slot offsets that put the table on the
 * superblock, on the inodes or past the end. The {@code device=} list has as many entries as the
 * base's table in three tries of five, any count up to three otherwise.
 *
 * <p>Beyond the table: one case in four starts from a compressed base image (LZ4, legacy LZ4,
 * ztailpacking, DEFLATE, MicroLZMA), one in three carries byte edits anywhere in the image
 * (the superblock, the inodes, dirents, xattrs and indexes of the first blocks, the data), one
 * in four further mount options ({@link #OPTIONS}), one in eight a CONFIG override; one source
 * in eight is a directory or a missing path, one in 32 each a path longer than a page, a symlink
 * or a character device. Half the byte edits are edits of a record field of the base
 * ({@link #recordEdit}); one case in four has a mount context other than the plain one
 * ({@link #context}). One case in eight starts from a modern base without compressed files
 * (metabox, chunk-based). The checksum is fixed in seven cases of eight.
 */
public final class FuzzGenerator {
    /** Block count of {@code multidev-blob.img} (the device every base's slots describe). */
    static final long BLOB_BLOCKS = 12;
    private static final DeviceSlotField[] SLOT_FIELDS = {
        DeviceSlotField.TAG,
        DeviceSlotField.BLOCKS_LO, DeviceSlotField.BLOCKS_LO, DeviceSlotField.BLOCKS_LO,
        DeviceSlotField.UNIADDR_LO, DeviceSlotField.UNIADDR_LO, DeviceSlotField.UNIADDR_LO,
        DeviceSlotField.BLOCKS_HI, DeviceSlotField.UNIADDR_HI};
    private static final Verb[] OTHER_VERBS = {Verb.ZEROES, Verb.ONES, Verb.FIRSTBIT, Verb.MIDDLEBIT, Verb.LASTBIT,
        Verb.ADD, Verb.SUB};

    private final Random random;
    private final Map<BaseImage, byte[]> bases;
    private final Map<BaseImage, Integer> tableSlots = new EnumMap<>(BaseImage.class);
    private final Map<BaseImage, Long> slotoff = new EnumMap<>(BaseImage.class);
    private final Map<BaseImage, Long> incompat = new EnumMap<>(BaseImage.class);
    private final Map<BaseImage, BaseRecords> records = new EnumMap<>(BaseImage.class);

    /** @param bases the bytes of every {@link BaseImage} */
    public FuzzGenerator(long seed, Map<BaseImage, byte[]> bases) {
        this.random = new Random(seed);
        this.bases = new EnumMap<>(bases);
        for (BaseImage b : BaseImage.values()) {
            byte[] bytes = bases.get(b);
            if (bytes == null) {
                throw new IllegalArgumentException("no bytes for base image " + b.path());
            }
            ImageEditor e = ImageEditor.of(bytes);
            tableSlots.put(b, (int) e.get(SuperblockField.EXTRA_DEVICES));
            slotoff.put(b, e.get(SuperblockField.DEVT_SLOTOFF));
            incompat.put(b, e.get(SuperblockField.FEATURE_INCOMPAT));
            records.put(b, BaseRecords.of(bytes));
        }
    }

    /** The next case. */
    public FuzzCase next() {
        int r = random.nextInt(8);
        BaseImage base = r < 2 ? pick(COMPRESSED) : r == 2 ? pick(OTHER_MODERN) : pick(new BaseImage[] {
            BaseImage.MULTIDEV, BaseImage.MULTIDEV, BaseImage.MULTIDEV, BaseImage.TWODEV, BaseImage.TWODEV,
            BaseImage.PLAIN});
        Source source = source();
        boolean fix = random.nextInt(8) != 0;
        int n = 1 + random.nextInt(4);
        List<SlotEdit> edits = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            edits.add(random.nextInt(4) == 0 ? superblockEdit(base) : slotEdit(base));
        }
        int count = random.nextInt(5) < 3 ? tableSlots.get(base) : random.nextInt(4);
        List<DeviceArg> devices = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            devices.add(pick(new DeviceArg[] {DeviceArg.BLOB_FILE, DeviceArg.BLOB_FILE, DeviceArg.BLOB_FILE,
                DeviceArg.BLOB_BDEV, DeviceArg.BLOB_BDEV, DeviceArg.BLOB_BDEV, DeviceArg.PRIMARY_FILE,
                DeviceArg.DIR, DeviceArg.MISSING}));
        }
        List<FuzzCase.ByteEdit> bytes = new ArrayList<>();
        if (random.nextInt(3) == 0) {
            for (int i = 1 + random.nextInt(3); i > 0; i--) {
                if (random.nextBoolean()) {
                    bytes.add(byteEdit(base));
                } else {
                    bytes.addAll(recordEdit(base));
                }
            }
        }
        List<String> options = new ArrayList<>();
        if (random.nextInt(4) == 0) {
            for (int i = 1 + random.nextInt(2); i > 0; i--) {
                options.add(option());
            }
        }
        Map<ConfigFlag, Boolean> config = new EnumMap<>(ConfigFlag.class);
        if (random.nextInt(8) == 0) {
            ConfigFlag f = pick(ConfigFlag.values());
            config.put(f, random.nextBoolean());
        }
        return new FuzzCase(base, source, fix, edits, devices, random.nextInt(5) != 0, bytes, options, config,
                random.nextInt(4) == 0 ? context() : FuzzCase.Context.NONE);
    }

    /**
     * An edit of one field of a record of the base ({@link BaseRecords}: an inode, xattr, chunk
     * index, compressed index or dirent field), as the little-endian bytes of its new value: a
     * value the kernel's checks care about, the current one plus or minus one, or one bit flipped.
     * A base without records gets a plain {@link #byteEdit}.
     */
    List<FuzzCase.ByteEdit> recordEdit(BaseImage base) {
        List<BaseRecords.Field> fields = records.get(base).fields();
        if (fields.isEmpty()) {
            return List.of(byteEdit(base));
        }
        return fieldEdit(base, fields.get(random.nextInt(fields.size())));
    }

    /**
     * A record-field edit stacked on what a corpus case already changed: a field of the base's
     * records that lies within {@code reach} bytes of one of {@code edited}'s offsets (the same
     * inode, its xattr area, its compressed indexes, the same directory block), so that a mutant
     * changes a second field of a record whose first edit reached a new branch (an index byte
     * next to the one that made a NONHEAD, the nameoff of the dirent whose nid was changed). With
     * no such field (or nothing edited yet) a {@link #recordEdit} anywhere.
     */
    List<FuzzCase.ByteEdit> nearRecordEdit(BaseImage base, List<FuzzCase.ByteEdit> edited, int reach) {
        List<BaseRecords.Field> fields = records.get(base).fields();
        if (edited.isEmpty() || fields.isEmpty()) {
            return recordEdit(base);
        }
        int at = edited.get(random.nextInt(edited.size())).offset();
        List<BaseRecords.Field> near = records.get(base).near(at, reach);
        return near.isEmpty() ? recordEdit(base) : fieldEdit(base, near.get(random.nextInt(near.size())));
    }

    /** An edit of field {@code f}: a value the kernel's checks care about, the current one plus or minus one, or one bit flipped. */
    private List<FuzzCase.ByteEdit> fieldEdit(BaseImage base, BaseRecords.Field f) {
        byte[] b = bases.get(base);
        long cur = 0;
        for (int i = f.width() - 1; i >= 0; i--) {
            cur = (cur << 8) | (b[f.offset() + i] & 0xff);
        }
        long v = switch (random.nextInt(4)) {
            case 0 -> cur + (random.nextBoolean() ? 1 : -1);
            case 1 -> cur ^ (1L << random.nextInt(8 * f.width()));
            default -> f.kind().values[random.nextInt(f.kind().values.length)];
        };
        List<FuzzCase.ByteEdit> out = new ArrayList<>(f.width());
        for (int i = 0; i < f.width(); i++) {
            out.add(new FuzzCase.ByteEdit(f.offset() + i, (int) (v >>> (8 * i)) & 0xff));
        }
        return out;
    }

    /** The backing filesystems a file primary is put on (contract names of {@code BackingFs}). */
    private static final String[] FILESYSTEMS = {"tmpfs", "ramfs", "proc", "overlay", "erofs", "erofs-bdev"};

    /**
     * A mount context other than the plain one: one or two of the mount API, the file primary's
     * filesystem, the loop device's block size and DAX, a mount before, page 0 failing, fscache mode.
     */
    FuzzCase.Context context() {
        FuzzCase.Context c = FuzzCase.Context.NONE;
        for (int i = 1 + random.nextInt(2); i > 0; i--) {
            c = contextEdit(c);
        }
        return c;
    }

    /** One change of a mount context. */
    FuzzCase.Context contextEdit(FuzzCase.Context c) {
        return switch (random.nextInt(7)) {
            case 0 -> c.withFsopen(!c.fsopen());
            case 1 -> c.withFs(c.fs() != null && random.nextBoolean() ? null : pick(FILESYSTEMS));
            case 2 -> c.withLogicalBlockSize(new int[] {0, 1024, 2048, 4096}[random.nextInt(4)]);
            case 3 -> c.withDax(!c.dax());
            case 4 -> c.withBefore(pick(FuzzCase.Before.values()));
            case 5 -> c.withEio(!c.eio());
            default -> c.withFscache(!c.fscache());
        };
    }

    /** The bases whose files hold compressed data (byte edits reach zmap and the decompressors there). */
    static final BaseImage[] COMPRESSED = {BaseImage.LZ4, BaseImage.LZ4_LEGACY, BaseImage.ZTAILPACKING,
        BaseImage.DEFLATE, BaseImage.LZMA, BaseImage.LZ4_48BIT, BaseImage.ZSTD_48BIT, BaseImage.FRAGMENTS,
        BaseImage.LZ4_B1024};

    /** The modern bases without compressed files (metabox, chunk-based files). */
    static final BaseImage[] OTHER_MODERN = {BaseImage.METABOX, BaseImage.CHUNKED};

    /**
     * Mount options beyond {@code device=}: every key of erofs_fs_parameters with good and bad
     * values, superblock flags, {@code source}, unknown keys, and an item that crosses the
     * kernel's 4,095-byte option page.
     */
    static final String[] OPTIONS = {"ro", "rw", "sync", "nosuid", "user_xattr", "nouser_xattr", "user_xattr=1",
        "acl", "noacl", "cache_strategy=disabled", "cache_strategy=readahead", "cache_strategy=readaround",
        "cache_strategy=bogus", "cache_strategy", "dax", "dax=always", "dax=never", "dax=bogus", "fsid=fs1",
        "domain_id=dom", "fsid=", "directio", "nodirectio", "fsoffset=0", "fsoffset=4096", "fsoffset=512",
        "fsoffset=0x1000", "fsoffset=bad", "source", "source=/srv/other", "device", "device=", "nosuchoption",
        "x".repeat(4100)};

    /** A source: the image as a file or a loop device mostly, a directory or a missing path now and then. */
    Source source() {
        int r = random.nextInt(32);
        return r < 2 ? Source.DIR : r < 4 ? Source.MISSING : r == 4 ? Source.LONG_PATH : r == 5 ? Source.SYMLINK
                : r == 6 ? Source.CHARDEV : r < 19 ? Source.FILE : Source.BDEV;
    }

    /** One option item. */
    String option() {
        return pick(OPTIONS);
    }

    /**
     * A byte edit: in the superblock two times in five, elsewhere in the first 8 KiB (the slot
     * table, the root inode and its directory, xattrs) two in five, anywhere one in five (anywhere
     * three in five on a compressed base: its indexes and pclusters lie beyond 8 KiB); the
     * value 0, 0xff, a bit flipped from the current byte or any byte.
     */
    FuzzCase.ByteEdit byteEdit(BaseImage base) {
        byte[] b = bases.get(base);
        int r = random.nextInt(5);
        boolean compressed = java.util.Arrays.asList(COMPRESSED).contains(base);
        int off = r < 2 ? 1024 + random.nextInt(128) : r < 4 && !compressed ? random.nextInt(Math.min(b.length, 8192))
                : random.nextInt(b.length);
        int cur = off < b.length ? b[off] & 0xff : 0;
        int v = switch (random.nextInt(4)) {
            case 0 -> 0;
            case 1 -> 0xff;
            case 2 -> cur ^ (1 << random.nextInt(8));
            default -> random.nextInt(256);
        };
        return new FuzzCase.ByteEdit(off, v);
    }

    /** The length of a base image's bytes. */
    int baseLength(BaseImage base) {
        return bases.get(base).length;
    }

    /** The generator's random source (the mutator draws from the same sequence: one seed, one campaign). */
    Random random() {
        return random;
    }

    /** An edit of the slot table or of the superblock fields that place it. */
    SlotEdit anyEdit(BaseImage base) {
        return random.nextInt(4) == 0 ? superblockEdit(base) : slotEdit(base);
    }

    /** The superblock fields beyond the table's, for {@link #superblockEdit}'s other branch. */
    private static final SuperblockField[] OTHER_SB_FIELDS = {SuperblockField.MAGIC, SuperblockField.FEATURE_COMPAT,
        SuperblockField.BLKSZBITS, SuperblockField.BLKSZBITS, SuperblockField.SB_EXTSLOTS, SuperblockField.ROOT_NID,
        SuperblockField.ROOT_NID, SuperblockField.BLOCKS_LO, SuperblockField.META_BLKADDR, SuperblockField.XATTR_BLKADDR,
        SuperblockField.VOLUME_NAME, SuperblockField.DIRBLKBITS, SuperblockField.XATTR_PREFIX_COUNT,
        SuperblockField.XATTR_PREFIX_START, SuperblockField.PACKED_NID, SuperblockField.ROOTNID_8B,
        SuperblockField.METABOX_NID};

    private SlotEdit superblockEdit(BaseImage base) {
        if (random.nextInt(3) == 0) {
            // another field of the superblock, or one incompat bit flipped (48-bit, metabox, unknown ones)
            if (random.nextInt(3) == 0) {
                return SlotEdit.superblock(SuperblockField.FEATURE_INCOMPAT, Verb.SET,
                        incompat.get(base) ^ (1L << random.nextInt(11)));
            }
            SuperblockField f = pick(OTHER_SB_FIELDS);
            if (random.nextInt(3) == 0) {
                return SlotEdit.superblock(f, pick(OTHER_VERBS), 1 + random.nextInt(4));
            }
            long[] interesting = {0, 1, 2, 8, 9, 10, 11, 12, 13, 16, 27, 36, 37, 64, 255, 0x7fffffffL, 1L << 63};
            return SlotEdit.superblock(f, Verb.SET, interesting[random.nextInt(interesting.length)]);
        }
        switch (random.nextInt(5)) {
            case 0, 1 -> {
                Verb v = random.nextInt(3) == 0 ? pick(OTHER_VERBS) : Verb.SET;
                return SlotEdit.superblock(SuperblockField.EXTRA_DEVICES, v, v == Verb.SET ? random.nextInt(6) : 1);
            }
            case 2, 3 -> {
                long current = slotoff.get(base);
                long blocks = bases.get(base).length / 128;
                long[] interesting = {0, 8, 9, current - 1, current + 1, current + 8, blocks - 1, blocks, 0xffff};
                Verb v = random.nextInt(4) == 0 ? pick(OTHER_VERBS) : Verb.SET;
                return SlotEdit.superblock(SuperblockField.DEVT_SLOTOFF, v,
                        v == Verb.SET ? interesting[random.nextInt(interesting.length)] : 1 + random.nextInt(8));
            }
            default -> {
                return SlotEdit.superblock(SuperblockField.FEATURE_INCOMPAT, Verb.SET,
                        incompat.get(base) ^ FeatureIncompat.DEVICE_TABLE.bit());
            }
        }
    }

    private SlotEdit slotEdit(BaseImage base) {
        int slot = random.nextInt(Math.max(1, tableSlots.get(base)) + 2);
        DeviceSlotField f = pick(SLOT_FIELDS);
        if (random.nextInt(2) == 0) {
            return SlotEdit.slot(slot, f, pick(OTHER_VERBS), 1 + random.nextInt(16));
        }
        long primaryBlocks = bases.get(base).length / 4096;
        long[] interesting = {0, 1, 2, BLOB_BLOCKS - 1, BLOB_BLOCKS, BLOB_BLOCKS + 1, primaryBlocks - 1, primaryBlocks,
            primaryBlocks + 1, 1L << random.nextInt(32), random.nextInt(64), random.nextLong()};
        return SlotEdit.slot(slot, f, Verb.SET, interesting[random.nextInt(interesting.length)]);
    }

    <T> T pick(T[] choices) {
        return choices[random.nextInt(choices.length)];
    }
}
