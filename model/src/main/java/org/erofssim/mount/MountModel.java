package org.erofssim.mount;

import static org.apiguardian.api.API.Status.MAINTAINED;

import org.apiguardian.api.API;

import java.util.List;
import org.erofssim.contract.MountOutcome;
import org.erofssim.contract.Scenario;
import org.erofssim.read.BdevReadaheadRace;
import org.erofssim.read.ReadPattern;
import org.erofssim.sb.ErofsInode;
import org.erofssim.sb.MetaBuf;
import org.erofssim.kernel.KernelError;
import org.erofssim.kernel.KernelLog;
import org.erofssim.sb.ErofsInode;
import org.erofssim.sb.MetaBuf;
import org.erofssim.sb.MountOptions;
import org.erofssim.sb.SbInfo;

/**
 * The whole model: what {@code mount(2)} of a scenario does on the scenario's kernel.
 * Pure: it reads the scenario's images through their mappings and changes nothing.
 */
@API(status = MAINTAINED, since = "0.1.0")
public final class MountModel {
    private MountModel() {}

    /** Mounts the scenario's {@code before} mounts, then its own mount, and returns the latter's outcome. */
    public static MountOutcome predict(Scenario scenario) {
        return mountLive(scenario).outcome();
    }

    /**
     * As {@link #predict(Scenario)}, with the tree walk's compressed reads on a block device taking
     * side {@code race} of the loop-device readahead race (the default is
     * {@link BdevReadaheadRace#COMPLETED}).
     */
    public static MountOutcome predict(Scenario scenario, BdevReadaheadRace race) {
        return mountLive(scenario, race).outcome();
    }

    /**
     * A superblock that stays mounted after {@link #predict}'s work, for further reads by the
     * data path (tests, {@code inspect}): the outcome, and for a mounted one its superblock
     * info, metadata buffer, root inode and the attempt's log (later reads print there).
     * {@code sbi}, {@code buf} and {@code root} are null unless the outcome is {@code Mounted}.
     */
    @API(status = MAINTAINED, since = "0.1.0")
    public record LiveMount(MountOutcome outcome, SbInfo sbi, MetaBuf buf, ErofsInode root, KernelLog log) {}

    /** As {@link #predict}, keeping the mounted superblock (see {@link LiveMount}). */
    public static LiveMount mountLive(Scenario scenario) {
        return mountLive(scenario, BdevReadaheadRace.COMPLETED);
    }

    /** As {@link #mountLive(Scenario)} on side {@code race} of the bdev readahead race. */
    public static LiveMount mountLive(Scenario scenario, BdevReadaheadRace race) {
        KernelState state = new KernelState();
        for (Scenario.Mount m : scenario.before()) {
            mountOnce(scenario, state, m.source(), m.options(), m.readOnly(), Describe.Probes.NONE, false);
        }
        Describe.Probes probes = new Describe.Probes(scenario.read(), scenario.extents(), scenario.probeCache(),
                race, new ReadPattern(scenario.readSize(), scenario.mmap()));
        return mountOnce(scenario, state, scenario.source(), scenario.options(), scenario.readOnly(), probes,
                scenario.api() == Scenario.MountApi.FSOPEN);
    }

    /**
     * One mount: {@code mount(2)}, or with {@code fsopen} the new mount API, which differs only
     * in where the fs_context messages go (its own log, {@link KernelLog#fc}): the options reach
     * the same {@code erofs_fc_parse_param} one by one, {@code "ro"} as a flag is the same
     * {@code SB_RDONLY} in {@code fc->sb_flags}, and {@code FSCONFIG_CMD_CREATE} runs the same
     * {@code vfs_get_tree}; the mount made by {@code fsmount}/{@code move_mount} has the same
     * superblock.
     */
    private static LiveMount mountOnce(Scenario sc, KernelState state, String source, String options,
                                       boolean readOnly, Describe.Probes probes, boolean fsopen) {
        KernelLog log = new KernelLog(fsopen, sc.kernel());
        GetTree.Progress progress = new GetTree.Progress();
        MountContext ctx = null;
        try {
            MountOptions opts = MountOptionParser.parse(options == null ? "" : options, source, sc.kernel(), log);
            String effectiveSource = source != null ? source : opts.source().orElse(null);
            boolean ro = opts.readOnly(readOnly); // SB_RDONLY of opts.effectiveSbFlags
            ctx = new MountContext(sc.kernel(), sc.namespace(), state, effectiveSource, opts, ro, log);
            GetTree.Result r = GetTree.getTree(ctx, progress);
            if (r.reused() != null) {
                ctx.notes.add("the block device is already mounted: its superblock is reused and this mount's "
                        + "options are ignored");
                return live(Describe.reused(r, log, ctx.notes, probes), r, log);
            }
            if (r.sbi() != null && r.sbi().fscache != null && probes != Describe.Probes.NONE) {
                // the scenario's own mount(2) returned: a gone-after-mount daemon leaves before the walk
                r.sbi().fscache.mountReturned();
            }
            MountOutcome.Mounted mounted = Describe.mounted(r, log, ctx.notes, probes);
            if (r.bdevDev() != null) {
                state.bdevSupers.put(r.bdevDev(), new KernelState.LiveSuper(r.sbi(), r.filled(), mounted));
            }
            return live(mounted, r, log);
        } catch (KernelError e) {
            return dead(new MountOutcome.Failed(e.errno(), progress.mode, List.copyOf(log.lines()), notes(ctx)), log);
        } catch (MountBlocked e) {
            return dead(new MountOutcome.Blocked(e.getMessage(), progress.mode, List.copyOf(log.lines()), notes(ctx)), log);
        } catch (KernelCrash e) {
            return dead(new MountOutcome.Crashed(e.getMessage(), progress.mode, List.copyOf(log.lines()), notes(ctx)), log);
        }
    }

    private static LiveMount live(MountOutcome.Mounted m, GetTree.Result r, KernelLog log) {
        FilledSuper f = r.filled();
        return new LiveMount(m, r.sbi(), f == null ? null : f.buf(), f == null ? null : f.root(), log);
    }

    private static LiveMount dead(MountOutcome o, KernelLog log) {
        return new LiveMount(o, null, null, null, log);
    }

    private static List<String> notes(MountContext ctx) {
        return ctx == null ? List.of() : List.copyOf(ctx.notes);
    }
}
