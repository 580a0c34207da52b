package org.erofssim.sb;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.erofssim.kernel.ConfigFlag;
import org.erofssim.kernel.KernelConfig;

/**
 * The mount context after option parsing: EROFS's {@code struct erofs_mount_opts} plus the
 * option-like fields of {@code erofs_sb_info} it fills ({@code devs}, {@code fsid},
 * {@code domain_id}, {@code dif0.fsoff}) and the VFS side of {@code struct fs_context}
 * ({@code source}, and the superblock flags the option string set or cleared).
 *
 * @param userXattr     {@code EROFS_MOUNT_XATTR_USER}
 * @param acl           {@code EROFS_MOUNT_POSIX_ACL} (drives {@code SB_POSIXACL} in fill_super)
 * @param cacheStrategy {@code opt.cache_strategy}; {@link CacheStrategy#DISABLED} (zero) without ZIP
 * @param daxAlways     {@code EROFS_MOUNT_DAX_ALWAYS}; fill_super may clear it ({@link #withDaxAlways})
 * @param daxNever      {@code EROFS_MOUNT_DAX_NEVER}
 * @param devices       the {@code device=} paths in order: element k-1 is device id k
 * @param fsid          {@code sbi->fsid}, only ever set with ONDEMAND
 * @param domainId      {@code sbi->domain_id}, only ever set with ONDEMAND
 * @param directio      {@code EROFS_MOUNT_DIRECT_IO} (6.13-rc4+, needs BACKED_BY_FILE)
 * @param fsoffset      {@code sbi->dif0.fsoff}, a u64 held in a long (compare unsigned)
 * @param source        {@code fc->source}: the mount(2) source, or a {@code source=} option
 *                      when mount(2) gave none
 * @param sbFlags       superblock flags the option string set ({@code true}) or cleared
 *                      ({@code false}), last one wins; flags it did not name are absent
 */
public record MountOptions(boolean userXattr, boolean acl, CacheStrategy cacheStrategy,
                           boolean daxAlways, boolean daxNever, List<String> devices,
                           Optional<String> fsid, Optional<String> domainId, boolean directio,
                           long fsoffset, Optional<String> source, Map<SbFlag, Boolean> sbFlags) {

    public MountOptions {
        Objects.requireNonNull(cacheStrategy, "cacheStrategy");
        devices = List.copyOf(devices);
        Objects.requireNonNull(fsid, "fsid");
        Objects.requireNonNull(domainId, "domainId");
        Objects.requireNonNull(source, "source");
        if (sbFlags.isEmpty()) {
            sbFlags = NO_FLAGS;
        } else {
            EnumMap<SbFlag, Boolean> flags = new EnumMap<>(SbFlag.class);
            flags.putAll(sbFlags);
            sbFlags = Collections.unmodifiableMap(flags);
        }
    }

    /** The empty flags: one shared unmodifiable map instead of a new one per mount (issue 12). */
    private static final Map<SbFlag, Boolean> NO_FLAGS = Collections.unmodifiableMap(new EnumMap<>(SbFlag.class));

    /**
     * {@code erofs_default_options} (called from {@code erofs_init_fs_context}): ZIP →
     * readaround, XATTR → user_xattr, POSIX_ACL → acl; everything else off, empty or zero.
     */
    public static MountOptions defaults(KernelConfig kernel) {
        return new MountOptions(kernel.enabled(ConfigFlag.EROFS_FS_XATTR),
                kernel.enabled(ConfigFlag.EROFS_FS_POSIX_ACL),
                kernel.enabled(ConfigFlag.EROFS_FS_ZIP) ? CacheStrategy.READAROUND : CacheStrategy.DISABLED,
                false, false, List.of(), Optional.empty(), Optional.empty(), false, 0L,
                Optional.empty(), Map.of());
    }

    /**
     * {@code fc->sb_flags} after parsing when the context was created with {@code initial}
     * (the mount(2) flags, e.g. {@code MS_RDONLY} → {@link SbFlag#RDONLY}).
     */
    public Set<SbFlag> effectiveSbFlags(Set<SbFlag> initial) {
        EnumSet<SbFlag> out = initial.isEmpty() ? EnumSet.noneOf(SbFlag.class) : EnumSet.copyOf(initial);
        sbFlags.forEach((flag, set) -> {
            if (set) {
                out.add(flag);
            } else {
                out.remove(flag);
            }
        });
        return out;
    }

    /**
     * Whether {@link SbFlag#RDONLY} is in {@link #effectiveSbFlags} of a context created with it
     * ({@code initial}) or without it: the last {@code ro}/{@code rw} of the option string, else
     * {@code initial}. The same answer without building the set (session 14: one per mount).
     */
    public boolean readOnly(boolean initial) {
        Boolean set = sbFlags.get(SbFlag.RDONLY);
        return set == null ? initial : set;
    }

    /** The same options with {@code DAX_ALWAYS} set or cleared (fill_super's DAX downgrade). */
    public MountOptions withDaxAlways(boolean always) {
        return new MountOptions(userXattr, acl, cacheStrategy, always, daxNever, devices, fsid,
                domainId, directio, fsoffset, source, sbFlags);
    }
}
