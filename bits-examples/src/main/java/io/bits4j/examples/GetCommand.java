package io.bits4j.examples;

import io.bits4j.ClientCertificate;
import io.bits4j.ClientJob;
import io.bits4j.CompleteStatus;
import io.bits4j.CredentialScheme;
import io.bits4j.Credentials;
import io.bits4j.AuthTarget;
import io.bits4j.Hresult;
import io.bits4j.JobError;
import io.bits4j.JobPriority;
import io.bits4j.JobProgress;
import io.bits4j.JobSpec;
import io.bits4j.JobState;
import io.bits4j.client.portable.PortableBitsClient;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code bits get URL DEST}: downloads one file as a portable-client job, with a progress bar.
 * Re-running the same URL and destination after a crash resumes the persisted job.
 */
@Command(
    name = "get",
    sortOptions = false,
    description = {
        "Download URL to DEST as a BITS job (resumable, crash-safe).",
        "Exit 0 when the file is complete, 3 on a job error (the job stays: see 'bits jobs'), 2 on usage errors."})
final class GetCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "URL", description = "An http or https URL.", converter = UrlConverter.class)
  URI url = URI.create("http://invalid/");

  @Parameters(index = "1", paramLabel = "DEST", description = "The destination file (replaced if it exists).")
  Path dest = Path.of("");

  @Mixin ClientOptions client = new ClientOptions();

  @Option(names = "--priority", paramLabel = "P", description = "foreground, high, normal (default) or low.")
  String priority = "normal";

  @Mixin CredentialOptions credentials = new CredentialOptions();

  @Option(names = "--retry-delay", paramLabel = "S", description = "Minimum retry delay after a transient error, seconds (BITS default 600, at least 5).")
  @Nullable Long retryDelay;

  @Option(names = "--no-progress-timeout", paramLabel = "S", description = "Seconds without progress before a transient error becomes fatal (BITS default 1209600).")
  @Nullable Long noProgressTimeout;

  @Option(names = "--progress", paramLabel = "MODE", description = "bar, lines or none (default: bar on a terminal, lines otherwise).")
  @Nullable String progressMode;

  @Option(names = "--buffered-writes",
      description = "Write through the page cache instead of with direct I/O (for disks limited by their I/O count).")
  boolean bufferedWrites;

  /** How long one wait for the job to settle lasts before the progress display is refreshed. */
  private static final long TICK_MILLIS = 200;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    JobPriority p = parsePriority(priority);
    String mode = progressMode();
    Path destination = dest.toAbsolutePath().normalize();
    JobSpec.checkRemoteUrl(url);
    checkDestination(destination);
    Optional<Credentials[]> creds = credentials();
    Optional<ClientCertificate> cert = clientCertificate();
    try (PortableBitsClient bits = client.open(true, !bufferedWrites)) {
      ClientJob job = findJob(bits, destination).orElse(null);
      if (job != null) {
        out.println("resuming job " + job.id() + " (" + job.state() + ", " + job.progress() + ")");
      } else {
        JobSpec.Builder b = JobSpec.builder("bits get " + destination.getFileName())
            .description("bits get " + url + " -> " + destination)
            .priority(p)
            .addFile(url, destination);
        if (retryDelay != null) {
          b.minimumRetryDelay(Duration.ofSeconds(retryDelay));
        }
        if (noProgressTimeout != null) {
          b.noProgressTimeout(Duration.ofSeconds(noProgressTimeout));
        }
        job = bits.createJob(b.build());
        out.println("job " + job.id() + " created");
      }
      if (creds.isPresent()) {
        for (Credentials c : creds.get()) {
          job.setCredentials(c);
        }
      }
      if (cert.isPresent()) {
        job.setClientCertificate(cert.get());
      }
      if (job.state() != JobState.TRANSFERRED) {
        job.resume();
      }
      JobState end = follow(job, out, mode);
      if (end == JobState.TRANSFERRED) {
        CompleteStatus status = job.complete();
        if (status != CompleteStatus.COMPLETE) {
          err.println("bits: complete: " + Hresult.describe(status.hresult()));
          return BitsCli.EXIT_JOB_ERROR;
        }
        out.println("complete: " + destination + " (" + Files.size(destination) + " bytes)");
        return 0;
      }
      JobError e = job.error().orElse(null);
      err.println("bits: job " + job.id() + " is " + end
          + (e == null ? "" : ": " + Hresult.describe(e.hresult()) + " [context " + e.context() + "]"));
      err.println("bits: the job is kept; 'bits resume " + job.id() + "' retries it, 'bits cancel "
          + job.id() + "' drops it");
      return BitsCli.EXIT_JOB_ERROR;
    }
  }

  /**
   * The progress display: bar, lines or none. Checked before the job is created, so that a bad
   * {@code --progress} leaves no job behind.
   */
  private String progressMode() {
    String mode = progressMode != null ? progressMode.toLowerCase(Locale.ROOT)
        : (TransferCommand.ProgressView.onTerminal() ? "bar" : "lines");
    if (!mode.equals("bar") && !mode.equals("lines") && !mode.equals("none")) {
      throw new IllegalArgumentException("--progress takes bar, lines or none, not '" + progressMode + "'");
    }
    return mode;
  }

  /** Waits until the job settles, showing progress; TRANSIENT_ERROR is reported and waited out. */
  private JobState follow(ClientJob job, PrintWriter out, String mode) throws Exception {
    ProgressBar bar = null;
    long lastLine = 0;
    String lastLineText = "";
    String lastTransient = "";
    try {
      while (true) {
        CompletableFuture<JobState> outcome = job.outcome().toCompletableFuture();
        JobState s;
        try {
          s = outcome.get(TICK_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
          s = null;
        }
        JobProgress pr = job.progress();
        if (mode.equals("bar") && pr.isTotalKnown()) {
          if (bar == null) {
            // A resumed job starts from its durable offset: speed and ETA count only this run's bytes.
            bar = new ProgressBarBuilder().setTaskName("get").setInitialMax(pr.bytesTotal())
                .startsFrom(pr.bytesTransferred(), Duration.ZERO)
                .setStyle(ProgressBarStyle.ASCII).setUnit("MiB", 1 << 20).showSpeed().build();
          }
          bar.stepTo(pr.bytesTransferred());
        } else if (mode.equals("lines") && (System.nanoTime() - lastLine > 1_000_000_000L || s != null)) {
          // At most one line a second, and none while nothing moves (a job waiting out its retry
          // delay would otherwise log the same line 600 times per retry).
          String line = progressLine(pr);
          if (!line.equals(lastLineText)) {
            lastLine = System.nanoTime();
            lastLineText = line;
            out.println(line);
            out.flush();
          }
        }
        JobState now = job.state();
        if (now == JobState.TRANSIENT_ERROR) {
          String t = job.error().map(e -> Hresult.describe(e.hresult())).orElse("transient error");
          if (!t.equals(lastTransient)) {
            out.println("transient error (BITS retries after " + job.minimumRetryDelay().toSeconds() + " s): " + t);
            lastTransient = t;
          }
        }
        if (s != null) {
          return s;
        }
      }
    } finally {
      if (bar != null) {
        bar.close();
      }
    }
  }

  /**
   * Refuses, before any job is created, a destination the job could only fail on: one in a
   * directory that does not exist (an ERROR after the first request) or one that is a directory
   * (an error at {@code complete()}, after the whole download).
   */
  private void checkDestination(Path destination) {
    if (Files.isDirectory(destination)) {
      String path = url.getPath() == null ? "" : url.getPath();
      String name = path.substring(path.lastIndexOf('/') + 1);
      throw new IllegalArgumentException("DEST " + destination + " is a directory: give the file to write, e.g. "
          + destination.resolve(name.isEmpty() ? "FILE" : name));
    }
    Path parent = destination.getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      throw new IllegalArgumentException("DEST's directory " + parent + " does not exist: create it first");
    }
  }

  /** Reads URL, saying how to write one when the scheme is missing. */
  static final class UrlConverter implements CommandLine.ITypeConverter<URI> {
    @Override
    public URI convert(String text) {
      if (!text.contains("://")) {
        throw new CommandLine.TypeConversionException("'" + text + "' is not an http or https URL: write it with its"
            + " scheme, e.g. http://" + text);
      }
      URI u;
      try {
        u = new URI(text);
      } catch (URISyntaxException e) {
        // spaces and other characters a URL cannot hold as they are: say which, and where
        throw new CommandLine.TypeConversionException("'" + text + "' is not a valid URL: " + e.getReason()
            + " at index " + e.getIndex() + " (percent-encode it, e.g. a space as %20)");
      }
      if (u.getScheme() == null) {
        throw new CommandLine.TypeConversionException("'" + text + "' is not an http or https URL: write it with its"
            + " scheme, e.g. http://" + text);
      }
      String scheme = u.getScheme().toLowerCase(java.util.Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        throw new CommandLine.TypeConversionException("'" + text + "' is a " + u.getScheme()
            + " URL: BITS downloads http and https URLs only");
      }
      if (u.getHost() == null) {
        throw new CommandLine.TypeConversionException("'" + text + "' has no host name");
      }
      return u;
    }
  }

  static String progressLine(JobProgress p) {
    if (!p.isTotalKnown()) {
      return String.format(Locale.ROOT, "%,d bytes", p.bytesTransferred());
    }
    return String.format(Locale.ROOT, "%5.1f%% %,d/%,d bytes", 100 * p.fraction(), p.bytesTransferred(), p.bytesTotal());
  }

  /** A persisted, unfinished job for the same URL and destination (the one a crash left). */
  private Optional<ClientJob> findJob(PortableBitsClient bits, Path destination) {
    return bits.jobs().stream()
        .filter(j -> j.files().size() == 1
            && j.files().get(0).remoteUrl().equals(url)
            && j.files().get(0).localFile().equals(destination))
        .findFirst();
  }

  private Optional<Credentials[]> credentials() {
    String user = credentials.user;
    String password = credentials.password();
    if (user == null || password == null) {
      return Optional.empty();
    }
    return Optional.of(new Credentials[] {
        new Credentials(AuthTarget.SERVER, CredentialScheme.BASIC, user, password),
        new Credentials(AuthTarget.SERVER, CredentialScheme.DIGEST, user, password)});
  }

  private Optional<ClientCertificate> clientCertificate() {
    CredentialOptions.Pkcs12 p12 = credentials.pkcs12();
    return p12 == null ? Optional.empty()
        : Optional.of(ClientCertificate.fromKeyStore(p12.store(), p12.alias(), p12.password()));
  }

  static JobPriority parsePriority(String s) {
    try {
      return JobPriority.valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--priority takes foreground, high, normal or low, not '" + s + "'");
    }
  }
}
