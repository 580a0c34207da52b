package org.erofssim.mount;

import java.util.List;
import org.erofssim.contract.Scenario;
import org.erofssim.kernel.KernelError;
import org.erofssim.kernel.KernelLog;

/**
 * The whole model: what {@code mount(2)} of a scenario does on the scenario's kernel.
 * Pure: it reads the scenario's images through their mappings and changes nothing.
 */
public final class MountModel {
    private MountModel() {}

    /** Mounts the scenario's {@code before} mounts, then its own mount, and returns the latter's outcome. */
    public static MountOutcome predict(Scenario scenario) {
        KernelState state = new KernelState();
        for (Scenario.Mount m : scenario.before()) {
            mountOnce(scenario, state, m.source(), m.options(), m.readOnly(), false);
        }
        return mountOnce(scenario, state, scenario.source(), scenario.options(), scenario.readOnly(), scenario.read());
    }

    private static MountOutcome mountOnce(Scenario sc, KernelState state, String source, String options,
                                          boolean readOnly, boolean read) {
        KernelLog log = new KernelLog();
        GetTree.Progress progress = new GetTree.Progress();
        MountContext ctx = null;
        try {
            MountOptions opts = MountOptionParser.parse(options == null ? "" : options, source, sc.kernel(), log);
            String effectiveSource = source != null ? source : opts.source().orElse(null);
            boolean ro = opts.effectiveSbFlags(readOnly ? java.util.Set.of(SbFlag.RDONLY) : java.util.Set.of())
                    .contains(SbFlag.RDONLY);
            ctx = new MountContext(sc.kernel(), sc.namespace(), state, effectiveSource, opts, ro, log);
            GetTree.Result r = GetTree.getTree(ctx, progress);
            if (r.reused() != null) {
                MountOutcome.Mounted prev = r.reused();
                ctx.notes.add("the block device is already mounted: its superblock is reused and this mount's "
                        + "options are ignored");
                return new MountOutcome.Mounted(prev.mode(), log.lines(), prev.superblock(), prev.superOptions(),
                        prev.statfs(), prev.devices(), prev.tree(), List.copyOf(ctx.notes));
            }
            MountOutcome.Mounted mounted = Describe.mounted(r, log, ctx.notes, read);
            if (r.bdevDev() != null) {
                state.bdevSupers.put(r.bdevDev(), new KernelState.LiveSuper(r.sbi(), mounted));
            }
            return mounted;
        } catch (KernelError e) {
            return new MountOutcome.Failed(e.errno(), progress.mode, log.lines(), notes(ctx));
        } catch (MountBlocked e) {
            return new MountOutcome.Blocked(e.getMessage(), progress.mode, log.lines(), notes(ctx));
        } catch (KernelCrash e) {
            return new MountOutcome.Crashed(e.getMessage(), progress.mode, log.lines(), notes(ctx));
        }
    }

    private static List<String> notes(MountContext ctx) {
        return ctx == null ? List.of() : List.copyOf(ctx.notes);
    }
}
