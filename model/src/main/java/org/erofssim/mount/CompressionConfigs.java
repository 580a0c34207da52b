package org.erofssim.mount;

import org.erofssim.kernel.Behavior;
import org.erofssim.kernel.ConfigFlag;
import org.erofssim.kernel.Errno;
import org.erofssim.kernel.KernelError;
import org.erofssim.ondisk.FeatureIncompat;
import org.erofssim.ondisk.Superblock;
import org.erofssim.sb.MetaBuf;
import org.erofssim.sb.ReadMetadata;
import org.erofssim.sb.SbInfo;
import org.erofssim.sb.SbLog;

/**
 * {@code z_erofs_parse_cfgs} (fs/erofs/decompressor.c) and, without CONFIG_EROFS_FS_ZIP, its
 * stand-in in fs/erofs/super.c: the on-disk compression configurations read at mount.
 *
 * <p>Modelled: the ZIP=n refusal, the unknown-algorithm check, reading each record with
 * {@code erofs_read_metadata} (4-byte aligned, u16 length, 0 = 65536), an algorithm whose CONFIG is
 * off ({@code algorithm N isn't enabled on this kernel}, EOPNOTSUPP), and each algorithm's
 * {@code config} callback: {@code z_erofs_load_lz4_config}, {@code z_erofs_load_lzma_config}
 * (decompressor_lzma.c), {@code z_erofs_load_deflate_config} (decompressor_deflate.c, which also
 * prints {@code EXPERIMENTAL DEFLATE feature in use. Use at your own risk!} on every mount that
 * loads it) and {@code z_erofs_load_zstd_config} (decompressor_zstd.c). The records' sizes and
 * limits are those of erofs_fs.h ({@code z_erofs_*_cfgs}). The stream pools these callbacks grow
 * are machine-wide in the kernel (the largest LZMA dictionary / ZSTD window loaded since boot);
 * the model keeps only this mount's values ({@link SbInfo#lzmaDictSize()},
 * {@link SbInfo#zstdWindowSize()}).
 */
final class CompressionConfigs {
    /** {@code Z_EROFS_ALL_COMPR_ALGS}: LZ4, LZMA, DEFLATE, ZSTD. */
    static final int ALL_ALGS = 0xF;
    /** {@code sizeof(struct z_erofs_lz4_cfgs)}. */
    static final int LZ4_CFGS_SIZE = 14;
    /** {@code Z_EROFS_PCLUSTER_MAX_SIZE}: 1 MiB. */
    static final int PCLUSTER_MAX_SIZE = 1 << 20;
    /** {@code sizeof(struct z_erofs_lzma_cfgs)}: dict_size u32, format u16, reserved[8]. */
    static final int LZMA_CFGS_SIZE = 14;
    /** {@code Z_EROFS_LZMA_MAX_DICT_SIZE}: 8 * Z_EROFS_PCLUSTER_MAX_SIZE. */
    static final int LZMA_MAX_DICT_SIZE = 8 * PCLUSTER_MAX_SIZE;
    /** {@code sizeof(struct z_erofs_deflate_cfgs)}: windowbits u8, reserved[5]. */
    static final int DEFLATE_CFGS_SIZE = 6;
    /** {@code MAX_WBITS} of the kernel's zlib. */
    static final int MAX_WBITS = 15;
    /** {@code sizeof(struct z_erofs_zstd_cfgs)}: format u8, windowlog u8, reserved[4]. */
    static final int ZSTD_CFGS_SIZE = 6;
    /** {@code ilog2(Z_EROFS_ZSTD_MAX_DICT_SIZE) - 10}: the largest windowlog (a 1 MiB window). */
    static final int ZSTD_MAX_WINDOWLOG = 20 - 10;

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
            // 1 << Z_EROFS_COMPRESSION_LZ4; since "separate plain and compressed filesystems
            // formally" only with a non-zero lz4_max_distance or LZ4_0PADDING, else none
            boolean lz4 = !sbi.kernel.has(Behavior.PLAIN_COMPRESSED_SEPARATED) || dsb.u1() != 0
                    || sbi.hasIncompat(FeatureIncompat.ZERO_PADDING.bit());
            sbi.availableComprAlgs = lz4 ? 1 : 0;
            return; // u1 is lz4_max_distance; z_erofs_load_lz4_config without a record cannot fail
        }
        int algs = dsb.u1();
        sbi.availableComprAlgs = algs;
        int known = knownAlgorithms(sbi);
        if ((algs & ~known) != 0) {
            log.err("z_erofs_parse_cfgs", "unidentified algorithms " + Integer.toHexString(algs & ~known)
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
            byte[] data = rec.data();
            if (!enabled(sbi, alg)) {
                log.err("z_erofs_parse_cfgs", "algorithm " + alg + " isn't enabled on this kernel");
                throw new KernelError(Errno.EOPNOTSUPP);
            }
            switch (alg) {
                case 0 -> lz4(sbi, data, log);
                case 1 -> lzma(sbi, data, log);
                case 2 -> deflate(sbi, data, log);
                default -> zstd(sbi, data, log);
            }
        }
    }

    /**
     * {@code Z_EROFS_ALL_COMPR_ALGS} of the release: LZ4 and LZMA, DEFLATE from
     * {@link Behavior#DEFLATE_ALGORITHM}, Zstandard from {@link Behavior#ZSTD_ALGORITHM}
     * [obs-6.1.0-57: {@code unidentified algorithms 4} and {@code 8}].
     */
    private static int knownAlgorithms(SbInfo sbi) {
        int known = 0x3;
        if (sbi.kernel.has(Behavior.DEFLATE_ALGORITHM)) {
            known |= 0x4;
        }
        if (sbi.kernel.has(Behavior.ZSTD_ALGORITHM)) {
            known |= 0x8;
        }
        return known;
    }

    /** Whether {@code z_erofs_decomp[alg]} exists on this kernel (LZ4 always does). */
    private static boolean enabled(SbInfo sbi, int alg) {
        return switch (alg) {
            case 0 -> true;
            case 1 -> sbi.kernel.enabled(ConfigFlag.EROFS_FS_ZIP_LZMA);
            case 2 -> sbi.kernel.enabled(ConfigFlag.EROFS_FS_ZIP_DEFLATE);
            default -> sbi.kernel.enabled(ConfigFlag.EROFS_FS_ZIP_ZSTD);
        };
    }

    /** {@code z_erofs_load_lzma_config}: size, format 0, 4096 &lt;= dict_size &lt;= 8 MiB. */
    private static void lzma(SbInfo sbi, byte[] data, SbLog log) {
        if (data.length < LZMA_CFGS_SIZE) {
            log.err("z_erofs_load_lzma_config", "invalid lzma cfgs, size=" + data.length);
            throw new KernelError(Errno.EINVAL);
        }
        int format = u16(data, 4);
        if (format != 0) {
            log.err("z_erofs_load_lzma_config", "unidentified lzma format " + Integer.toHexString(format)
                    + ", please check kernel version");
            throw new KernelError(Errno.EINVAL);
        }
        long dictSize = u16(data, 0) | ((long) u16(data, 2) << 16);
        if (dictSize > LZMA_MAX_DICT_SIZE || dictSize < 4096) {
            log.err("z_erofs_load_lzma_config", "unsupported lzma dictionary size " + dictSize);
            throw new KernelError(Errno.EINVAL);
        }
        sbi.lzmaDictSize = (int) dictSize;
    }

    /** {@code z_erofs_load_deflate_config}: size, windowbits &lt;= MAX_WBITS (EOPNOTSUPP), then the notice. */
    private static void deflate(SbInfo sbi, byte[] data, SbLog log) {
        if (data.length < DEFLATE_CFGS_SIZE) {
            log.err("z_erofs_load_deflate_config", "invalid deflate cfgs, size=" + data.length);
            throw new KernelError(Errno.EINVAL);
        }
        int windowbits = data[0] & 0xFF;
        if (windowbits > MAX_WBITS) {
            log.err("z_erofs_load_deflate_config", "unsupported windowbits " + windowbits);
            throw new KernelError(Errno.EOPNOTSUPP);
        }
        if (!sbi.kernel.has(Behavior.DEFLATE_NOT_EXPERIMENTAL)) {
            log.info("EXPERIMENTAL DEFLATE feature in use. Use at your own risk!");
        }
    }

    /** {@code z_erofs_load_zstd_config}: size and format 0 (one message for both), windowlog &lt;= 10. */
    private static void zstd(SbInfo sbi, byte[] data, SbLog log) {
        if (data.length < ZSTD_CFGS_SIZE || data[0] != 0) {
            log.err("z_erofs_load_zstd_config", "unsupported zstd format, size=" + data.length);
            throw new KernelError(Errno.EINVAL);
        }
        int windowlog = data[1] & 0xFF;
        if (windowlog > ZSTD_MAX_WINDOWLOG) {
            log.err("z_erofs_load_zstd_config", "unsupported zstd window log " + windowlog);
            throw new KernelError(Errno.EINVAL);
        }
        sbi.zstdWindowSize = 1 << (windowlog + 10);
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xFF) | ((b[at + 1] & 0xFF) << 8);
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
