package org.erofssim.ondisk;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.BitSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("SuperblockField")
class SuperblockFieldTest {

    @Nested
    @DisplayName("offsets and widths")
    class Layout {
        // The table of spec §1.2 (offset from the superblock start, size in bytes).
        @ParameterizedTest(name = "{0} is {2} bytes at offset {1}")
        @CsvSource({
            "MAGIC,0,4", "CHECKSUM,4,4", "FEATURE_COMPAT,8,4", "BLKSZBITS,12,1", "SB_EXTSLOTS,13,1",
            "ROOT_NID,14,2", "INOS,16,8", "EPOCH,24,8", "FIXED_NSEC,32,4", "BLOCKS_LO,36,4",
            "META_BLKADDR,40,4", "XATTR_BLKADDR,44,4", "UUID,48,16", "VOLUME_NAME,64,16",
            "FEATURE_INCOMPAT,80,4", "U1,84,2", "EXTRA_DEVICES,86,2", "DEVT_SLOTOFF,88,2", "DIRBLKBITS,90,1",
            "XATTR_PREFIX_COUNT,91,1", "XATTR_PREFIX_START,92,4", "PACKED_NID,96,8",
            "XATTR_FILTER_RESERVED,104,1", "BUILD_TIME,108,4", "ROOTNID_8B,112,8", "METABOX_NID,128,8"})
        @DisplayName("match the spec table")
        void matchSpec(SuperblockField f, int offset, int width) {
            assertThat(f.offset()).isEqualTo(offset);
            assertThat(f.width()).isEqualTo(width);
        }

        @Test
        @DisplayName("no two fields share a byte and all lie in the 144-byte 6.17 superblock")
        void disjoint() {
            BitSet used = new BitSet();
            for (SuperblockField f : SuperblockField.values()) {
                BitSet mine = new BitSet();
                mine.set(f.offset(), f.offset() + f.width());
                assertThat(used.intersects(mine)).as("%s overlaps", f).isFalse();
                used.or(mine);
                assertThat(f.offset() + f.width()).isLessThanOrEqualTo(144);
            }
        }

        @Test
        @DisplayName("absolute offsets add the 1024-byte superblock position: the magic is at 1024, the checksum at 1028")
        void absolute() {
            assertThat(SuperblockField.MAGIC.absoluteOffset()).isEqualTo(1024);
            assertThat(SuperblockField.CHECKSUM.absoluteOffset()).isEqualTo(1028);
            assertThat(SuperblockField.METABOX_NID.absoluteOffset()).isEqualTo(1152);
        }
    }

    @Nested
    @DisplayName("integer or byte string")
    class Kinds {
        @Test
        @DisplayName("UUID and volume name are byte strings, everything else an integer")
        void kinds() {
            for (SuperblockField f : SuperblockField.values()) {
                boolean bytes = f == SuperblockField.UUID || f == SuperblockField.VOLUME_NAME;
                assertThat(f.isInteger()).as(f.name()).isEqualTo(!bytes);
            }
        }

        @Test
        @DisplayName("the mask of a u16 is 0xFFFF and of a u64 all 64 bits")
        void masks() {
            assertThat(SuperblockField.ROOT_NID.mask()).isEqualTo(0xFFFFL);
            assertThat(SuperblockField.BLKSZBITS.mask()).isEqualTo(0xFFL);
            assertThat(SuperblockField.MAGIC.mask()).isEqualTo(0xFFFFFFFFL);
            assertThat(SuperblockField.INOS.mask()).isEqualTo(-1L);
        }
    }
}
