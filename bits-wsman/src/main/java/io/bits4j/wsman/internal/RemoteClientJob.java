package io.bits4j.wsman.internal;

import io.bits4j.AuthTarget;
import io.bits4j.BitsException;
import io.bits4j.ClientCertificate;
import io.bits4j.ClientJob;
import io.bits4j.CompleteStatus;
import io.bits4j.CredentialScheme;
import io.bits4j.Credentials;
import io.bits4j.ErrorContext;
import io.bits4j.Hresult;
import io.bits4j.JobError;
import io.bits4j.JobFile;
import io.bits4j.JobId;
import io.bits4j.JobListener;
import io.bits4j.JobPriority;
import io.bits4j.JobProgress;
import io.bits4j.JobState;
import io.bits4j.JobTimes;
import io.bits4j.JobType;
import io.bits4j.ProxySettings;
import io.bits4j.Scheduler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A job of a remote BITS client: accessors read a fresh instance with WS-Transfer Get; operations
 * invoke {@code BitsClientJob} methods; property setters use Put. Listeners and {@link #outcome()}
 * work by polling on the session's {@link Scheduler} (every poll interval while a listener is
 * registered or an outcome is pending), calling listeners from the session's single notification
 * thread, serially and in order. Thread-safe.
 */
public final class RemoteClientJob implements ClientJob {
  private static final Logger LOG = LoggerFactory.getLogger(RemoteClientJob.class);

  private final WsmanClient client;
  private final BooleanSupplier released;
  private final BooleanSupplier bits4j;
  private final JobId id;
  private final Scheduler scheduler;
  private final Duration pollInterval;
  private final ExecutorService notifier;
  private final List<JobListener> listeners = new CopyOnWriteArrayList<>();
  private final List<CompletableFuture<JobState>> pending = new CopyOnWriteArrayList<>();
  private volatile @Nullable JobState finalState;
  private volatile @Nullable Snapshot last;
  private volatile @Nullable Snapshot baseline;
  private boolean polling;

  public RemoteClientJob(WsmanClient client, BooleanSupplier bits4j, JobId id, Scheduler scheduler,
      Duration pollInterval, ExecutorService notifier) {
    this(client, bits4j, id, scheduler, pollInterval, notifier, () -> false);
  }

  /**
   * A proxy of one job.
   *
   * @param released true once the {@code RemoteBitsClient} this handle came from is closed: every
   *     method but {@link #id()} then throws {@link IllegalStateException}
   */
  public RemoteClientJob(WsmanClient client, BooleanSupplier bits4j, JobId id, Scheduler scheduler,
      Duration pollInterval, ExecutorService notifier, BooleanSupplier released) {
    this.released = released;
    this.client = client;
    this.bits4j = bits4j;
    this.id = id;
    this.scheduler = scheduler;
    this.pollInterval = pollInterval;
    this.notifier = notifier;
  }

  /** One read of the job's properties. */
  public record Snapshot(String displayName, String description, JobPriority priority, JobState state,
      JobProgress progress, List<JobFile> files, JobTimes times, int transientErrors, String owner,
      Duration retryDelay, Duration noProgressTimeout, Map<String, String> headers) {}

  /**
   * Parses a {@code BitsClientJob} instance element.
   *
   * @throws BitsException E_FAIL if a property has a value the class does not allow (a malformed reply)
   */
  public static Snapshot parse(XmlElement e) {
    try {
      return parseProperties(e);
    } catch (IllegalArgumentException x) {
      throw new BitsException(Hresult.E_FAIL, "the target answered a malformed BitsClientJob: " + x.getMessage());
    }
  }

  private static Snapshot parseProperties(XmlElement e) {
    Map<String, String> m = WsmanClient.properties(e);
    List<JobFile> files = new ArrayList<>();
    for (XmlElement f : e.allNamed("Files")) {
      Map<String, String> fm = WsmanClient.properties(f);
      files.add(new JobFile(WsmanClient.replyUri("RemoteUrl", fm.getOrDefault("remoteurl", "")),
          Path.of(fm.getOrDefault("localfile", "")),
          u64(fm.get("bytestotal")), Math.max(0, u64(fm.get("bytestransferred"))),
          "true".equalsIgnoreCase(fm.getOrDefault("completed", "false").strip())));
    }
    Map<String, String> headers = new LinkedHashMap<>();
    for (XmlElement h : e.allNamed("bits4j_CustomHeader")) {
      int c = h.text().indexOf(':');
      if (c > 0) {
        headers.put(h.text().substring(0, c).strip(), h.text().substring(c + 1).strip());
      }
    }
    int filesTotal = (int) num(m, "filestotal");
    int filesDone = (int) Math.min(num(m, "filestransferred"), filesTotal);
    long total = u64(m.get("bytestotal"));
    long done = Math.max(0, u64(m.get("bytestransferred")));
    long completion = u64(m.get("jobcompletiontime"));
    return new Snapshot(m.getOrDefault("displayname", ""), m.getOrDefault("description", ""),
        JobPriority.ofCode((int) num(m, "priority")), JobState.ofCode((int) num(m, "state")),
        new JobProgress(total, done, filesTotal, filesDone), List.copyOf(files),
        new JobTimes(Wmi.fromFiletime(u64(m.get("jobcreationtime"))), Wmi.fromFiletime(u64(m.get("joblastmodificationtime"))),
            completion == 0 ? Optional.empty() : Optional.of(Wmi.fromFiletime(completion))),
        (int) num(m, "transienterrorcount"), m.getOrDefault("owner", ""),
        Duration.ofSeconds(num(m, "minimumretrydelay")), Duration.ofSeconds(num(m, "noprogresstimeout")),
        headers);
  }

  private static long u64(@Nullable String s) {
    if (s == null || s.isBlank()) {
      return 0;
    }
    return WsmanClient.replyNumber("BitsClientJob property", s);
  }

  private static long num(Map<String, String> m, String key) {
    return u64(m.get(key));
  }

  /** The connection, unless the client proxy this handle came from is closed (then ISE). */
  private WsmanClient client() {
    if (released.getAsBoolean()) {
      throw new IllegalStateException("the RemoteBitsClient this job came from is closed");
    }
    return client;
  }

  private Map<String, String> selector() {
    return Map.of("JobId", id.toString());
  }

  /** A fresh snapshot, or empty if the job is gone from the target. */
  private Optional<Snapshot> fetch() {
    try {
      Snapshot s = parse(client().get(Ns.JOB_URI, selector()));
      last = s;
      return Optional.of(s);
    } catch (WsmanClient.FaultException e) {
      if (e.isNotFound()) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private Snapshot snapshot() {
    Optional<Snapshot> s = fetch();
    if (s.isPresent()) {
      return s.get();
    }
    Snapshot l = last;
    JobState f = finalState;
    if (l != null && f != null) {
      return withState(l, f);
    }
    throw new BitsException(Hresult.BG_E_NOT_FOUND, "no job " + id + " on the target");
  }

  private static Snapshot withState(Snapshot s, JobState state) {
    return new Snapshot(s.displayName(), s.description(), s.priority(), state, s.progress(), s.files(), s.times(),
        s.transientErrors(), s.owner(), s.retryDelay(), s.noProgressTimeout(), s.headers());
  }

  private WsmanClient.Output invoke(String method, Map<String, ?> params) {
    return client().invoke(Ns.JOB_URI, method, selector(), params).check(method);
  }

  private void put(String property, String value) {
    client().put(Ns.JOB_URI, Ns.JOB_CLASS, selector(), Map.of(property, value));
  }

  private void requireBits4j(String what) {
    if (!bits4j.getAsBoolean()) {
      throw new BitsException(Hresult.E_NOTIMPL, what + " is a bits4j extension a Windows target does not have");
    }
  }

  @Override
  public JobId id() {
    return id;
  }

  @Override
  public String displayName() {
    return snapshot().displayName();
  }

  @Override
  public String description() {
    return snapshot().description();
  }

  @Override
  public JobType type() {
    return JobType.DOWNLOAD;
  }

  @Override
  public JobPriority priority() {
    return snapshot().priority();
  }

  @Override
  public JobState state() {
    return snapshot().state();
  }

  @Override
  public JobProgress progress() {
    return snapshot().progress();
  }

  @Override
  public List<JobFile> files() {
    return snapshot().files();
  }

  @Override
  public JobTimes times() {
    return snapshot().times();
  }

  @Override
  public Optional<JobError> error() {
    JobState s = state();
    if (s != JobState.ERROR && s != JobState.TRANSIENT_ERROR) {
      return Optional.empty();
    }
    WsmanClient.Output o = client().invoke(Ns.JOB_URI, "GetError", selector(), Map.of("LanguageId", 1033));
    if (o.returnValue() == Hresult.BG_E_ERROR_INFORMATION_UNAVAILABLE) {
      return Optional.empty();
    }
    o.check("GetError");
    int code = (int) WsmanClient.replyNumber("ErrorCode", o.string("ErrorCode").orElse("0"));
    ErrorContext ctx = ErrorContext.ofCode(
        (int) WsmanClient.replyNumber("ErrorContext", o.string("ErrorContext").orElse("1")));
    String description = o.string("ErrorDescription").orElse(Hresult.describe(code));
    Optional<URI> url = o.string("bits4j_RemoteUrl").map(u -> WsmanClient.replyUri("bits4j_RemoteUrl", u));
    Optional<Path> file = o.string("bits4j_LocalFile").map(Path::of);
    return Optional.of(new JobError(code, ctx, description, url, file));
  }

  @Override
  public int transientErrorCount() {
    return snapshot().transientErrors();
  }

  @Override
  public String owner() {
    return snapshot().owner();
  }

  @Override
  public Duration minimumRetryDelay() {
    return snapshot().retryDelay();
  }

  @Override
  public Duration noProgressTimeout() {
    return snapshot().noProgressTimeout();
  }

  @Override
  public Map<String, String> customHeaders() {
    return snapshot().headers();
  }

  @Override
  public void addFile(URI remoteUrl, Path localFile) {
    checkRemotePath(localFile);
    io.bits4j.JobSpec.checkRemoteUrl(remoteUrl);
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("RemoteUrl", remoteUrl.toString());
    p.put("LocalFile", localFile.toString());
    invoke("AddFile", p);
  }

  @Override
  public void setDisplayName(String displayName) {
    put("DisplayName", java.util.Objects.requireNonNull(displayName, "displayName"));
  }

  @Override
  public void setDescription(String description) {
    put("Description", java.util.Objects.requireNonNull(description, "description"));
  }

  @Override
  public void setPriority(JobPriority priority) {
    put("Priority", Integer.toString(priority.code()));
  }

  @Override
  public void setMinimumRetryDelay(Duration delay) {
    put("MinimumRetryDelay", Long.toString(io.bits4j.JobSpec.checkTimeout(delay).getSeconds()));
  }

  @Override
  public void setNoProgressTimeout(Duration timeout) {
    put("NoProgressTimeout", Long.toString(io.bits4j.JobSpec.checkTimeout(timeout).getSeconds()));
  }

  @Override
  public void setCredentials(Credentials c) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("Target", c.target().wmiCode());
    p.put("Scheme", c.scheme().wmiCode());
    // implicit (logon) credentials travel as NULL user name and password (xsi:nil), as Windows
    // expects them; an empty string would be a user named ""
    p.put("UserName", c.isImplicit() ? null : c.userName());
    p.put("Password", c.isImplicit() ? null : c.password());
    invoke("SetCredentials", p);
  }

  @Override
  public void removeCredentials(AuthTarget target, CredentialScheme scheme) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("Target", target.wmiCode());
    p.put("Scheme", scheme.wmiCode());
    invoke("RemoveCredentials", p);
  }

  @Override
  public void setClientCertificate(ClientCertificate certificate) {
    Map<String, Object> p = new LinkedHashMap<>();
    if (certificate instanceof ClientCertificate.ByThumbprint t) {
      p.put("CertStoreLocation", t.location().code());
      p.put("StoreName", t.storeName());
      p.put("CertHash", t.sha1());
      invoke("SetClientCertificateById", p);
    } else if (certificate instanceof ClientCertificate.BySubject s) {
      p.put("CertStoreLocation", s.location().code());
      p.put("StoreName", s.storeName());
      p.put("SubjectName", s.subject());
      invoke("SetClientCertificateByName", p);
    } else if (certificate instanceof ClientCertificate.FromKeyStore k) {
      requireBits4j("a KeyStore client certificate");
      char[] pw = k.password();
      try {
        Key key = k.keyStore().getKey(k.alias(), pw);
        Certificate[] chain = k.keyStore().getCertificateChain(k.alias());
        if (key == null || chain == null) {
          throw new BitsException(Hresult.E_INVALIDARG, "no private-key entry '" + k.alias() + "' in the key store");
        }
        KeyStore out = KeyStore.getInstance("PKCS12");
        out.load(null, null);
        out.setKeyEntry(k.alias(), key, pw, chain);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        out.store(bytes, pw);
        p.put("Pkcs12", Base64.getEncoder().encodeToString(bytes.toByteArray()));
        p.put("Alias", k.alias());
        p.put("Password", new String(pw));
      } catch (GeneralSecurityException | IOException e) {
        throw new BitsException(Hresult.E_INVALIDARG, "cannot export key entry '" + k.alias() + "': " + e.getMessage());
      } finally {
        Arrays.fill(pw, '\0');
      }
      invoke("bits4j_SetClientCertificateFromKeyStore", p);
    }
  }

  @Override
  public void removeClientCertificate() {
    invoke("RemoveClientCertificate", Map.of());
  }

  @Override
  public void setProxy(ProxySettings proxy) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("ProxyUsage", proxy.usage().code());
    p.put("ProxyList", proxy.proxies().isEmpty() ? null : String.join(" ", proxy.proxies()));
    p.put("ProxyBypassList", proxy.bypass().isEmpty() ? null : String.join(" ", proxy.bypass()));
    invoke("SetProxySettings", p);
  }

  @Override
  public void setCustomHeaders(Map<String, String> headers) {
    requireBits4j("custom headers");
    List<String> lines = new ArrayList<>();
    io.bits4j.JobSpec.checkCustomHeaders(headers).forEach((k, v) -> lines.add(k + ": " + v));
    invoke("bits4j_SetCustomHeaders", Map.of("Header", lines));
  }

  private int setJobState(int action) {
    return invoke("SetJobState", Map.of("JobState", action)).returnValue();
  }

  @Override
  public void resume() {
    setJobState(2);
    wake();
  }

  @Override
  public void suspend() {
    setJobState(3);
    wake();
  }

  @Override
  public CompleteStatus complete() {
    int rv = setJobState(1);
    finalState = JobState.ACKNOWLEDGED;
    wake();
    for (CompleteStatus s : CompleteStatus.values()) {
      if (s.hresult() == rv) {
        return s;
      }
    }
    return CompleteStatus.COMPLETE;
  }

  @Override
  public void cancel() {
    setJobState(0);
    finalState = JobState.CANCELLED;
    wake();
  }

  /**
   * Checks a destination as {@link io.bits4j.JobSpec#checkLocalFile} does, but for a path on the
   * target: an absolute path here, or a Windows absolute path ({@code C:\\…}, {@code \\\\server\\…})
   * when the controller runs elsewhere.
   *
   * @throws BitsException E_INVALIDARG for a relative path
   */
  public static Path checkRemotePath(Path localFile) {
    java.util.Objects.requireNonNull(localFile, "localFile");
    String s = localFile.toString();
    boolean windowsAbsolute = s.matches("^[A-Za-z]:[\\\\/].*") || s.startsWith("\\\\");
    if (!(localFile.isAbsolute() || windowsAbsolute) || localFile.getFileName() == null) {
      throw new BitsException(Hresult.E_INVALIDARG, "destination must be an absolute file path: " + localFile);
    }
    return localFile;
  }

  // ------------------------------------------------------------ notifications by polling

  @Override
  public void addListener(JobListener listener) {
    java.util.Objects.requireNonNull(listener, "listener");
    client(); // ISE once the client proxy is closed
    if (baseline == null) {
      baseline = fetch().orElse(null);
    }
    listeners.add(listener);
    ensurePolling();
  }

  @Override
  public void removeListener(JobListener listener) {
    listeners.remove(listener);
  }

  @Override
  public CompletionStage<JobState> outcome() {
    CompletableFuture<JobState> f = new CompletableFuture<>();
    Optional<Snapshot> s = fetch();
    JobState now = s.map(Snapshot::state).orElseGet(() -> finalState != null ? finalState : JobState.CANCELLED);
    if (now.isSettled()) {
      f.complete(now);
      return f;
    }
    if (baseline == null) {
      baseline = s.orElse(null);
    }
    pending.add(f);
    ensurePolling();
    return f;
  }

  /**
   * After a state change we caused, poll now rather than a full interval later (an extra poll
   * that does not reschedule: the timer chain stays single).
   */
  private void wake() {
    synchronized (this) {
      if (!polling) {
        return;
      }
    }
    try {
      notifier.execute(() -> poll(false));
    } catch (RejectedExecutionException e) {
      sessionClosed();
    }
  }

  /**
   * The session was closed: polling ends, and outcomes still pending fail with E_CANCELLED
   * rather than never completing.
   */
  private void sessionClosed() {
    synchronized (this) {
      polling = false;
    }
    BitsException closed = new BitsException(Hresult.E_CANCELLED,
        "the WS-Man session (or the RemoteBitsClient) was closed before job " + id + " settled");
    settlePending(f -> f.completeExceptionally(closed));
  }

  private void ensurePolling() {
    synchronized (this) {
      if (polling) {
        return;
      }
      polling = true;
    }
    schedule();
  }

  private void schedule() {
    scheduler.schedule(pollInterval, this::submit);
  }

  private void submit() {
    try {
      notifier.execute(() -> poll(true));
    } catch (RejectedExecutionException e) {
      sessionClosed();
    }
  }

  private void poll(boolean scheduled) {
    synchronized (this) {
      if (!polling) {
        return;
      }
    }
    Optional<Snapshot> now;
    try {
      now = fetch();
    } catch (IllegalStateException closed) { // the session or the client proxy was closed meanwhile
      sessionClosed();
      return;
    } catch (BitsException e) {
      LOG.debug("polling job {} failed: {}", id, e.getMessage());
      if (scheduled) {
        reschedule();
      }
      return;
    }
    Snapshot before = baseline;
    if (now.isEmpty()) {
      JobState end = finalState != null ? finalState : JobState.CANCELLED;
      settlePending(end);
      if (before != null && !before.state().isFinal()) {
        notifyModified();
      }
      while (true) {
        synchronized (this) { // outcome() adds, then ensurePolling() looks at polling under this lock
          if (pending.isEmpty()) {
            polling = false;
            return;
          }
        }
        settlePending(end); // a stage asked for while this poll ran
      }
    }
    Snapshot s = now.get();
    baseline = s;
    if (before == null || !s.equals(before)) {
      JobState was = before == null ? null : before.state();
      if (s.state() == JobState.TRANSFERRED && was != JobState.TRANSFERRED) {
        for (JobListener l : listeners) {
          call(() -> l.jobTransferred(this));
        }
      } else if (s.state() == JobState.ERROR && was != JobState.ERROR) {
        JobError err;
        try {
          err = error().orElse(JobError.of(Hresult.E_FAIL, ErrorContext.UNKNOWN));
        } catch (BitsException e) {
          err = JobError.of(e.hresult(), ErrorContext.UNKNOWN);
        }
        for (JobListener l : listeners) {
          JobError fe = err;
          call(() -> l.jobError(this, fe));
        }
      } else if (before != null) {
        notifyModified();
      }
    }
    if (s.state().isSettled()) {
      settlePending(s.state()); // a stage added meanwhile stays pending: the next poll settles it
    }
    if (scheduled) {
      reschedule();
    }
  }

  /**
   * Completes and removes the pending outcomes one by one: clearing the list afterwards would drop
   * a stage that {@link #outcome()} added while they were being completed.
   */
  private void settlePending(JobState state) {
    settlePending(f -> f.complete(state));
  }

  private void settlePending(java.util.function.Consumer<CompletableFuture<JobState>> settle) {
    for (CompletableFuture<JobState> f : pending) {
      settle.accept(f);
      pending.remove(f);
    }
  }

  private void notifyModified() {
    for (JobListener l : listeners) {
      call(() -> l.jobModified(this));
    }
  }

  private void reschedule() {
    synchronized (this) {
      if (listeners.isEmpty() && pending.isEmpty()) {
        polling = false;
        return;
      }
    }
    schedule();
  }

  private static void call(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      LOG.warn("job listener threw", e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RemoteClientJob j && j.id.equals(id) && j.client == client;
  }

  @Override
  public int hashCode() {
    return id.hashCode();
  }

  @Override
  public String toString() {
    return "RemoteClientJob[" + id + " @ " + client.endpoint() + "]";
  }
}
