package org.erofssim.mount;

import org.erofssim.data.MetaBuf;
import org.erofssim.data.ReadMetadata;
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
            ReadMetadata.Record rec = ReadMetadata.read(buf, offset, sbi.blockSize());
            offset = rec.next();
            if (alg == 0) {
                lz4(sbi, rec.data(), log);
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
}
