package org.erofssim.contract;

import static org.apiguardian.api.API.Status.MAINTAINED;

import org.apiguardian.api.API;

import java.util.List;
import org.erofssim.kernel.Errno;
import org.erofssim.sb.Mode;

/**
 * What one {@code mount(2)} of a scenario does: the contract's {@code "outcome"}.
 * {@link Crashed} is the model's own addition for paths where the modelled kernel oopses or
 * panics (CVE-2024-56750 in the 6.12 profile); the kernel oracle reports it as a finding.
 */
@API(status = MAINTAINED, since = "0.1.0")
public sealed interface MountOutcome
        permits MountOutcome.Mounted, MountOutcome.Failed, MountOutcome.Blocked, MountOutcome.Crashed {

    /** The contract's {@code "outcome"}: mounted, failed, blocked or crashed. */
    default String outcome() {
        return getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
    }

    /** Kernel log lines of this attempt, in order (spec §0.4). */
    List<String> log();

    /** Model-side remarks a person should read (a kernel bug on this path, a guess). */
    List<String> notes();

    /** The mode reached before the outcome, or null where none was (option or lookup errors). */
    Mode mode();

    /**
     * A mounted superblock. {@code tree} is null unless the scenario asked to read;
     * {@code metadataCache} is null unless it asked for the {@code probeCache} probe;
     * {@code unmount} lists what unmounting would release ({@code erofs_put_super} and
     * {@code erofs_kill_sb}, a model extension the kernel oracle cannot observe).
     */
    record Mounted(Mode mode, List<String> log, SuperblockInfo superblock, String superOptions,
                   Statfs statfs, List<DeviceInfo> devices, List<TreeEntry> tree, List<String> notes,
                   MetadataCache metadataCache, List<String> unmount)
            implements MountOutcome {

        /** Without the cache probe and the unmount list. */
        public Mounted(Mode mode, List<String> log, SuperblockInfo superblock, String superOptions,
                       Statfs statfs, List<DeviceInfo> devices, List<TreeEntry> tree, List<String> notes) {
            this(mode, log, superblock, superOptions, statfs, devices, tree, notes, null, List.of());
        }

        /** Without the unmount list. */
        public Mounted(Mode mode, List<String> log, SuperblockInfo superblock, String superOptions,
                       Statfs statfs, List<DeviceInfo> devices, List<TreeEntry> tree, List<String> notes,
                       MetadataCache metadataCache) {
            this(mode, log, superblock, superOptions, statfs, devices, tree, notes, metadataCache, List.of());
        }
    }

    record Failed(Errno errno, Mode mode, List<String> log, List<String> notes) implements MountOutcome {}

    /** mount(2) would not return (a FIFO source waits in open for a writer). */
    record Blocked(String reason, Mode mode, List<String> log, List<String> notes) implements MountOutcome {}

    /** The modelled kernel crashes on this path. */
    record Crashed(String what, Mode mode, List<String> log, List<String> notes) implements MountOutcome {}
}
