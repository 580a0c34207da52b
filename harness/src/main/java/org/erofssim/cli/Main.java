package org.erofssim.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.erofssim.contract.ScenarioException;
import org.erofssim.reference.ReferenceInputException;
import org.erofssim.kernel.KernelProfile;
import org.erofssim.kernel.Releases;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code erofs-sim} command line (docs/spec/harness-contract.md, "Launcher").
 *
 * <p>Every failure ends in exactly one line on stderr and one of the contract's exit codes:
 * bad usage or input → 2 with the file, JSON field or byte offset named; a bug in erofs-sim →
 * {@link ExitCode#INTERNAL} with one line (set {@code ERO_SIM_DEBUG=1} for the stack trace).
 */
@Command(name = "erofs-sim", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {"An executable model of the Linux EROFS mount path.", ""},
        subcommands = {PredictCommand.class, MatrixCommand.class, ObserveCommand.class, CompareCommand.class, InspectCommand.class,
                ConformCommand.class, RecordCommand.class, FuzzCommand.class, BenchCommand.class,
                org.erofssim.cli.KernelsCommand.class, org.erofssim.cli.VmObserveCommand.class,
                CommandLine.HelpCommand.class},
        footerHeading = "%nExit codes:%n",
        footer = {"  0   done",
                "  1   divergence or a failed check",
                "  2   bad usage or bad input (one line naming the file, field or byte offset)",
                "  77  kernel oracle unavailable",
                "  70  internal error of erofs-sim (ERO_SIM_DEBUG=1 prints the trace)"})
public final class Main implements Callable<Integer> {
    /**
     * Whether a plain {@code predict} or {@code fuzz} command line runs without picocli ({@link
     * PredictCommand#runPlain}, {@link FuzzCommand#runPlain}); tests turn it off to compare.
     */
    static boolean PLAIN_PARSE = true;

    /** The environment variable that makes internal errors print their stack trace. */
    public static final String DEBUG_ENV = "ERO_SIM_DEBUG";

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw CliException.badInput("no command given (one of: predict, observe, compare, inspect, conform, record, fuzz); see 'erofs-sim --help'");
    }

    public static void main(String[] args) {
        ZstdLibrary.preload(); // the launcher's cached copy of zstd-jni's library, or zstd-jni's own loading (issue 12)
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command line with the given streams and returns its exit code. Never throws. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        PrintWriter o = new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true);
        PrintWriter e = new PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true);
        try {
            Integer plain = PLAIN_PARSE ? PredictCommand.runPlain(args, o, e) : null; // without picocli (issue 12)
            if (plain == null && PLAIN_PARSE) {
                plain = FuzzCommand.runPlain(args, o, e); // a model-only campaign's plain command line, likewise
            }
            return plain != null ? plain : commandLine(o, e, args).execute(args);
        } catch (Throwable t) { // an Error picocli lets through (StackOverflowError, OutOfMemoryError)
            return internalError("erofs-sim", t, e);
        } finally {
            o.flush();
            e.flush();
        }
    }

    /** The configured command line (exposed for tests that add a command of their own). */
    static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        return configure(new CommandLine(new Main()), out, err);
    }

    /**
     * The command line for {@code args}: when the first argument names a command, a root that
     * holds that command alone, else (no command, an option, {@code help}, a typo) the whole one.
     * picocli builds the model of every subcommand by reflection when the root is made, loading
     * each command's classes and running their static initialisers (Jackson mappers among them):
     * measured with JFR on a 1-scenario {@code predict}, 80 % of the JVM's own start-up work was
     * there (issue 12). The lean root has the same name, so every message, usage line and exit
     * code of the command is the same ({@code MainTest} compares each command's help and errors
     * both ways).
     */
    static CommandLine commandLine(PrintWriter out, PrintWriter err, String[] args) {
        String name = args.length == 0 ? null : firstWord(args[0]);
        return commandLine(out, err, name, name == null ? null : command(name));
    }

    /** The lean root of command {@code name} running {@code only} (the predict server's instance), or the whole one when null. */
    static CommandLine commandLine(PrintWriter out, PrintWriter err, String name, Object only) {
        if (only == null) {
            return commandLine(out, err);
        }
        CommandLine root = new CommandLine(CommandSpec.wrapWithoutInspection(new Lean()).name("erofs-sim"));
        root.addSubcommand(name, new CommandLine(only));
        return configure(root, out, err);
    }

    /**
     * The command an argument names: itself, or for an argument file {@code @FILE} (picocli
     * expands it; {@code bench}'s batches use one) the first word of its first line that is
     * neither blank nor a {@code #} comment, when that word is a plain command name; else null
     * (the whole command line then reads the file as before).
     */
    static String firstWord(String arg) {
        if (!arg.startsWith("@") || arg.length() == 1) {
            return arg;
        }
        try (java.io.BufferedReader r = java.nio.file.Files.newBufferedReader(java.nio.file.Path.of(arg.substring(1)),
                StandardCharsets.UTF_8)) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                String t = line.strip();
                if (t.isEmpty() || t.startsWith("#")) {
                    continue;
                }
                String w = t.split("\\s+", 2)[0];
                return w.matches("[a-z][a-z-]*") ? w : null;
            }
        } catch (java.io.IOException | RuntimeException e) {
            // picocli reports it
        }
        return null;
    }

    /** A new instance of the command named {@code name} (only its class is loaded), null for any other name. */
    static Object command(String name) {
        return switch (name) {
            case "predict" -> new PredictCommand();
            case "matrix" -> new MatrixCommand();
            case "observe" -> new ObserveCommand();
            case "compare" -> new CompareCommand();
            case "inspect" -> new InspectCommand();
            case "conform" -> new ConformCommand();
            case "record" -> new RecordCommand();
            case "fuzz" -> new FuzzCommand();
            case "bench" -> new BenchCommand();
            case "kernels" -> new KernelsCommand();
            case "vm-observe" -> new VmObserveCommand();
            default -> null;
        };
    }

    /** The lean root's user object: never run (its one command always follows). */
    private static final class Lean implements Callable<Integer> {
        @Override
        public Integer call() {
            throw new IllegalStateException("the lean root runs its command only");
        }
    }

    private static CommandLine configure(CommandLine cl, PrintWriter out, PrintWriter err) {
        cl.setOut(out);
        cl.setErr(err);
        cl.setCaseInsensitiveEnumValuesAllowed(false);
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine where = ex.getCommandLine();
            String name = where.getCommandSpec().qualifiedName();
            where.getErr().println(name + ": " + CliException.oneLine(ex.getMessage())
                    + " (see '" + name + " --help')");
            return ExitCode.BAD_INPUT;
        });
        cl.setExecutionExceptionHandler((ex, where, parseResult) ->
                failure(where.getCommandSpec().qualifiedName(), ex, where.getErr()));
        return cl;
    }

    /**
     * A command's failure as one line on {@code w} and its exit code: picocli's execution handler,
     * and the plain runs of predict and fuzz that do without picocli, give the same.
     */
    static int failure(String name, Exception ex, PrintWriter w) {
        if (ex instanceof CliException) {
            w.println(name + ": " + CliException.oneLine(ex.getMessage()));
            return ((CliException) ex).exitCode();
        }
        if (ex instanceof ScenarioException || ex instanceof ReferenceInputException) {
            w.println(name + ": " + CliException.oneLine(ex.getMessage()));
            return ExitCode.BAD_INPUT;
        }
        return internalError(name, ex, w);
    }

    /** One line for an unexpected exception, the trace only when {@value #DEBUG_ENV} is set. */
    static int internalError(String name, Throwable t, PrintWriter err) {
        String msg = t.getMessage() == null ? "" : ": " + CliException.oneLine(t.getMessage());
        err.println(name + ": " + t.getClass().getName() + msg
                + " (internal error; rerun with " + DEBUG_ENV + "=1 for a trace)");
        String debug = System.getenv(DEBUG_ENV);
        if (debug != null && !debug.isEmpty() && !debug.equals("0")) {
            t.printStackTrace(err);
        }
        err.flush();
        return ExitCode.INTERNAL;
    }

    /** {@code --version}: the build's version and the modelled kernel profiles. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = "unknown";
            try (InputStream in = Main.class.getResourceAsStream(
                    "/META-INF/maven/org.erofssim/erofs-sim-harness/pom.properties")) {
                if (in != null) {
                    Properties p = new Properties();
                    p.load(in);
                    v = p.getProperty("version", v);
                }
            } catch (java.io.IOException e) {
                // keep "unknown"
            }
            String profiles = Releases.all().stream().map(KernelProfile::name).collect(Collectors.joining(", "));
            return new String[] {"erofs-sim " + v,
                    "kernel profiles: " + profiles + " (default " + Releases.DEFAULT.name() + ")"};
        }
    }
}
