package org.erofssim.file;

import java.util.ArrayList;
import java.util.List;
import org.erofssim.contract.TreeEntry;
import org.erofssim.kernel.Behavior;
import org.erofssim.kernel.Errno;
import org.erofssim.kernel.KernelError;
import org.erofssim.read.MapBlocks;
import org.erofssim.read.MapDev;
import org.erofssim.read.PlainReader;
import org.erofssim.sb.ErofsInode;
import org.erofssim.sb.MetaBuf;
import org.erofssim.sb.SbInfo;
import org.erofssim.sb.SbLog;
import org.erofssim.zip.ZMapBlocks;

/**
 * {@code FS_IOC_FIEMAP} from 0 to the end on a regular file: {@code erofs_fiemap}
 * → {@code iomap_fiemap} over {@code erofs_iomap_begin} (fs/erofs/data.c, fs/iomap/fiemap.c),
 * the extents probe of the harness contract; compressed files go through
 * {@code z_erofs_iomap_begin_report} instead ({@link #compressed}).
 *
 * <p>Each {@code erofs_map_blocks} answer is one extent (no merging): holes are left out;
 * mapped extents report the position {@code erofs_map_dev} gives (on the device that holds
 * them, 6.16+ with {@code fsoffset}) and no flag; inline tails are {@code data_inline} with
 * {@code not_aligned} ({@code fiemap_fill_next_extent} adds it) at physical 0 up to 6.16 (the
 * iomap address is never set for them) and at the metadata position from 6.17 on
 * ({@link Behavior#IOMAP_INLINE_ADDR}: {@code iomap->addr} is set for every mapped extent). The last
 * extent also gets {@code last}. Lengths are the extents' ({@code m_llen}), not cut at
 * {@code i_size}. 6.13–6.16 read the inline tail's metadata page in {@code iomap_begin}, later
 * versions do not for FIEMAP.
 *
 * <p>Flags are written as FIEMAP names them, several joined by {@code ,} in bit order
 * ({@code last}=0x1 … {@code not_aligned}=0x100, {@code data_inline}=0x200); no flag is
 * {@code ""}.
 */
public final class Fiemap {
    public static final int FIEMAP_EXTENT_LAST = 0x1;
    public static final int FIEMAP_EXTENT_NOT_ALIGNED = 0x100;
    public static final int FIEMAP_EXTENT_DATA_INLINE = 0x200;

    private Fiemap() {}

    /** The extents, or the error FIEMAP returns. */
    public record Result(List<TreeEntry.Extent> extents, Errno errno) {}

    /**
     * Runs the probe. An {@code iomap_begin} error ends the walk; as in {@code iomap_fiemap},
     * the extent already held back is then still reported as the last one and the ioctl
     * succeeds; only an error before any extent fails it.
     */
    public static Result fiemap(SbInfo sbi, MetaBuf buf, SbLog log, ErofsInode inode) {
        return fiemap(sbi, buf, log, inode, null);
    }

    /**
     * As {@link #fiemap(SbInfo, MetaBuf, SbLog, ErofsInode)}, sharing {@code reader}'s
     * compressed-map state (the map headers it has read) for a compressed inode.
     */
    public static Result fiemap(SbInfo sbi, MetaBuf buf, SbLog log, ErofsInode inode, DataReader reader) {
        if (inode.isCompressed()) {
            ZMapBlocks zmap = reader != null ? reader.z().zmap() : new ZMapBlocks(sbi, buf, log);
            return compressed(zmap, inode);
        }
        List<TreeEntry.Extent> out = new ArrayList<>();
        long pos = 0;
        long remaining = Long.MAX_VALUE;
        Pending prev = null;
        Errno err = null;
        boolean addrForInline = sbi.kernel().has(Behavior.IOMAP_INLINE_ADDR);
        while (remaining > 0) {
            MapBlocks.Mapping map;
            MapDev.Target target;
            try {
                map = MapBlocks.map(sbi, buf, log, inode, pos, remaining);
                target = map.mapped() ? MapDev.map(sbi, map.deviceId(), map.pa()) : null;
                if (map.meta() && !addrForInline) {
                    buf.page(PlainReader.iomapMetaOffset(sbi, map));
                }
            } catch (KernelError e) {
                err = e.errno();
                break;
            }
            if (map.llen() <= 0 || map.la() > pos) {
                err = Errno.EIO; // iomap_iter's sanity checks
                break;
            }
            if (map.mapped()) {
                if (prev != null) {
                    out.add(prev.extent(0));
                }
                long physical = map.meta() && !addrForInline ? 0 : target.position();
                int flags = map.meta() ? FIEMAP_EXTENT_DATA_INLINE | FIEMAP_EXTENT_NOT_ALIGNED : 0;
                prev = new Pending(map.la(), physical, map.llen(), flags, target.device());
            }
            long advance = Math.min(map.la() + map.llen() - pos, remaining);
            pos += advance;
            remaining -= advance;
        }
        if (prev != null) {
            out.add(prev.extent(FIEMAP_EXTENT_LAST));
            return new Result(List.copyOf(out), null);
        }
        return new Result(err == null ? List.of() : null, err);
    }

    /**
     * {@code iomap_fiemap} over {@code z_erofs_iomap_begin_report}: each
     * {@code z_erofs_map_blocks_iter(..., EROFS_GET_BLOCKS_FIEMAP)} answer is one extent from
     * its head ({@code m_la}) over its whole decompressed length, reported as an ordinary
     * mapped extent: the kernel sets no {@code encoded} (nor {@code data_inline}) flag for
     * compressed data [obs-6.18.44: {@code filefrag} shows only {@code last}], the physical
     * address is {@code m_pa} as it is (the metadata position for a ztailpacking tail, 0 for a
     * fragment; no {@code erofs_map_dev}, device 0), the length the decompressed one. The hole
     * past the end ends the walk.
     */
    static Result compressed(ZMapBlocks zmap, ErofsInode inode) {
        List<TreeEntry.Extent> out = new ArrayList<>();
        long pos = 0;
        long remaining = Long.MAX_VALUE;
        Pending prev = null;
        Errno err = null;
        while (remaining > 0) {
            ZMapBlocks.ZMapping map;
            try {
                map = zmap.map(inode, pos, ZMapBlocks.GET_BLOCKS_FIEMAP);
            } catch (KernelError e) {
                err = e.errno();
                break;
            }
            long offset = map.la();
            long length = map.llen();
            if (!map.mapped() && offset >= inode.size()) {
                length = remaining + pos - offset;
            }
            if (length <= 0 || offset > pos || offset + length <= pos) {
                err = Errno.EIO; // iomap_iter's sanity checks
                break;
            }
            if (map.mapped()) {
                if (prev != null) {
                    out.add(prev.extent(0));
                }
                prev = new Pending(offset, map.fragment() ? 0 : map.pa(), length, 0, 0);
            }
            long advance = Math.min(offset + length - pos, remaining);
            pos += advance;
            remaining -= advance;
        }
        if (prev != null) {
            out.add(prev.extent(FIEMAP_EXTENT_LAST));
            return new Result(List.copyOf(out), null);
        }
        return new Result(err == null ? List.of() : null, err);
    }

    private record Pending(long logical, long physical, long length, int flags, int device) {
        TreeEntry.Extent extent(int more) {
            return new TreeEntry.Extent(logical, physical, length, flagNames(flags | more), device);
        }
    }

    /** FIEMAP flag names, joined by {@code ,} in bit order. */
    public static String flagNames(int flags) {
        String[] names = {"last", "unknown", "delalloc", "encoded", null, null, null, "data_encrypted",
            "not_aligned", "data_inline", "data_tail", "unwritten", "merged", "shared"};
        StringBuilder sb = new StringBuilder();
        for (int bit = 0; bit < names.length; bit++) {
            if ((flags & (1 << bit)) != 0 && names[bit] != null) {
                if (sb.length() > 0) {
                    sb.append(',');
                }
                sb.append(names[bit]);
            }
        }
        return sb.toString();
    }
}
