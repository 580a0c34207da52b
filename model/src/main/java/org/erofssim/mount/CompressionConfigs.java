package org.erofssim.mount;

import java.nio.ByteBuffer;
import org.erofssim.data.MetaBuf;
import org.erofssim.kernel.ConfigFlag;
import org.erofssim.kernel.Errno;
import org.erofssim.kernel.KernelError;
import org.erofssim.ondisk.FeatureIncompat;
import org.erofssim.ondisk.Superblock;

/**
 * {@code z_erofs_parse_cfgs} (fs/erofs/decompressor.c) and, without CONFIG_EROFS_FS_ZIP, its
 * stand-in in fs/erofs/super.c: the on-disk compression configurations read at mount.
 *
 * <p>Modelled: the ZIP=n refusal, the unknown-algorithm check, reading each record with
 * {@code erofs_read_metadata} (4-byte aligned, u16 length, 0 = 65536) and the LZ4 record checks.
 * The LZMA/DEFLATE/ZSTD records are read but their contents are not checked (mkfs.erofs 1.5 here
 * writes only LZ4); such images get a note instead.
 */
final class CompressionConfigs {
    /** {@code Z_EROFS_ALL_COMPR_ALGS}: LZ4, LZMA, DEFLATE, ZSTD. */
    static final int ALL_ALGS = 0xF;
    /** {@code sizeof(struct z_erofs_lz4_cfgs)}. */
    static final int LZ4_CFGS_SIZE = 14;
    /** {@code Z_EROFS_PCLUSTER_MAX_SIZE}: 1 MiB. */
    static final int PCLUSTER_MAX_SIZE = 1 << 20;

    private CompressionConfigs() {}

    static void parse(SbInfo sbi, Superblock dsb, MetaBuf buf, SbLog log) {
        if (!sbi.kernel.enabled(ConfigFlag.EROFS_FS_ZIP)) {
            if (dsb.u1() != 0) {
                log.err("z_erofs_parse_cfgs", "compression disabled, unable to mount compressed EROFS");
                throw new KernelError(Errno.EOPNOTSUPP);
            }
            return;
        }
        if (!sbi.hasIncompat(FeatureIncompat.COMPR_CFGS.bit())) {
            sbi.availableComprAlgs = 1; // 1 << Z_EROFS_COMPRESSION_LZ4
            return; // u1 is lz4_max_distance; z_erofs_load_lz4_config without a record cannot fail
        }
        int algs = dsb.u1();
        sbi.availableComprAlgs = algs;
        if ((algs & ~ALL_ALGS) != 0) {
            log.err("z_erofs_parse_cfgs", "unidentified algorithms " + Integer.toHexString(algs & ~ALL_ALGS)
                    + ", please upgrade kernel");
            throw new KernelError(Errno.EOPNOTSUPP);
        }
        long offset = Superblock.OFFSET + sbi.sbSize;
        for (int alg = 0; alg < 4; alg++) {
            if ((algs & (1 << alg)) == 0) {
                continue;
            }
            offset = (offset + 3) & ~3L;
            int len = u16(buf, offset);
            if (len == 0) {
                len = 65536;
            }
            offset += 2;
            byte[] data = readMetadata(buf, offset, len, sbi.blockSize());
            offset += len;
            if (alg == 0) {
                lz4(sbi, data, log);
            }
        }
    }

    /** {@code z_erofs_load_lz4_config} with a record. */
    private static void lz4(SbInfo sbi, byte[] data, SbLog log) {
        if (data.length < LZ4_CFGS_SIZE) {
            log.err("z_erofs_load_lz4_config", "invalid lz4 cfgs, size=" + data.length);
            throw new KernelError(Errno.EINVAL);
        }
        int maxPclusterblks = (data[2] & 0xFF) | ((data[3] & 0xFF) << 8);
        if (maxPclusterblks > (PCLUSTER_MAX_SIZE >> sbi.blkszbits)) {
            log.err("z_erofs_load_lz4_config", "too large lz4 pclusterblks " + maxPclusterblks);
            throw new KernelError(Errno.EINVAL);
        }
    }

    private static int u16(MetaBuf buf, long offset) {
        ByteBuffer page = buf.page(offset);
        int at = MetaBuf.inPage(offset);
        if (at + 2 <= page.capacity()) {
            return page.getShort(at) & 0xFFFF;
        }
        int lo = page.get(at) & 0xFF;
        int hi = buf.page(offset + 1).get(MetaBuf.inPage(offset + 1)) & 0xFF;
        return lo | (hi << 8);
    }

    /** {@code erofs_read_metadata}: {@code len} bytes from {@code offset}, block by block. */
    private static byte[] readMetadata(MetaBuf buf, long offset, int len, int bs) {
        byte[] out = new byte[len];
        int i = 0;
        while (i < len) {
            int cnt = (int) Math.min(bs - (offset & (bs - 1)), len - i);
            ByteBuffer page = buf.page(offset);
            int at = MetaBuf.inPage(offset);
            page.get(at, out, i, Math.min(cnt, page.capacity() - at));
            offset += cnt;
            i += cnt;
        }
        return out;
    }
}
