package org.erofssim.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.concurrent.Callable;
import org.erofssim.contract.OutcomeJson;
import org.erofssim.contract.Scenario;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code predict SCENARIO.json...}: the model's outcome of each scenario as the contract's
 * outcome JSON, one line per scenario (JSON Lines) in the order given. Every file is decoded
 * before anything is printed, so bad input yields no partial output. A batch is computed on all
 * cores ({@link PredictBatch}), a single scenario on the caller's thread.
 */
@Command(name = "predict", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, sortOptions = false,
        description = {"The model's outcome of each scenario as contract JSON, one line each.",
                "",
                "One outcome per scenario (JSON Lines), in the order given, from one",
                "process, computed on all cores. Every file is decoded before anything",
                "is printed. Scenario paths are relative to the working directory;",
                "image paths inside a scenario are relative to the scenario's folder.",
                "'-' reads one scenario from standard input, its image paths relative to",
                "the working directory.",
                "--kernel and --config override every scenario's \"kernel\" and \"config\".",
                "For several scenarios a counter runs on stderr when it is a terminal",
                "(not with --quiet)."})
final class PredictCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "SCENARIO.json", preprocessor = TakeAllScenarios.class,
            description = "scenario files (contract JSON, \"version\": 1), or - for stdin")
    List<String> scenarios = new ArrayList<>();

    /**
     * Takes the scenario arguments in one go: picocli's own handling of a multi-value positional
     * parameter is slow on a batch (measured in-process on picocli 4.7.7 on the loaded project
     * machine: 10,000 arguments parsed in 0.44 to 2.8 s, with this preprocessor in 0.03 s; issue 12). This preprocessor moves the arguments from
     * the first scenario up to the next argument that starts with {@code -} (an option or
     * {@code --}; {@code -} alone is stdin) into the list at once and leaves the rest to picocli,
     * so options may still follow the scenarios.
     */
    static final class TakeAllScenarios implements picocli.CommandLine.IParameterPreprocessor {
        @Override
        public boolean preprocess(java.util.Stack<String> args, CommandSpec commandSpec,
                                  picocli.CommandLine.Model.ArgSpec argSpec, java.util.Map<String, Object> info) {
            List<String> taken = new ArrayList<>();
            while (!args.isEmpty()) {
                String a = args.peek();
                if (a.startsWith("-") && !a.equals("-")) { // an option (or --): picocli's, as before
                    break;
                }
                taken.add(args.pop());
            }
            if (taken.isEmpty()) {
                return false; // picocli reports what it would
            }
            List<String> list = argSpec.getValue();
            if (list == null) {
                list = new ArrayList<>();
                argSpec.setValue(list);
            }
            list.addAll(taken);
            return true;
        }
    }

    @Option(names = "--kernel", paramLabel = "RELEASE",
            description = "evaluate on this release instead of the scenario's (resolved as a scenario's \"kernel\")")
    String kernel;

    @Option(names = "--config", paramLabel = "SYMBOL=y|n",
            description = "a CONFIG symbol over the scenario's, e.g. EROFS_FS_ONDEMAND=y (repeatable)")
    List<String> config = new ArrayList<>();

    @Option(names = "--quiet", description = "no counter on stderr while a batch is predicted")
    boolean quiet;

    /** Whether stderr is a terminal (the counter's condition), null: this process's ({@link Progress#onTerminal}); the predict server sets its client's. */
    Boolean terminal;

    /** Threads computing a batch's outcomes ({@link PredictBatch}); 1: the caller's thread alone. */
    int threads = PredictBatch.THREADS;

    /** The first element of a {@link #loadOnce} key that is an argument's text. */
    private static final Object SAME_ARGUMENT = new Object();

    /** A scenario file decoded once in this batch, with the notes its decoding gave. */
    private record Decoded(Scenario scenario, List<String> notes) {}

    /**
     * A scenario file decoded once per batch (issue 12: reading and decoding the JSON was half of
     * a 10,000-scenario batch that names 20 files): a file named again is known by its path,
     * identity (device, inode), size and modification time, as {@link
     * org.erofssim.block.ImageBytes#sharingMappings} knows an image, and gives the same decoded
     * scenario (the model is pure: a scenario is never changed by a prediction) and the same
     * notes. Standard input and anything that is not a regular file are decoded each time. The
     * same argument again is known by its text without a look at the file (the batch's arguments
     * are decoded in one go before any outcome; the look was a fifth of a 10,000-scenario batch's
     * CPU samples once the outcomes were streamed, issue 12).
     */
    static Scenario loadOnce(String arg, Consumer<String> notes, Map<List<Object>, Decoded> seen) {
        List<Object> named = StdinScenario.is(arg) ? null : List.of(SAME_ARGUMENT, arg);
        Decoded again = named == null ? null : seen.get(named);
        if (again != null) {
            again.notes().forEach(notes);
            return again.scenario();
        }
        List<Object> key = null;
        if (!StdinScenario.is(arg)) {
            try {
                Path p = Scenarios.path(arg, "scenario");
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                if (a.isRegularFile() && a.fileKey() != null) {
                    key = List.of(p.toAbsolutePath().normalize(), a.fileKey(), a.size(), a.lastModifiedTime());
                }
            } catch (IOException | RuntimeException e) {
                // decoded below, which reports it
            }
        }
        Decoded d = key == null ? null : seen.get(key);
        if (d != null) {
            d.notes().forEach(notes);
            seen.put(named, d);
            return d.scenario();
        }
        List<String> given = new ArrayList<>();
        Scenario sc = StdinScenario.load(arg, n -> {
            given.add(n);
            notes.accept(n);
        });
        if (key != null) {
            d = new Decoded(sc, List.copyOf(given));
            seen.put(key, d);
            seen.put(named, d);
        }
        return sc;
    }

    @Override
    public Integer call() {
        return run(spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    /**
     * The command line {@code args} (a whole {@code erofs-sim} one) run without picocli when it is
     * a plain {@code predict}, else null (picocli runs it). Plain: {@code predict}, then scenario
     * arguments, {@code -} and the options {@code --quiet}, {@code --kernel} (once) and {@code
     * --config}, each value attached with {@code =} or the next argument; or one argument file
     * {@code @FILE} of one such word a line. Anything else, an option picocli would refuse, help,
     * {@code --}, an argument starting with {@code @}, a quote, blank, backslash or {@code #} in the
     * file, no scenario: null. picocli builds its model of the command by reflection, from
     * classes that cannot go into the class-data archive (Java 5 class files): measured with
     * {@code -Xlog:class+load} on a 1-scenario predict, a third of the process after the JVM's own
     * start (issue 12). The same messages and exit codes: {@code MainTest} runs command lines
     * both ways.
     */
    static Integer runPlain(String[] args, PrintWriter out, PrintWriter err) {
        PredictCommand c = plain(args);
        return c == null ? null : c.runCaught(out, err);
    }

    /**
     * The command a plain {@code predict} command line {@code args} is ({@link #runPlain}), not yet
     * run; null when picocli must run it. Also what the predict server ({@link PredictServer})
     * takes: relative paths, the argument file's too, resolve as {@link Scenarios#path} says.
     */
    static PredictCommand plain(String[] args) {
        List<String> words = plainWords(args);
        if (words == null || words.isEmpty() || !words.get(0).equals("predict")) {
            return null;
        }
        PredictCommand c = new PredictCommand();
        for (int i = 1; i < words.size(); i++) {
            String w = words.get(i);
            String option = w.startsWith("--") ? w.split("=", 2)[0] : null;
            if (w.isEmpty() || w.startsWith("@")) {
                return null;
            } else if (w.equals("-") || !w.startsWith("-")) {
                c.scenarios.add(w);
            } else if (w.equals("--quiet") && !c.quiet) {
                c.quiet = true;
            } else if (option != null && (option.equals("--kernel") && c.kernel == null || option.equals("--config"))) {
                String value;
                if (w.length() > option.length()) {
                    value = w.substring(option.length() + 1);
                } else if (i + 1 < words.size()) {
                    value = words.get(++i);
                } else {
                    return null;
                }
                if (value.isEmpty() || value.startsWith("-") || value.startsWith("@")) {
                    return null;
                }
                if (option.equals("--kernel")) {
                    c.kernel = value;
                } else {
                    c.config.add(value);
                }
            } else {
                return null;
            }
        }
        if (c.scenarios.isEmpty()) {
            return null;
        }
        return c;
    }

    /** {@link #run}, with its failures as one line on {@code err} and an exit code, as picocli's handlers give them. */
    int runCaught(PrintWriter out, PrintWriter err) {
        try {
            return run(out, err);
        } catch (Exception e) {
            return Main.failure("erofs-sim predict", e, err);
        }
    }

    /** {@code args}, or the words of its one argument file when they are plain (see {@link #runPlain}); null when not plain. */
    private static List<String> plainWords(String[] args) {
        if (args.length != 1 || !args[0].startsWith("@")) {
            return List.of(args);
        }
        String text;
        try {
            text = Files.readString(Scenarios.path(args[0].substring(1), "argument file"), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return null; // picocli says what it says
        }
        List<String> words = new ArrayList<>();
        for (String line : text.split("\n")) {
            for (int i = 0; i < line.length(); i++) {
                char ch = line.charAt(i);
                if (ch <= ' ' || Character.isWhitespace(ch) || ch == '"' || ch == '\'' || ch == '\\' || ch == '#' || ch == '@') {
                    return null;
                }
            }
            if (!line.isEmpty()) {
                words.add(line);
            }
        }
        return words;
    }

    /** The command, writing to {@code out} and {@code err}. */
    int run(PrintWriter out, PrintWriter err) {
        List<Scenario> decoded = new ArrayList<>();
        Scenarios.Notes notes = new Scenarios.Notes(err);
        StdinScenario.checkOnce(scenarios);
        KernelOptions.config(config); // bad --config values before any file is read
        if (kernel != null) {
            KernelOptions.release(kernel, notes);
        }
        // one mapping per image for the whole batch (issue 12: 10,000 scenarios of one image made 10,000)
        org.erofssim.block.ImageBytes.sharingMappings(() -> {
            Map<List<Object>, Decoded> seen = new HashMap<>();
            for (String arg : scenarios) {
                decoded.add(KernelOptions.apply(loadOnce(arg, notes, seen), kernel, config, notes));
            }
            return null;
        });
        try (Progress counter = Progress.start(err, "predict: scenario", decoded.size(),
                quiet || decoded.size() < 2, terminal != null ? terminal : Progress.onTerminal())) {
            PrintWriter lines = counter.above(out);
            // OutcomeJson.write flushes its writer after each outcome and println flushes the
            // command's autoflush writer: a write(2) per scenario. In a batch the outcomes go
            // through a writer that passes a flush on at most every 50 ms, and at the end, so
            // lines still appear while the batch runs (issue 12)
            java.io.Writer batched = decoded.size() < 2 ? lines : new java.io.FilterWriter(lines) {
                private long flushed = System.nanoTime();

                @Override
                public void flush() {
                    long now = System.nanoTime();
                    if (now - flushed >= 50_000_000L) {
                        flushed = now;
                        lines.flush();
                    }
                }
            };
            if (PredictBatch.parallel(decoded.size(), threads)) { // on all cores, the same bytes in the same order
                PredictBatch.write(decoded, scenarios, threads, batched, counter::update);
            } else {
                for (int i = 0; i < decoded.size(); i++) {
                    // streamed: a huge walk's tree is never held as one JSON tree and string (issue 12)
                    try {
                        OutcomeJson.write(Scenarios.predict(decoded.get(i), scenarios.get(i)), batched);
                        batched.write(System.lineSeparator()); // what println writes, without its flush
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e); // a PrintWriter does not throw it
                    }
                    counter.update(i + 1);
                }
            }
            lines.flush();
        }
        out.flush();
        return ExitCode.OK;
    }
}
