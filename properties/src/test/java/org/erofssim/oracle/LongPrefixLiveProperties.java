package org.erofssim.oracle;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;
import org.erofssim.block.BackingFs;
import org.erofssim.block.DevT;
import org.erofssim.block.ImageBytes;
import org.erofssim.block.Node;
import org.erofssim.compare.OutcomeComparator;
import org.erofssim.contract.Scenario;
import org.erofssim.fixtures.CraftImages;
import org.erofssim.kernel.KernelConfig;
import org.erofssim.mount.MountModel;
import org.erofssim.contract.MountOutcome;
import org.erofssim.contract.TreeEntry;
import org.erofssim.ondisk.FeatureCompat;
import org.erofssim.ondisk.FeatureIncompat;
import org.erofssim.ondisk.ImageEditor;
import org.erofssim.ondisk.SuperblockField;
import org.erofssim.ondisk.XattrLongPrefix;
import org.erofssim.testkit.Live;
import org.erofssim.tools.ErofsUtils;

/**
 * Random long xattr name prefix tables on plain.erofs, mounted file-backed or on a loop device
 * by the running kernel (root) and by the model on that kernel's profile, the whole tree read
 * with its xattrs: the outcomes must be equal field by field ({@link OutcomeComparator}).
 *
 * <p>A case draws up to 5 records (mostly well-formed: a base index among 0–7 and 0x81, an
 * infix of up to 12 bytes from a small alphabet with the odd NUL, or 200–255 bytes; sometimes a
 * record with a bad length field 0, 257 or 1000), new name indexes {@code 0x80 | n} (n up to
 * two past the count) or none for /f1's and /dir1's inline entries, /f4096's and the shared
 * one, the XATTR_PREFIXES bit on or off, sometimes a table start past the end of the image,
 * sometimes the xattr name filter with random filter words on /f1 and /dir1, and
 * {@code nouser_xattr} or not. Statistics report the kernel's outcome, the mode and what /f1's
 * entry became; coverage requires mounts and EUCLEAN failures, both modes, /f1's entry through a
 * prefix in range, beyond the count and unchanged, and the filter on.
 *
 * <p>Not root (or no erofs, loop, /dev/kmsg): skipped with the reason printed; under CI it fails.
 * About 0.15 s per try (100 tries: 15–30 s).
 */
@AddLifecycleHook(LiveScenarioProperties.RequireLiveOracle.class)
@Live
class LongPrefixLiveProperties {
    private static final LiveKernelOracle ORACLE = new LiveKernelOracle();
    private static final byte[] PLAIN = read(LiveScenarioProperties.ROOT.resolve("fixtures/images/plain.erofs"));

    /** One record: a well-formed prefix ({@code lengthField} -1), or a stored length with an arbitrary body. */
    record Rec(int lengthField, int base, byte[] infix) {
        byte[] stored() {
            byte[] body = new byte[1 + infix.length];
            body[0] = (byte) base;
            System.arraycopy(infix, 0, body, 1, infix.length);
            return lengthField < 0 ? new XattrLongPrefix(base, infix).encode() : XattrLongPrefix.stored(lengthField, body);
        }

        @Override public String toString() {
            return (lengthField < 0 ? "" : "len=" + lengthField + " ") + "base=" + base + " infix=" + infix.length + "B";
        }
    }

    record Case(List<Rec> table, List<Integer> indexes, boolean featureBit, boolean pastEnd, boolean filter,
                long filterF1, long filterDir1, boolean nouser, boolean bdev) {
        byte[] image() {
            ByteArrayOutputStream t = new ByteArrayOutputStream();
            table.forEach(r -> t.writeBytes(r.stored()));
            ImageEditor e = CraftImages.plainWithLongPrefixes(PLAIN, t.toByteArray(), table.size(), indexes.get(0),
                    indexes.get(1), indexes.get(2), indexes.get(3));
            if (!featureBit) {
                e.set(SuperblockField.FEATURE_INCOMPAT, e.get(SuperblockField.FEATURE_INCOMPAT)
                        & ~FeatureIncompat.XATTR_PREFIXES.bit());
            }
            if (pastEnd) {
                e.set(SuperblockField.XATTR_PREFIX_START, 13L * 4096 / 4);
            }
            if (filter) {
                byte[] img = e.bytes();
                e.write(CraftImages.xattrHeader(img, "/f1"), le32(filterF1));
                e.write(CraftImages.xattrHeader(img, "/dir1"), le32(filterDir1));
                e.set(SuperblockField.FEATURE_COMPAT, e.get(SuperblockField.FEATURE_COMPAT) | FeatureCompat.XATTR_FILTER.bit());
            }
            return e.fixChecksum().bytes();
        }

        Scenario scenario(KernelConfig kernel) {
            ImageBytes img = ImageBytes.of(image());
            Node node = bdev ? new Node.BlockDevice(img, DevT.parse("7:0"), false, 512, false)
                    : new Node.RegularFile(img, BackingFs.EXT4);
            String source = bdev ? "/dev/loop0" : "/srv/prefixes.erofs";
            return Scenario.builder().name("long-prefix-property").kernel(kernel).node(source, node).source(source)
                    .options(nouser ? "nouser_xattr" : null).read(true).build();
        }

        /** What /f1's inline user.private became. */
        String f1Entry() {
            int i = indexes.get(0);
            if (i < 0) {
                return "unchanged";
            }
            return (i & 0x7F) < table.size() ? "prefix in range" : "prefix beyond count";
        }
    }

    static byte[] le32(long v) {
        return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
    }

    static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<Byte> letter = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(20, Arbitraries.of((byte) 'a', (byte) 'b', (byte) '.', (byte) 'x', (byte) '-')),
                net.jqwik.api.Tuple.of(1, Arbitraries.just((byte) 0)));
        Arbitrary<byte[]> shortInfix = letter.list().ofMaxSize(12).map(LongPrefixLiveProperties::bytes);
        Arbitrary<byte[]> longInfix = Arbitraries.integers().between(200, 255).map(n -> "a".repeat(n).getBytes());
        Arbitrary<byte[]> infix = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(9, shortInfix),
                net.jqwik.api.Tuple.of(1, longInfix));
        Arbitrary<Integer> base = Arbitraries.of(1, 1, 1, 4, 4, 6, 6, 0, 2, 3, 5, 7, 0x81);
        Arbitrary<Rec> good = Combinators.combine(base, infix).as((b, i) -> new Rec(-1, b, i));
        Arbitrary<Rec> bad = Combinators.combine(Arbitraries.of(0, 257, 1000), base).as((l, b) -> new Rec(l, b, new byte[3]));
        Arbitrary<Rec> rec = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(12, good), net.jqwik.api.Tuple.of(1, bad));
        Arbitrary<List<Rec>> table = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(1, Arbitraries.just(List.<Rec>of())),
                net.jqwik.api.Tuple.of(9, rec.list().ofMinSize(1).ofMaxSize(5)));
        Arbitrary<Boolean> featureBit = Arbitraries.of(true, true, true, true, false);
        Arbitrary<Boolean> pastEnd = Arbitraries.of(false, false, false, false, false, false, false, false, false, true);
        Arbitrary<Boolean> filter = Arbitraries.of(false, false, false, false, true);
        Arbitrary<Long> word = Arbitraries.longs().between(0, 0xFFFFFFFFL);
        Arbitrary<Boolean> nouser = Arbitraries.of(false, false, false, true);
        Arbitrary<Boolean> bdev = Arbitraries.of(false, true);
        return Combinators.combine(table, featureBit, pastEnd, filter, word, word, nouser, bdev)
                .flatAs((t, f, p, fl, w1, w2, n, b) -> indexes(t.size()).map(i -> new Case(t, i, f, p, fl, w1, w2, n, b)));
    }

    /** New name indexes for the four entries: unchanged, or 0x80 | n with n up to two past the count. */
    static Arbitrary<List<Integer>> indexes(int count) {
        Arbitrary<Integer> index = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(1, Arbitraries.just(-1)),
                net.jqwik.api.Tuple.of(3, Arbitraries.integers().between(0, count + 1).map(n -> 0x80 | n)));
        return index.list().ofSize(4);
    }

    static byte[] bytes(List<Byte> l) {
        byte[] b = new byte[l.size()];
        for (int i = 0; i < b.length; i++) {
            b[i] = l.get(i);
        }
        return b;
    }

    @BeforeContainer
    static void requiredUnderCi() {
        LiveScenarioProperties.requiredUnderCi();
    }

    @Property(seed = "20261206", tries = 100, shrinking = ShrinkingMode.BOUNDED, edgeCases = EdgeCasesMode.NONE)
    void theModelReadsRandomPrefixTablesAsTheKernelDoes(@ForAll("cases") Case c) {
        KernelConfig kernel = LiveScenarioProperties.liveKernel();
        Scenario s = c.scenario(kernel);
        MountOutcome live = ORACLE.observe(s);
        MountOutcome model = MountModel.predict(s);

        String outcome = live instanceof MountOutcome.Failed f ? String.valueOf(f.errno())
                : live instanceof MountOutcome.Mounted ? "mounted" : live.getClass().getSimpleName();
        Statistics.label("kernel outcome").collect(outcome);
        Statistics.label("mode").collect(c.bdev() ? "bdev" : "fileio");
        Statistics.label("/f1 entry").collect(c.f1Entry());
        Statistics.label("filter").collect(c.filter() ? "on" : "off");
        Statistics.label("long-prefix names listed").collect(longNames(live) > 0 ? "some" : "none");
        Statistics.label("kernel outcome").coverage(cov -> {
            cov.check("mounted").count(n -> n > 0);
            cov.check("EUCLEAN").count(n -> n > 0);
        });
        Statistics.label("mode").coverage(cov -> {
            cov.check("bdev").count(n -> n > 0);
            cov.check("fileio").count(n -> n > 0);
        });
        Statistics.label("/f1 entry").coverage(cov -> {
            cov.check("prefix in range").count(n -> n > 0);
            cov.check("prefix beyond count").count(n -> n > 0);
            cov.check("unchanged").count(n -> n > 0);
        });
        Statistics.label("filter").coverage(cov -> cov.check("on").count(n -> n > 0));
        Statistics.label("long-prefix names listed").coverage(cov -> cov.check("some").count(n -> n > 0));

        LiveScenarioProperties.assertAgree(model, live, c);
    }

    /** How many xattr names of the kernel's tree are not the four plain.erofs names (so came through a prefix). */
    static long longNames(MountOutcome o) {
        if (!(o instanceof MountOutcome.Mounted m) || m.tree() == null) {
            return 0;
        }
        List<String> plainNames = List.of("user.private", "user.long", "user.shared");
        long n = 0;
        for (TreeEntry e : m.tree()) {
            if (e.xattrs() != null) {
                n += e.xattrs().keySet().stream().filter(k -> !plainNames.contains(k)).count();
            }
        }
        return n;
    }
}
