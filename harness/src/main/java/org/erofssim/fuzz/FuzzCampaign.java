package org.erofssim.fuzz;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.erofssim.compare.OutcomeComparator;
import org.erofssim.contract.OutcomeJson;
import org.erofssim.contract.Scenario;
import org.erofssim.contract.ScenarioJson;
import org.erofssim.fuzz.FuzzCase.BaseImage;
import org.erofssim.kernel.Coverage;
import org.erofssim.kernel.KernelProfile;
import org.erofssim.mount.MountModel;
import org.erofssim.contract.MountOutcome;
import org.erofssim.oracle.OracleUnavailable;
import org.erofssim.reference.Case;
import org.erofssim.reference.Observation;
import org.erofssim.reference.Reference;
import org.erofssim.report.Difference;

/**
 * A device-slot-table fuzz campaign (the contract's {@code fuzz} command): seeded
 * {@link FuzzCase}s, each predicted by the model twice (it must give an outcome, within a time
 * limit, the same both times) and, when a kernel {@link Reference} is given, observed on the
 * kernel and compared field by field (its {@link Reference#comparison()}: {@link OutcomeComparator}).
 * A case that fails is shrunk (edits, devices and values dropped or made smaller while the same
 * kind of failure remains)
 * and written as a replayable scenario folder: {@code findings/<kind>-<hash>/scenario.json}
 * with its {@code image.erofs} and {@code blob.img}, so that {@code erofs-sim compare} (or
 * {@code predict}) reruns it.
 *
 * <p>Before each kernel observation the case is written to {@code in-flight/} and removed after
 * it: a campaign that finds that folder at its start knows that the previous one stopped in the
 * middle of an observation (a kernel crash, a reboot, a kill) and keeps it as a finding of kind
 * {@link Kind#INTERRUPTED}.
 */
public final class FuzzCampaign {
    /** What went wrong in a case. */
    public enum Kind {
        /** The model threw instead of giving an outcome. */
        MODEL_ERROR,
        /** The model took longer than the limit. */
        MODEL_HANG,
        /** Two predictions of the same case differ. */
        NONDETERMINISTIC,
        /** The model and the kernel differ. */
        DIVERGENCE,
        /** The kernel logged a BUG, WARNING, Oops or the like. */
        KERNEL_TROUBLE,
        /** A previous campaign stopped in the middle of this case's kernel observation. */
        INTERRUPTED,
        /**
         * Two neighbouring releases' models differ in a way no single modelled change explains
         * ({@link ReleaseDiff}), or two kernels' answers differ where their models agree ({@link VmDifferential}).
         */
        CANDIDATE_REGRESSION,
        /** A VM kernel panicked or hung on the case (its serial log is kept in the finding). */
        KERNEL_CRASH
    }

    /**
     * Where a campaign reports how far it got: called after each case with the cases done, the
     * cases asked for, the coverage ids reached, the findings so far and the seconds since start
     * (the command shows it as a counter on stderr, {@code cli.Progress}).
     */
    @FunctionalInterface
    public interface Status {
        void update(int done, int total, int ids, int findings, double seconds);
    }

    /**
     * @param seed       the generator's seed
     * @param cases      how many cases at most
     * @param maxTime    stop drawing new cases after this long, after the first round (null: no limit)
     * @param profile    the profile the model runs on (the running kernel's when comparing live)
     * @param images     the {@code fixtures/images} folder (bases and the blob)
     * @param out        the campaign's folder (findings, in-flight case, scratch images)
     * @param kernel     the kernel to compare with (a reference whose answers are whole outcomes, e.g.
     *                   {@link org.erofssim.reference.HostKernel}), or null for the model alone
     * @param modelLimit the time one prediction may take
     * @param shrinkBudget how many evaluations shrinking one finding may spend
     * @param shard      which shard this run is, 1..{@code shards}: it evaluates the cases whose index
     *                   (0-based, among the {@code cases} the seed draws) is {@code shard - 1} modulo
     *                   {@code shards}; all cases are drawn, so the shards of one seed together
     *                   evaluate exactly the cases of one unsharded run, with the same findings
     * @param shards     how many shards the campaign is split into (1: not split)
     */
    public record Settings(long seed, int cases, Duration maxTime, KernelProfile profile, Path images, Path out,
                           Reference kernel, Duration modelLimit, int shrinkBudget, boolean guided,
                           List<KernelProfile> releases, int shard, int shards) {
        public Settings {
            releases = List.copyOf(releases);
            if (shards < 1 || shard < 1 || shard > shards) {
                throw new IllegalArgumentException("shard " + shard + "/" + shards + ": need 1 <= K <= N");
            }
            if (shards > 1 && guided) {
                throw new IllegalArgumentException("a guided campaign cannot be sharded: each case depends on the"
                        + " cases before it; shard a blind one");
            }
        }

        /** A blind, unsharded campaign on one profile (the settings of the first fuzzer). */
        public Settings(long seed, int cases, Duration maxTime, KernelProfile profile, Path images, Path out,
                        Reference kernel, Duration modelLimit, int shrinkBudget) {
            this(seed, cases, maxTime, profile, images, out, kernel, modelLimit, shrinkBudget, false, List.of(), 1, 1);
        }

        /** These settings, guided by coverage or blind. */
        public Settings guided(boolean on) {
            return new Settings(seed, cases, maxTime, profile, images, out, kernel, modelLimit, shrinkBudget, on,
                    releases, shard, shards);
        }

        /** These settings with every case also predicted on {@code presets} (oldest first), neighbours compared. */
        public Settings differential(List<KernelProfile> presets) {
            return new Settings(seed, cases, maxTime, profile, images, out, kernel, modelLimit, shrinkBudget, guided,
                    presets, shard, shards);
        }

        /** These settings as shard {@code k} of {@code n} (a blind campaign only). */
        public Settings sharded(int k, int n) {
            return new Settings(seed, cases, maxTime, profile, images, out, kernel, modelLimit, shrinkBudget, guided,
                    releases, k, n);
        }
    }

    /** A failure: its kind and one line (or a few) on what was seen. */
    public record Failure(Kind kind, String what) {}

    /** A kept finding: the case as drawn, as shrunk, and where it was written. */
    public record Finding(Kind kind, String what, FuzzCase original, FuzzCase shrunk, Path folder) {}

    /**
     * The campaign's result.
     *
     * @param coverage the model's coverage ids the campaign reached, with its growth
     * @param releases the release differential (null when not asked for)
     */
    public record Summary(long seed, int cases, int refused, List<Finding> findings, CampaignStatistics statistics,
                          Duration elapsed, CoverageLog coverage, ReleaseDiff releases, VmSummary vms) {}

    /**
     * The VM kernels' part of a campaign ({@code fuzz --kernels}).
     *
     * @param tally  per kernel: how its answers compared with the model of its release
     * @param timing batches and the seconds spent in boots
     * @param throughput per kernel: the cases its batch boots answered and their seconds end to end
     *                   (host set-up, boot, guest, read-back, comparison with the model; no shrinking)
     */
    public record VmSummary(Map<String, Map<String, Integer>> tally, String timing, Map<String, double[]> throughput) {}

    /**
     * What the campaign's cases reached of the model's coverage ids ({@link Coverage}).
     *
     * @param firstCase the ids reached, each with the index of the first case that reached it
     * @param growth    (cases done, ids reached) each time the count grew
     * @param corpus    the size of the guided loop's corpus at the end (0 for a blind campaign)
     * @param unreachable the ids the campaign's profile cannot reach by construction, with why
     *                  ({@link UnreachableIds}): not counted as misses
     */
    public record CoverageLog(Map<String, Integer> firstCase, List<long[]> growth, int corpus,
                              Map<String, String> unreachable) {
        /**
         * The committed ids ({@link Coverage#knownIds()}) no case reached and the profile can reach,
         * in the list's order.
         */
        public List<String> neverReached() {
            return Coverage.knownIds().keySet().stream()
                    .filter(id -> !firstCase.containsKey(id) && !unreachable.containsKey(id)).toList();
        }

        /** The committed ids the profile can reach ({@link Coverage#knownIds()} less {@link #unreachable}). */
        public int reachable() {
            return (int) Coverage.knownIds().keySet().stream().filter(id -> !unreachable.containsKey(id)).count();
        }
    }

    static final String BLOB = "multidev-blob.img";
    private final Settings settings;
    private final Map<BaseImage, byte[]> bases = new EnumMap<>(BaseImage.class);
    private final Path work;
    private final FindingFolders folders;
    private final FuzzScenarios scenarios;
    private ExecutorService modelThread;
    private List<BatchKernel> vmKernels = List.of();
    private int vmBatch = 250;
    private int vmShrinkRounds = VmShrinker.ROUNDS;
    private int scratch;

    public FuzzCampaign(Settings settings) {
        this.settings = settings;
        for (BaseImage b : BaseImage.values()) {
            bases.put(b, read(settings.images().resolve(b.path())));
        }
        read(settings.images().resolve(BLOB));
        this.work = settings.out().resolve("work");
        this.folders = new FindingFolders(settings, bases);
        this.scenarios = new FuzzScenarios(settings.images(), work, bases);
        this.modelThread = newModelThread();
    }

    /**
     * Also observes every case on these VM kernels, {@code batch} cases per boot ({@link VmDifferential}).
     */
    public FuzzCampaign withVmKernels(List<BatchKernel> kernels, int batch) {
        if (batch < 1) {
            throw new IllegalArgumentException("a VM batch needs at least one case, not " + batch);
        }
        this.vmKernels = List.copyOf(kernels);
        this.vmBatch = batch;
        return this;
    }

    /**
     * At most this many shrinking boots per kernel per batch with findings (default
     * {@link VmShrinker#ROUNDS}); 0 writes the VM findings as drawn (a throughput measurement).
     */
    public FuzzCampaign withVmShrinkRounds(int rounds) {
        if (rounds < 0) {
            throw new IllegalArgumentException("shrinking rounds cannot be negative: " + rounds);
        }
        this.vmShrinkRounds = rounds;
        return this;
    }

    /** The unedited bytes of a case's base image. */
    byte[] base(FuzzCase c) {
        return bases.get(c.base());
    }

    /**
     * Runs the campaign; progress lines (one per finding, one every 100 cases with a kernel, one
     * every 1024 cases and 2 s without) go to {@code progress}.
     */
    public Summary run(PrintWriter progress) {
        boolean live = settings.kernel() != null;
        long[] last = {System.nanoTime()};
        return run(progress, (done, total, ids, findings, secs) -> {
            if (live ? done % 100 == 0 : (done & 1023) == 0 && System.nanoTime() - last[0] > 2_000_000_000L) {
                last[0] = System.nanoTime();
                progress.printf(java.util.Locale.ROOT, "%d cases, %d coverage ids, %d finding(s), %.0f cases/s%n",
                        done, ids, findings, done / Math.max(secs, 0.001));
            }
        });
    }

    /**
     * Runs the campaign: lines on coverage growth and each finding go to {@code log}, how far it
     * got to {@code status} after every case.
     */
    public Summary run(PrintWriter progress, Status status) {
        Instant start = Instant.now();
        CampaignStatistics stats = new CampaignStatistics();
        CaseStatistics.expectations(stats);
        List<Finding> found = new ArrayList<>();
        try {
            Files.createDirectories(work);
            Finding interrupted = folders.keepInterrupted();
            if (interrupted != null) {
                found.add(interrupted);
                progress.println("finding " + interrupted.kind() + ": " + interrupted.what() + " -> "
                        + interrupted.folder());
            }
            FuzzGenerator gen = new FuzzGenerator(settings.seed(), bases);
            FuzzMutator mutator = new FuzzMutator(gen);
            java.util.Random pickRandom = gen.random();
            Set<BaseImage> hangsShrunk = java.util.EnumSet.noneOf(BaseImage.class);
            Arms arms = new Arms();
            Map<String, Integer> firstCase = new java.util.LinkedHashMap<>();
            // the ids worth steering to: not reached yet, reachable on the profile, their hints not used up
            Map<String, String> unreachable = UnreachableIds.on(settings.profile());
            java.util.function.Predicate<String> wanted = id -> !firstCase.containsKey(id)
                    && !unreachable.containsKey(id) && mutator.hintsLeft(id);
            CorpusScheduler corpus = new CorpusScheduler(wanted);
            // the corpus keeps a case that reached a new feature (Features), so that stepping
            // stones towards deeper branches are kept
            Features features = new Features();
            List<long[]> growth = new ArrayList<>();
            ReleaseDiff diff = settings.releases().size() > 1 ? new ReleaseDiff(settings.releases()) : null;
            VmDifferential vm = vmKernels.isEmpty() ? null : new VmDifferential(this, folders, vmKernels, vmBatch,
                    settings.out(), read(settings.images().resolve(BLOB)), vmShrinkRounds);
            int refused = 0;
            int done = 0;
            long t0 = System.nanoTime();
            // model-only cases are drawn and evaluated a round at a time (the round's cases on all
            // cores, then taken in order): see FuzzRounds
            for (int first = 0, round; first < settings.cases(); first += round) {
                round = roundAt(first);
                // the first round always runs: a set-up slower than the budget (a loaded machine) would
                // otherwise end the campaign with no case at all
                if (settings.maxTime() != null && first > 0 && (first & 63) == 0
                        && Duration.between(start, Instant.now()).compareTo(settings.maxTime()) > 0) {
                    break;
                }
                List<Drawn> drawn = new ArrayList<>(round);
                // model-only: each case starts on a worker as soon as it is drawn
                FuzzRounds.Round live = settings.kernel() == null ? workers().begin(round) : null;
                for (int index = first; index < Math.min(settings.cases(), first + round); index++) {
                    // the guided loop: a fresh draw or a mutant of a parent the scheduler picks by energy
                    // (one in eight of them spliced with another), chosen by what each has been yielding
                    boolean fresh = !settings.guided() || corpus.isEmpty() || pickRandom.nextDouble() < arms.freshShare();
                    FuzzCase c = fresh ? gen.next() : mutator.mutate(corpus.pick(pickRandom), corpus.any(pickRandom), wanted);
                    // a blind campaign's cases are drawn by every shard, so the sequence stays the seed's
                    if (index % settings.shards() != settings.shard() - 1) {
                        continue;
                    }
                    drawn.add(new Drawn(index, fresh, c));
                    if (live != null) {
                        live.submit(drawn.get(drawn.size() - 1));
                    }
                }
                FuzzRounds.Pending evaluated = live != null ? live : evaluateOneAtATime(drawn);
                for (int k = 0; k < drawn.size(); k++) {
                    int index = drawn.get(k).index();
                    boolean fresh = drawn.get(k).fresh();
                    FuzzCase c = drawn.get(k).c();
                    Evaluation e = evaluated.get(k);
                    if (e.failure() != null || diff != null || vm != null) {
                        evaluated.awaitAll(); // the round's evaluations done before the slow work, as before rounds overlapped
                    }
                    done++;
                    // ids are numbered in the order first reached: a new number is a new id
                    int before = corpus.numbered();
                    int[] ids = new int[e.ids().size()];
                    int n = 0;
                    for (String id : e.ids()) {
                        int number = corpus.number(id);
                        ids[n++] = number;
                        if (number >= before) {
                            firstCase.put(id, index);
                        }
                    }
                    boolean newFeature = false;
                    if (settings.guided()) {
                        newFeature = features.add(e, ids, wanted);
                        // a case the model hung on is not kept as a parent: its mutants mostly hang
                        // too, each costing the model limit (seed 42 spent most of a 100,000-case
                        // campaign on 285 mutants of one LZMA hang before this)
                        boolean hung = e.failure() != null && e.failure().kind() == Kind.MODEL_HANG;
                        if (newFeature && !hung) {
                            corpus.add(c, ids, firstCase.size() - before, e.hints());
                        }
                        arms.result(fresh, firstCase.size() - before, newFeature);
                        corpus.hit(ids);
                    }
                    if (firstCase.size() > before) {
                        growth.add(new long[] {index + 1, firstCase.size()});
                        // what printf's "%.1f s" wrote, without a Formatter per line (JFR, session 14: an
                        // eighth of the main thread's campaign samples, the output discarded with --quiet)
                        progress.println("coverage: " + firstCase.size() + " ids after " + (index + 1) + " cases ("
                                + tenths(Duration.between(start, Instant.now()).toMillis()) + " s)"
                                + (settings.guided() ? ", corpus " + corpus.size() : ""));
                    }
                    if (diff != null && e.model() != null) {
                        Failure regression = diff.check(this, c, index);
                        if (regression != null) {
                            e = new Evaluation(e.model(), e.kernel(), e.refusal(), regression, e.ids());
                        }
                    }
                    CaseStatistics.collect(stats, c, e, settings.kernel() != null);
                    if (e.refusal() != null) {
                        refused++;
                    }
                    if (e.failure() != null) {
                        Finding finding = finding(c, e, index, hangsShrunk);
                        found.add(finding);
                        progress.println("finding " + finding.kind() + " at case " + index + ": "
                                + firstLine(finding.what()) + " -> " + finding.folder());
                    }
                    if (vm != null) {
                        vm.add(index, c, e.kernel(), settings.kernel() == null ? null : settings.kernel().identity().release());
                        if (vm.full()) {
                            report(progress, vm.flush(progress), found);
                        }
                    }
                    status.update(done, settings.cases() / settings.shards(), firstCase.size(), found.size(),
                            (System.nanoTime() - t0) / 1e9);
                    progress.flush();
                }
            }
            if (vm != null) {
                report(progress, vm.flush(progress), found);
            }
            return new Summary(settings.seed(), done, refused, found, stats, Duration.between(start, Instant.now()),
                    new CoverageLog(firstCase, growth, corpus.size(), unreachable), diff,
                    vm == null ? null : new VmSummary(vm.tally(), vm.timing(), vm.throughputSeconds()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            modelThread.shutdownNow();
            if (rounds != null) {
                rounds.shutdown();
                rounds = null;
            }
            FindingFolders.deleteTree(work);
        }
    }

    /**
     * The finding of a case that failed, shrunk first: a hang costs the model limit per
     * evaluation, so one hang per base is shrunk and the others are kept as drawn (shrinking each
     * would stall a model-only campaign); a candidate regression is kept as drawn.
     */
    private Finding finding(FuzzCase c, Evaluation e, int index, Set<BaseImage> hangsShrunk) {
        boolean shrinkable = e.failure().kind() != Kind.CANDIDATE_REGRESSION
                && (e.failure().kind() != Kind.MODEL_HANG || hangsShrunk.add(c.base()));
        FuzzCase small = shrinkable ? shrink(c, e.failure().kind()) : c;
        Evaluation again = shrinkable ? evaluate(small) : e;
        Failure f = again.failure() != null ? again.failure() : e.failure();
        return new Finding(f.kind(), f.what(), c, small, folders.write(small, f, index,
                stated(again.failure() != null ? again : e)));
    }

    private static void report(PrintWriter progress, List<Finding> vmFound, List<Finding> found) {
        for (Finding f : vmFound) {
            found.add(f);
            progress.println("finding " + f.kind() + " (VM): " + firstLine(f.what()) + " -> " + f.folder());
        }
        progress.flush();
    }

    // ------------------------------------------------------------------ one case

    /**
     * How the guided loop shares its budget between fresh draws and mutants: a two-armed bandit
     * on each arm's recent yield (a new coverage id counts 16, a new feature 1; both decay by
     * 1/512 per case), so fresh draws dominate while they still find things (the start of a
     * campaign, where the generator's spread beats a corpus of a few cases) and mutants once the
     * corpus is where new branches come from. Each arm keeps at least a tenth of the cases.
     */
    static final class Arms {
        private static final double DECAY = 1 - 1.0 / 512;
        private double freshYield = 1;
        private double freshTries = 1;
        private double mutantYield = 1;
        private double mutantTries = 1;

        double freshShare() {
            double f = freshYield / freshTries;
            double m = mutantYield / mutantTries;
            return Math.max(0.1, Math.min(0.9, f / (f + m)));
        }

        void result(boolean fresh, int newIds, boolean newFeature) {
            double y = 16.0 * newIds + (newFeature ? 1 : 0);
            freshYield *= DECAY;
            freshTries *= DECAY;
            mutantYield *= DECAY;
            mutantTries *= DECAY;
            if (fresh) {
                freshYield += y;
                freshTries += 1;
            } else {
                mutantYield += y;
                mutantTries += 1;
            }
        }
    }

    /** The outcomes of one case, what failed (null: nothing) and the coverage ids the model reached. */
    record Evaluation(MountOutcome model, MountOutcome kernel, String refusal, Failure failure, Set<String> ids,
                      List<Coverage.Hint> hints) {
        Evaluation(MountOutcome model, MountOutcome kernel, String refusal, Failure failure, Set<String> ids) {
            this(model, kernel, refusal, failure, ids, List.of());
        }

        Evaluation(MountOutcome model, MountOutcome kernel, String refusal, Failure failure) {
            this(model, kernel, refusal, failure, Set.of());
        }
    }

    Evaluation evaluate(FuzzCase c) {
        return evaluate(c, true);
    }

    /**
     * @param twice predict twice and compare (the nondeterminism check); a model-only campaign
     *              does it for one case in 32 (and shrinking for every candidate), a live one always
     */
    Evaluation evaluate(FuzzCase c, boolean twice) {
        if (settings.kernel() == null) {
            return evaluateModel(c, twice);
        }
        Path image = work.resolve("case-" + (scratch++) + ".erofs");
        try {
            Files.write(image, c.image(bases.get(c.base())));
            Scenario s = scenario(c, image);
            Coverage.Recorder rec = new Coverage.Recorder();
            MountOutcome model;
            try {
                model = predict(s, rec, true);
            } catch (ModelFailure f) {
                return new Evaluation(null, null, null, f.failure, rec.ids());
            }
            Reference kernel = settings.kernel();
            Case kc = Case.of(s);
            String refusal = kernel.refuses(kc).orElse(null);
            if (refusal != null) {
                return new Evaluation(model, null, refusal, null, rec.ids());
            }
            folders.markInFlight(c, image);
            Observation observation = kernel.observe(kc);
            folders.clearInFlight();
            if (observation instanceof Observation.Unchecked u && u.why() == Observation.Why.UNAVAILABLE
                    && kernel.unavailable().isEmpty()) {
                // the kernel is there, this case is what cannot be realised (injected read faults): a refusal
                return new Evaluation(model, null, u.reason(), null, rec.ids());
            }
            if (!(observation instanceof Observation.Observed o)) {
                // the kernel could not be asked after all (its oracle became unavailable): no outcome to judge
                throw new OracleUnavailable(observation instanceof Observation.Unchecked u ? u.reason()
                        : kernel.identity() + " gave no kernel outcome");
            }
            if (!o.trouble().isEmpty()) {
                return new Evaluation(model, o.outcome(), null, new Failure(Kind.KERNEL_TROUBLE,
                        String.join("\n", o.trouble())), rec.ids());
            }
            List<Difference> diffs = kernel.comparison().differences(model, o);
            if (!diffs.isEmpty()) {
                StringBuilder b = new StringBuilder("model and kernel differ in " + diffs.size() + " field(s):");
                for (Difference d : diffs.subList(0, Math.min(diffs.size(), 6))) {
                    b.append("\n  ").append(d);
                }
                return new Evaluation(model, o.outcome(), null, new Failure(Kind.DIVERGENCE, b.toString()), rec.ids());
            }
            return new Evaluation(model, o.outcome(), null, null, rec.ids());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            try {
                Files.deleteIfExists(image);
            } catch (IOException ignored) {
                // scratch: removed with the work folder at the end
            }
        }
    }

    private Scenario scenario(FuzzCase c, Path image) {
        ObjectNode json = c.scenario(settings.profile().name(), image.toString(),
                settings.images().resolve(BLOB).toString());
        return ScenarioJson.read(json.toString(), work, "fuzz");
    }

    /** The outcomes a finding's repro.sh states: the model's, and the kernel's when it was observed. */
    private List<ReproScript.Stated> stated(Evaluation ev) {
        List<ReproScript.Stated> stated = new ArrayList<>();
        stated.add(new ReproScript.Stated("expected (model " + settings.profile().name() + ")", ev.model()));
        if (ev.kernel() != null) {
            stated.add(new ReproScript.Stated("observed (kernel " + settings.kernel().identity() + ")", ev.kernel()));
        }
        return stated;
    }

    /** A failure of the model itself (error, hang, two different answers). */
    static final class ModelFailure extends Exception {
        private static final long serialVersionUID = 1L;
        final transient Failure failure;

        ModelFailure(Failure failure) {
            super(failure.what(), null, false, false);
            this.failure = failure;
        }
    }

    /** The model-only evaluation: the case's scenario in memory (no image file written), predicted with a recorder. */
    private Evaluation evaluateModel(FuzzCase c, boolean twice) {
        Scenario s = scenarioInMemory(c, settings.profile());
        Coverage.Recorder rec = new Coverage.Recorder();
        try {
            return new Evaluation(predict(s, rec, twice), null, null, null, rec.ids(), rec.hints());
        } catch (ModelFailure f) {
            return new Evaluation(null, null, null, f.failure, rec.ids());
        }
    }

    // ------------------------------------------------------------------ rounds on all cores

    /** A drawn case: its index among the seed's cases, whether it was a fresh draw. */
    record Drawn(int index, boolean fresh, FuzzCase c) {}

    private int jobs = Runtime.getRuntime().availableProcessors();
    /** The model-only rounds' worker threads (made at the first round, ended with the campaign). */
    private FuzzRounds rounds;

    /** Evaluates model-only rounds on {@code n} threads (default: one per core); the outcome is the same for any {@code n}. */
    public FuzzCampaign withJobs(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("a campaign needs at least one thread, not " + n);
        }
        this.jobs = n;
        return this;
    }

    /** The size of the round that starts at case {@code first} ({@link FuzzRounds#roundAt}). */
    int roundAt(int first) {
        return FuzzRounds.roundAt(settings, first);
    }

    /** The model-only rounds' worker threads (made at the first round). */
    private FuzzRounds workers() {
        if (rounds == null) {
            rounds = new FuzzRounds(this, jobs);
        }
        return rounds;
    }

    /** The round's evaluations, in its order, one at a time (a campaign with a kernel). */
    private FuzzRounds.Pending evaluateOneAtATime(List<Drawn> drawn) {
        List<Evaluation> out = new ArrayList<>(drawn.size());
        for (Drawn d : drawn) {
            out.add(evaluate(d.c(), (d.index() & 31) == 0));
        }
        return FuzzRounds.Pending.of(out);
    }

    /** The campaign's settings (for {@link FuzzRounds}). */
    Settings settings() {
        return settings;
    }

    /** The failure of a prediction past the model limit. */
    Failure hangFailure() {
        return new Failure(Kind.MODEL_HANG, "the model took more than " + settings.modelLimit().toMillis() + " ms"
                + CpuLimit.UNIT);
    }

    /**
     * Whether two predictions give the same outcome JSON: equal records (outcomes are records of
     * lists, strings and numbers, so equal ones write the same JSON) without writing it, else the
     * JSON compared (JFR: writing both was 3% of a model-only campaign, for one case in 32).
     */
    static boolean sameOutcome(MountOutcome a, MountOutcome b) {
        return a.equals(b) || OutcomeJson.write(a).equals(OutcomeJson.write(b));
    }

    /** Predicts {@code s} (twice when asked, comparing), recording coverage ids into {@code rec}. */
    MountOutcome predict(Scenario s, Coverage.Recorder rec, boolean twice) throws ModelFailure {
        try {
            MountOutcome model = predict(s, rec);
            if (twice) {
                MountOutcome second = predict(s, null);
                if (!sameOutcome(model, second)) {
                    throw new ModelFailure(new Failure(Kind.NONDETERMINISTIC,
                            "two predictions differ: " + OutcomeComparator.compare(model, second)));
                }
            }
            return model;
        } catch (TimeoutException t) {
            throw new ModelFailure(hangFailure());
        } catch (ExecutionException x) {
            Throwable cause = x.getCause() == null ? x : x.getCause();
            throw new ModelFailure(new Failure(Kind.MODEL_ERROR, cause.toString()
                    + (cause.getStackTrace().length > 0 ? " at " + cause.getStackTrace()[0] : "")));
        }
    }

    // ------------------------------------------------------------------ scenarios in memory

    /** The case's scenario on {@code profile} without writing a file ({@link FuzzScenarios#inMemory}). */
    Scenario scenarioInMemory(FuzzCase c, KernelProfile profile) {
        return scenarios.inMemory(c, profile);
    }

    /** The shape's template, its JSON written and parsed ({@link FuzzScenarios#parsedTemplate}). */
    Scenario parsedTemplate(FuzzCase c, KernelProfile profile) {
        return scenarios.parsedTemplate(c, profile);
    }

    /** The shape's template assembled from parsed parts ({@link FuzzScenarios#assembledTemplate}). */
    Scenario assembledTemplate(FuzzCase c, KernelProfile profile) {
        return scenarios.assembledTemplate(c, profile);
    }

    /**
     * One prediction on the model thread, stopped past the model limit in CPU time of that thread
     * ({@link CpuLimit}).
     */
    private MountOutcome predict(Scenario s, Coverage.Recorder rec) throws TimeoutException, ExecutionException {
        java.util.concurrent.atomic.AtomicLong cpuStart = new java.util.concurrent.atomic.AtomicLong(-1);
        Future<MountOutcome> f = modelThread.submit(() -> {
            cpuStart.set(CpuLimit.now());
            return rec == null ? MountModel.predict(s) : Coverage.record(rec, () -> MountModel.predict(s));
        });
        long wallStart = System.nanoTime();
        long limit = settings.modelLimit().toNanos();
        try {
            while (true) {
                try {
                    return f.get(10, TimeUnit.MILLISECONDS);
                } catch (TimeoutException stillRunning) {
                    long c = cpuStart.get();
                    // not started yet: the wall limit alone (the thread is idle, it cannot use CPU)
                    if (c < 0 ? System.nanoTime() - wallStart > limit : CpuLimit.past(modelWorker, c, wallStart, limit)) {
                        throw stillRunning;
                    }
                }
            }
        } catch (TimeoutException t) {
            f.cancel(true);
            Thread stuck = modelWorker;
            modelThread.shutdownNow(); // the stuck thread is a daemon; the next prediction gets a new one
            stop(stuck);
            modelThread = newModelThread();
            throw t;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExecutionException(e);
        }
    }

    /** The model thread of the current executor (stopped when a prediction hangs). */
    private volatile Thread modelWorker;

    private ExecutorService newModelThread() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "erofs-sim-fuzz-model");
            t.setDaemon(true);
            modelWorker = t;
            return t;
        });
    }

    /**
     * Ends a model thread stuck in a prediction that does not look at interrupts (a loop the
     * case drove far): left alone it would spin until the JVM exits, and every further hang adds
     * one, so a campaign with a few hangs slows to a crawl. {@code Thread.stop} is deprecated
     * but works on Java 17 (the project's pinned release); the thread holds no lock of ours and
     * its prediction is thrown away.
     */
    @SuppressWarnings({"deprecation", "removal"})
    private static void stop(Thread t) {
        if (t == null) {
            return;
        }
        try {
            t.join(200);
            if (t.isAlive()) {
                t.stop();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (UnsupportedOperationException e) {
            // a later Java without Thread.stop: the daemon thread spins on until the JVM exits
        }
    }

    /** Shrinks a failing case while the same kind of failure remains ({@link Shrinker}). */
    FuzzCase shrink(FuzzCase c, Kind kind) {
        return Shrinker.shrink(c, kind, settings.shrinkBudget(), x -> evaluate(x).failure());
    }

    // ------------------------------------------------------------------ files

    private static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(new IOException("cannot read fixture image " + p + ": " + e.getMessage(), e));
        }
    }


    /** {@code millis} in seconds with one decimal, rounded half up: {@code String.format("%.1f", millis / 1000.0)}. */
    static String tenths(long millis) {
        long t = (millis + 50) / 100;
        return t / 10 + "." + t % 10;
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl) + " ...";
    }

}
