package io.bits4j.client.portable;

import io.bits4j.BitsClient;
import io.bits4j.ClientCapability;
import io.bits4j.ClientJob;
import io.bits4j.JobId;
import io.bits4j.JobSpec;
import io.bits4j.Scheduler;
import io.bits4j.client.portable.internal.Engine;
import io.bits4j.client.portable.internal.HttpSessions;
import io.bits4j.client.portable.internal.TlsSupport;
import java.net.ProxySelector;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * A pure-Java BITS client for any OS: download jobs with BITS semantics (states, retries,
 * priorities, complete/cancel) that survive crashes and restarts.
 *
 * <p>How it works: each job's files download over HTTP/1.1 into hidden temporary files beside their
 * destinations ({@code .NAME.bits4j-ID-N.tmp}), first a {@code HEAD} for size and validators, then
 * {@code GET}s with {@code Range} from the durable offset and {@code If-Range}, and a second {@code
 * HEAD} after the last byte (a file the server now describes as another version is transferred
 * again: a response can end with bytes of a version written in place under it). Received data is
 * forced to disk at least every 4 MiB and every second before the offset recorded in the job's
 * state file advances; state files are replaced atomically in the state directory, which one client
 * (one process) holds at a time. Reopening a client on the same directory resumes its jobs. The files
 * appear under their final names only on {@link ClientJob#complete()} (an atomic rename).
 *
 * <pre>{@code
 * try (PortableBitsClient client = PortableBitsClient.builder().stateDirectory(dir).build()) {
 *   ClientJob job = client.createJob(JobSpec.builder("image")
 *       .addFile(URI.create("https://server/Carmine/image.vhd"), Path.of("/data/image.vhd"))
 *       .start(true).build());
 *   if (job.outcome().toCompletableFuture().join() == JobState.TRANSFERRED) job.complete();
 * }
 * }</pre>
 *
 * <p>HTTP: a small blocking HTTP/1.1 client over {@code Socket}/{@code SSLSocket} (keep-alive,
 * {@code Accept-Encoding: identity}, redirects up to 10 hops and never from HTTPS to HTTP, Basic and
 * Digest (MD5, SHA-256) for server and proxy — server credentials go only to the origin that
 * challenged — CONNECT tunnels with {@code Proxy-Authorization}).
 * Proxies: {@link io.bits4j.ProxyUsage#OVERRIDE} uses the job's {@code host:port} list and bypass
 * patterns ({@code *} wildcards, {@code <local>}); PRECONFIG and AUTODETECT use the builder's {@link
 * ProxySelector} (HTTP and SOCKS proxies); NO_PROXY connects directly. A 200 answer to a ranged
 * request restarts the file from zero if its validators changed, and is a transient
 * BG_E_INSUFFICIENT_RANGE_SUPPORT error otherwise; a {@code Retry-After} shorter than the job's
 * retry delay is honoured.
 *
 * <p>Errors: HTTP statuses become {@code BG_E_HTTP_ERROR_nnn} (context REMOTE_FILE; 408, 409, 429
 * and 5xx other than 501/505 are transient, the rest fatal); connect failures, cut connections and
 * silent connections (read timeout) are transient; local I/O failures are fatal with context
 * LOCAL_FILE. A connection lost after progress is retried at once, up to three times without
 * progress, then the job waits in TRANSIENT_ERROR for its minimum retry delay; with no progress for
 * its no-progress timeout it goes to ERROR. All of this is timed by the builder's {@link Scheduler}.
 *
 * <p>Scheduling: FOREGROUND jobs run concurrently (up to the number of transfer workers); other jobs
 * run one at a time, HIGH before NORMAL before LOW, and jobs of one priority take turns every time
 * slice. Listeners are called on a notification thread owned by the client. Credentials: Basic and
 * Digest, for server and proxy; client certificates from a Java {@link KeyStore}. Credentials are
 * kept in the state files (readable by the owner only) so that jobs can resume after a restart;
 * key-store client certificates are not persisted and must be set again after a restart.
 *
 * <p>Jobs without activity (progress, or a change by the application) for the {@linkplain
 * Builder#jobInactivityTimeout job inactivity timeout} (90 days, as BITS) are cancelled by the
 * client, across restarts too.
 *
 * <p>{@code suspend()}, {@code complete()} and {@code cancel()} return once the job's transfer
 * has stopped (a few milliseconds: the connection is closed and received data forced to disk).
 *
 * <p>Thread-safety: safe for use from any thread. {@link #close()} is idempotent; it stops the
 * transfers (jobs stay, with their progress) and releases the state directory.
 */
public final class PortableBitsClient implements BitsClient {
  private static final Set<ClientCapability> CAPABILITIES = Set.copyOf(EnumSet.of(
      ClientCapability.SUSPEND, ClientCapability.CUSTOM_HEADERS,
      ClientCapability.KEYSTORE_CLIENT_CERTIFICATE, ClientCapability.PROXY_OVERRIDE,
      ClientCapability.BASIC_CREDENTIALS, ClientCapability.DIGEST_CREDENTIALS,
      ClientCapability.PUSH_NOTIFICATIONS, ClientCapability.PERSISTENT_JOBS));

  private final Engine engine;

  private PortableBitsClient(Engine engine) {
    this.engine = engine;
  }

  /** A builder with the defaults (state directory {@code ~/.bits4j}, system scheduler, 4 workers). */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public ClientJob createJob(JobSpec spec) {
    return engine.createJob(spec);
  }

  @Override
  public Optional<ClientJob> findJob(JobId id) {
    return engine.findJob(Objects.requireNonNull(id, "id"));
  }

  @Override
  public List<ClientJob> jobs() {
    return engine.jobs();
  }

  @Override
  public Set<ClientCapability> capabilities() {
    return CAPABILITIES;
  }

  /** The state directory this client holds. */
  public Path stateDirectory() {
    return engine.stateDirectory();
  }

  /**
   * Stops the transfers (their bytes so far stay durable for a later client on this state
   * directory), writes every job's state and releases the directory; idempotent. Afterwards
   * {@link #createJob}, {@link #findJob} and {@link #jobs()} throw {@link IllegalStateException};
   * the jobs can still be read, and their methods that change a job throw {@link
   * io.bits4j.BitsException} {@code BG_E_INVALID_STATE}: nothing could record the change any more.
   * A call made while another is closing returns once the directory is released.
   */
  @Override
  public void close() {
    engine.close();
  }

  @Override
  public String toString() {
    return "PortableBitsClient[" + engine.stateDirectory() + "]";
  }

  /**
   * Configures a {@link PortableBitsClient}. Not thread-safe.
   *
   * <pre>{@code
   * PortableBitsClient client = PortableBitsClient.builder()
   *     .stateDirectory(Path.of("/var/lib/app/bits"))
   *     .trustStore(trusted)
   *     .bandwidthLimit(10_000_000)
   *     .build();
   * }</pre>
   */
  public static final class Builder {
    /** Data is forced and its offset recorded at least every this many bytes. */
    public static final long DEFAULT_DURABILITY_BYTES = 4L << 20;
    /** BITS's default JobInactivityTimeout: a job without activity for 90 days is cancelled. */
    public static final Duration DEFAULT_JOB_INACTIVITY_TIMEOUT = Duration.ofDays(90);

    private Path stateDirectory = Path.of(System.getProperty("user.home", "."), ".bits4j");
    private Scheduler scheduler = Scheduler.system();
    private int transferWorkers = 4;
    private long bandwidthLimit;
    private @Nullable SSLContext sslContext;
    private @Nullable KeyStore trustStore;
    private @Nullable ProxySelector proxySelector;
    private Duration connectTimeout = Duration.ofSeconds(30);
    private Duration readTimeout = Duration.ofSeconds(60);
    private Duration timeSlice = Duration.ofMinutes(1);
    private long durabilityBytes = DEFAULT_DURABILITY_BYTES;
    private Duration durabilityInterval = Duration.ofSeconds(1);
    private boolean transfers = true;
    private boolean directWrites = true;
    private Duration jobInactivityTimeout = DEFAULT_JOB_INACTIVITY_TIMEOUT;

    private Builder() {}

    /** The directory holding the jobs' state (created if missing; default {@code ~/.bits4j}). */
    public Builder stateDirectory(Path dir) {
      this.stateDirectory = Objects.requireNonNull(dir, "dir");
      return this;
    }

    /** The clock and timer for retry delays, timeouts, time slices and the bandwidth limit. */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /** How many files may transfer at once (foreground jobs run concurrently up to this); ≥ 1. */
    public Builder transferWorkers(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("transferWorkers must be >= 1: " + n);
      }
      this.transferWorkers = n;
      return this;
    }

    /** A global limit on received bytes per second across all jobs; 0 (default) for none. */
    public Builder bandwidthLimit(long bytesPerSecond) {
      if (bytesPerSecond < 0) {
        throw new IllegalArgumentException("bandwidthLimit must be >= 0: " + bytesPerSecond);
      }
      this.bandwidthLimit = bytesPerSecond;
      return this;
    }

    /**
     * An SSL context used as is for HTTPS. Jobs with a key-store client certificate then fail;
     * prefer {@link #trustStore(KeyStore)}, which combines with them.
     */
    public Builder sslContext(SSLContext context) {
      this.sslContext = Objects.requireNonNull(context, "context");
      return this;
    }

    /** The certificates trusted for HTTPS servers (default: the JDK's trust store). */
    public Builder trustStore(KeyStore trusted) {
      this.trustStore = Objects.requireNonNull(trusted, "trusted");
      return this;
    }

    /**
     * The proxy selector for jobs with preconfigured proxy settings (default: {@link
     * ProxySelector#getDefault()}).
     */
    public Builder proxySelector(ProxySelector selector) {
      this.proxySelector = Objects.requireNonNull(selector, "selector");
      return this;
    }

    /** How long to wait for a TCP connection (default 30 s). */
    public Builder connectTimeout(Duration d) {
      this.connectTimeout = positive(d, "connectTimeout");
      return this;
    }

    /** How long a connection may stay silent before the attempt fails transiently (default 60 s). */
    public Builder readTimeout(Duration d) {
      this.readTimeout = positive(d, "readTimeout");
      return this;
    }

    /** How long a background job runs before others of its priority get a turn (default 1 min). */
    public Builder timeSlice(Duration d) {
      this.timeSlice = positive(d, "timeSlice");
      return this;
    }

    /**
     * How much data may be received before it is forced to disk and its offset recorded: at most
     * {@code bytes} (1 KiB – 64 MiB, default 4 MiB) or {@code interval} (default 1 s). After a
     * crash, at most this much is downloaded again.
     */
    public Builder durability(long bytes, Duration interval) {
      if (bytes < 1024 || bytes > (64L << 20)) {
        throw new IllegalArgumentException("durability bytes must be 1 KiB to 64 MiB: " + bytes);
      }
      this.durabilityBytes = bytes;
      this.durabilityInterval = positive(interval, "interval");
      return this;
    }

    /**
     * Whether this client transfers (default true). A client built with {@code false} only manages
     * jobs — lists, creates, completes, cancels, suspends and resumes them (resumed jobs wait in
     * QUEUED) — for example a command that inspects a state directory without starting downloads
     * in its short-lived process.
     */
    public Builder transfers(boolean enabled) {
      this.transfers = enabled;
      return this;
    }

    /**
     * Whether downloads are written to their temp files with direct I/O ({@code O_DIRECT}) where
     * the file system supports it (default true). Received bytes are then staged in one aligned
     * buffer of the durability window per transfer (about 4 MiB of native memory) and written
     * straight to the disk at each checkpoint, bypassing the page cache: less copying, nothing left
     * for the kernel to write back, and the machine's file cache is not filled with downloads
     * nobody reads yet. Where direct I/O is refused (tmpfs on older kernels, some network file
     * systems), the durability window is under 256 KiB or the JVM's direct memory is exhausted,
     * files are written through the page cache, as with {@code false}. Durability is the same
     * either way. On disks limited by their number of I/O requests rather than bytes, {@code false}
     * can be faster: direct writes made about 15 % more requests per GiB where this was measured.
     */
    public Builder directWrites(boolean enabled) {
      this.directWrites = enabled;
      return this;
    }

    /**
     * How long a job may go without activity before the client cancels it, as BITS does under its
     * JobInactivityTimeout policy (default {@link #DEFAULT_JOB_INACTIVITY_TIMEOUT}, 90 days).
     * Activity is progress (bytes received) and every change the application makes: creating the
     * job, setting a property, adding a file, {@code resume()} and {@code suspend()}. The client's
     * own state changes — dispatching, time slices, retries, errors — are not: a job that keeps
     * failing transiently, with a no-progress timeout longer than this, is cancelled at this limit,
     * as BITS does. A job that is TRANSFERRED but never completed, or SUSPENDED or in ERROR and
     * forgotten, ends the same way.
     *
     * <p>The job is cancelled as by {@link ClientJob#cancel()}: its temporary files are deleted, its
     * state becomes CANCELLED ({@link io.bits4j.JobListener#jobModified} and {@link
     * ClientJob#outcome()} see it as any cancel; {@code error()} stays empty) and its state file is
     * removed; the client logs it at INFO. Time is the {@link #scheduler(Scheduler)}'s, and the limit
     * holds across restarts: jobs whose last activity is older when a client opens the state
     * directory are cancelled before {@link #build()} returns. One timer, due at the earliest
     * deadline, does the checking while the client is open.
     *
     * <p>BITS has no way to turn the timeout off, and neither has this client: a duration beyond
     * the range of {@link java.time.Instant} (such as {@code ChronoUnit.FOREVER.getDuration()})
     * never expires.
     *
     * <pre>{@code
     * PortableBitsClient client = PortableBitsClient.builder()
     *     .jobInactivityTimeout(Duration.ofDays(30))
     *     .build();
     * }</pre>
     *
     * @throws IllegalArgumentException if {@code timeout} is zero or negative
     */
    public Builder jobInactivityTimeout(Duration timeout) {
      this.jobInactivityTimeout = positive(timeout, "jobInactivityTimeout");
      return this;
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive: " + d);
      }
      return d;
    }

    /**
     * Opens the client: locks the state directory and resumes its jobs.
     *
     * @throws io.bits4j.BitsException 0x80070020 (sharing violation) if another client holds the
     *     state directory, or a LOCAL_FILE error if it cannot be created or read
     */
    public PortableBitsClient build() {
      ProxySelector ps = proxySelector != null ? proxySelector : ProxySelector.getDefault();
      TlsSupport tls = new TlsSupport(sslContext, trustStore);
      Engine.Config cfg = new Engine.Config(stateDirectory, scheduler, transferWorkers, bandwidthLimit,
          HttpSessions.net(ps, tls, connectTimeout, readTimeout), timeSlice,
          durabilityBytes, durabilityInterval, transfers, directWrites, jobInactivityTimeout);
      return new PortableBitsClient(new Engine(cfg));
    }
  }
}
