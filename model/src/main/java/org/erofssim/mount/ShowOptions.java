package org.erofssim.mount;

import org.erofssim.kernel.Behavior;
import org.erofssim.kernel.ConfigFlag;
import org.erofssim.kernel.KernelConfig;
import org.erofssim.sb.Mode;
import org.erofssim.sb.MountOptions;
import org.erofssim.sb.SbFlag;

/**
 * The super-options field of {@code /proc/self/mountinfo} for an EROFS mount (spec §8.3).
 */
public final class ShowOptions {
    private ShowOptions() {}

    /**
     * {@code show_mountinfo}'s super options: the VFS's {@code ro} (EROFS superblocks are
     * always read-only, whatever {@code rw} the options gave), {@code show_sb_opts} for the
     * superblock flags the option string set ({@code sync}, {@code dirsync}, {@code mand},
     * {@code lazytime}), then {@code erofs_show_options}: xattr flag (XATTR), acl flag
     * (POSIX_ACL), {@code cache_strategy} (ZIP), {@code dax=always}, {@code dax=never},
     * {@code directio} (fileio mode, 6.13-rc4+), {@code fsid}/{@code domain_id} (ONDEMAND),
     * {@code fsoffset} (6.16+, non-zero, unsigned decimal). {@code device=} is never shown.
     *
     * @param opts the options as fill_super left them (DAX flags included)
     * @param mode the mode the mount reached
     */
    public static String render(MountOptions opts, Mode mode, KernelConfig kernel) {
        return render(opts, mode, kernel, true);
    }

    /**
     * As {@link #render(MountOptions, Mode, KernelConfig)} for a superblock whose image may or may
     * not hold compressed data ({@link Behavior#CACHE_STRATEGY_SHOWN_IF_COMPRESSED}).
     *
     * @param compressible the image has {@code ZERO_PADDING} or {@code COMPR_CFGS} set
     */
    public static String render(MountOptions opts, Mode mode, KernelConfig kernel, boolean compressible) {
        StringBuilder sb = new StringBuilder("ro");
        for (SbFlag flag : new SbFlag[] {SbFlag.SYNCHRONOUS, SbFlag.DIRSYNC, SbFlag.MANDLOCK, SbFlag.LAZYTIME}) {
            if (Boolean.TRUE.equals(opts.sbFlags().get(flag))) {
                sb.append(',').append(flag.setKey());
            }
        }
        erofsShowOptions(sb, opts, mode, kernel, compressible);
        return sb.toString();
    }

    /** {@code erofs_show_options}: appends EROFS's part, each item with its leading comma. */
    private static void erofsShowOptions(StringBuilder sb, MountOptions opts, Mode mode, KernelConfig kernel,
                                         boolean compressible) {
        if (kernel.enabled(ConfigFlag.EROFS_FS_XATTR)) {
            sb.append(opts.userXattr() ? ",user_xattr" : ",nouser_xattr");
        }
        if (kernel.enabled(ConfigFlag.EROFS_FS_POSIX_ACL)) {
            sb.append(opts.acl() ? ",acl" : ",noacl");
        }
        if (kernel.enabled(ConfigFlag.EROFS_FS_ZIP)
                && (compressible || !kernel.has(Behavior.CACHE_STRATEGY_SHOWN_IF_COMPRESSED))) {
            sb.append(",cache_strategy=").append(opts.cacheStrategy().optionName());
        }
        if (opts.daxAlways()) {
            sb.append(",dax=always");
        }
        if (opts.daxNever()) {
            sb.append(",dax=never");
        }
        if (kernel.has(Behavior.DIRECTIO_OPTION) && mode == Mode.FILEIO && opts.directio()) {
            sb.append(",directio");
        }
        if (kernel.enabled(ConfigFlag.EROFS_FS_ONDEMAND)) {
            opts.fsid().ifPresent(f -> sb.append(",fsid=").append(f));
            opts.domainId().ifPresent(d -> sb.append(",domain_id=").append(d));
        }
        if (kernel.has(Behavior.FSOFFSET_OPTION) && opts.fsoffset() != 0) {
            sb.append(",fsoffset=").append(Long.toUnsignedString(opts.fsoffset()));
        }
    }
}
