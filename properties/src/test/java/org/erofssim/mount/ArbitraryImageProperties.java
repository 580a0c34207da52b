package org.erofssim.mount;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Group;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.statistics.Statistics;
import org.erofssim.block.BackingFs;
import org.erofssim.block.DevT;
import org.erofssim.block.Faults;
import org.erofssim.block.ImageBytes;
import org.erofssim.block.Node;
import org.erofssim.block.VirtualNamespace;
import org.erofssim.contract.MountOutcome;
import org.erofssim.contract.Scenario;
import org.erofssim.kernel.Errno;
import org.erofssim.kernel.KernelConfig;
import org.erofssim.kernel.Releases;
import org.erofssim.ondisk.DeviceSlotField;
import org.erofssim.ondisk.FieldEdit;
import org.erofssim.ondisk.ImageEditor;
import org.erofssim.ondisk.OnDiskField;
import org.erofssim.ondisk.SuperblockField;
import org.erofssim.props.Expect;
import org.erofssim.props.SpecBytes;
import org.erofssim.props.Timeboxed;
import org.erofssim.testkit.RealImages;
import org.erofssim.sb.Mode;

/**
 * Robustness of {@link MountModel#predict} on arbitrary images: (a) real mkfs.erofs images with
 * fstests-style edits (field, verb, value) of superblock and device-slot fields, with and without
 * the checksum fixed up afterwards, and (b) raw random bytes of a few sizes (pure, with the magic
 * planted, or with a plausible header). Each prediction must end within a time limit in a mount
 * outcome — never an exception, never a wait — whose errno is one the kernel's fill_super path
 * can return, in the mode the source selects, with log lines in spec §0.4's forms.
 *
 * <p>Random seeds on purpose: these are fuzz-style properties whose value grows with every run;
 * their coverage checks ask only for classes that 1000 tries reach with overwhelming probability.
 */
@AddLifecycleHook(RealImages.RequireMkfs.class)
@Label("Arbitrary images never break the model (edits of real images, random bytes)")
class ArbitraryImageProperties {

    /** Per-prediction limit in CPU time (Timeboxed); a normal prediction takes well under a millisecond. */
    static final long LIMIT_MS = 2000;

    /**
     * What fill_super and the device scan can return for a primary that exists and options that
     * parse (spec §4.1-§4.3, §7.1, plus EIO/ENOMEM/ENODEV of reads, ENOTBLK of §3.3/§4.3).
     */
    static final Set<Errno> FILL_SUPER_ERRNOS = EnumSet.of(Errno.EINVAL, Errno.EBADMSG, Errno.EUCLEAN,
            Errno.EOPNOTSUPP, Errno.EIO, Errno.ENOMEM, Errno.ENODEV, Errno.ENOTBLK);

    /**
     * Spec §0.4: {@code erofs (device X): msg} (6.13+), {@code erofs: (device X): ...} (6.12) or a
     * mount-context {@code erofs: msg}; X is the source's s_id.
     */
    static final Pattern LOG_LINE = Pattern.compile("erofs( \\(device (loop0|erofs)\\))?: .+");

    enum BaseImage { PLAIN, BLOB_PRIMARY }

    /** One edit; {@code slot} is the device slot index for {@link DeviceSlotField}s, else unused. */
    record Edit(FieldEdit edit, int slot) {
        @Override public String toString() {
            return edit.field() instanceof DeviceSlotField ? "slot" + slot + "." + edit : edit.toString();
        }
    }

    record EditCase(String profile, BaseImage base, boolean bdev, int lbs, boolean fixChecksum, List<Edit> edits,
                    String options, Faults faults) {}

    static final class Images {
        static final byte[] PLAIN = RealImages.plain();
        static final byte[][] BLOB = RealImages.withBlob();

        private Images() {}
    }

    static Scenario scenario(String profile, byte[] image, Faults faults, boolean bdev, int lbs, byte[] extra,
                             String options) {
        ImageBytes bytes = ImageBytes.of(image).withFaults(faults);
        Map<String, Node> m = new HashMap<>();
        m.put("/dev/loop0", new Node.BlockDevice(bytes, new DevT(7, 0), false, lbs, false));
        m.put("/img/test.erofs", new Node.RegularFile(bytes, BackingFs.EXT4));
        m.put("/dev/loop1", new Node.BlockDevice(ImageBytes.of(extra), new DevT(7, 1), false, 512, false));
        m.put("/img/extra.img", new Node.RegularFile(ImageBytes.of(extra), BackingFs.EXT4));
        KernelConfig kc = KernelConfig.of(Releases.resolve(profile.equals("6.12") ? "6.12.0" : profile).profile());
        return Scenario.builder().name("arbitrary").kernel(kc).namespace(new VirtualNamespace(m))
                .source(bdev ? "/dev/loop0" : "/img/test.erofs").options(options).build();
    }

    /**
     * The invariants every prediction here must meet: a Mounted or Failed outcome (Crashed only
     * where the modelled kernel crashes: 6.12.0, fileio, a sub-page block size), a fill_super
     * errno, the mode of the source, log lines in spec forms, a final "mounted" line on success.
     */
    static void checkOutcome(MountOutcome o, String profile, boolean bdev, byte[] image, Object input) {
        Mode mode = bdev ? Mode.BDEV : Mode.FILEIO;
        if (o instanceof MountOutcome.Blocked) {
            throw new AssertionError(input + ": blocked (no FIFO here): " + o);
        }
        if (o instanceof MountOutcome.Crashed) {
            int bits = SpecBytes.u8(image, 1024 + 12);
            if (!profile.equals("6.12") || bdev || bits < 9 || bits > 11) {
                throw new AssertionError(input + ": crash outside 6.12.0's sub-page fileio path: " + o);
            }
        }
        if (o instanceof MountOutcome.Failed f && !FILL_SUPER_ERRNOS.contains(f.errno())) {
            throw new AssertionError(input + ": " + f.errno() + " is not a fill_super errno: " + o);
        }
        if (o.mode() != mode) {
            throw new AssertionError(input + ": mode " + o.mode() + ", expected " + mode);
        }
        for (String line : o.log()) {
            if (!LOG_LINE.matcher(line).matches()) {
                throw new AssertionError(input + ": log line not in a spec §0.4 form: '" + line + "'");
            }
        }
        if (o instanceof MountOutcome.Mounted && (o.log().isEmpty()
                || !o.log().get(o.log().size() - 1).matches(".*mounted with root inode @ nid \\d+\\."))) {
            throw new AssertionError(input + ": mounted without the final line: " + o.log());
        }
    }

    static MountOutcome predictTimed(Scenario sc, Object input) {
        return Timeboxed.call(() -> MountModel.predict(sc), LIMIT_MS, String.valueOf(input));
    }

    @Group
    @Label("(a) field edits of real images")
    class Edits {
        // edge cases off: mixed-in edge cases put a third of all edits on the first field and verb
        @Property(seed = "20261206", tries = 1200, edgeCases = EdgeCasesMode.NONE)
        @Label("1-4 (field, verb, value) edits, checksum fixed or not: always an outcome on the fill_super path")
        void editedImages(@ForAll("editCases") EditCase c) {
            byte[] base = c.base() == BaseImage.PLAIN ? Images.PLAIN : Images.BLOB[0];
            ImageEditor e = ImageEditor.of(base);
            int applied = 0;
            for (Edit x : c.edits()) {
                try {
                    if (x.edit().field() instanceof SuperblockField) {
                        e.apply(x.edit());
                    } else {
                        e.apply(x.slot(), x.edit());
                    }
                    applied++;
                    Statistics.label("field edited").collect(x.edit().field() instanceof DeviceSlotField
                            ? "slot." + x.edit().field() : x.edit().field().toString());
                    Statistics.label("verb").collect(x.edit().verb());
                } catch (IllegalArgumentException outside) {
                    // the slot lies outside the image for the current devt_slotoff: nothing written
                    Statistics.label("field edited").collect("(slot outside the image, skipped)");
                }
            }
            if (c.fixChecksum()) {
                e.fixChecksum();
            }
            byte[] image = e.bytes();
            Scenario sc = scenario(c.profile(), image, c.faults(), c.bdev(), c.lbs(), Images.BLOB[1], c.options());
            MountOutcome o = predictTimed(sc, c);
            checkOutcome(o, c.profile(), c.bdev(), image, c);
            MountOutcome again = predictTimed(sc, c);
            if (!again.equals(o)) {
                throw new AssertionError(c + ": not deterministic: " + o + " then " + again);
            }

            Statistics.label("outcome").collect(Expect.outcomeLabel(o));
            Statistics.label("checksum").collect(c.fixChecksum() ? "fixed up" : "left as edited");
            Statistics.label("edits applied").collect(applied);
            Statistics.label("outcome").coverage(cov -> {
                for (String k : List.of("mounted", "EINVAL", "EBADMSG", "EUCLEAN", "EOPNOTSUPP", "EIO")) {
                    cov.check(k).count(n -> n > 0);
                }
            });
            Statistics.label("field edited").coverage(cov -> {
                for (SuperblockField f : SuperblockField.values()) {
                    cov.check(f.toString()).count(n -> n > 0);
                }
                for (DeviceSlotField f : DeviceSlotField.values()) {
                    cov.check("slot." + f).count(n -> n > 0);
                }
            });
            Statistics.label("verb").coverage(cov -> {
                for (FieldEdit.Verb v : FieldEdit.Verb.values()) {
                    cov.check(v).count(n -> n > 0);
                }
            });
        }

        @Provide
        Arbitrary<EditCase> editCases() {
            List<OnDiskField> fields = new ArrayList<>(List.of(SuperblockField.values()));
            fields.addAll(List.of(DeviceSlotField.values()));
            Arbitrary<Long> values = Arbitraries.frequencyOf(
                    Tuple.of(3, Arbitraries.longs().between(0, 16)),
                    Tuple.of(2, Arbitraries.integers().between(0, 63).map(b -> 1L << b)),
                    Tuple.of(2, Arbitraries.longs()));
            Arbitrary<Edit> edit = Combinators.combine(Arbitraries.of(fields), Arbitraries.of(FieldEdit.Verb.class),
                    values, Arbitraries.integers().between(0, 3))
                    .as((f, v, val, slot) -> new Edit(new FieldEdit(f, v, val), slot));
            Arbitrary<Faults> faults = Arbitraries.frequencyOf(
                    Tuple.of(9, Arbitraries.just(Faults.NONE)),
                    Tuple.of(1, Combinators.combine(Arbitraries.longs().between(0, 2), Arbitraries.of(Faults.Kind.class))
                            .as((page, kind) -> new Faults(Map.of(page, kind)))));
            return Combinators.combine(Arbitraries.of("6.12", "6.13", "6.18"), Arbitraries.of(BaseImage.class),
                    Arbitraries.of(true, false), Arbitraries.of(512, 4096), Arbitraries.of(true, false),
                    edit.list().ofMinSize(1).ofMaxSize(4), Arbitraries.of(0, 1, 2, 3), faults)
                    .as((p, base, bdev, lbs, fix, edits, opt, f) -> {
                        String extra = bdev ? "/dev/loop1" : "/img/extra.img";
                        String options = new String[] {null, "dax", "device=" + extra,
                                "acl,device=" + extra + ",device=" + extra}[opt];
                        return new EditCase(p, base, bdev, lbs, fix, edits, options, f);
                    });
        }
    }

    enum Variant { RANDOM, MAGIC, HEADER_BAD_CHECKSUM, HEADER }

    record RawCase(String profile, boolean bdev, int size, Variant variant, byte[] bytes) {
        @Override public String toString() {
            return "RawCase[" + profile + (bdev ? " bdev" : " fileio") + ", " + size + " bytes, " + variant + "]";
        }
    }

    /**
     * The image of a raw case: the random bytes, with the magic planted (MAGIC), or with a
     * plausible header (HEADER: magic, blkszbits 9..12, dirblkbits 0, known incompat bits only,
     * few extslots, a NUL in the volume name, SB_CHKSUM with a checksum made valid by the test's
     * CRC; HEADER_BAD_CHECKSUM: the same with the checksum one off).
     */
    static byte[] rawImage(RawCase c) {
        byte[] b = c.bytes().clone();
        if (c.variant() == Variant.RANDOM || b.length < 1024 + 128) {
            return b;
        }
        SpecBytes.put(b, 1024, 4, SpecBytes.MAGIC);
        if (c.variant() == Variant.HEADER || c.variant() == Variant.HEADER_BAD_CHECKSUM) {
            int bits = 9 + (b[1024 + 12] & 3);
            b[1024 + 12] = (byte) bits;
            b[1024 + 13] &= 3;
            b[1024 + 90] = 0;
            SpecBytes.put(b, 1024 + 80, 4, SpecBytes.u32(b, 1024 + 80) & 0x7F);
            b[1024 + 64 + 15] = 0;
            SpecBytes.put(b, 1024 + 8, 4, SpecBytes.u32(b, 1024 + 8) | 1);
            SpecBytes.writeChecksum(b, bits, c.variant() == Variant.HEADER ? 0 : 1);
        }
        return b;
    }

    @Group
    @Label("(b) raw random bytes")
    class RawBytes {
        @Property(seed = "20261206", tries = 1000, edgeCases = EdgeCasesMode.NONE)
        @Label("random bytes of a few sizes, raw or with a planted header: always an outcome on the fill_super path")
        void randomImages(@ForAll("rawCases") RawCase c) {
            byte[] image = rawImage(c);
            Scenario sc = scenario(c.profile(), image, Faults.NONE, c.bdev(), 512, new byte[4096], null);
            MountOutcome o = predictTimed(sc, c);
            checkOutcome(o, c.profile(), c.bdev(), image, c);

            Statistics.label("size").collect(c.size());
            Statistics.label("variant → outcome").collect(c.variant() + " → " + Expect.outcomeLabel(o));
            Statistics.label("outcome").collect(Expect.outcomeLabel(o));
            Statistics.label("outcome").coverage(cov -> {
                for (String k : List.of("EINVAL", "EBADMSG", "EUCLEAN", "EOPNOTSUPP")) {
                    cov.check(k).count(n -> n > 0);
                }
            });
            Statistics.label("size").coverage(cov -> {
                for (int s : SIZES) {
                    cov.check(s).count(n -> n > 0);
                }
            });
        }

        @Provide
        Arbitrary<RawCase> rawCases() {
            return Combinators.combine(Arbitraries.of("6.12", "6.13", "6.18"), Arbitraries.of(true, false),
                    Arbitraries.of(SIZES), Arbitraries.of(Variant.class))
                    .flatAs((p, bdev, size, variant) -> Arbitraries.randomValue(r -> {
                        byte[] b = new byte[size];
                        r.nextBytes(b);
                        return b;
                    }).map(b -> new RawCase(p, bdev, size, variant, b)));
        }
    }

    static final List<Integer> SIZES = List.of(0, 511, 1024, 1152, 2048, 4096, 8192, 12288);
}
