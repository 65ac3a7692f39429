package io.bits4j.examples;

import io.bits4j.AuthScheme;
import io.bits4j.BitsException;
import io.bits4j.CompactServer;
import io.bits4j.Controller;
import io.bits4j.Credentials;
import io.bits4j.JobProgress;
import io.bits4j.Transfer;
import io.bits4j.TransferPlan;
import io.bits4j.TransferReport;
import io.bits4j.UrlPrefix;
import io.bits4j.wsman.WsmanSession;
import java.io.Console;
import java.io.PrintWriter;
import java.lang.reflect.Method;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bits transfer}: the {@link Controller} against two remote nodes over WS-Management —
 * publish a file on the server node, download it on the client node, watch, complete, clean up.
 *
 * <pre>
 * BITS_ADMIN_PW=... bits transfer --server-node https://srv:5986/wsman --client-node https://cli:5986/wsman \
 *     --user admin --password-env BITS_ADMIN_PW --trust nodes-ca.pem \
 *     --group http://+:8080/Carmine --host-name srv.example --source /srv/images/disk.vhd \
 *     --suffix disk.vhd --dest /data/disk.vhd
 * </pre>
 */
@Command(
    name = "transfer",
    sortOptions = false,
    mixinStandardHelpOptions = true,
    description = {
        "Publish --source (a path on the server node) under --group and download it to --dest on the client node, "
            + "driving both nodes over WS-Management.",
        "Exit 0 when the file is at its destination, 3 when the job failed, 1 when the transfer was refused, "
            + "cancelled or ran out of time, 2 on usage errors."})
final class TransferCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--server-node", paramLabel = "URL", required = true,
      description = "Management endpoint of the node with the compact server, e.g. https://srv:5986/wsman.")
  URI serverNode = URI.create("https://127.0.0.1:5986/wsman");

  @Option(names = "--client-node", paramLabel = "URL", required = true,
      description = "Management endpoint of the node with the BITS client.")
  URI clientNode = URI.create("https://127.0.0.1:5986/wsman");

  @Option(names = "--user", paramLabel = "USER", required = true, description = "An administrator on both nodes.")
  String user = "";

  @Option(names = "--password-env", paramLabel = "VAR", required = true,
      description = "The environment variable holding the password (never given as a flag).")
  String passwordEnv = "";

  /** How the nodes' certificates are checked: a PEM file, a pinned fingerprint, or the system trust store. */
  static final class TrustArg {
    @Option(names = "--trust", paramLabel = "PEM", description = "Trust the certificates in PEM (a CA or the nodes' own).")
    @Nullable Path trust;

    @Option(names = "--pin", paramLabel = "SHA256",
        description = "Trust exactly the node certificate with this SHA-256 fingerprint (as 'bits node' prints it).")
    @Nullable String pin;
  }

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  @Nullable TrustArg trust;

  @Option(names = "--group", paramLabel = "PREFIX", required = true,
      description = "The URL group on the server node, e.g. http://+:8080/Carmine (created if absent, removed after if created).")
  String group = "";

  @Option(names = "--source", paramLabel = "PATH", required = true, description = "The file to publish: a path on the server node.")
  String source = "";

  @Option(names = "--suffix", paramLabel = "S", description = "URL suffix (default: <transfer id>/<file name>).")
  @Nullable String suffix;

  @Option(names = "--dest", paramLabel = "PATH", required = true, description = "Absolute destination path on the client node.")
  String dest = "";

  @Option(names = "--host-name", paramLabel = "H",
      description = "Host name the client uses in the URL (default: the group's host; required for + and *).")
  @Nullable String hostName;

  @Option(names = "--deadline", paramLabel = "S", description = "Cancel the transfer after S seconds. Without it a job whose server is gone is "
      + "retried as BITS does, until its no-progress timeout (14 days by default).")
  @Nullable Long deadlineSeconds;

  @Option(names = "--auth", paramLabel = "SCHEME", split = ",",
      description = "Enable basic and/or digest on the group; the job then authenticates as --user with the same password.")
  List<String> auth = new ArrayList<>();

  @Option(names = "--ssl-cert-hash", paramLabel = "SHA1",
      description = "For an https --group: bind the certificate with this SHA-1 thumbprint from the server node's "
          + "certificate store (bits node --cert-store) to the group's port first; unbound afterwards if none was bound before.")
  @Nullable String sslCertHash;

  @Option(names = "--cert-store-name", paramLabel = "NAME", description = "Store of --ssl-cert-hash (default: ${DEFAULT-VALUE}).")
  String certStoreName = "MY";

  @Option(names = "--progress", paramLabel = "MODE", description = "bar, lines or none (default: bar on a terminal, lines otherwise).")
  @Nullable String progressMode;

  @Option(names = "--poll-interval-ms", paramLabel = "MS", hidden = true, description = "Job polling interval.")
  long pollIntervalMs = 500;

  @Override
  public Integer call() throws InterruptedException {
    char[] password = CredentialOptions.passwordFromEnv(passwordEnv).toCharArray();
    try {
      return run(spec.commandLine().getOut(), password);
    } finally {
      Arrays.fill(password, '\0');
    }
  }

  /** Runs the transfer with this password; returns the exit code (0, 1 or 3), throws on refusals before it starts. */
  int run(PrintWriter out, char[] password) throws InterruptedException {
    UrlPrefix prefix = UrlPrefix.parse(group);
    List<AuthScheme> schemes = new ArrayList<>();
    for (String a : auth) {
      schemes.add(switch (a.trim().toLowerCase(Locale.ROOT)) {
        case "basic" -> AuthScheme.BASIC;
        case "digest" -> AuthScheme.DIGEST;
        default -> throw new IllegalArgumentException("--auth takes basic or digest, not '" + a + "'");
      });
    }
    TransferPlan.Builder pb = TransferPlan.builder(Path.of(source), prefix).target("client", Path.of(dest));
    if (suffix != null) {
      pb.suffix(suffix);
    }
    if (hostName != null) {
      pb.hostName(hostName);
    }
    if (deadlineSeconds != null) {
      if (deadlineSeconds <= 0) {
        throw new IllegalArgumentException("--deadline must be positive: " + deadlineSeconds);
      }
      pb.deadline(Duration.ofSeconds(deadlineSeconds));
    }
    for (AuthScheme s : schemes) {
      pb.authentication(s);
    }
    if (!schemes.isEmpty()) {
      String p = new String(password);
      pb.credentials(schemes.contains(AuthScheme.DIGEST) && !schemes.contains(AuthScheme.BASIC)
          ? Credentials.digest(user, p) : Credentials.basic(user, p));
    }
    if (pollIntervalMs <= 0) {
      throw new IllegalArgumentException("--poll-interval-ms must be positive");
    }
    ProgressView.Mode mode = ProgressView.mode(progressMode);
    byte[] thumbprint = null;
    if (sslCertHash != null) {
      if (!prefix.isSecure()) {
        throw new IllegalArgumentException("--ssl-cert-hash is for an https --group");
      }
      String hex = sslCertHash.replace(":", "").strip();
      if (!hex.matches("[0-9a-fA-F]{40}")) {
        throw new IllegalArgumentException("--ssl-cert-hash takes a SHA-1 thumbprint (40 hex digits): " + sslCertHash);
      }
      thumbprint = HexFormat.of().parseHex(hex.toLowerCase(Locale.ROOT));
    }
    TransferPlan plan = pb.build();
    Duration poll = Duration.ofMillis(pollIntervalMs);
    try (WsmanSession serverSession = session(serverNode, password, poll);
        WsmanSession clientSession = session(clientNode, password, poll);
        Controller controller = Controller.builder().server(serverSession.compactServer())
            .client("client", clientSession.bitsClient()).pollInterval(poll).build()) {
      // Fail fast (E_ACCESSDENIED, unreachable, untrusted) before anything is created.
      serverSession.identify();
      clientSession.identify();
      CompactServer server = serverSession.compactServer();
      boolean bound = false;
      if (thumbprint == null && prefix.isSecure() && noCertificate(server, prefix.port())) {
        // the jobs could never connect: each would wait in TRANSIENT_ERROR until its no-progress timeout
        throw new IllegalArgumentException("no TLS certificate is bound to port " + prefix.port()
            + " on the server node: give --ssl-cert-hash SHA1 (a certificate in the node's --cert-store)");
      }
      if (thumbprint != null) {
        bound = server.sslCertificate(prefix.port()).isEmpty();
        server.setSslCertificate(prefix.port(), certStoreName, thumbprint);
        out.println("bound certificate " + HexFormat.of().formatHex(thumbprint) + " (" + certStoreName + ") to port "
            + prefix.port() + " on the server node");
      }
      try {
        TransferReport report = runWithProgress(controller, plan, out, "transfer", mode);
        printReport(out, report);
        return exitCode(report);
      } finally {
        if (bound) {
          server.removeSslCertificate(prefix.port());
          out.println("unbound the certificate from port " + prefix.port());
        }
      }
    }
  }

  private WsmanSession session(URI endpoint, char[] password, Duration poll) {
    WsmanSession.Builder b = WsmanSession.builder(endpoint).basic(user, password).pollInterval(poll);
    TrustArg t = trust;
    if (t != null && t.trust != null) {
      b.trustPem(t.trust);
    } else if (t != null && t.pin != null) {
      b.pinSha256(t.pin);
    }
    return b.build();
  }

  /**
   * Starts the plan and follows it with a progress display until the report is in; Ctrl-C (a JVM
   * shutdown) cancels the transfer and waits up to a minute for its cleanup.
   */
  static TransferReport runWithProgress(Controller controller, TransferPlan plan, PrintWriter out, String task,
      ProgressView.Mode mode) throws InterruptedException {
    Transfer transfer = controller.start(plan);
    CompletableFuture<TransferReport> result = transfer.result().toCompletableFuture();
    Thread hook = new Thread(() -> {
      if (transfer.cancel()) {
        try {
          result.get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
          // the JVM is going anyway; nothing more can be done
        }
      }
    }, "bits-transfer-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try (ProgressView view = ProgressView.open(task, out, mode)) {
      while (true) {
        view.update(transfer.progress());
        try {
          TransferReport report = result.get(250, TimeUnit.MILLISECONDS);
          long total = 0;
          long done = 0;
          for (TransferReport.TargetResult r : report.targets()) {
            total += Math.max(0, r.progress().bytesTotal());
            done += r.progress().bytesTransferred();
          }
          view.update(new JobProgress(total, done, 0, 0));
          return report;
        } catch (TimeoutException e) {
          // not yet: show progress again
        } catch (ExecutionException e) {
          throw new IllegalStateException("transfer failed unexpectedly: " + e.getCause(), e.getCause());
        }
      }
    } catch (InterruptedException e) {
      transfer.cancel();
      throw e;
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // already shutting down: the hook is running
      }
    }
  }

  /** 0 when every target completed, 3 when a job failed, 1 otherwise. */
  /** True when the server says no certificate is bound to the port (false when it cannot say). */
  private static boolean noCertificate(CompactServer server, int port) {
    try {
      return server.sslCertificate(port).isEmpty();
    } catch (BitsException e) {
      return false; // a target that cannot report its bindings: let the transfer show what happens
    }
  }

  static int exitCode(TransferReport report) {
    if (report.isSuccess()) {
      return 0;
    }
    boolean jobFailed = report.targets().stream().anyMatch(t -> t.outcome() == TransferReport.TargetOutcome.FAILED
        || t.outcome() == TransferReport.TargetOutcome.TRANSIENT_ERRORS_EXHAUSTED);
    return jobFailed ? BitsCli.EXIT_JOB_ERROR : BitsCli.EXIT_REFUSED;
  }

  /** Prints the report: outcome, URL, one line per target, cleanup. */
  static void printReport(PrintWriter out, TransferReport r) {
    Duration took = Duration.between(r.started(), r.finished());
    out.printf(Locale.ROOT, "transfer %s: %s in %.2f s%n", r.transferId(), r.outcome(), took.toMillis() / 1000.0);
    out.println("  url: " + r.url().map(URI::toString).orElse("(never published)"));
    for (TransferReport.TargetResult t : r.targets()) {
      StringBuilder line = new StringBuilder("  ").append(t.client()).append(" -> ").append(t.destination())
          .append(": ").append(t.outcome())
          .append(" (").append(mib(t.progress().bytesTransferred())).append(" transferred");
      t.jobId().ifPresent(id -> line.append(", job ").append(id));
      t.lastState().ifPresent(s -> line.append(", last state ").append(s));
      line.append(')');
      t.error().ifPresent(e -> line.append(" error: ").append(e));
      t.problem().ifPresent(p -> line.append(" problem: ").append(p));
      out.println(line);
    }
    out.println("  cleanup: " + (r.isClean() ? "clean" : "INCOMPLETE: " + String.join("; ", r.cleanupProblems())));
    // what the nodes' HRESULTs usually mean here (a node does not say more, so that its replies
    // never show its file system)
    String problems = r.targets().stream().map(t -> t.problem().orElse("") + " " + t.error().map(Object::toString)
        .orElse("")).collect(java.util.stream.Collectors.joining(" "));
    if (problems.contains("E_ACCESSDENIED")) {
      out.println("  hint: a node publishes only files under its --serve-root, downloads only into its"
          + " --download-root, and may lack the privilege to open a port below 1024");
    }
    if (problems.contains("ERROR_ALREADY_EXISTS") && r.url().isEmpty()) {
      out.println("  hint: the group's port may be in use by another program on the server node");
    }
    out.flush();
  }

  static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
  }

  /**
   * Shows progress: a progress bar on an interactive terminal, otherwise a plain line at every
   * tenth of the way (and when the size becomes known). Not thread-safe.
   */
  static final class ProgressView implements AutoCloseable {
    private final String task;
    private final PrintWriter out;
    private final @Nullable ProgressBar bar;
    private int lastTenth = -2;
    private boolean lastKnown;

    private ProgressView(String task, PrintWriter out, @Nullable ProgressBar bar) {
      this.task = task;
      this.out = out;
      this.bar = bar;
    }

    /** How progress is shown. */
    enum Mode {
      /** A progress bar (on standard error). */
      BAR,
      /** A plain line at every tenth of the way. */
      LINES,
      /** Nothing. */
      NONE
    }

    private boolean silent;

    /** Parses a {@code --progress} value; null picks a bar on a terminal and lines otherwise. */
    static Mode mode(@Nullable String text) {
      if (text == null) {
        return onTerminal() ? Mode.BAR : Mode.LINES;
      }
      return switch (text.toLowerCase(Locale.ROOT)) {
        case "bar" -> Mode.BAR;
        case "lines" -> Mode.LINES;
        case "none" -> Mode.NONE;
        default -> throw new IllegalArgumentException("--progress takes bar, lines or none, not '" + text + "'");
      };
    }

    static ProgressView open(String task, PrintWriter out, Mode mode) {
      if (mode != Mode.BAR) {
        ProgressView v = new ProgressView(task, out, null);
        v.silent = mode == Mode.NONE;
        return v;
      }
      ProgressBar bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(-1).setUnit("MiB", 1L << 20)
          .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(200).showSpeed().build();
      return new ProgressView(task, out, bar);
    }

    /** True when standard output is an interactive terminal (JDK 22+: {@code Console.isTerminal()}). */
    static boolean onTerminal() {
      Console console = System.console();
      if (console == null) {
        return false;
      }
      try {
        Method isTerminal = Console.class.getMethod("isTerminal");
        return Boolean.TRUE.equals(isTerminal.invoke(console));
      } catch (NoSuchMethodException e) {
        return true; // JDK 17-21: a console exists only on a terminal
      } catch (ReflectiveOperationException e) {
        return false;
      }
    }

    void update(JobProgress p) {
      ProgressBar b = bar;
      if (b != null) {
        if (p.isTotalKnown()) {
          b.maxHint(p.bytesTotal());
        }
        b.stepTo(p.bytesTransferred());
        return;
      }
      if (silent) {
        return;
      }
      long total = p.bytesTotal();
      boolean known = p.isTotalKnown() && total > 0;
      int tenth = known ? (int) Math.min(10, p.bytesTransferred() * 10 / total) : -1;
      if (tenth != lastTenth || known != lastKnown) {
        lastTenth = tenth;
        lastKnown = known;
        out.printf(Locale.ROOT, "%s: %s of %s%s%n", task, mib(p.bytesTransferred()),
            known ? mib(total) : "(size unknown)", tenth >= 0 ? " (" + tenth * 10 + "%)" : "");
        out.flush();
      }
    }

    @Override
    public void close() {
      ProgressBar b = bar;
      if (b != null) {
        b.close();
      }
    }
  }
}
