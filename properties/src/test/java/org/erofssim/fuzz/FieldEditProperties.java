package org.erofssim.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.erofssim.fuzz.FuzzCase.BaseImage;
import org.erofssim.ondisk.DeviceSlotField;
import org.erofssim.ondisk.FieldEdit;
import org.erofssim.ondisk.OnDiskField;
import org.erofssim.ondisk.SuperblockField;
import org.erofssim.testkit.Checkout;

/**
 * Issue 15: {@link FieldEdit#applyTo} (a fuzz case's slot edits and its checksum fix-up among
 * its callers) computes a byte at a time, no longer with {@code BigInteger}. The bytes must be
 * those of the {@code BigInteger} arithmetic it had ({@link #reference}, kept here): for every
 * verb, every field width of the superblock and the device slot, operands at the edges of the
 * width and beyond it (negative, wider than the field) and any current bytes; and for the edits
 * the campaign's generator and mutator draw, on the bytes the base holds where they land.
 * Statistics show the verbs, widths and operands reached.
 */
@Label("FieldEdit a byte at a time gives the BigInteger arithmetic's bytes")
class FieldEditProperties {
    private static final List<OnDiskField> FIELDS = new ArrayList<>();

    static {
        FIELDS.addAll(List.of(SuperblockField.values()));
        FIELDS.addAll(List.of(DeviceSlotField.values()));
    }

    @Provide
    Arbitrary<FieldEdit> edits() {
        Arbitrary<Long> operands = Arbitraries.oneOf(Arbitraries.longs(),
                Arbitraries.of(0L, 1L, -1L, 0xffL, 0x100L, 0xffffL, 0x10000L, 0xffffffffL, 0x100000000L,
                        Long.MAX_VALUE, Long.MIN_VALUE),
                Arbitraries.longs().between(-300, 300));
        return Combinators.combine(Arbitraries.of(FIELDS), Arbitraries.of(FieldEdit.Verb.class), operands)
                .as(FieldEdit::new);
    }

    @Provide
    Arbitrary<byte[]> currents() {
        return Arbitraries.oneOf(Arbitraries.bytes().array(byte[].class).ofSize(16),
                Arbitraries.of(new byte[16], filled((byte) 0xff), filled((byte) 0x80), filled((byte) 0x7f)));
    }

    private static byte[] filled(byte b) {
        byte[] a = new byte[16];
        java.util.Arrays.fill(a, b);
        return a;
    }

    @Property(seed = "20261207", tries = 3000, edgeCases = EdgeCasesMode.MIXIN)
    @Label("any edit of any field on any bytes")
    void anyEdit(@ForAll("edits") FieldEdit edit, @ForAll("currents") byte[] current) {
        byte[] cur = java.util.Arrays.copyOf(current, edit.field().width());
        assertThat(edit.applyTo(cur)).as("%s on %s", edit, java.util.HexFormat.of().formatHex(cur))
                .isEqualTo(reference(edit, cur));
        assertThat(cur).as("the current bytes are not written").isEqualTo(java.util.Arrays.copyOf(current, cur.length));
        collect(edit);
        Statistics.label("width").coverage(cov -> {
            for (int w : new int[] {1, 2, 4, 8, 16, 64}) {
                cov.check(w).count(n -> n >= 20);
            }
        });
        Statistics.label("verb").coverage(cov -> {
            for (FieldEdit.Verb v : FieldEdit.Verb.values()) {
                cov.check(v).count(n -> n >= 100);
            }
        });
        Statistics.label("operand").coverage(cov -> {
            cov.check("negative").count(n -> n >= 100);
            cov.check("wider than the field").count(n -> n >= 100);
        });
    }

    private static final Map<BaseImage, byte[]> BASES = new EnumMap<>(BaseImage.class);

    static {
        for (BaseImage b : BaseImage.values()) {
            BASES.put(b, Checkout.imageBytes(b.path()));
        }
    }

    @Property(seed = "20261207", tries = 300, edgeCases = EdgeCasesMode.NONE)
    @Label("the generator's and mutator's edits on the base's bytes where they land")
    void drawnEdits(@ForAll long seed) {
        FuzzGenerator gen = new FuzzGenerator(seed, BASES);
        FuzzMutator mutator = new FuzzMutator(gen);
        FuzzCase c = gen.next();
        for (int i = 0; i < 20; i++) {
            c = (i & 1) == 0 ? gen.next() : mutator.mutate(c, gen.next());
            byte[] base = BASES.get(c.base());
            for (SlotEdit e : c.edits()) {
                OnDiskField f = e.edit().field();
                long pos = e.slot() < 0 ? ((SuperblockField) f).absoluteOffset()
                        : org.erofssim.ondisk.DeviceSlot.position(devtSlotoff(base), e.slot()) + f.offset();
                byte[] cur = new byte[f.width()];
                if (pos >= 0 && pos + f.width() <= base.length) {
                    System.arraycopy(base, (int) pos, cur, 0, f.width());
                }
                assertThat(e.edit().applyTo(cur)).as("%s of %s", e, c).isEqualTo(reference(e.edit(), cur));
                collect(e.edit());
            }
        }
        Statistics.label("verb").coverage(cov -> {
            for (FieldEdit.Verb v : FieldEdit.Verb.values()) {
                cov.check(v).count(n -> n >= 50);
            }
        });
        Statistics.label("width").coverage(cov -> cov.check(64).count(n -> n >= 50));
    }

    /**
     * {@link FieldEdit#applyTo} as it was before session 13: the field as one little-endian
     * unsigned number in {@code BigInteger} arithmetic, the result modulo {@code 2^(8*width)}.
     */
    static byte[] reference(FieldEdit e, byte[] current) {
        int w = e.field().width();
        int bits = 8 * w;
        java.math.BigInteger modulus = java.math.BigInteger.ONE.shiftLeft(bits);
        byte[] be = new byte[w + 1];
        for (int i = 0; i < w && i < current.length; i++) {
            be[w - i] = current[i];
        }
        java.math.BigInteger cur = new java.math.BigInteger(be);
        java.math.BigInteger v = java.math.BigInteger.valueOf(e.value());
        java.math.BigInteger next = switch (e.verb()) {
            case ZEROES -> java.math.BigInteger.ZERO;
            case ONES -> modulus.subtract(java.math.BigInteger.ONE);
            case FIRSTBIT -> cur.flipBit(0);
            case MIDDLEBIT -> cur.flipBit(bits / 2);
            case LASTBIT -> cur.flipBit(bits - 1);
            case ADD -> cur.add(v);
            case SUB -> cur.subtract(v);
            case SET -> v;
        };
        byte[] out = new byte[w];
        byte[] r = next.mod(modulus).toByteArray();
        for (int i = 0; i < w && i < r.length; i++) {
            out[i] = r[r.length - 1 - i];
        }
        return out;
    }

    private static int devtSlotoff(byte[] base) {
        int at = SuperblockField.DEVT_SLOTOFF.absoluteOffset();
        return (base[at] & 0xff) | (base[at + 1] & 0xff) << 8;
    }

    private static void collect(FieldEdit edit) {
        int w = edit.field().width();
        Statistics.label("width").collect(w);
        Statistics.label("verb").collect(edit.verb());
        boolean operand = edit.verb() == FieldEdit.Verb.ADD || edit.verb() == FieldEdit.Verb.SUB
                || edit.verb() == FieldEdit.Verb.SET;
        Statistics.label("operand").collect(!operand ? "none"
                : edit.value() < 0 ? "negative"
                : w < 8 && edit.value() >>> (8 * w) != 0 ? "wider than the field" : "within the field");
    }
}
