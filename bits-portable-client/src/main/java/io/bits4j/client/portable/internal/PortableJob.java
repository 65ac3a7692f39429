package io.bits4j.client.portable.internal;

import io.bits4j.AuthTarget;
import io.bits4j.ClientCertificate;
import io.bits4j.ClientJob;
import io.bits4j.CompleteStatus;
import io.bits4j.CredentialScheme;
import io.bits4j.Credentials;
import io.bits4j.ErrorContext;
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
import io.bits4j.ProxyUsage;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * A portable client's job. Its fields are guarded by {@link Engine#lock}; the operations live in
 * the {@link Engine}.
 */
public final class PortableJob implements ClientJob {
  final Engine engine;
  final JobId id;
  String displayName;
  String description;
  JobPriority priority;
  JobState state = JobState.SUSPENDED;
  final List<FileEntry> files = new ArrayList<>();
  final List<Credentials> credentials = new ArrayList<>();
  ClientCertificate.@Nullable FromKeyStore certificate;
  ProxySettings proxy = ProxySettings.PRECONFIG;
  Duration retryDelay;
  Duration noProgressTimeout;
  Map<String, String> headers = Map.of();
  final String owner;
  Instant created;
  Instant modified;
  /**
   * The last activity in the sense of BITS's JobInactivityTimeout: creation, a change by the owner
   * (a property, a file, resume or suspend) or bytes received. Unlike {@link #modified}, the client's
   * own state changes (dispatching, retries, errors) do not count.
   */
  Instant activity;
  @Nullable Instant transferCompleted;
  @Nullable JobError error;
  int transientErrors;
  @Nullable Instant noProgressSince;
  /** Order among QUEUED jobs of one priority. */
  long seq;
  /** Bumped whenever scheduled retry/timeout tasks become stale. */
  int epoch;
  /**
   * The pending retry (or no-progress deadline) task of a TRANSIENT_ERROR job; cancelled when the
   * epoch moves on, so that the scheduler does not keep an ended job (and its engine) until the
   * task falls due.
   */
  io.bits4j.Scheduler.@Nullable Task retryTask;
  @Nullable Run run;
  /** complete()/cancel() in progress: not dispatched. */
  boolean closing;
  boolean removed;
  final List<CompletableFuture<JobState>> outcomes = new ArrayList<>();
  final CopyOnWriteArrayList<JobListener> listeners = new CopyOnWriteArrayList<>();
  final AtomicBoolean progressPending = new AtomicBoolean();
  volatile long lastProgressNanos;
  final ReentrantLock opLock = new ReentrantLock();
  final Object persistLock = new Object();
  long version;
  long writtenVersion;

  PortableJob(Engine engine, JobId id, String displayName, String owner, Instant created) {
    this.engine = engine;
    this.id = id;
    this.displayName = displayName;
    this.description = "";
    this.priority = JobPriority.NORMAL;
    this.retryDelay = io.bits4j.JobSpec.DEFAULT_MINIMUM_RETRY_DELAY;
    this.noProgressTimeout = io.bits4j.JobSpec.DEFAULT_NO_PROGRESS_TIMEOUT;
    this.owner = owner;
    this.created = created;
    this.modified = created;
    this.activity = created;
  }

  @Override
  public JobId id() {
    return id;
  }

  @Override
  public String displayName() {
    synchronized (engine.lock) {
      return displayName;
    }
  }

  @Override
  public String description() {
    synchronized (engine.lock) {
      return description;
    }
  }

  @Override
  public JobType type() {
    return JobType.DOWNLOAD;
  }

  @Override
  public JobPriority priority() {
    synchronized (engine.lock) {
      return priority;
    }
  }

  @Override
  public JobState state() {
    synchronized (engine.lock) {
      return state;
    }
  }

  @Override
  public JobProgress progress() {
    synchronized (engine.lock) {
      long total = 0;
      long done = 0;
      int filesDone = 0;
      for (FileEntry f : files) {
        if (f.size < 0) {
          total = JobProgress.UNKNOWN;
        } else if (total >= 0) {
          total += f.size;
        }
        done += f.written;
        if (f.completed) {
          filesDone++;
        }
      }
      return new JobProgress(total, done, files.size(), filesDone);
    }
  }

  @Override
  public List<JobFile> files() {
    synchronized (engine.lock) {
      List<JobFile> out = new ArrayList<>(files.size());
      for (FileEntry f : files) {
        out.add(f.snapshot());
      }
      return List.copyOf(out);
    }
  }

  @Override
  public JobTimes times() {
    synchronized (engine.lock) {
      return new JobTimes(created, modified, Optional.ofNullable(transferCompleted));
    }
  }

  @Override
  public Optional<JobError> error() {
    synchronized (engine.lock) {
      return state == JobState.ERROR || state == JobState.TRANSIENT_ERROR
          ? Optional.ofNullable(error) : Optional.empty();
    }
  }

  @Override
  public int transientErrorCount() {
    synchronized (engine.lock) {
      return transientErrors;
    }
  }

  @Override
  public String owner() {
    return owner;
  }

  @Override
  public Duration minimumRetryDelay() {
    synchronized (engine.lock) {
      return retryDelay;
    }
  }

  @Override
  public Duration noProgressTimeout() {
    synchronized (engine.lock) {
      return noProgressTimeout;
    }
  }

  @Override
  public Map<String, String> customHeaders() {
    synchronized (engine.lock) {
      return headers;
    }
  }

  @Override
  public void addFile(URI remoteUrl, Path localFile) {
    engine.addFile(this, remoteUrl, localFile);
  }

  @Override
  public void setDisplayName(String name) {
    engine.setDisplayName(this, name);
  }

  @Override
  public void setDescription(String text) {
    engine.setDescription(this, text);
  }

  @Override
  public void setPriority(JobPriority p) {
    engine.setPriority(this, p);
  }

  @Override
  public void setMinimumRetryDelay(Duration delay) {
    engine.setMinimumRetryDelay(this, delay);
  }

  @Override
  public void setNoProgressTimeout(Duration timeout) {
    engine.setNoProgressTimeout(this, timeout);
  }

  @Override
  public void setCredentials(Credentials c) {
    engine.setCredentials(this, c);
  }

  @Override
  public void removeCredentials(AuthTarget target, CredentialScheme scheme) {
    engine.removeCredentials(this, target, scheme);
  }

  @Override
  public void setClientCertificate(ClientCertificate c) {
    engine.setClientCertificate(this, c);
  }

  @Override
  public void removeClientCertificate() {
    engine.removeClientCertificate(this);
  }

  @Override
  public void setProxy(ProxySettings p) {
    engine.setProxy(this, p);
  }

  @Override
  public void setCustomHeaders(Map<String, String> h) {
    engine.setCustomHeaders(this, h);
  }

  @Override
  public void resume() {
    engine.resume(this);
  }

  @Override
  public void suspend() {
    engine.suspend(this);
  }

  @Override
  public CompleteStatus complete() {
    return engine.complete(this);
  }

  @Override
  public void cancel() {
    engine.cancel(this);
  }

  @Override
  public void addListener(JobListener listener) {
    listeners.add(java.util.Objects.requireNonNull(listener, "listener"));
  }

  @Override
  public void removeListener(JobListener listener) {
    listeners.remove(listener);
  }

  @Override
  public CompletionStage<JobState> outcome() {
    synchronized (engine.lock) {
      if (state.isSettled()) {
        return CompletableFuture.completedFuture(state);
      }
      if (engine.storeClosedLocked()) {
        return CompletableFuture.failedFuture(Engine.closedBeforeSettling(this));
      }
      CompletableFuture<JobState> f = new CompletableFuture<>();
      outcomes.add(f);
      return f;
    }
  }

  @Override
  public String toString() {
    return "PortableJob[" + id + ", " + state() + "]";
  }

  // ---- persistence (caller holds engine.lock) ----

  Properties toProperties() {
    Properties p = new Properties();
    p.setProperty("id", id.uuid().toString());
    p.setProperty("displayName", displayName);
    p.setProperty("description", description);
    p.setProperty("priority", Integer.toString(priority.code()));
    p.setProperty("state", Integer.toString(state.code()));
    p.setProperty("owner", owner);
    p.setProperty("created", created.toString());
    p.setProperty("modified", modified.toString());
    p.setProperty("activity", activity.toString());
    if (transferCompleted != null) {
      p.setProperty("transferCompleted", transferCompleted.toString());
    }
    p.setProperty("retryDelay", Long.toString(retryDelay.getSeconds()));
    p.setProperty("noProgressTimeout", Long.toString(noProgressTimeout.getSeconds()));
    p.setProperty("transientErrors", Integer.toString(transientErrors));
    if (noProgressSince != null) {
      p.setProperty("noProgressSince", noProgressSince.toString());
    }
    JobError e = error;
    if (e != null) {
      p.setProperty("error.hresult", Integer.toString(e.hresult()));
      p.setProperty("error.context", Integer.toString(e.context().code()));
      p.setProperty("error.description", e.description());
      e.remoteUrl().ifPresent(u -> p.setProperty("error.url", u.toString()));
      e.localFile().ifPresent(f -> p.setProperty("error.file", f.toString()));
    }
    p.setProperty("proxy.usage", Integer.toString(proxy.usage().code()));
    p.setProperty("proxy.list", String.join(" ", proxy.proxies()));
    p.setProperty("proxy.bypass", String.join(" ", proxy.bypass()));
    int i = 0;
    for (Map.Entry<String, String> h : headers.entrySet()) {
      p.setProperty("header." + i + ".name", h.getKey());
      p.setProperty("header." + i + ".value", h.getValue());
      i++;
    }
    p.setProperty("header.count", Integer.toString(i));
    p.setProperty("cred.count", Integer.toString(credentials.size()));
    for (int c = 0; c < credentials.size(); c++) {
      Credentials cr = credentials.get(c);
      p.setProperty("cred." + c + ".target", Integer.toString(cr.target().wmiCode()));
      p.setProperty("cred." + c + ".scheme", Integer.toString(cr.scheme().wmiCode()));
      p.setProperty("cred." + c + ".user", cr.userName());
      p.setProperty("cred." + c + ".password", cr.password());
    }
    p.setProperty("file.count", Integer.toString(files.size()));
    for (int f = 0; f < files.size(); f++) {
      FileEntry fe = files.get(f);
      String k = "file." + f + ".";
      p.setProperty(k + "url", fe.url.toString());
      p.setProperty(k + "dest", fe.dest.toString());
      p.setProperty(k + "temp", fe.temp.toString());
      p.setProperty(k + "size", Long.toString(fe.size));
      p.setProperty(k + "offset", Long.toString(fe.durable));
      if (fe.etag != null) {
        p.setProperty(k + "etag", fe.etag);
      }
      if (fe.lastModified != null) {
        p.setProperty(k + "lastModified", fe.lastModified);
      }
      p.setProperty(k + "completed", Boolean.toString(fe.completed));
      if (fe.renaming) {
        p.setProperty(k + "renaming", "true");
      }
      p.setProperty(k + "renamed", Boolean.toString(fe.renamed));
    }
    return p;
  }

  static PortableJob fromProperties(Engine engine, Properties p) {
    JobId id = new JobId(java.util.UUID.fromString(req(p, "id")));
    PortableJob j = new PortableJob(engine, id, req(p, "displayName"), req(p, "owner"),
        Instant.parse(req(p, "created")));
    j.description = p.getProperty("description", "");
    j.priority = JobPriority.ofCode(Integer.parseInt(req(p, "priority")));
    j.state = JobState.ofCode(Integer.parseInt(req(p, "state")));
    j.modified = Instant.parse(req(p, "modified"));
    String act = p.getProperty("activity"); // absent in files written before the inactivity timeout
    j.activity = act == null ? j.modified : Instant.parse(act);
    String tc = p.getProperty("transferCompleted");
    j.transferCompleted = tc == null ? null : Instant.parse(tc);
    j.retryDelay = Duration.ofSeconds(inRange("retryDelay", Long.parseLong(req(p, "retryDelay")), 0, Integer.MAX_VALUE));
    j.noProgressTimeout = Duration.ofSeconds(
        inRange("noProgressTimeout", Long.parseLong(req(p, "noProgressTimeout")), 0, Long.MAX_VALUE / 1_000_000_000L));
    j.transientErrors = (int) inRange("transientErrors", Integer.parseInt(p.getProperty("transientErrors", "0")), 0,
        Integer.MAX_VALUE);
    String nps = p.getProperty("noProgressSince");
    j.noProgressSince = nps == null ? null : Instant.parse(nps);
    String hr = p.getProperty("error.hresult");
    if (hr != null) {
      String url = p.getProperty("error.url");
      String file = p.getProperty("error.file");
      j.error = new JobError(Integer.parseInt(hr),
          ErrorContext.ofCode(Integer.parseInt(p.getProperty("error.context", "1"))),
          p.getProperty("error.description", ""),
          url == null ? Optional.empty() : Optional.of(URI.create(url)),
          file == null ? Optional.empty() : Optional.of(Path.of(file)));
    }
    ProxyUsage usage = ProxyUsage.ofCode(Integer.parseInt(p.getProperty("proxy.usage", "0")));
    j.proxy = new ProxySettings(usage, split(p.getProperty("proxy.list", "")),
        split(p.getProperty("proxy.bypass", "")));
    Map<String, String> h = new LinkedHashMap<>();
    int hc = (int) inRange("header.count", Integer.parseInt(p.getProperty("header.count", "0")), 0, 10_000);
    for (int i = 0; i < hc; i++) {
      h.put(req(p, "header." + i + ".name"), req(p, "header." + i + ".value"));
    }
    j.headers = java.util.Collections.unmodifiableMap(h);
    int cc = (int) inRange("cred.count", Integer.parseInt(p.getProperty("cred.count", "0")), 0, 100);
    for (int c = 0; c < cc; c++) {
      j.credentials.add(new Credentials(
          AuthTarget.ofWmiCode(Integer.parseInt(req(p, "cred." + c + ".target"))),
          CredentialScheme.ofWmiCode(Integer.parseInt(req(p, "cred." + c + ".scheme"))),
          req(p, "cred." + c + ".user"), req(p, "cred." + c + ".password")));
    }
    int fc = (int) inRange("file.count", Integer.parseInt(req(p, "file.count")), 0, Integer.MAX_VALUE);
    for (int f = 0; f < fc; f++) {
      String k = "file." + f + ".";
      FileEntry fe = new FileEntry(URI.create(req(p, k + "url")), Path.of(req(p, k + "dest")),
          Path.of(req(p, k + "temp")));
      fe.size = inRange(k + "size", Long.parseLong(req(p, k + "size")), -1, Long.MAX_VALUE);
      fe.durable = inRange(k + "offset", Long.parseLong(req(p, k + "offset")), 0, fe.size < 0 ? 0 : fe.size);
      fe.written = fe.durable;
      fe.confirmed = fe.durable;
      fe.etag = p.getProperty(k + "etag");
      fe.lastModified = p.getProperty(k + "lastModified");
      fe.completed = Boolean.parseBoolean(p.getProperty(k + "completed", "false"));
      fe.renaming = Boolean.parseBoolean(p.getProperty(k + "renaming", "false"));
      fe.renamed = Boolean.parseBoolean(p.getProperty(k + "renamed", "false"));
      j.files.add(fe);
    }
    return j;
  }

  /** A number read from a state file, refused (as a damaged file) outside [min, max]. */
  private static long inRange(String key, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException("state value " + key + "=" + value + " is outside [" + min + ", " + max + "]");
    }
    return value;
  }

  private static List<String> split(String s) {
    return s.isBlank() ? List.of() : Arrays.asList(s.strip().split("\\s+"));
  }

  private static String req(Properties p, String key) {
    String v = p.getProperty(key);
    if (v == null) {
      throw new IllegalArgumentException("state file lacks " + key);
    }
    return v;
  }
}
