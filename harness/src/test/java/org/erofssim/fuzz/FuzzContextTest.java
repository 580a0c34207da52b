package org.erofssim.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.erofssim.fuzz.FuzzCase.BaseImage;
import org.erofssim.fuzz.FuzzCase.Before;
import org.erofssim.fuzz.FuzzCase.Context;
import org.erofssim.fuzz.FuzzCase.DeviceArg;
import org.erofssim.fuzz.FuzzCase.Source;
import org.erofssim.kernel.Releases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mount contexts and sources a fuzz case can carry reach the kernel branches they are drawn
 * for (each case here is one the generator can draw), and the record map of the bases finds real
 * inode, dirent, chunk-index and compressed-index fields.
 */
class FuzzContextTest {
    @TempDir
    Path out;

    private Set<String> ids(FuzzCase c) {
        FuzzCampaign fc = new FuzzCampaign(new FuzzCampaign.Settings(1, 1, null, Releases.DEFAULT,
                FuzzCampaignTest.IMAGES, out, null, Duration.ofSeconds(20), 1));
        FuzzCampaign.Evaluation e = fc.evaluate(c, false);
        assertThat(e.failure()).as("%s", c).isNull();
        return e.ids();
    }

    private static FuzzCase plain(BaseImage base, Source source, List<DeviceArg> devices, Context ctx) {
        return new FuzzCase(base, source, true, List.of(), devices, false, List.of(), List.of(), Map.of(), ctx);
    }

    @Test
    void contextsReachTheirBranches() {
        Context none = Context.NONE;
        assertThat(ids(plain(BaseImage.PLAIN, Source.BDEV, List.of(), none.withBefore(Before.SAME_SOURCE))))
                .contains("get_tree_bdev:reuse-super");
        assertThat(ids(plain(BaseImage.MULTIDEV, Source.BDEV, List.of(DeviceArg.BLOB_FILE),
                none.withBefore(Before.SOURCE_CLAIMED)))).contains("get_tree_bdev:claim-busy");
        assertThat(ids(plain(BaseImage.PLAIN, Source.FILE, List.of(), none.withEio(true))))
                .contains("erofs_read_superblock:read-error");
        assertThat(ids(plain(BaseImage.PLAIN, Source.FILE, List.of(), none.withFs("erofs"))))
                .contains("erofs_fc_fill_super:stacked-fileio");
        assertThat(ids(plain(BaseImage.LZ4_B1024, Source.BDEV, List.of(), none.withLogicalBlockSize(4096))))
                .contains("erofs_fc_fill_super:bdev-blksize");
        assertThat(ids(plain(BaseImage.PLAIN, Source.FILE, List.of(), none.withFscache(true))))
                .contains("erofs_fc_get_tree:fscache");
        assertThat(ids(plain(BaseImage.PLAIN, Source.LONG_PATH, List.of(), none)))
                .contains("copy_mount_string:source-too-long");
        assertThat(ids(plain(BaseImage.PLAIN, Source.SYMLINK, List.of(), none.withFsopen(true))))
                .contains("erofs_fc_get_tree:fileio", "erofs_fc_fill_super:ok");
    }

    @Test
    void theRecordMapFindsRealFields() throws Exception {
        Map<BaseImage, byte[]> bases = FuzzCampaignTest.bases();
        Map<BaseImage, Set<BaseRecords.Kind>> kinds = new java.util.EnumMap<>(BaseImage.class);
        for (BaseImage b : BaseImage.values()) {
            kinds.put(b, BaseRecords.of(bases.get(b)).fields().stream().map(BaseRecords.Field::kind)
                    .collect(Collectors.toCollection(() -> EnumSet.noneOf(BaseRecords.Kind.class))));
        }
        System.out.println("record fields by base: " + kinds);
        for (BaseImage b : BaseImage.values()) {
            if (b != BaseImage.METABOX) { // its inodes live in the metabox inode's data: the walk does not enter it
                assertThat(kinds.get(b)).as(b.path()).contains(BaseRecords.Kind.INODE_MODE, BaseRecords.Kind.DIRENT_NID);
            }
        }
        assertThat(kinds.get(BaseImage.CHUNKED)).contains(BaseRecords.Kind.CHUNK_STARTBLK);
        assertThat(kinds.get(BaseImage.LZ4)).contains(BaseRecords.Kind.ZMAP_ALGORITHM, BaseRecords.Kind.ZINDEX_BYTE);
        // the first field is the root inode's format; its mode is a directory's
        BaseRecords.Field mode = BaseRecords.of(bases.get(BaseImage.PLAIN)).fields().get(2);
        assertThat(mode.kind()).isEqualTo(BaseRecords.Kind.INODE_MODE);
        byte[] p = bases.get(BaseImage.PLAIN);
        assertThat(((p[mode.offset()] & 0xff) | (p[mode.offset() + 1] & 0xff) << 8) & 0xF000).isEqualTo(0x4000);
    }

    /** {@link BaseRecords#near}'s binary search gives the fields of a scan of the whole list, in its order. */
    @Test
    void nearFieldsAreTheFilteredOnes() throws Exception {
        Map<BaseImage, byte[]> bases = FuzzCampaignTest.bases();
        int compared = 0;
        int nonEmpty = 0;
        for (BaseImage b : BaseImage.values()) {
            BaseRecords r = BaseRecords.of(bases.get(b));
            java.util.Random random = new java.util.Random(b.ordinal());
            for (int i = 0; i < 400; i++) {
                // around real fields, and anywhere in (and past) the image
                int at = i % 2 == 0 && !r.fields().isEmpty() ? r.fields().get(random.nextInt(r.fields().size())).offset()
                        + random.nextInt(129) - 64 : random.nextInt(bases.get(b).length + 256) - 128;
                int reach = i % 3 == 0 ? 0 : 64;
                java.util.List<BaseRecords.Field> scan = r.fields().stream()
                        .filter(f -> Math.abs(f.offset() - at) <= reach).toList();
                assertThat(r.near(at, reach)).as("%s at %d reach %d", b, at, reach).isEqualTo(scan);
                compared++;
                nonEmpty += scan.isEmpty() ? 0 : 1;
            }
        }
        System.out.println("near fields: " + compared + " windows compared, " + nonEmpty + " with fields");
        assertThat(nonEmpty).isGreaterThan(compared / 3);
    }
}
