package org.erofssim.fuzz;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
        }
    }

    /** The next case. */
    public FuzzCase next() {
        BaseImage base = pick(new BaseImage[] {BaseImage.MULTIDEV, BaseImage.MULTIDEV, BaseImage.MULTIDEV,
            BaseImage.TWODEV, BaseImage.TWODEV, BaseImage.PLAIN});
        Source source = random.nextBoolean() ? Source.FILE : Source.BDEV;
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
        return new FuzzCase(base, source, fix, edits, devices, random.nextInt(5) != 0);
    }

    private SlotEdit superblockEdit(BaseImage base) {
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

    private <T> T pick(T[] choices) {
        return choices[random.nextInt(choices.length)];
    }
}
