package io.bits4j.examples;

import io.bits4j.BitsException;
import io.bits4j.Hresult;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code java -jar bits.jar <command>}: the bits4j command line.
 *
 * <p>Exit codes: 0 success, 1 a refused operation ({@link BitsException}), 2 a usage error
 * (including an input refused with E_INVALIDARG), 3 a job that ended in error (for {@code get}).
 */
@Command(
    name = "bits",
    mixinStandardHelpOptions = true,
    scope = CommandLine.ScopeType.INHERIT, // every subcommand also takes -h/--help and -V/--version
    versionProvider = BitsCli.Version.class,
    description = "bits4j: the BITS Compact Server with BITS Remote Management, for the JVM.")
public final class BitsCli {
  /** Exit code of a refused operation. */
  public static final int EXIT_REFUSED = 1;
  /** Exit code of a usage error. */
  public static final int EXIT_USAGE = 2;
  /** Exit code of a job that ended in error. */
  public static final int EXIT_JOB_ERROR = 3;

  private BitsCli() {}

  /** Runs the command line and exits with its code. */
  public static void main(String[] args) {
    // Netty's leak detector samples one buffer in 128 and records its stack: a debugging aid
    // that costs a served request about 2 % of its CPU. Off for the CLI's servers unless asked
    // for (-Dio.netty.leakDetection.level=simple|advanced|paranoid); embedders keep Netty's default.
    if (System.getProperty("io.netty.leakDetection.level") == null) {
      System.setProperty("io.netty.leakDetection.level", "disabled");
    }
    // The library's System.Logger records (the Controller's warnings while a node is unreachable)
    // go to java.util.logging, whose default console format prints each cause's stack trace: one
    // line per record instead, the report names the cause. A logging configuration or a format
    // given with -D still wins.
    if (System.getProperty("java.util.logging.config.file") == null
        && System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty("java.util.logging.SimpleFormatter.format", "bits: %4$s: %5$s%n");
    }
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** The subcommands, in the order help lists them. */
  private static final List<Class<?>> SUBCOMMANDS = List.of(
      GetCommand.class, CheckCommand.class, JobsCommand.class, JobsCommand.Cancel.class, JobsCommand.Complete.class,
      JobsCommand.Resume.class, JobsCommand.Suspend.class, ServeCommand.class, UsersCommand.class,
      NodeCommand.class, TransferCommand.class, DemoCommand.class, CommandLine.HelpCommand.class);

  /** Runs the command line with the given streams and returns the exit code (for tests). */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new BitsCli());
    // Picocli builds the model of every registered command up front, by reflection on a cold
    // JVM: when the first argument names a command, register only that one (a usage error of
    // 'bits get' took 0.259 s with all twelve, 0.225 s so); help, options and unknown names
    // get them all.
    Class<?> only = null;
    for (Class<?> c : SUBCOMMANDS) {
      if (args.length > 0 && c != CommandLine.HelpCommand.class
          && c.getAnnotation(Command.class).name().equals(args[0])) {
        only = c;
      }
    }
    for (Class<?> c : SUBCOMMANDS) {
      if (only == null || c == only) {
        cl.addSubcommand(c);
      }
    }
    cl.setOut(out);
    cl.setErr(err);
    // A mistyped option or a missing argument: one line that says what is wrong and where the help
    // is, like our own refusals ("bits: …"), instead of thirty lines of usage with the error above
    // them. Without a command the overview is the help wanted, so it is shown.
    cl.setParameterExceptionHandler((e, arguments) -> {
      CommandLine c = e.getCommandLine();
      PrintWriter w = c.getErr();
      if (String.valueOf(e.getMessage()).startsWith("Missing required subcommand")) {
        w.println("bits: " + e.getMessage());
        c.usage(w);
        return EXIT_USAGE;
      }
      w.println("bits: " + e.getMessage().replaceFirst("^Error: ", ""));
      CommandLine.UnmatchedArgumentException.printSuggestions(e, w);
      w.println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for more information.");
      return EXIT_USAGE;
    });
    cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      if (e instanceof BitsException be) {
        commandLine.getErr().println("bits: " + be.getMessage());
        // An input that does not parse (prefix, SDDL, suffix, name) is the user's usage error.
        return be.hresult() == Hresult.E_INVALIDARG ? EXIT_USAGE : EXIT_REFUSED;
      }
      if (e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
        commandLine.getErr().println("bits: " + e.getMessage());
        return EXIT_USAGE;
      }
      Throwable t = e instanceof java.io.UncheckedIOException u ? u.getCause() : e;
      String file = t instanceof java.nio.file.FileSystemException f ? f.getFile() : null;
      String what = t instanceof java.nio.file.NoSuchFileException ? "no such file or directory"
          : t instanceof java.nio.file.AccessDeniedException ? "permission denied"
          : t instanceof java.nio.file.NotDirectoryException ? "not a directory"
          : t instanceof java.nio.file.FileAlreadyExistsException ? "already exists (a file where a directory is needed?)"
          : null;
      if (what != null) { // the operator's path: a usage error
        commandLine.getErr().println("bits: " + what + ": " + file);
        return EXIT_USAGE;
      }
      // anything else: one line naming it, the stack trace only when asked for
      commandLine.getErr().println("bits: " + t.getClass().getSimpleName()
          + (t.getMessage() == null ? "" : ": " + t.getMessage()) + " (BITS_DEBUG=1 prints the stack trace)");
      if ("1".equals(System.getenv("BITS_DEBUG"))) {
        t.printStackTrace(commandLine.getErr());
      }
      return EXIT_REFUSED;
    });
    return cl.execute(args);
  }

  /** The version from the jar manifest, or "development" when run from classes. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = BitsCli.class.getPackage().getImplementationVersion();
      return new String[] {"bits4j " + (v == null ? "development" : v)};
    }
  }
}
