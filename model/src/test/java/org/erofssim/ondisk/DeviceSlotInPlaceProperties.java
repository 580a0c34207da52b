package org.erofssim.ondisk;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * Session 14: the device scan reads a slot's tag, {@code blocks} and {@code mapped_blkaddr} in place
 * ({@link DeviceSlot#tagString(ByteBuffer, int)}, {@link DeviceSlot#blocksLo(ByteBuffer, int)},
 * {@link DeviceSlot#uniaddrLo(ByteBuffer, int)}), and each equals the same field of
 * {@link DeviceSlot#decode}: on a page held in an array, a slice of a larger array (an array
 * offset), a read-only view (no array) and a page cut short inside the slot (the bytes past the limit
 * read as zeros), for tags empty, NUL-padded, with garbage after the NUL, 64 bytes without a NUL
 * and bytes above 0x7f. Statistics show each form and each kind of tag reached.
 */
class DeviceSlotInPlaceProperties {
    enum Form { ARRAY, SLICE, READ_ONLY, CUT_SHORT }

    record Case(byte[] page, int slot, Form form, int cut) {}

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<Byte> tagByte = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.just((byte) 0)),
                net.jqwik.api.Tuple.of(3, Arbitraries.bytes().between((byte) 'a', (byte) 'z')),
                net.jqwik.api.Tuple.of(1, Arbitraries.bytes()));
        Arbitrary<byte[]> page = Combinators.combine(tagByte.array(byte[].class).ofSize(4096),
                        Arbitraries.integers().between(0, 64), Arbitraries.of(false, true))
                .as((b, prefix, pad) -> {
                    // a run of non-NUL bytes at the start of every slot's tag, `prefix` long, then
                    // NULs to the tag's end (pad) or the random bytes
                    for (int s = 0; s < 4096; s += 128) {
                        for (int i = 0; i < 64; i++) {
                            if (i < prefix && b[s + i] == 0) {
                                b[s + i] = 'x';
                            } else if (i >= prefix && pad) {
                                b[s + i] = 0;
                            }
                        }
                    }
                    return b;
                });
        return Combinators.combine(page, Arbitraries.integers().between(0, 31), Arbitraries.of(Form.class),
                Arbitraries.integers().between(0, 128)).as(Case::new);
    }

    static ByteBuffer buffer(Case c) {
        return switch (c.form()) {
            case ARRAY -> ByteBuffer.wrap(c.page());
            case SLICE -> {
                byte[] larger = new byte[4096 + 100];
                System.arraycopy(c.page(), 0, larger, 100, 4096);
                yield ByteBuffer.wrap(larger, 100, 4096).slice();
            }
            case READ_ONLY -> ByteBuffer.wrap(c.page()).asReadOnlyBuffer();
            case CUT_SHORT -> ByteBuffer.wrap(c.page(), 0, c.slot() * 128 + c.cut()).slice();
        };
    }

    @Property(seed = "20261207", tries = 2000)
    void inPlaceFieldsEqualTheDecodedSlots(@ForAll("cases") Case c) {
        ByteBuffer buf = buffer(c);
        int base = c.slot() * DeviceSlot.SIZE;
        DeviceSlot decoded = DeviceSlot.decode(buf, base);
        assertThat(DeviceSlot.tagString(buf, base)).isEqualTo(decoded.tagString());
        assertThat(DeviceSlot.blocksLo(buf, base)).isEqualTo(decoded.blocksLo());
        assertThat(DeviceSlot.uniaddrLo(buf, base)).isEqualTo(decoded.uniaddrLo());

        String tag = decoded.tagString();
        byte[] raw = decoded.tag();
        boolean garbageAfterNul = false;
        for (int i = tag.length(); i < 64; i++) {
            garbageAfterNul |= raw[i] != 0;
        }
        Statistics.label("form").collect(c.form());
        Statistics.label("tag").collect(tag.isEmpty() ? "empty" : tag.length() == 64 ? "64 bytes, no NUL"
                : garbageAfterNul ? "NUL then garbage" : "NUL-padded");
        Statistics.label("high byte").collect(tag.chars().anyMatch(ch -> ch > 0x7f));
        Statistics.label("form").coverage(cov -> {
            for (Form f : Form.values()) {
                cov.check(f).count(n -> n >= 300);
            }
        });
        Statistics.label("tag").coverage(cov -> {
            for (String k : new String[] {"empty", "64 bytes, no NUL", "NUL then garbage", "NUL-padded"}) {
                cov.check(k).count(n -> n >= 50);
            }
        });
        Statistics.label("high byte").coverage(cov -> cov.check(true).count(n -> n >= 100));
    }
}
