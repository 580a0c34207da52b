package org.erofssim.ondisk;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
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
 * {@link DeviceSlot} encode/decode round trips over arbitrary slots, checked against a test-side
 * writer of spec §1.5's layout (tag 64 bytes @0, blocks u32 @64, mapped_blkaddr u32 @68, 6.15+
 * blocks_hi u32 @72 and uniaddr_hi u16 @76, 50 reserved bytes @78), the tag as the kernel uses it
 * (at most 64 bytes up to the first NUL), and {@link ImageEditor#setSlot} placing slot {@code i}
 * at {@code devt_slotoff * 128 + 128 * i}.
 */
@Label("Device slot encode/decode round trips (spec §1.5 layout)")
class DeviceSlotRoundTripProperties {

    /** A slot's values; {@code tag} is 64 bytes. */
    record Slot(byte[] tag, long blocksLo, long uniaddrLo, long blocksHi, int uniaddrHi) {
        /** Spec §1.5 writer; reserved bytes are {@code reserved}'s. */
        byte[] specBytes(byte[] reserved) {
            byte[] out = new byte[128];
            System.arraycopy(reserved, 0, out, 78, 50);
            System.arraycopy(tag, 0, out, 0, 64);
            put(out, 64, 4, blocksLo);
            put(out, 68, 4, uniaddrLo);
            put(out, 72, 4, blocksHi);
            put(out, 76, 2, uniaddrHi);
            return out;
        }

        DeviceSlot record() {
            return new DeviceSlot(tag, blocksLo, uniaddrLo, blocksHi, uniaddrHi);
        }

        /** The kernel's view of the tag: up to 64 bytes, to the first NUL. */
        String kernelTag() {
            int n = 0;
            while (n < 64 && tag[n] != 0) {
                n++;
            }
            return new String(tag, 0, n, StandardCharsets.ISO_8859_1);
        }

        String tagClass() {
            int n = kernelTag().length();
            if (n == 0) {
                return "empty (tag[0] == 0)";
            }
            if (n == 64) {
                return "64 bytes, no NUL";
            }
            for (int i = n; i < 64; i++) {
                if (tag[i] != 0) {
                    return "NUL then garbage";
                }
            }
            return "NUL-padded";
        }

        @Override public String toString() {
            return "Slot[tag=" + java.util.HexFormat.of().formatHex(tag) + ", blocksLo=" + blocksLo + ", uniaddrLo="
                    + uniaddrLo + ", blocksHi=" + blocksHi + ", uniaddrHi=" + uniaddrHi + "]";
        }
    }

    static void put(byte[] b, int off, int width, long v) {
        for (int k = 0; k < width; k++) {
            b[off + k] = (byte) (v >>> (8 * k));
        }
    }

    static void assertSlot(DeviceSlot d, Slot s, String what) {
        if (!Arrays.equals(d.tag(), s.tag()) || d.blocksLo() != s.blocksLo() || d.uniaddrLo() != s.uniaddrLo()
                || d.blocksHi() != s.blocksHi() || d.uniaddrHi() != s.uniaddrHi()) {
            throw new AssertionError(what + ": " + d + " expected " + s);
        }
        if (!d.tagString().equals(s.kernelTag())) {
            throw new AssertionError(what + ": tagString '" + d.tagString() + "' expected '" + s.kernelTag() + "'");
        }
    }

    static void collect(Slot s) {
        Statistics.label("tag").collect(s.tagClass());
        Statistics.label("tag").coverage(c -> {
            for (String k : List.of("empty (tag[0] == 0)", "64 bytes, no NUL", "NUL then garbage", "NUL-padded")) {
                c.check(k).count(n -> n > 0);
            }
        });
        Statistics.label("blocks / mapped_blkaddr").collect((s.blocksLo() == 0 ? "blocks 0" : "blocks > 0") + ", "
                + (s.uniaddrLo() == 0 ? "mapped 0" : "mapped > 0"));
        Statistics.label("blocks / mapped_blkaddr").coverage(c -> {
            for (String b : List.of("blocks 0", "blocks > 0")) {
                for (String m : List.of("mapped 0", "mapped > 0")) {
                    c.check(b + ", " + m).count(n -> n > 0);
                }
            }
        });
    }

    @Group
    @Label("record → bytes → record")
    class RecordFirst {
        @Property(tries = 1000)
        @Label("encode() is the spec layout with zero reserved bytes, and decode gives the slot back")
        void encodeThenDecode(@ForAll("slots") Slot s) {
            byte[] enc = s.record().encode();
            byte[] spec = s.specBytes(new byte[50]);
            if (!Arrays.equals(enc, spec)) {
                throw new AssertionError(s + ": encode() differs from spec §1.5 at byte " + Arrays.mismatch(enc, spec));
            }
            DeviceSlot back = DeviceSlot.decode(ByteBuffer.wrap(enc), 0);
            assertSlot(back, s, "decode(encode())");
            if (!back.equals(s.record()) || back.hashCode() != s.record().hashCode()) {
                throw new AssertionError(s + ": equals/hashCode disagree after a round trip");
            }
            collect(s);
        }
    }

    @Group
    @Label("bytes → record → bytes")
    class BytesFirst {
        @Property(tries = 1000)
        @Label("decoding spec-layout bytes at any base gives the slot, and encode() gives them back with reserved zeroed")
        void decodeThenEncode(@ForAll("slots") Slot s, @ForAll("reserved") byte[] reserved,
                              @ForAll @IntRange(min = 0, max = 4096) int base) {
            byte[] spec = s.specBytes(reserved);
            byte[] buf = new byte[base + 128];
            System.arraycopy(spec, 0, buf, base, 128);
            DeviceSlot d = DeviceSlot.decode(ByteBuffer.wrap(buf).order(ByteOrder.BIG_ENDIAN), base);
            assertSlot(d, s, "decode at base " + base);
            if (!Arrays.equals(d.encode(), s.specBytes(new byte[50]))) {
                throw new AssertionError(s + ": encode(decode()) differs at byte "
                        + Arrays.mismatch(d.encode(), s.specBytes(new byte[50])));
            }
            boolean reservedSet = false;
            for (byte b : reserved) {
                reservedSet |= b != 0;
            }
            Statistics.label("reserved bytes in the input").collect(reservedSet ? "non-zero (dropped)" : "zero");
            collect(s);
        }

        @Property(seed = "20261206", tries = 400)
        @Label("a slot cut by the end of the buffer decodes as if zero-filled")
        void shortBuffersReadZeros(@ForAll("slots") Slot s, @ForAll @IntRange(min = 0, max = 128) int kept) {
            byte[] spec = s.specBytes(new byte[50]);
            DeviceSlot d = DeviceSlot.decode(ByteBuffer.wrap(Arrays.copyOf(spec, kept)), 0);
            byte[] want = Arrays.copyOf(Arrays.copyOf(spec, kept), 128);
            if (!Arrays.equals(d.encode(), want)) {
                throw new AssertionError(s + " kept " + kept + ": differs at byte " + Arrays.mismatch(d.encode(), want));
            }
            Statistics.label("cut inside").collect(kept < 64 ? "tag" : kept < 78 ? "counts" : "reserved or none");
            Statistics.label("cut inside").coverage(c -> {
                c.check("tag").count(n -> n > 0);
                c.check("counts").count(n -> n > 0);
            });
        }
    }

    @Group
    @Label("ImageEditor slot writes")
    class EditorWrites {
        @Property(seed = "20261206", tries = 500)
        @Label("setSlot(i, field, v) writes at devt_slotoff*128 + 128*i + the spec offset, and slot(i) reads it back")
        void setSlotPlacesTheSlot(@ForAll("slots") Slot s, @ForAll @IntRange(min = 9, max = 40) int slotoff,
                                  @ForAll @IntRange(min = 0, max = 7) int index) {
            byte[] image = new byte[8192];
            put(image, 1024 + 88, 2, slotoff);
            ImageEditor e = ImageEditor.of(image)
                    .setSlotBytes(index, DeviceSlotField.TAG, s.tag())
                    .setSlot(index, DeviceSlotField.BLOCKS_LO, s.blocksLo())
                    .setSlot(index, DeviceSlotField.UNIADDR_LO, s.uniaddrLo())
                    .setSlot(index, DeviceSlotField.BLOCKS_HI, s.blocksHi())
                    .setSlot(index, DeviceSlotField.UNIADDR_HI, s.uniaddrHi());
            byte[] want = image.clone();
            System.arraycopy(s.specBytes(new byte[50]), 0, want, slotoff * 128 + 128 * index, 128);
            if (!Arrays.equals(e.bytes(), want)) {
                throw new AssertionError(s + " slot " + index + " slotoff " + slotoff + ": byte "
                        + Arrays.mismatch(e.bytes(), want) + " differs");
            }
            assertSlot(e.slot(index), s, "ImageEditor.slot(" + index + ")");
            Statistics.label("slot index").collect(index);
            Statistics.label("slot index").coverage(c -> {
                for (int i = 0; i < 8; i++) {
                    c.check(i).count(n -> n > 0);
                }
            });
        }
    }

    @Provide
    Arbitrary<Slot> slots() {
        Arbitrary<Long> u32 = Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just(0L)),
                Tuple.of(1, Arbitraries.just(0xFFFFFFFFL)), Tuple.of(3, Arbitraries.longs().between(0, 0xFFFFFFFFL)));
        Arbitrary<Integer> u16 = Arbitraries.integers().between(0, 0xFFFF);
        return Combinators.combine(tags(), u32, u32, u32, u16).as(Slot::new);
    }

    @Provide
    Arbitrary<byte[]> reserved() {
        return Arbitraries.oneOf(Arbitraries.just(new byte[50]), Arbitraries.randomValue(r -> {
            byte[] b = new byte[50];
            r.nextBytes(b);
            return b;
        }));
    }

    /** Tags: empty, printable and NUL-padded, NUL followed by garbage, or 64 non-NUL bytes. */
    static Arbitrary<byte[]> tags() {
        return Arbitraries.integers().between(0, 3).flatMap(kind -> Arbitraries.randomValue(r -> {
            byte[] t = new byte[64];
            int len = kind == 3 ? 64 : kind == 0 ? 0 : 1 + r.nextInt(63);
            for (int i = 0; i < len; i++) {
                t[i] = (byte) (1 + r.nextInt(255));
            }
            if (kind == 2) {
                for (int i = len + 1; i < 64; i++) {
                    t[i] = (byte) r.nextInt(256);
                }
                if (t[63] == 0) {
                    t[63] = 1;
                }
                if (len == 63) {
                    t[62] = 0;
                }
            }
            return t;
        }));
    }
}
