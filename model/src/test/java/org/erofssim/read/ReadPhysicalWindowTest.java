package org.erofssim.read;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.erofssim.block.Faults;
import org.erofssim.contract.Scenario;
import org.erofssim.mount.MountModel;
import org.erofssim.sb.SbLog;
import org.erofssim.testing.ErofsImages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12: the clean-data direct path reads pclusters through a window of the primary
 * ({@link PlainReader#readPhysicalWindowed}); where it answers, its bytes are exactly those of
 * {@link PlainReader#readPhysical} (the kernel-faithful request), and where that request fails
 * (past the device's end; a loop device's capacity in whole 512-byte sectors; a short fileio
 * read at 6.18.44) it gives up, so the full model decides.
 */
@DisplayName("PlainReader.readPhysicalWindowed: readPhysical's bytes, or a give-up")
class ReadPhysicalWindowTest {
    @TempDir static Path tmp;
    static byte[] image;

    @BeforeAll static void images() {
        ErofsImages.assumeMkfs();
        Path tree = tmp.resolve("tree");
        ErofsImages.write(tree.resolve("a"), ErofsImages.noise(300_000, 1));
        ErofsImages.write(tree.resolve("b"), ErofsImages.noise(70_000, 2));
        image = ErofsImages.read(ErofsImages.mkfs(tmp.resolve("p.erofs"), tree, "-Enoinline_data"));
    }

    @Test void windowedReadsGiveReadPhysicalsBytesOrGiveUpWhereItFails() {
        int answered = 0;
        int refusedBoth = 0;
        for (int cut : List.of(image.length, image.length - 100, image.length - 4096 - 700)) {
            byte[] im = Arrays.copyOf(image, cut);
            for (String kernel : List.of("6.12.0", "6.18.44")) {
                for (Scenario sc : List.of(ErofsImages.fileMount(kernel, im, Faults.NONE, null, false),
                        ErofsImages.bdevMount(kernel, im, Faults.NONE, null, false))) {
                    MountModel.LiveMount live = ErofsImages.mount(sc);
                    SbLog log = new SbLog(live.log(), live.sbi().kernel(), live.sbi().sId());
                    PlainReader windowed = new PlainReader(live.sbi(), live.buf(), log);
                    PlainReader reference = new PlainReader(live.sbi(), live.buf(), log);
                    Random r = new Random(cut + kernel.hashCode());
                    for (int i = 0; i < 3000; i++) {
                        long pa;
                        int len;
                        if (i < 1000) { // a sequential scan in pclusters of 4 KiB, as ZDirect reads
                            pa = (long) i * 4096 % (cut + 8192);
                            len = 4096;
                        } else {
                            pa = r.nextInt(cut + 8192);
                            len = 1 + r.nextInt(i % 2 == 0 ? 8192 : PlainReader.WINDOW);
                        }
                        int at = windowed.readPhysicalWindowed(pa, len);
                        byte[] ref = reference.readPhysical(pa, len);
                        String what = sc.source() + " " + kernel + " image of " + cut + " bytes, pa " + pa + " len " + len;
                        if (at >= 0) {
                            assertThat(ref).as(what).isNotNull();
                            assertThat(Arrays.copyOfRange(windowed.windowBytes(), at, at + len)).as(what).isEqualTo(ref);
                            answered++;
                        } else if (ref == null) {
                            refusedBoth++;
                        } else {
                            // a give-up where the request succeeds: only past the image's end
                            // (6.12 fileio zero-fills a short read)
                            assertThat(pa + len).as(what).isGreaterThan(cut & ~511L);
                        }
                    }
                }
            }
        }
        assertThat(answered).isGreaterThan(10_000);
        assertThat(refusedBoth).isGreaterThan(100);
    }
}
