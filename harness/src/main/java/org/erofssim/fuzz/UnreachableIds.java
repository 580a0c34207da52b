package org.erofssim.fuzz;

import java.util.LinkedHashMap;
import java.util.Map;
import org.erofssim.kernel.Behavior;
import org.erofssim.kernel.KernelProfile;

/**
 * The coverage ids a campaign on one profile cannot reach by construction: branches that exist
 * only before or only after a modelled commit ({@link Behavior}) the profile does or does not
 * have. Whatever the generator draws, the model of that release never takes them, so a campaign's
 * statistics list them apart instead of counting them as misses ({@code fuzz --releases} runs
 * every case on every release and reaches them there).
 *
 * <p>CONFIG-gated branches are not listed: a case carries CONFIG overrides, so they are
 * reachable on every profile.
 */
public final class UnreachableIds {
    private UnreachableIds() {}

    /** The ids {@code profile} never reaches, each with the reason (the commit it has or lacks). */
    public static Map<String, String> on(KernelProfile profile) {
        Map<String, String> out = new LinkedHashMap<>();
        only(out, profile, Behavior.EXTRA_BDEV_ENOTBLK_TO_EINVAL, false, "erofs_fc_get_tree:extra-enotblk-fallback");
        only(out, profile, Behavior.FILEIO_REGULAR_FILE_CHECK, false, "erofs_fc_get_tree:fileio-not-regular-unchecked",
                "erofs_init_device:file-not-regular-unchecked");
        only(out, profile, Behavior.FILEIO_SUBPAGE_BLOCKSIZE, false, "erofs_fc_fill_super:fileio-subpage-crash");
        only(out, profile, Behavior.FILEIO_SUBPAGE_BLOCKSIZE, true, "erofs_fc_fill_super:fileio-subpage");
        only(out, profile, Behavior.DAX_CHECK_IN_DEVICE_SCAN, false, "erofs_fc_fill_super:dax-no-daxdev");
        only(out, profile, Behavior.DAX_CHECK_IN_DEVICE_SCAN, true, "erofs_scan_devices:dax-no-daxdev");
        only(out, profile, Behavior.VOLUME_NAME_16_BYTES, false, "erofs_read_superblock:volume-name-no-nul");
        only(out, profile, Behavior.FSOFFSET_OPTION, true, "erofs_fc_parse_param:fsoffset",
                "erofs_fc_fill_super:fsoffset-unaligned", "erofs_fc_fill_super:fsoffset-fscache");
        only(out, profile, Behavior.FILEIO_STACKING_REFUSAL, true, "erofs_fc_fill_super:stacked-fileio");
        only(out, profile, Behavior.ZMAP_REWORK, false, "z_erofs_fill_inode_lazy:unknown-head-format");
        only(out, profile, Behavior.ZMAP_REWORK, true, "z_erofs_map_sanity_check:unknown-algorithm");
        only(out, profile, Behavior.METABOX, true, "erofs_read_superblock:metabox-no-extslot",
                "erofs_read_superblock:metabox-nid-bit63");
        only(out, profile, Behavior.LAYOUT_48BIT, true, "erofs_read_superblock:rootnid-8b");
        only(out, profile, Behavior.ZMAP_COMPACT_CLUSTEROFS_CHECK, true,
                "z_erofs_load_lcluster_from_disk:compact-clusterofs-beyond");
        only(out, profile, Behavior.DIRECTIO_OPTION, true, "erofs_fc_parse_param:directio",
                "erofs_fc_parse_param:directio-unsupported");
        return out;
    }

    /** Adds {@code ids} when the branch needs {@code b} {@code present} and the profile says otherwise. */
    private static void only(Map<String, String> out, KernelProfile p, Behavior b, boolean present, String... ids) {
        if (p.has(b) != present) {
            String why = (present ? "needs " : "exists only before ") + b.name() + (b.commit() == null ? "" : " (" + b.commit() + ")") + ", which "
                    + p.name() + (present ? " lacks" : " has");
            for (String id : ids) {
                out.put(id, why);
            }
        }
    }
}
