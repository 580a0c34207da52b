package org.erofssim.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.erofssim.contract.Scenario;
import org.erofssim.inode.Xattrs;
import org.erofssim.kernel.Releases;
import org.erofssim.props.Predictions;
import org.erofssim.testkit.Checkout;

/**
 * Session 13: passing over a run of zero xattr entry heads in the page the buffer holds at once
 * ({@link Xattrs#zeroRuns}, one {@code ByteBuffer.mismatch} instead of the iteration's per-head steps)
 * changes no outcome byte, coverage id or hint. The cases are the fuzzer's own, drawn and mutated
 * and built in memory as {@link ImageViewProperties} builds them (edited inode fields among them,
 * {@code xattr_isize} too), on 6.12.0, 6.18.44 and 7.3.0-rc7, predicted with the runs on and off.
 * Those draws rarely reach a zero run; the fixture images with one inode's {@code i_xattr_icount}
 * raised do. Statistics show the outcomes and how many zero heads each case passed over in runs
 * (counted by {@link Xattrs#ZERO_HEADS_SKIPPED} on the run with them on).
 */
class XattrZeroRunsProperties {
    @Provide
    Arbitrary<ImageViewProperties.Case> cases() {
        return ImageViewProperties.drawnCases();
    }

    static String predict(Scenario sc, boolean runs) {
        return Predictions.withCoverage(sc, () -> Xattrs.zeroRuns, x -> Xattrs.zeroRuns = x, runs);
    }

    /** The outcome's kind, from its JSON (an outcome with a failed getxattr does not read back as a scenario's). */
    static String outcome(String json) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"outcome\":\"(\\w+)\"").matcher(json);
        return m.find() ? m.group(1) : "?";
    }

    /**
     * The fixture images with one inode's {@code i_xattr_icount} set (the root's or the inode
     * slot {@code nid} of the metadata area names; superblock checksum stored again), so that
     * its xattr area runs over the bytes after it: zero runs are reached here, which the drawn
     * cases above rarely reach.
     */
    record Edited(String image, boolean root, int nid, int icount, String kernel, boolean bdev) {}

    @Provide
    Arbitrary<Edited> edited() {
        return Combinators.combine(Arbitraries.of("plain.erofs", "lz4.erofs", "deep.erofs", "noinline.erofs",
                        "chunked4k.erofs", "ztailpacking.erofs"), Arbitraries.of(false, true), Arbitraries.integers().between(0, 200),
                Arbitraries.integers().between(1, 1200), Arbitraries.of("6.12.0", "6.18.44", "7.3.0-rc7"),
                Arbitraries.of(false, true)).as(Edited::new);
    }

    @Property(seed = "20261214", tries = 300, edgeCases = EdgeCasesMode.NONE)
    void passingOverZeroHeadsOfALargeXattrAreaChangesNoOutcomeCoverageIdOrHint(@ForAll("edited") Edited c) {
        byte[] b = Checkout.imageBytes(c.image()); // a copy of its own
        java.nio.ByteBuffer sb = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int blkszbits = b[1024 + 12] & 0xFF;
        long nid = c.root() ? sb.getShort(1024 + 14) & 0xFFFF : c.nid();
        long at = ((sb.getInt(1024 + 40) & 0xFFFFFFFFL) << blkszbits) + nid * 32 + 2;
        if (at + 2 <= b.length) {
            sb.putShort((int) at, (short) c.icount());
        }
        sb.putInt(1024 + 4, (int) org.erofssim.ondisk.SuperblockChecksum.compute(sb.duplicate(), blkszbits));
        org.erofssim.block.ImageBytes bytes = org.erofssim.block.ImageBytes.of(b);
        Scenario.Builder s = Scenario.builder().name("xattr-runs")
                .kernel(org.erofssim.kernel.KernelConfig.of(Releases.resolve(c.kernel()).profile())).read(true);
        if (c.bdev()) {
            s.node("/dev/loop0", new org.erofssim.block.Node.BlockDevice(bytes, new org.erofssim.block.DevT(7, 0), true, 512, false))
                    .source("/dev/loop0");
        } else {
            s.node("/srv/image.erofs", new org.erofssim.block.Node.RegularFile(bytes, org.erofssim.block.BackingFs.EXT4))
                    .source("/srv/image.erofs");
        }
        Scenario sc = s.build();
        long skipped0 = Xattrs.ZERO_HEADS_SKIPPED.sum();
        String runs = predict(sc, true);
        long skipped = Xattrs.ZERO_HEADS_SKIPPED.sum() - skipped0;
        String one = predict(sc, false);
        assertThat(runs).as("%s", c).isEqualTo(one);
        Statistics.label("outcome").collect(outcome(runs));
        Statistics.label("zero heads").collect(skipped == 0 ? "none passed over in runs"
                : skipped < 100 ? "1 to 99 passed over in runs" : "100 or more passed over in runs");
        Statistics.label("zero heads").coverage(cov -> {
            cov.check("1 to 99 passed over in runs").count(n -> n >= 10);
            cov.check("100 or more passed over in runs").count(n -> n >= 5);
        });
    }

    @Property(seed = "20261213", tries = 200, edgeCases = EdgeCasesMode.NONE)
    void passingOverZeroHeadsInRunsChangesNoOutcomeCoverageIdOrHint(@ForAll("cases") ImageViewProperties.Case c)
            throws Exception {
        ImageViewProperties.withDrawn(c, (fc, sc) -> {
            long skipped0 = Xattrs.ZERO_HEADS_SKIPPED.sum();
            String runs = predict(sc, true);
            long skipped = Xattrs.ZERO_HEADS_SKIPPED.sum() - skipped0;
            String one = predict(sc, false);
            assertThat(runs).as("%s: %s", c, fc).isEqualTo(one);

            Statistics.label("outcome").collect(outcome(runs));
            // the drawn cases rarely reach a run (the property above does): shown, not required
            Statistics.label("zero heads").collect(skipped == 0 ? "none passed over in runs" : "some passed over in runs");
        });
    }
}
