package org.erofssim.contract;

import static org.apiguardian.api.API.Status.MAINTAINED;

import org.apiguardian.api.API;

import java.util.List;
import java.util.Objects;
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

        // equals and hashCode of the four written out, component by component as a record's generated
        // ones (same hash): those go through method handles (ObjectMethods), spun as LambdaForm classes
        // at the first call and slow until compiled; a campaign compares two predictions' outcomes
        // every 32nd case (a cold campaign's first second, issue 12)
        @Override public boolean equals(Object o) {
            return this == o || o instanceof Mounted m && mode == m.mode && Objects.equals(log, m.log)
                    && Objects.equals(superblock, m.superblock) && Objects.equals(superOptions, m.superOptions)
                    && Objects.equals(statfs, m.statfs) && Objects.equals(devices, m.devices)
                    && Objects.equals(tree, m.tree) && Objects.equals(notes, m.notes)
                    && Objects.equals(metadataCache, m.metadataCache) && Objects.equals(unmount, m.unmount);
        }

        @Override public int hashCode() {
            return hash(hash(hash(hash(hash(0, mode, log), superblock, superOptions), statfs, devices), tree, notes),
                    metadataCache, unmount);
        }
    }

    record Failed(Errno errno, Mode mode, List<String> log, List<String> notes) implements MountOutcome {
        @Override public boolean equals(Object o) {
            return this == o || o instanceof Failed f && errno == f.errno && mode == f.mode && Objects.equals(log, f.log)
                    && Objects.equals(notes, f.notes);
        }

        @Override public int hashCode() {
            return hash(hash(0, errno, mode), log, notes);
        }
    }

    /** mount(2) would not return (a FIFO source waits in open for a writer). */
    record Blocked(String reason, Mode mode, List<String> log, List<String> notes) implements MountOutcome {
        @Override public boolean equals(Object o) {
            return this == o || o instanceof Blocked b && Objects.equals(reason, b.reason) && mode == b.mode
                    && Objects.equals(log, b.log) && Objects.equals(notes, b.notes);
        }

        @Override public int hashCode() {
            return hash(hash(0, reason, mode), log, notes);
        }
    }

    /** The modelled kernel crashes on this path. */
    record Crashed(String what, Mode mode, List<String> log, List<String> notes) implements MountOutcome {
        @Override public boolean equals(Object o) {
            return this == o || o instanceof Crashed c && Objects.equals(what, c.what) && mode == c.mode
                    && Objects.equals(log, c.log) && Objects.equals(notes, c.notes);
        }

        @Override public int hashCode() {
            return hash(hash(0, what, mode), log, notes);
        }
    }

    /** {@code h} followed by two components, as a record's generated hashCode combines them. */
    private static int hash(int h, Object a, Object b) {
        return (31 * h + Objects.hashCode(a)) * 31 + Objects.hashCode(b);
    }
}
