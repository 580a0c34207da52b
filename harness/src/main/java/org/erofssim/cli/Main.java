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
    /** The environment variable that makes internal errors print their stack trace. */
    public static final String DEBUG_ENV = "ERO_SIM_DEBUG";

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw CliException.badInput("no command given (one of: predict, observe, compare, inspect, conform, record, fuzz); see 'erofs-sim --help'");
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command line with the given streams and returns its exit code. Never throws. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        PrintWriter o = new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true);
        PrintWriter e = new PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true);
        try {
            return commandLine(o, e).execute(args);
        } catch (Throwable t) { // an Error picocli lets through (StackOverflowError, OutOfMemoryError)
            return internalError("erofs-sim", t, e);
        } finally {
            o.flush();
            e.flush();
        }
    }

    /** The configured command line (exposed for tests that add a command of their own). */
    static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Main());
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
        cl.setExecutionExceptionHandler((ex, where, parseResult) -> {
            String name = where.getCommandSpec().qualifiedName();
            PrintWriter w = where.getErr();
            if (ex instanceof CliException) {
                w.println(name + ": " + CliException.oneLine(ex.getMessage()));
                return ((CliException) ex).exitCode();
            }
            if (ex instanceof ScenarioException || ex instanceof ReferenceInputException) {
                w.println(name + ": " + CliException.oneLine(ex.getMessage()));
                return ExitCode.BAD_INPUT;
            }
            return internalError(name, ex, w);
        });
        return cl;
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
