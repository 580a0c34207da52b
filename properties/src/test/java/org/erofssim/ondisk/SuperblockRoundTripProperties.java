package org.erofssim.ondisk;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Group;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * {@link Superblock} encode/decode round trips over arbitrary field values, checked against a
 * test-side writer that places each field at the offset and width spec §1.2 gives (not at
 * {@link SuperblockField}'s): record → bytes → record, bytes → record → bytes (reserved bytes
 * kept), decoding at any base and past the end of a short buffer (zeros), and
 * {@link ImageEditor#set} writing exactly one field's bytes.
 */
@Label("Superblock encode/decode round trips (spec §1.2 layout)")
class SuperblockRoundTripProperties {

    /** Spec §1.2, offsets from the superblock start, in the record's component order. */
    record Spec(String name, int offset, int width) {
        long mask() {
            return width >= 8 ? -1L : (1L << (8 * width)) - 1;
        }
    }

    static final List<Spec> INTS = List.of(new Spec("MAGIC", 0, 4), new Spec("CHECKSUM", 4, 4),
            new Spec("FEATURE_COMPAT", 8, 4), new Spec("BLKSZBITS", 12, 1), new Spec("SB_EXTSLOTS", 13, 1),
            new Spec("ROOT_NID", 14, 2), new Spec("INOS", 16, 8), new Spec("EPOCH", 24, 8),
            new Spec("FIXED_NSEC", 32, 4), new Spec("BLOCKS_LO", 36, 4), new Spec("META_BLKADDR", 40, 4),
            new Spec("XATTR_BLKADDR", 44, 4), new Spec("FEATURE_INCOMPAT", 80, 4), new Spec("U1", 84, 2),
            new Spec("EXTRA_DEVICES", 86, 2), new Spec("DEVT_SLOTOFF", 88, 2), new Spec("DIRBLKBITS", 90, 1),
            new Spec("XATTR_PREFIX_COUNT", 91, 1), new Spec("XATTR_PREFIX_START", 92, 4),
            new Spec("PACKED_NID", 96, 8), new Spec("XATTR_FILTER_RESERVED", 104, 1),
            new Spec("BUILD_TIME", 108, 4), new Spec("ROOTNID_8B", 112, 8), new Spec("METABOX_NID", 128, 8));
    static final Spec UUID = new Spec("UUID", 48, 16);
    static final Spec VOLUME_NAME = new Spec("VOLUME_NAME", 64, 16);

    /** Arbitrary values of every field plus the 256 bytes the record starts from. */
    record Values(long[] ints, byte[] uuid, byte[] volumeName, byte[] raw) {
        long get(String name) {
            for (int i = 0; i < INTS.size(); i++) {
                if (INTS.get(i).name().equals(name)) {
                    return ints[i];
                }
            }
            throw new IllegalArgumentException(name);
        }

        Superblock record() {
            return new Superblock(get("MAGIC"), get("CHECKSUM"), get("FEATURE_COMPAT"), (int) get("BLKSZBITS"),
                    (int) get("SB_EXTSLOTS"), (int) get("ROOT_NID"), get("INOS"), get("EPOCH"), get("FIXED_NSEC"),
                    get("BLOCKS_LO"), get("META_BLKADDR"), get("XATTR_BLKADDR"), uuid, volumeName,
                    get("FEATURE_INCOMPAT"), (int) get("U1"), (int) get("EXTRA_DEVICES"), (int) get("DEVT_SLOTOFF"),
                    (int) get("DIRBLKBITS"), (int) get("XATTR_PREFIX_COUNT"), get("XATTR_PREFIX_START"),
                    get("PACKED_NID"), (int) get("XATTR_FILTER_RESERVED"), get("BUILD_TIME"), get("ROOTNID_8B"),
                    get("METABOX_NID"), raw);
        }

        /** The test-side writer: {@code raw} with each field stored little-endian at its spec offset. */
        byte[] specBytes() {
            byte[] out = raw.clone();
            for (int i = 0; i < INTS.size(); i++) {
                Spec s = INTS.get(i);
                for (int k = 0; k < s.width(); k++) {
                    out[s.offset() + k] = (byte) (ints[i] >>> (8 * k));
                }
            }
            System.arraycopy(uuid, 0, out, UUID.offset(), 16);
            System.arraycopy(volumeName, 0, out, VOLUME_NAME.offset(), 16);
            return out;
        }

        @Override public String toString() {
            StringBuilder sb = new StringBuilder("Values[");
            for (int i = 0; i < INTS.size(); i++) {
                sb.append(INTS.get(i).name()).append('=').append(Long.toUnsignedString(ints[i])).append(", ");
            }
            return sb.append("uuid=").append(java.util.HexFormat.of().formatHex(uuid)).append(", volumeName=")
                    .append(java.util.HexFormat.of().formatHex(volumeName)).append(']').toString();
        }
    }

    /** Reads a field back from a superblock through its accessor (the decoder's answer). */
    static long accessor(Superblock sb, String name) {
        switch (name) {
            case "MAGIC": return sb.magic();
            case "CHECKSUM": return sb.checksum();
            case "FEATURE_COMPAT": return sb.featureCompat();
            case "BLKSZBITS": return sb.blkszbits();
            case "SB_EXTSLOTS": return sb.sbExtslots();
            case "ROOT_NID": return sb.rootNid();
            case "INOS": return sb.inos();
            case "EPOCH": return sb.epoch();
            case "FIXED_NSEC": return sb.fixedNsec();
            case "BLOCKS_LO": return sb.blocksLo();
            case "META_BLKADDR": return sb.metaBlkaddr();
            case "XATTR_BLKADDR": return sb.xattrBlkaddr();
            case "FEATURE_INCOMPAT": return sb.featureIncompat();
            case "U1": return sb.u1();
            case "EXTRA_DEVICES": return sb.extraDevices();
            case "DEVT_SLOTOFF": return sb.devtSlotoff();
            case "DIRBLKBITS": return sb.dirblkbits();
            case "XATTR_PREFIX_COUNT": return sb.xattrPrefixCount();
            case "XATTR_PREFIX_START": return sb.xattrPrefixStart();
            case "PACKED_NID": return sb.packedNid();
            case "XATTR_FILTER_RESERVED": return sb.xattrFilterReserved();
            case "BUILD_TIME": return sb.buildTime();
            case "ROOTNID_8B": return sb.rootNid8b();
            case "METABOX_NID": return sb.metaboxNid();
            default: throw new IllegalArgumentException(name);
        }
    }

    static void assertFields(Superblock sb, Values v, String what) {
        for (int i = 0; i < INTS.size(); i++) {
            String name = INTS.get(i).name();
            if (accessor(sb, name) != v.ints()[i]) {
                throw new AssertionError(what + ": " + name + " = " + Long.toUnsignedString(accessor(sb, name))
                        + ", expected " + Long.toUnsignedString(v.ints()[i]));
            }
        }
        if (!Arrays.equals(sb.uuid(), v.uuid()) || !Arrays.equals(sb.volumeName(), v.volumeName())) {
            throw new AssertionError(what + ": uuid/volume name differ");
        }
    }

    static ByteBuffer page0(byte[] sbBytes) {
        byte[] page = new byte[4096];
        System.arraycopy(sbBytes, 0, page, Superblock.OFFSET, sbBytes.length);
        return ByteBuffer.wrap(page).order(ByteOrder.LITTLE_ENDIAN);
    }

    static void collectValueClasses(Values v) {
        for (int i = 0; i < INTS.size(); i++) {
            Spec s = INTS.get(i);
            long x = v.ints()[i];
            Statistics.label("field value class").collect(s.name() + (x == 0 ? " zero" : x == s.mask() ? " max" : " other"));
        }
        Statistics.label("field value class").coverage(c -> {
            for (Spec s : INTS) {
                for (String k : List.of(" zero", " max", " other")) {
                    c.check(s.name() + k).count(n -> n > 0);
                }
            }
        });
    }

    @Group
    @Label("record → bytes → record")
    class RecordFirst {
        @Property(tries = 800)
        @Label("encode() writes every field where spec §1.2 puts it, and decode gives every value back")
        void encodeThenDecode(@ForAll("values") Values v) {
            Superblock sb = v.record();
            byte[] enc = sb.encode();
            byte[] spec = v.specBytes();
            if (!Arrays.equals(enc, spec)) {
                throw new AssertionError(v + ": encode() differs from the spec layout at byte " + Arrays.mismatch(enc, spec));
            }
            Superblock back = Superblock.decode(page0(enc));
            assertFields(back, v, "decode(encode())");
            if (!back.equals(sb) || !Arrays.equals(back.raw(), spec)) {
                throw new AssertionError(v + ": decode(encode()) is not the same superblock");
            }
            if (back.sbSize() != 128 + 16 * (int) v.get("SB_EXTSLOTS")) {
                throw new AssertionError("sbSize " + back.sbSize());
            }
            collectValueClasses(v);
        }
    }

    @Group
    @Label("bytes → record → bytes")
    class BytesFirst {
        @Property(tries = 800)
        @Label("decoding the spec writer's bytes at any base gives the values, and encode() gives the bytes back")
        void decodeThenEncode(@ForAll("values") Values v, @ForAll @IntRange(min = 0, max = 2048) int base) {
            byte[] spec = v.specBytes();
            byte[] buf = new byte[base + Superblock.ENCODED_SIZE + 7];
            System.arraycopy(spec, 0, buf, base, spec.length);
            Superblock sb = Superblock.decode(ByteBuffer.wrap(buf).order(ByteOrder.BIG_ENDIAN), base);
            assertFields(sb, v, "decode at base " + base);
            if (!Arrays.equals(sb.encode(), spec)) {
                throw new AssertionError(v + ": encode(decode()) differs at byte " + Arrays.mismatch(sb.encode(), spec));
            }
            Statistics.label("buffer byte order").collect("big-endian buffer (decode must ignore it)");
            collectValueClasses(v);
        }

        @Property(seed = "20261206", tries = 400)
        @Label("a buffer that ends inside the superblock decodes as if zero-filled past its end")
        void shortBuffersReadZeros(@ForAll("values") Values v, @ForAll @IntRange(min = 0, max = 256) int kept) {
            byte[] spec = v.specBytes();
            ByteBuffer cut = ByteBuffer.wrap(Arrays.copyOf(page0(spec).array(), Superblock.OFFSET + kept));
            byte[] want = Arrays.copyOf(Arrays.copyOf(spec, kept), Superblock.ENCODED_SIZE);
            Superblock sb = Superblock.decode(cut);
            if (!Arrays.equals(sb.encode(), want)) {
                throw new AssertionError("kept " + kept + ": differs at byte " + Arrays.mismatch(sb.encode(), want));
            }
            Statistics.label("cut inside").collect(kept == 0 ? "nothing kept" : kept == 256 ? "all kept"
                    : kept < 128 ? "base superblock" : "extension slot area");
            Statistics.label("cut inside").coverage(c -> {
                c.check("base superblock").count(n -> n >= 20);
                c.check("extension slot area").count(n -> n >= 20);
                c.check("nothing kept").count(n -> n > 0);
            });
        }
    }

    @Group
    @Label("ImageEditor field writes")
    class EditorWrites {
        @Property(seed = "20261206", tries = 600)
        @Label("set(field, v) stores v mod 2^(8·width) little-endian at 1024 + the spec offset and changes nothing else")
        void setWritesOneField(@ForAll("values") Values v, @ForAll("intFields") Spec spec, @ForAll long value) {
            SuperblockField f = SuperblockField.valueOf(spec.name());
            if (f.offset() != spec.offset() || f.width() != spec.width()) {
                throw new AssertionError(f + " at " + f.offset() + "/" + f.width() + ", spec §1.2 says "
                        + spec.offset() + "/" + spec.width());
            }
            byte[] image = page0(v.specBytes()).array();
            byte[] after = ImageEditor.of(image).set(f, value).bytes();
            byte[] want = image.clone();
            for (int k = 0; k < spec.width(); k++) {
                want[1024 + spec.offset() + k] = (byte) (value >>> (8 * k));
            }
            if (!Arrays.equals(after, want)) {
                throw new AssertionError(f + " = " + value + ": byte " + Arrays.mismatch(after, want) + " differs");
            }
            if (Superblock.decode(ByteBuffer.wrap(after)).get(f) != (value & spec.mask())) {
                throw new AssertionError(f + " reads back " + Superblock.decode(ByteBuffer.wrap(after)).get(f));
            }
            Statistics.label("field").collect(spec.name());
            Statistics.label("value fits the width").collect((value & spec.mask()) == value);
            Statistics.label("field").coverage(c -> INTS.forEach(s -> c.check(s.name()).count(n -> n > 0)));
            Statistics.label("value fits the width").coverage(c -> {
                c.check(true).count(n -> n > 0);
                c.check(false).count(n -> n > 0);
            });
        }

        @Provide
        Arbitrary<Spec> intFields() {
            return Arbitraries.of(INTS);
        }
    }

    @Provide
    Arbitrary<Values> values() {
        List<Arbitrary<Long>> ints = new java.util.ArrayList<>();
        for (Spec s : INTS) {
            long mask = s.mask();
            ints.add(Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just(0L)), Tuple.of(1, Arbitraries.just(mask)),
                    Tuple.of(4, Arbitraries.longs().map(x -> x & mask))));
        }
        Arbitrary<long[]> all = Combinators.combine(ints).as(l -> l.stream().mapToLong(Long::longValue).toArray());
        return Combinators.combine(all, bytes(16), bytes(16), bytes(Superblock.ENCODED_SIZE)).as(Values::new);
    }

    /** Random byte arrays without per-byte shrinking (fast; the anchors' E2 measurement). */
    static Arbitrary<byte[]> bytes(int n) {
        return Arbitraries.randomValue(r -> {
            byte[] b = new byte[n];
            r.nextBytes(b);
            return b;
        });
    }
}
