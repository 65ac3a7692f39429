package io.bits4j.testkit;

import io.bits4j.AccessPolicy;
import io.bits4j.AuthScheme;
import io.bits4j.AuthTarget;
import io.bits4j.BitsClient;
import io.bits4j.BitsException;
import io.bits4j.ClientCapability;
import io.bits4j.ClientCertificate;
import io.bits4j.ClientJob;
import io.bits4j.CompleteStatus;
import io.bits4j.CredentialScheme;
import io.bits4j.Credentials;
import io.bits4j.ErrorContext;
import io.bits4j.HostedFile;
import io.bits4j.Hresult;
import io.bits4j.JobError;
import io.bits4j.JobFile;
import io.bits4j.JobId;
import io.bits4j.JobListener;
import io.bits4j.JobPriority;
import io.bits4j.JobProgress;
import io.bits4j.JobSpec;
import io.bits4j.JobState;
import io.bits4j.JobTimes;
import io.bits4j.JobType;
import io.bits4j.Principal;
import io.bits4j.ProxySettings;
import io.bits4j.ProxyUsage;
import io.bits4j.Scheduler;
import io.bits4j.UserStore;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * An in-memory {@link BitsClient} with the BITS job state machine (see {@link JobState}), driven by
 * scripted outcomes ({@link FakeJobScript}) on a {@link Scheduler} — with a {@link ManualClock},
 * fully deterministic and without threads.
 *
 * <p>Strict like the real thing: new jobs are SUSPENDED unless {@link JobSpec#start()}; {@code
 * resume()} without files throws BG_E_EMPTY; every operation on an ACKNOWLEDGED or CANCELLED job
 * throws BG_E_INVALID_STATE, and such jobs vanish from {@link #jobs()} and {@link #findJob};
 * features outside {@link #capabilities()} throw E_NOTIMPL. Files are invisible until {@code
 * complete()}: a file whose last byte arrives is copied from its source into a temporary file
 * beside the destination, and {@code complete()} moves it into place atomically ({@code
 * PARTIAL_COMPLETE} when some files were not complete); {@code cancel()} deletes the temporary
 * files. No HTTP is involved: URLs resolve to sources registered with {@link #serve(URI, Path)} or
 * hosted by the {@link FakeCompactServer} given to the builder (whose group authentication and
 * URL {@link AccessPolicy} are then checked as {@code NettyCompactServer} checks them: no
 * matching credentials for a group with authentication → HTTP 401, denied by the policy → 403, also
 * for an anonymous client of a group without authentication; passwords and groups are checked when
 * the server has {@linkplain FakeCompactServer#users users}). A URL nothing resolves is HTTP 404
 * where something listens (a served URL or a group at its scheme, host and port) and, elsewhere, a
 * refused connection: the transient {@code BG_E_CONNECT_FAILURE} (GENERAL_TRANSPORT), retried; a
 * file of an https group whose port has no {@linkplain FakeCompactServer#setSslCertificate
 * certificate} is the transient {@code BG_E_CONNECTION_CLOSED}, as the real server closes such
 * connections.
 *
 * <p>As BITS (and the portable client), the fake cancels a job that has had no activity — progress,
 * or a change by the application — for the {@linkplain Builder#jobInactivityTimeout job inactivity
 * timeout} (90 days): one scheduler task, due at the earliest deadline, is pending while the fake has
 * jobs that are not final.
 *
 * <p>Listeners are called on the thread that caused the change (a test thread or the scheduler's),
 * never while the fake holds a lock, serially per job; {@link ClientJob#outcome()} stages complete
 * after the listeners ran.
 *
 * <pre>{@code
 * ManualClock clock = new ManualClock();
 * FakeBitsClient client = FakeBitsClient.builder().scheduler(clock).build();
 * client.serve(url, sourceFile).script(url, FakeJobScript.of(FakeJobScript.progress(10)));
 * ClientJob job = client.createJob(JobSpec.builder("t").addFile(url, dest).start(true).build());
 * clock.advance(Duration.ofSeconds(2));   // progress, then TRANSFERRED
 * job.complete();                          // dest appears
 * client.checkNoActiveJobs();
 * }</pre>
 *
 * <p>Thread-safety: safe for use from any thread.
 */
public final class FakeBitsClient implements BitsClient {
  /** What the fake supports unless the builder says otherwise: everything but Windows credentials and persistence. */
  public static final Set<ClientCapability> DEFAULT_CAPABILITIES = Set.copyOf(EnumSet.complementOf(
      EnumSet.of(ClientCapability.WINDOWS_CREDENTIALS, ClientCapability.PERSISTENT_JOBS)));

  private static final System.Logger LOG = System.getLogger(FakeBitsClient.class.getName());

  /** BITS's default JobInactivityTimeout, the fake's too: a job without activity for 90 days is cancelled. */
  public static final Duration DEFAULT_JOB_INACTIVITY_TIMEOUT = Duration.ofDays(90);

  /** HRESULT_FROM_WIN32(ERROR_PATH_NOT_FOUND): what BITS reports when the destination folder is missing. */
  private static final int ERROR_PATH_NOT_FOUND = 0x80070003;

  private final String name;
  private final Scheduler scheduler;
  private final @Nullable FakeCompactServer server;
  private final Duration tick;
  private final Set<ClientCapability> capabilities;
  private final String owner;
  private final JobCensus census;
  private final Duration jobInactivityTimeout;

  private final Object lock = new Object();
  private final Map<JobId, FakeJob> jobs = new LinkedHashMap<>();
  private final Map<URI, Path> served = new ConcurrentHashMap<>();
  private final Map<URI, FakeJobScript> scripts = new ConcurrentHashMap<>();
  private FakeJobScript defaultScript = FakeJobScript.SUCCESS;
  private final List<RuntimeException> nextCreateFailures = new ArrayList<>();
  private @Nullable RuntimeException createFailure;
  private volatile boolean closed;
  /** The inactivity timer, due at the earliest deadline of the jobs (guarded by lock). */
  private Scheduler.@Nullable Task inactivityTask;
  private @Nullable Instant inactivityDue;
  /** Jobs that are not final (guarded by lock). */
  private int liveJobs;

  private FakeBitsClient(Builder b) {
    this.name = b.name;
    this.scheduler = b.scheduler;
    this.server = b.server;
    this.tick = b.tick;
    this.capabilities = Set.copyOf(b.capabilities);
    this.owner = b.owner;
    this.census = b.census;
    this.jobInactivityTimeout = b.jobInactivityTimeout;
  }

  /** A builder. */
  public static Builder builder() {
    return new Builder();
  }

  // ---- test controls ----

  /** Serves {@code source} for {@code url} (takes precedence over the builder's server). */
  public FakeBitsClient serve(URI url, Path source) {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(source, "source");
    served.put(url, source);
    return this;
  }

  /** Jobs whose first file has this URL follow {@code script}. */
  public FakeBitsClient script(URI url, FakeJobScript script) {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(script, "script");
    scripts.put(url, script);
    return this;
  }

  /** Jobs without a script of their own follow {@code script} (initially {@link FakeJobScript#SUCCESS}). */
  public FakeBitsClient defaultScript(FakeJobScript script) {
    Objects.requireNonNull(script, "script");
    synchronized (lock) {
      defaultScript = script;
    }
    return this;
  }

  /** Makes the next {@link #createJob} throw {@code failure}; several calls queue up. */
  public FakeBitsClient failNextCreate(RuntimeException failure) {
    Objects.requireNonNull(failure, "failure");
    synchronized (lock) {
      nextCreateFailures.add(failure);
    }
    return this;
  }

  /** Makes every {@link #createJob} throw {@code failure} (null: stop). */
  public FakeBitsClient failCreates(@Nullable RuntimeException failure) {
    synchronized (lock) {
      createFailure = failure;
    }
    return this;
  }

  /** The census this client counts its jobs in. */
  public JobCensus census() {
    return census;
  }

  /** Every job this client created, final ones included, in creation order. */
  public List<ClientJob> allJobs() {
    synchronized (lock) {
      return List.copyOf(jobs.values());
    }
  }

  /**
   * Asserts that every job of this client is final (ACKNOWLEDGED or CANCELLED).
   *
   * @throws AssertionError listing the jobs that are not
   */
  public void checkNoActiveJobs() {
    List<ClientJob> left = activeJobs(); // a test helper: answers after close() too
    if (!left.isEmpty()) {
      throw new AssertionError(name + " has " + left.size() + " job(s) that are not final: "
          + left.stream().map(j -> j.id() + " '" + j.displayName() + "' " + j.state())
              .collect(Collectors.joining(", ")));
    }
  }

  // ---- BitsClient ----

  @Override
  public ClientJob createJob(JobSpec spec) {
    Objects.requireNonNull(spec, "spec");
    FakeJob job;
    synchronized (lock) {
      checkOpen();
      RuntimeException f = !nextCreateFailures.isEmpty() ? nextCreateFailures.remove(0) : createFailure;
      if (f != null) {
        throw f;
      }
      FakeJobScript script = spec.files().isEmpty()
          ? defaultScript
          : scripts.getOrDefault(spec.files().get(0).remoteUrl(), defaultScript);
      job = new FakeJob(JobId.random(), spec, script);
      jobs.put(job.id, job);
      liveJobs++;
      armInactivityAt(inactivityDeadline(job.creation));
    }
    census.jobCreated();
    if (spec.start()) {
      job.resume();
    }
    return job;
  }

  @Override
  public Optional<ClientJob> findJob(JobId id) {
    Objects.requireNonNull(id, "id");
    FakeJob j;
    synchronized (lock) {
      checkOpen();
      j = jobs.get(id);
    }
    return j == null || j.state().isFinal() ? Optional.empty() : Optional.of(j);
  }

  @Override
  public List<ClientJob> jobs() {
    synchronized (lock) {
      checkOpen();
    }
    return activeJobs();
  }

  private List<ClientJob> activeJobs() {
    List<ClientJob> all;
    synchronized (lock) {
      all = List.copyOf(jobs.values());
    }
    return all.stream().filter(j -> !j.state().isFinal()).collect(Collectors.toUnmodifiableList());
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("client closed");
    }
  }

  @Override
  public Set<ClientCapability> capabilities() {
    return capabilities;
  }

  /**
   * Stops driving jobs (they keep their state and can still be read, but every change then throws
   * BG_E_INVALID_STATE, as the portable client's jobs do); idempotent. Afterwards {@link
   * #createJob}, {@link #findJob} and {@link #jobs()} throw {@link IllegalStateException} (see
   * {@link BitsClient#close()}); the test helpers ({@link #allJobs()}, {@link
   * #checkNoActiveJobs()}…) keep answering.
   */
  @Override
  public void close() {
    List<FakeJob> all;
    synchronized (lock) {
      closed = true;
      cancelInactivityTask();
      all = List.copyOf(jobs.values());
    }
    // as the portable client: an outcome() still waiting fails with E_CANCELLED rather than never
    // completing (the job itself is not cancelled)
    for (FakeJob j : all) {
      List<CompletableFuture<JobState>> waiting;
      synchronized (j.jobLock) {
        waiting = new ArrayList<>(j.outcomes);
        j.outcomes.clear();
      }
      BitsException e = closedBeforeSettling(j);
      waiting.forEach(f -> f.completeExceptionally(e));
    }
  }

  private static BitsException closedBeforeSettling(FakeJob j) {
    return new BitsException(Hresult.E_CANCELLED, "the client was closed before job " + j.id() + " settled");
  }

  @Override
  public String toString() {
    return "FakeBitsClient[" + name + "]";
  }

  private boolean isClosed() {
    return closed;
  }

  // ---- the inactivity timeout ----

  /** Activity plus the timeout; null if beyond the range of {@link Instant} (never). */
  private @Nullable Instant inactivityDeadline(Instant activity) {
    try {
      return activity.plus(jobInactivityTimeout);
    } catch (java.time.DateTimeException | ArithmeticException e) {
      return null;
    }
  }

  /** Makes the inactivity timer fall due no later than {@code deadline}; caller holds lock. */
  private void armInactivityAt(@Nullable Instant deadline) {
    if (deadline == null || closed) {
      return;
    }
    Instant due = inactivityDue;
    if (inactivityTask != null && due != null && !due.isAfter(deadline)) {
      return;
    }
    cancelInactivityTask();
    inactivityDue = deadline;
    inactivityTask = scheduler.schedule(Duration.between(scheduler.now(), deadline), this::sweepInactive);
  }

  private void cancelInactivityTask() {
    Scheduler.Task t = inactivityTask;
    inactivityTask = null;
    inactivityDue = null;
    if (t != null) {
      t.cancel();
    }
  }

  /** Timer task: cancels the jobs without activity for the timeout, then waits for the next deadline. */
  private void sweepInactive() {
    List<FakeJob> expired = new ArrayList<>();
    Instant now;
    synchronized (lock) {
      inactivityTask = null;
      inactivityDue = null;
      if (closed) {
        return;
      }
      now = scheduler.now();
      Instant earliest = null;
      for (FakeJob j : jobs.values()) {
        Instant d = j.inactivityDeadline();
        if (d == null) {
          continue;
        }
        if (!now.isBefore(d)) {
          expired.add(j);
        } else if (earliest == null || d.isBefore(earliest)) {
          earliest = d;
        }
      }
      armInactivityAt(earliest);
    }
    for (FakeJob j : expired) {
      j.expire(now);
    }
  }

  /** Once after each job's end (called without the job's lock): no timer while no job is left to time. */
  private void jobEnded() {
    synchronized (lock) {
      if (--liveJobs == 0) {
        cancelInactivityTask();
      }
    }
  }

  private Optional<Source> resolve(URI url) {
    Path p = served.get(url);
    if (p != null) {
      return Optional.of(new Source(p, null));
    }
    if (server != null) {
      return server.resolve(url).map(h -> new Source(h.source(), h));
    }
    return Optional.empty();
  }

  private record Source(Path path, @Nullable HostedFile hosted) {}

  /**
   * True if something answers at the URL's scheme, host and port: a URL {@linkplain #serve served}
   * there, or a group of the builder's server ({@link FakeCompactServer#listens}).
   */
  private boolean listening(URI url) {
    for (URI u : served.keySet()) {
      if (sameOrigin(u, url)) {
        return true;
      }
    }
    return server != null && server.listens(url);
  }

  private static boolean sameOrigin(URI a, URI b) {
    return String.valueOf(a.getScheme()).equalsIgnoreCase(String.valueOf(b.getScheme()))
        && String.valueOf(a.getHost()).equalsIgnoreCase(String.valueOf(b.getHost()))
        && FakeCompactServer.portOf(a) == FakeCompactServer.portOf(b);
  }

  private void requireCapability(ClientCapability c, String what) {
    if (!capabilities.contains(c)) {
      throw new BitsException(Hresult.E_NOTIMPL, what + " needs " + c + ", which " + name + " does not support");
    }
  }

  private void checkCredentials(Credentials c) {
    switch (c.scheme()) {
      case BASIC -> requireCapability(ClientCapability.BASIC_CREDENTIALS, "Basic credentials");
      case DIGEST -> requireCapability(ClientCapability.DIGEST_CREDENTIALS, "Digest credentials");
      case NTLM, NEGOTIATE -> requireCapability(ClientCapability.WINDOWS_CREDENTIALS, c.scheme() + " credentials");
      case PASSPORT -> throw new BitsException(Hresult.E_NOTIMPL, "Passport credentials are not supported");
    }
  }

  private void checkCertificate(ClientCertificate c) {
    if (c instanceof ClientCertificate.FromKeyStore) {
      requireCapability(ClientCapability.KEYSTORE_CLIENT_CERTIFICATE, "a key store client certificate");
    } else {
      requireCapability(ClientCapability.STORE_CLIENT_CERTIFICATE, "a certificate store client certificate");
    }
  }

  private void checkProxy(ProxySettings p) {
    if (p.usage() == ProxyUsage.OVERRIDE) {
      requireCapability(ClientCapability.PROXY_OVERRIDE, "a proxy override");
    }
  }

  /** Builds a {@link FakeBitsClient}; not thread-safe. */
  public static final class Builder {
    private String name = "fake-client";
    private Scheduler scheduler = Scheduler.system();
    private @Nullable FakeCompactServer server;
    private Duration tick = Duration.ofSeconds(1);
    private Set<ClientCapability> capabilities = DEFAULT_CAPABILITIES;
    private String owner = System.getProperty("user.name", "fake-user");
    private JobCensus census = new JobCensus();
    private Duration jobInactivityTimeout = DEFAULT_JOB_INACTIVITY_TIMEOUT;

    private Builder() {}

    /** A name for messages (default {@code fake-client}). */
    public Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    /** The clock and timer driving the jobs (default {@link Scheduler#system()}; tests use a {@link ManualClock}). */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /** Resolves job URLs against this server's hosted files. */
    public Builder server(FakeCompactServer server) {
      this.server = Objects.requireNonNull(server, "server");
      return this;
    }

    /**
     * The time between two script steps (default 1 s).
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder tick(Duration tick) {
      if (tick.isZero() || tick.isNegative()) {
        throw new IllegalArgumentException("tick must be positive: " + tick);
      }
      this.tick = tick;
      return this;
    }

    /** The capabilities the fake claims and enforces (default {@link #DEFAULT_CAPABILITIES}). */
    public Builder capabilities(Set<ClientCapability> capabilities) {
      this.capabilities = Set.copyOf(capabilities);
      return this;
    }

    /** The owner jobs report (default the {@code user.name} system property). */
    public Builder owner(String owner) {
      this.owner = Objects.requireNonNull(owner, "owner");
      return this;
    }

    /** The census to count jobs in; share one between clients to count across them. */
    public Builder census(JobCensus census) {
      this.census = Objects.requireNonNull(census, "census");
      return this;
    }

    /**
     * How long a job may go without activity before the fake cancels it, as BITS does under its
     * JobInactivityTimeout policy (default {@link #DEFAULT_JOB_INACTIVITY_TIMEOUT}, 90 days, as the
     * portable client). Activity is progress (a script step that moves bytes) and every change the
     * test makes: creating the job, setting a property, adding a file, {@code resume()} and {@code
     * suspend()}; retries and errors are not. The job is cancelled as by {@code cancel()}, on the
     * scheduler's thread: temporary files deleted, CANCELLED, listeners and {@code outcome()} told.
     * A duration beyond the range of {@link Instant} never expires.
     *
     * <pre>{@code
     * FakeBitsClient client = FakeBitsClient.builder().scheduler(clock)
     *     .jobInactivityTimeout(Duration.ofDays(1)).build();
     * clock.advance(Duration.ofDays(1));   // a job nobody touched is CANCELLED
     * }</pre>
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder jobInactivityTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isZero() || timeout.isNegative()) {
        throw new IllegalArgumentException("jobInactivityTimeout must be positive: " + timeout);
      }
      this.jobInactivityTimeout = timeout;
      return this;
    }

    /** Builds the client. */
    public FakeBitsClient build() {
      return new FakeBitsClient(this);
    }
  }

  // ---- the job ----

  private static final class FileState {
    final URI url;
    final Path local;
    final Path temp;
    long total = JobProgress.UNKNOWN;
    long transferred;
    boolean completed;
    /** Moved to its final name by a complete() that failed on a later file. */
    boolean renamed;

    FileState(URI url, Path local, Path temp) {
      this.url = url;
      this.local = local;
      this.temp = temp;
    }

    JobFile snapshot() {
      return new JobFile(url, local, total, transferred, completed);
    }
  }

  private final class FakeJob implements ClientJob {
    final JobId id;
    final FakeJobScript script;
    final Instant creation;
    final Object jobLock = new Object();
    final CopyOnWriteArrayList<JobListener> listeners = new CopyOnWriteArrayList<>();
    // guarded by jobLock
    final ArrayDeque<Runnable> pending = new ArrayDeque<>();
    boolean delivering;
    final List<CompletableFuture<JobState>> outcomes = new ArrayList<>();
    final List<FileState> files = new ArrayList<>();
    final List<Credentials> credentials = new ArrayList<>();
    @Nullable ClientCertificate certificate;
    ProxySettings proxy;
    Map<String, String> headers;
    String displayName;
    String description;
    JobPriority priority;
    Duration retryDelay;
    Duration noProgressTimeout;
    JobState state = JobState.SUSPENDED;
    @Nullable JobError error;
    int transientErrors;
    int nextStep;
    boolean stalled;
    @Nullable Instant noProgressSince;
    Instant modification;
    /** Progress or a change by the test: what the inactivity timeout measures from. */
    Instant activity;
    @Nullable Instant transferCompletion;
    Scheduler.@Nullable Task timer;

    FakeJob(JobId id, JobSpec spec, FakeJobScript script) {
      this.id = id;
      this.script = script;
      this.creation = scheduler.now();
      this.modification = creation;
      this.activity = creation;
      this.displayName = spec.displayName();
      this.description = spec.description();
      this.priority = spec.priority();
      this.retryDelay = spec.minimumRetryDelay();
      this.noProgressTimeout = spec.noProgressTimeout();
      spec.credentials().forEach(FakeBitsClient.this::checkCredentials);
      spec.clientCertificate().ifPresent(FakeBitsClient.this::checkCertificate);
      checkProxy(spec.proxy());
      if (!spec.customHeaders().isEmpty()) {
        requireCapability(ClientCapability.CUSTOM_HEADERS, "custom headers");
      }
      this.credentials.addAll(spec.credentials());
      this.certificate = spec.clientCertificate().orElse(null);
      this.proxy = spec.proxy();
      this.headers = Map.copyOf(spec.customHeaders());
      for (JobSpec.FileSpec f : spec.files()) {
        files.add(newFile(f.remoteUrl(), f.localFile()));
      }
    }

    FileState newFile(URI url, Path local) {
      Path temp = local.resolveSibling("BIT" + id.uuid().toString().substring(0, 8).toUpperCase(java.util.Locale.ROOT)
          + "-" + files.size() + ".tmp");
      return new FileState(url, local, temp);
    }

    // -- accessors --

    @Override
    public JobId id() {
      return id;
    }

    @Override
    public String displayName() {
      synchronized (jobLock) {
        return displayName;
      }
    }

    @Override
    public String description() {
      synchronized (jobLock) {
        return description;
      }
    }

    @Override
    public JobType type() {
      return JobType.DOWNLOAD;
    }

    @Override
    public JobPriority priority() {
      synchronized (jobLock) {
        return priority;
      }
    }

    @Override
    public JobState state() {
      synchronized (jobLock) {
        return state;
      }
    }

    @Override
    public JobProgress progress() {
      synchronized (jobLock) {
        boolean known = files.stream().allMatch(f -> f.total != JobProgress.UNKNOWN);
        long total = known ? files.stream().mapToLong(f -> f.total).sum() : JobProgress.UNKNOWN;
        long done = files.stream().mapToLong(f -> f.transferred).sum();
        int complete = (int) files.stream().filter(f -> f.completed).count();
        return new JobProgress(total, done, files.size(), complete);
      }
    }

    @Override
    public List<JobFile> files() {
      synchronized (jobLock) {
        return files.stream().map(FileState::snapshot).collect(Collectors.toUnmodifiableList());
      }
    }

    @Override
    public JobTimes times() {
      synchronized (jobLock) {
        return new JobTimes(creation, modification, Optional.ofNullable(transferCompletion));
      }
    }

    @Override
    public Optional<JobError> error() {
      synchronized (jobLock) {
        return state == JobState.ERROR || state == JobState.TRANSIENT_ERROR ? Optional.ofNullable(error) : Optional.empty();
      }
    }

    @Override
    public int transientErrorCount() {
      synchronized (jobLock) {
        return transientErrors;
      }
    }

    @Override
    public String owner() {
      return owner;
    }

    @Override
    public Duration minimumRetryDelay() {
      synchronized (jobLock) {
        return retryDelay;
      }
    }

    @Override
    public Duration noProgressTimeout() {
      synchronized (jobLock) {
        return noProgressTimeout;
      }
    }

    @Override
    public Map<String, String> customHeaders() {
      synchronized (jobLock) {
        return headers;
      }
    }

    // -- property changes --

    private void change(String what, Runnable mutation) {
      synchronized (jobLock) {
        checkNotFinal(what);
        mutation.run();
        touched();
      }
      deliver();
    }

    @Override
    public void addFile(URI remoteUrl, Path localFile) {
      JobSpec.FileSpec f = new JobSpec.FileSpec(remoteUrl, localFile);
      change("addFile", () -> files.add(newFile(f.remoteUrl(), f.localFile())));
    }

    @Override
    public void setDisplayName(String displayName) {
      String n = JobSpec.builder(displayName).build().displayName();
      change("setDisplayName", () -> this.displayName = n);
    }

    @Override
    public void setDescription(String description) {
      String d = JobSpec.builder("x").description(description).build().description();
      change("setDescription", () -> this.description = d);
    }

    @Override
    public void setPriority(JobPriority priority) {
      Objects.requireNonNull(priority, "priority");
      change("setPriority", () -> this.priority = priority);
    }

    @Override
    public void setMinimumRetryDelay(Duration delay) {
      Duration d = JobSpec.normalizeRetryDelay(delay);
      change("setMinimumRetryDelay", () -> this.retryDelay = d);
    }

    @Override
    public void setNoProgressTimeout(Duration timeout) {
      Duration t = JobSpec.checkTimeout(timeout);
      change("setNoProgressTimeout", () -> this.noProgressTimeout = t);
    }

    @Override
    public void setCredentials(Credentials c) {
      Objects.requireNonNull(c, "credentials");
      checkCredentials(c);
      change("setCredentials", () -> {
        credentials.removeIf(x -> x.target() == c.target() && x.scheme() == c.scheme());
        credentials.add(c);
      });
    }

    @Override
    public void removeCredentials(AuthTarget target, CredentialScheme scheme) {
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(scheme, "scheme");
      change("removeCredentials", () -> credentials.removeIf(x -> x.target() == target && x.scheme() == scheme));
    }

    @Override
    public void setClientCertificate(ClientCertificate c) {
      Objects.requireNonNull(c, "certificate");
      checkCertificate(c);
      change("setClientCertificate", () -> this.certificate = c);
    }

    @Override
    public void removeClientCertificate() {
      change("removeClientCertificate", () -> this.certificate = null);
    }

    @Override
    public void setProxy(ProxySettings p) {
      Objects.requireNonNull(p, "proxy");
      checkProxy(p);
      change("setProxy", () -> this.proxy = p);
    }

    @Override
    public void setCustomHeaders(Map<String, String> h) {
      Objects.requireNonNull(h, "headers");
      requireCapability(ClientCapability.CUSTOM_HEADERS, "custom headers");
      Map<String, String> copy = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(JobSpec.checkCustomHeaders(h)));
      change("setCustomHeaders", () -> this.headers = copy);
    }

    // -- state machine --

    @Override
    public void resume() {
      synchronized (jobLock) {
        checkNotFinal("resume");
        if (files.isEmpty()) {
          throw new BitsException(Hresult.BG_E_EMPTY, "job " + id + " has no files");
        }
        boolean incomplete = files.stream().anyMatch(f -> !f.completed);
        boolean restart = state == JobState.SUSPENDED || state == JobState.ERROR || state == JobState.TRANSIENT_ERROR
            || (state == JobState.TRANSFERRED && incomplete);
        if (restart) {
          activity = scheduler.now();
          if (!incomplete) {
            // a suspended job whose files are all in: it is transferred
            toState(JobState.TRANSFERRED);
            pending.add(() -> listeners.forEach(l -> safely(() -> l.jobTransferred(this))));
            settle();
          } else {
            stalled = false;
            noProgressSince = null; // a resumed job gets a fresh no-progress period, as in the portable client
            toState(JobState.QUEUED);
            modified();
            scheduleTick(tick);
          }
        }
      }
      deliver();
    }

    @Override
    public void suspend() {
      requireCapability(ClientCapability.SUSPEND, "suspend()");
      synchronized (jobLock) {
        checkNotFinal("suspend");
        if (state != JobState.SUSPENDED) {
          cancelTimer();
          activity = scheduler.now();
          toState(JobState.SUSPENDED);
          modified();
        }
      }
      deliver();
    }

    @Override
    public CompleteStatus complete() {
      CompleteStatus status;
      synchronized (jobLock) {
        checkNotFinal("complete");
        List<FileState> done = files.stream().filter(f -> f.completed).collect(Collectors.toList());
        for (FileState f : done) {
          if (f.renamed) {
            continue; // a complete() that failed on a later file moved it already
          }
          try {
            Files.move(f.temp, f.local, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
          } catch (IOException e) {
            int hr = e instanceof java.nio.file.NoSuchFileException ? ERROR_PATH_NOT_FOUND : Hresult.E_ACCESSDENIED;
            throw new BitsException(hr, ErrorContext.LOCAL_FILE,
                "cannot move " + f.temp + " to " + f.local + ": " + e, e);
          }
          f.renamed = true;
        }
        deleteTemps();
        status = done.size() == files.size() ? CompleteStatus.COMPLETE : CompleteStatus.PARTIAL_COMPLETE;
        end(JobState.ACKNOWLEDGED);
      }
      jobEnded();
      deliver();
      return status;
    }

    @Override
    public void cancel() {
      synchronized (jobLock) {
        checkNotFinal("cancel");
        deleteTemps();
        end(JobState.CANCELLED);
      }
      jobEnded();
      deliver();
    }

    /** When the inactivity timeout passes for this job; null if it is final or never expires. */
    @Nullable Instant inactivityDeadline() {
      synchronized (jobLock) {
        return state.isFinal() ? null : FakeBitsClient.this.inactivityDeadline(activity);
      }
    }

    /** Timer: cancels the job as cancel() would, unless it ended or had activity since {@code now}. */
    void expire(Instant now) {
      Instant deadline;
      boolean cancelled = false;
      synchronized (jobLock) {
        if (state.isFinal() || isClosed()) {
          return;
        }
        deadline = FakeBitsClient.this.inactivityDeadline(activity);
        if (deadline != null && !now.isBefore(deadline)) {
          deleteTemps();
          end(JobState.CANCELLED);
          cancelled = true;
        }
      }
      if (cancelled) {
        jobEnded();
        deliver();
      } else {
        synchronized (lock) {
          armInactivityAt(deadline); // active since the timer looked
        }
      }
    }

    @Override
    public void addListener(JobListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public void removeListener(JobListener listener) {
      listeners.remove(listener);
    }

    @Override
    public CompletionStage<JobState> outcome() {
      synchronized (jobLock) {
        if (state.isSettled()) {
          return CompletableFuture.completedFuture(state);
        }
        if (isClosed()) {
          return CompletableFuture.failedFuture(closedBeforeSettling(this));
        }
        CompletableFuture<JobState> f = new CompletableFuture<>();
        outcomes.add(f);
        return f;
      }
    }

    @Override
    public String toString() {
      return "FakeJob[" + id + ", " + state() + "]";
    }

    // -- internals, called with jobLock held unless said otherwise --

    private void checkNotFinal(String op) {
      if (state.isFinal()) {
        throw new BitsException(Hresult.BG_E_INVALID_STATE, op + " on job " + id + " in state " + state);
      }
      if (isClosed()) {
        // as the portable client: nothing drives (or would persist) a change after close()
        throw new BitsException(Hresult.BG_E_INVALID_STATE, op + " on job " + id + ": the client is closed");
      }
    }

    private void touched() {
      modification = scheduler.now();
      activity = modification;
      modified();
    }

    private void toState(JobState s) {
      state = s;
      modification = scheduler.now();
      if (s != JobState.ERROR && s != JobState.TRANSIENT_ERROR) {
        error = null;
      }
    }

    private void modified() {
      pending.add(() -> listeners.forEach(l -> safely(() -> l.jobModified(this))));
    }

    private void settle() {
      JobState s = state;
      List<CompletableFuture<JobState>> waiting = new ArrayList<>(outcomes);
      outcomes.clear();
      pending.add(() -> waiting.forEach(f -> f.complete(s)));
    }

    private void end(JobState finalState) {
      cancelTimer();
      toState(finalState);
      modified();
      settle();
      census.jobEnded();
    }

    private void deleteTemps() {
      for (FileState f : files) {
        try {
          Files.deleteIfExists(f.temp);
        } catch (IOException e) {
          LOG.log(System.Logger.Level.WARNING, "cannot delete " + f.temp, e);
        }
      }
    }

    private void cancelTimer() {
      if (timer != null) {
        timer.cancel();
        timer = null;
      }
    }

    private void scheduleTick(Duration delay) {
      cancelTimer();
      timer = scheduler.schedule(delay, this::onTick);
    }

    private void fatal(JobError e) {
      cancelTimer();
      toState(JobState.ERROR);
      error = e;
      pending.add(() -> listeners.forEach(l -> safely(() -> l.jobError(this, e))));
      settle();
    }

    /** Timer task: one script step. Not called with the lock held. */
    private void onTick() {
      synchronized (jobLock) {
        tickLocked();
      }
      deliver();
    }

    private void tickLocked() {
      timer = null;
      if (isClosed() || stalled
          || !(state == JobState.QUEUED || state == JobState.CONNECTING || state == JobState.TRANSFERRING)) {
        return;
      }
      if (!discoverSizes()) {
        return;
      }
      FakeJobScript.Step step = nextStep < script.steps().size()
          ? script.steps().get(nextStep++) : FakeJobScript.transferred();
      apply(step);
      if ((state == JobState.QUEUED || state == JobState.TRANSFERRING) && !stalled) {
        scheduleTick(tick);
      }
    }

    /** Learns unknown sizes; false (and ERROR) if a URL does not resolve. */
    private boolean discoverSizes() {
      for (FileState f : files) {
        if (f.total != JobProgress.UNKNOWN) {
          continue;
        }
        Optional<Path> source = access(f);
        if (source.isEmpty()) {
          return false;
        }
        try {
          f.total = Files.size(source.get());
        } catch (IOException e) {
          fatal(JobError.of(Hresult.httpError(404), ErrorContext.REMOTE_FILE, f.url, f.local));
          return false;
        }
      }
      return true;
    }

    /** The source a request for this file would get, or empty after going to ERROR. */
    private Optional<Path> access(FileState f) {
      Optional<Source> src = resolve(f.url);
      if (src.isEmpty()) {
        if (listening(f.url)) {
          fatal(JobError.of(Hresult.httpError(404), ErrorContext.REMOTE_FILE, f.url, f.local));
        } else {
          // nothing listens there: the connection is refused, which BITS retries
          transientFailure(JobError.of(Hresult.BG_E_CONNECT_FAILURE, ErrorContext.GENERAL_TRANSPORT, f.url, f.local));
        }
        return Optional.empty();
      }
      HostedFile hosted = src.get().hosted();
      if (hosted != null && server != null && hosted.prefix().isSecure()
          && server.sslCertificate(hosted.prefix().port()).isEmpty()) {
        // an https port without a certificate: the server closes every connection (transient)
        transientFailure(JobError.of(Hresult.BG_E_CONNECTION_CLOSED, ErrorContext.GENERAL_TRANSPORT, f.url, f.local));
        return Optional.empty();
      }
      if (hosted != null) {
        Set<AuthScheme> schemes = FakeCompactServer.schemesOf(hosted);
        Principal principal = Principal.ANONYMOUS;
        if (!schemes.isEmpty()) {
          Optional<Principal> user = authenticate(schemes);
          if (user.isEmpty()) {
            fatal(JobError.of(Hresult.httpError(401), ErrorContext.REMOTE_FILE, f.url, f.local));
            return Optional.empty();
          }
          principal = user.get();
        }
        if (!hosted.access().allowsDownload(principal)) {
          // as NettyCompactServer: 403 — a group without schemes has no challenge to send
          fatal(JobError.of(Hresult.httpError(403), ErrorContext.REMOTE_FILE, f.url, f.local));
          return Optional.empty();
        }
      }
      return Optional.of(src.get().path());
    }

    /**
     * Who the job's credentials name, for a group with {@code schemes}: checked against the
     * server's user store when it has one (see {@link FakeCompactServer#users}), else taken as given.
     */
    private Optional<Principal> authenticate(Set<AuthScheme> schemes) {
      UserStore users = server == null ? null : server.userStore();
      for (Credentials c : credentials) {
        if (c.target() != AuthTarget.SERVER) {
          continue;
        }
        boolean basic = c.scheme() == CredentialScheme.BASIC && schemes.contains(AuthScheme.BASIC);
        boolean digest = c.scheme() == CredentialScheme.DIGEST && schemes.contains(AuthScheme.DIGEST);
        if (!basic && !digest) {
          continue;
        }
        if (users == null) {
          return Optional.of(Principal.user(c.userName(), Set.of(), false));
        }
        if (digest && users.digestHa1(c.userName(), server.realm(), UserStore.DigestAlgorithm.MD5).isEmpty()) {
          continue; // not enabled for Digest in the realm: the server cannot check this password
        }
        char[] password = c.password().toCharArray();
        try {
          Optional<Principal> p = users.authenticate(c.userName(), password);
          if (p.isPresent()) {
            return p;
          }
        } finally {
          java.util.Arrays.fill(password, '\0');
        }
      }
      if (certificate != null && schemes.contains(AuthScheme.CLIENT_CERTIFICATE)) {
        return Optional.of(Principal.user("certificate-user", Set.of(), false));
      }
      return Optional.empty();
    }

    /**
     * A transient error: TRANSIENT_ERROR and a retry after the retry delay, or ERROR when the
     * no-progress timeout has passed or the retry delay exceeds it (BITS does not retry then).
     */
    private void transientFailure(JobError e) {
      Instant now = scheduler.now();
      transientErrors++;
      if (noProgressSince == null) {
        noProgressSince = now;
      }
      Duration left = noProgressTimeout.minus(Duration.between(noProgressSince, now));
      // a retry delay beyond the no-progress timeout means no retry at all: ERROR at once (BITS)
      if (noProgressTimeout.isZero() || left.isZero() || left.isNegative()
          || retryDelay.compareTo(noProgressTimeout) > 0) {
        fatal(e);
        return;
      }
      toState(JobState.TRANSIENT_ERROR);
      error = e;
      modified();
      Duration wait = retryDelay.compareTo(left) < 0 ? retryDelay : left;
      cancelTimer();
      timer = scheduler.schedule(wait, this::onRetry);
    }

    private void apply(FakeJobScript.Step step) {
      Instant now = scheduler.now();
      if (step instanceof FakeJobScript.Progress p) {
        long left = p.bytes();
        if (left > 0) {
          activity = now;
        }
        for (FileState f : files) {
          if (left == 0) {
            break;
          }
          if (f.completed) {
            continue;
          }
          long take = Math.min(left, f.total - f.transferred);
          f.transferred += take;
          left -= take;
          if (f.transferred == f.total && !finishFile(f)) {
            return;
          }
        }
        noProgressSince = null;
        toState(JobState.TRANSFERRING);
        modified();
      } else if (step instanceof FakeJobScript.TransientError t) {
        FileState f = files.stream().filter(x -> !x.completed).findFirst().orElse(files.get(0));
        transientFailure(JobError.of(t.hresult(), t.context(), f.url, f.local));
      } else if (step instanceof FakeJobScript.FatalError fe) {
        FileState f = files.stream().filter(x -> !x.completed).findFirst().orElse(files.get(0));
        fatal(JobError.of(fe.hresult(), fe.context(), f.url, f.local));
      } else if (step instanceof FakeJobScript.Stall) {
        stalled = true;
        if (state != JobState.TRANSFERRING) {
          toState(JobState.TRANSFERRING);
          modified();
        }
      } else if (step instanceof FakeJobScript.Transferred) {
        activity = now; // the last bytes
        for (FileState f : files) {
          if (!f.completed) {
            f.transferred = f.total;
            if (!finishFile(f)) {
              return;
            }
          }
        }
        noProgressSince = null;
        cancelTimer();
        toState(JobState.TRANSFERRED);
        transferCompletion = now;
        pending.add(() -> listeners.forEach(l -> safely(() -> l.jobTransferred(this))));
        settle();
      }
      // Idle: nothing
    }

    /** Writes a file's temporary copy; false (and ERROR) if that fails. */
    private boolean finishFile(FileState f) {
      Optional<Path> source = access(f);
      if (source.isEmpty()) {
        return false;
      }
      try {
        Path tmp = f.temp.resolveSibling(f.temp.getFileName() + ".part");
        Files.copy(source.get(), tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, f.temp, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        f.total = Files.size(f.temp);
        f.transferred = f.total;
      } catch (IOException e) {
        int hr = e instanceof java.nio.file.NoSuchFileException ? ERROR_PATH_NOT_FOUND : Hresult.E_ACCESSDENIED;
        fatal(new JobError(hr, ErrorContext.LOCAL_FILE,
            "cannot write " + f.temp + ": " + e, Optional.of(f.url), Optional.of(f.local)));
        return false;
      }
      f.completed = true;
      Optional<Source> src = resolve(f.url);
      if (server != null && src.isPresent() && src.get().hosted() != null) {
        server.recordDownload(src.get().hosted(), f.total, 200);
      }
      return true;
    }

    /** Timer task: the retry delay after a transient error elapsed. Not called with the lock held. */
    private void onRetry() {
      synchronized (jobLock) {
        retryLocked();
      }
      deliver();
    }

    private void retryLocked() {
      timer = null;
      if (isClosed() || state != JobState.TRANSIENT_ERROR) {
        return;
      }
      Instant now = scheduler.now();
      if (noProgressSince != null
          && Duration.between(noProgressSince, now).compareTo(noProgressTimeout) >= 0) {
        JobError e = error;
        fatal(e != null ? e : JobError.of(Hresult.BG_E_NO_PROGRESS, ErrorContext.GENERAL_TRANSPORT));
      } else {
        toState(JobState.QUEUED);
        modified();
        scheduleTick(tick);
      }
    }

    /** Runs queued notifications, one at a time, outside the lock. */
    private void deliver() {
      while (true) {
        Runnable next;
        synchronized (jobLock) {
          if (delivering || pending.isEmpty()) {
            return;
          }
          next = pending.poll();
          delivering = true;
        }
        try {
          next.run();
        } finally {
          synchronized (jobLock) {
            delivering = false;
          }
        }
      }
    }

    private void safely(Runnable r) {
      try {
        r.run();
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "job listener threw", e);
      }
    }
  }
}
