package io.bits4j.client.windows.internal;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.WString;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
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
import io.bits4j.JobSpec;
import io.bits4j.JobState;
import io.bits4j.JobTimes;
import io.bits4j.JobType;
import io.bits4j.ProxySettings;
import io.bits4j.ProxyUsage;
import io.bits4j.client.windows.internal.com.BG_AUTH_CREDENTIALS;
import io.bits4j.client.windows.internal.com.BG_FILE_INFO;
import io.bits4j.client.windows.internal.com.BG_FILE_PROGRESS;
import io.bits4j.client.windows.internal.com.BG_JOB_PROGRESS;
import io.bits4j.client.windows.internal.com.BG_JOB_TIMES;
import io.bits4j.client.windows.internal.com.Bits;
import io.bits4j.client.windows.internal.com.BitsIds;
import io.bits4j.client.windows.internal.com.BitsUnknown;
import io.bits4j.client.windows.internal.com.IBackgroundCopyError;
import io.bits4j.client.windows.internal.com.IBackgroundCopyFile;
import io.bits4j.client.windows.internal.com.IBackgroundCopyJob;
import io.bits4j.client.windows.internal.com.IBackgroundCopyJob2;
import io.bits4j.client.windows.internal.com.IBackgroundCopyJobHttpOptions;
import io.bits4j.client.windows.internal.com.IEnumBackgroundCopyFiles;
import io.bits4j.client.windows.internal.com.JavaBackgroundCopyCallback;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A BITS job seen through {@code IBackgroundCopyJob}. Every method hops to the client's COM
 * thread; listeners run on the client's events thread. Holds one reference to the job interface
 * until the job is seen final (ACKNOWLEDGED or CANCELLED) or the client closes.
 */
final class ComJob implements ClientJob {
  /** What a poll saw. */
  record Observation(JobState state, @Nullable JobProgress progress, @Nullable JobError error) {}

  private static final int NOTIFY_FLAGS =
      Bits.BG_NOTIFY_JOB_TRANSFERRED | Bits.BG_NOTIFY_JOB_ERROR | Bits.BG_NOTIFY_JOB_MODIFICATION;

  private final ComClient client;
  private final UUID uuid;
  private final JobId id;
  private @Nullable IBackgroundCopyJob job; // COM thread only
  private @Nullable JavaBackgroundCopyCallback callback; // COM thread only
  private volatile @Nullable JobState finalState;
  private final List<JobListener> listeners = new CopyOnWriteArrayList<>();
  private final List<CompletableFuture<JobState>> outcomes = new ArrayList<>(); // guarded by itself
  private @Nullable Observation last; // events thread only

  ComJob(ComClient client, UUID uuid, IBackgroundCopyJob job) {
    this.client = client;
    this.uuid = uuid;
    this.id = new JobId(uuid);
    this.job = job;
  }

  UUID uuid() {
    return uuid;
  }

  // ------------------------------------------------------------------ COM-thread helpers

  private <T> T call(String what, Function<IBackgroundCopyJob, T> body) {
    return client.call(what, () -> body.apply(live()));
  }

  private void run(String what, java.util.function.Consumer<IBackgroundCopyJob> body) {
    client.call(what, () -> {
      body.accept(live());
      return null;
    });
  }

  /** The job interface; BG_E_INVALID_STATE once the job is final. COM thread. */
  private IBackgroundCopyJob live() {
    JobState f = finalState;
    IBackgroundCopyJob j = job;
    if (f != null || j == null) {
      throw new BitsException(Hresult.BG_E_INVALID_STATE,
          "job " + id + " is " + (f == null ? "released" : f));
    }
    return j;
  }

  boolean isReleased() {
    return job == null;
  }

  /** Reads the state; marks the job final when it is. COM thread. */
  private JobState readState(IBackgroundCopyJob j) {
    IntByReference v = new IntByReference();
    ComFailures.check(j.GetState(v), "IBackgroundCopyJob::GetState");
    JobState s = JobState.ofCode(v.getValue());
    if (s.isFinal()) {
      markFinal(s);
    }
    return s;
  }

  /** True when the job is ACKNOWLEDGED or CANCELLED (asks BITS unless known). COM thread. */
  boolean isFinalNow() {
    if (finalState != null || job == null) {
      return true;
    }
    return readState(live()).isFinal();
  }

  /** Records a final state and gives up the COM references. COM thread. */
  void markFinal(JobState state) {
    if (finalState == null) {
      finalState = state;
    }
    unregisterCallback();
    IBackgroundCopyJob j = job;
    job = null;
    if (j != null) {
      j.Release();
    }
    client.forget(this);
    client.pollSoon();
  }

  /** Gives up the COM references when the client closes. COM thread. */
  void releaseOnClose() {
    unregisterCallback();
    IBackgroundCopyJob j = job;
    job = null;
    if (j != null) {
      j.Release();
    }
  }

  private <T extends BitsUnknown> @Nullable T query(IBackgroundCopyJob j, String iid, Function<Pointer, T> wrap) {
    PointerByReference ppv = new PointerByReference();
    int hr = j.QueryInterface(BitsIds.guid(iid), ppv);
    if (hr == Bits.E_NOINTERFACE) {
      return null;
    }
    ComFailures.check(hr, "IBackgroundCopyJob::QueryInterface");
    T t = wrap.apply(ppv.getValue());
    client.secure(t);
    return t;
  }

  private IBackgroundCopyJob2 job2(IBackgroundCopyJob j) {
    IBackgroundCopyJob2 j2 = query(j, BitsIds.IID_IBackgroundCopyJob2, IBackgroundCopyJob2::new);
    if (j2 == null) {
      throw ComClient.notImplemented("IBackgroundCopyJob2 (BITS 1.5) is not available");
    }
    return j2;
  }

  private IBackgroundCopyJobHttpOptions httpOptions(IBackgroundCopyJob j) {
    IBackgroundCopyJobHttpOptions h =
        query(j, BitsIds.IID_IBackgroundCopyJobHttpOptions, IBackgroundCopyJobHttpOptions::new);
    if (h == null) {
      throw ComClient.notImplemented("IBackgroundCopyJobHttpOptions (BITS 2.5) is not available");
    }
    return h;
  }

  private String readString(String what, java.util.function.ToIntFunction<PointerByReference> getter) {
    PointerByReference out = new PointerByReference();
    int hr = getter.applyAsInt(out);
    if (hr < 0) {
      ComValues.freeIfSet(client.runtime, out);
      throw ComFailures.failure(hr, what);
    }
    String s = ComValues.takeString(client.runtime, out);
    return s == null ? "" : s;
  }

  private int readInt(String what, java.util.function.ToIntFunction<IntByReference> getter) {
    IntByReference out = new IntByReference();
    ComFailures.check(getter.applyAsInt(out), what);
    return out.getValue();
  }

  // ------------------------------------------------------------------ creation

  /** Applies a spec to a freshly created job (COM thread); files last, then Resume if asked. */
  void applySpec(JobSpec spec, List<String> remoteNames) {
    IBackgroundCopyJob j = live();
    if (!spec.description().isEmpty()) {
      ComFailures.check(j.SetDescription(new WString(spec.description())), "IBackgroundCopyJob::SetDescription");
    }
    if (spec.priority() != JobPriority.NORMAL) {
      ComFailures.check(j.SetPriority(spec.priority().code()), "IBackgroundCopyJob::SetPriority");
    }
    if (!spec.minimumRetryDelay().equals(JobSpec.DEFAULT_MINIMUM_RETRY_DELAY)) {
      applyRetryDelay(j, spec.minimumRetryDelay());
    }
    if (!spec.noProgressTimeout().equals(JobSpec.DEFAULT_NO_PROGRESS_TIMEOUT)) {
      applyNoProgressTimeout(j, spec.noProgressTimeout());
    }
    if (!spec.proxy().equals(ProxySettings.PRECONFIG)) {
      applyProxy(j, spec.proxy());
    }
    for (Credentials c : spec.credentials()) {
      applyCredentials(j, c);
    }
    spec.clientCertificate().ifPresent(c -> applyClientCertificate(j, c));
    if (!spec.customHeaders().isEmpty()) {
      applyCustomHeaders(j, spec.customHeaders());
    }
    if (!spec.files().isEmpty()) {
      int n = spec.files().size();
      BG_FILE_INFO[] infos = (BG_FILE_INFO[]) new BG_FILE_INFO().toArray(n);
      for (int i = 0; i < n; i++) {
        infos[i].RemoteName = new WString(remoteNames.get(i));
        infos[i].LocalName = new WString(spec.files().get(i).localFile().toString());
        infos[i].write();
      }
      ComFailures.check(j.AddFileSet(n, infos[0]), "IBackgroundCopyJob::AddFileSet");
    }
    if (spec.start()) {
      ComFailures.check(j.Resume(), "IBackgroundCopyJob::Resume");
    }
  }

  private static void applyRetryDelay(IBackgroundCopyJob j, Duration d) {
    int s = (int) JobSpec.normalizeRetryDelay(d).getSeconds();
    ComFailures.check(j.SetMinimumRetryDelay(s), "IBackgroundCopyJob::SetMinimumRetryDelay");
  }

  private static void applyNoProgressTimeout(IBackgroundCopyJob j, Duration d) {
    int s = (int) JobSpec.checkTimeout(d).getSeconds();
    ComFailures.check(j.SetNoProgressTimeout(s), "IBackgroundCopyJob::SetNoProgressTimeout");
  }

  private static void applyProxy(IBackgroundCopyJob j, ProxySettings p) {
    WString list = null;
    WString bypass = null;
    if (p.usage() == ProxyUsage.OVERRIDE) {
      list = new WString(String.join(" ", p.proxies()));
      bypass = p.bypass().isEmpty() ? null : new WString(String.join(" ", p.bypass()));
    }
    ComFailures.check(j.SetProxySettings(p.usage().code(), list, bypass), "IBackgroundCopyJob::SetProxySettings");
  }

  private void applyCredentials(IBackgroundCopyJob j, Credentials c) {
    IBackgroundCopyJob2 j2 = job2(j);
    Memory user = null;
    Memory password = null;
    try {
      BG_AUTH_CREDENTIALS cred = new BG_AUTH_CREDENTIALS();
      cred.Target = c.target().comCode();
      cred.Scheme = c.scheme().comCode();
      if (!c.isImplicit()) {
        user = wide(c.userName());
        password = wide(c.password());
      }
      cred.Credentials.Basic.UserName = user;
      cred.Credentials.Basic.Password = password;
      ComFailures.check(j2.SetCredentials(cred), "IBackgroundCopyJob2::SetCredentials");
    } finally {
      if (password != null) {
        password.clear(); // do not leave the password in native memory
      }
      j2.Release();
    }
  }

  private static Memory wide(String s) {
    Memory m = new Memory((long) (s.length() + 1) * Native.WCHAR_SIZE);
    m.setWideString(0, s);
    return m;
  }

  private void applyClientCertificate(IBackgroundCopyJob j, ClientCertificate c) {
    if (c instanceof ClientCertificate.FromKeyStore) {
      throw ComClient.notImplemented("Windows BITS takes client certificates from a Windows certificate"
          + " store only (ClientCertificate.byThumbprint / bySubject), not from a Java KeyStore");
    }
    IBackgroundCopyJobHttpOptions h = httpOptions(j);
    try {
      if (c instanceof ClientCertificate.ByThumbprint t) {
        byte[] sha1 = t.sha1();
        Memory blob = new Memory(sha1.length);
        blob.write(0, sha1, 0, sha1.length);
        ComFailures.check(h.SetClientCertificateByID(t.location().code(), new WString(t.storeName()), blob),
            "IBackgroundCopyJobHttpOptions::SetClientCertificateByID");
      } else if (c instanceof ClientCertificate.BySubject s) {
        ComFailures.check(h.SetClientCertificateByName(s.location().code(), new WString(s.storeName()),
            new WString(s.subject())), "IBackgroundCopyJobHttpOptions::SetClientCertificateByName");
      }
    } finally {
      h.Release();
    }
  }

  private void applyCustomHeaders(IBackgroundCopyJob j, Map<String, String> headers) {
    JobSpec.checkCustomHeaders(headers);
    IBackgroundCopyJobHttpOptions h = httpOptions(j);
    try {
      WString text = headers.isEmpty() ? null : new WString(ComValues.formatHeaders(headers));
      ComFailures.check(h.SetCustomHeaders(text), "IBackgroundCopyJobHttpOptions::SetCustomHeaders");
    } finally {
      h.Release();
    }
  }

  // ------------------------------------------------------------------ ClientJob: accessors

  @Override
  public JobId id() {
    return id;
  }

  @Override
  public String displayName() {
    return call("displayName", j -> readString("IBackgroundCopyJob::GetDisplayName", j::GetDisplayName));
  }

  @Override
  public String description() {
    return call("description", j -> readString("IBackgroundCopyJob::GetDescription", j::GetDescription));
  }

  @Override
  public JobType type() {
    return call("type", j -> JobType.ofCode(readInt("IBackgroundCopyJob::GetType", j::GetType)));
  }

  /**
   * The priority.
   *
   * @throws BitsException E_NOTIMPL where the service lacks GetPriority (Wine)
   */
  @Override
  public JobPriority priority() {
    return call("priority", j -> JobPriority.ofCode(readInt("IBackgroundCopyJob::GetPriority", j::GetPriority)));
  }

  @Override
  public JobState state() {
    JobState f = finalState;
    if (f != null) {
      return f;
    }
    return client.call("state", () -> {
      JobState known = finalState;
      if (known != null) {
        return known;
      }
      return readState(live());
    });
  }

  @Override
  public JobProgress progress() {
    return call("progress", ComJob::readProgress);
  }

  private static JobProgress readProgress(IBackgroundCopyJob j) {
    BG_JOB_PROGRESS p = new BG_JOB_PROGRESS();
    ComFailures.check(j.GetProgress(p), "IBackgroundCopyJob::GetProgress");
    long total = p.BytesTotal == Bits.BG_SIZE_UNKNOWN ? JobProgress.UNKNOWN : p.BytesTotal;
    int files = Math.max(0, p.FilesTotal);
    int done = Math.min(files, Math.max(0, p.FilesTransferred));
    return new JobProgress(total, Math.max(0, p.BytesTransferred), files, done);
  }

  @Override
  public List<JobFile> files() {
    return call("files", j -> {
      PointerByReference ppEnum = new PointerByReference();
      ComFailures.check(j.EnumFiles(ppEnum), "IBackgroundCopyJob::EnumFiles");
      IEnumBackgroundCopyFiles en = new IEnumBackgroundCopyFiles(ppEnum.getValue());
      List<JobFile> out = new ArrayList<>();
      try {
        client.secure(en);
        Pointer[] one = new Pointer[1];
        IntByReference fetched = new IntByReference();
        for (int guard = 0; guard < 1_000_000; guard++) {
          one[0] = null;
          fetched.setValue(0);
          int hr = ComFailures.check(en.Next(1, one, fetched), "IEnumBackgroundCopyFiles::Next");
          if (fetched.getValue() != 1 || one[0] == null) {
            break;
          }
          IBackgroundCopyFile f = new IBackgroundCopyFile(one[0]);
          try {
            out.add(readFile(f));
          } finally {
            f.Release();
          }
          if (hr == Bits.S_FALSE) {
            break;
          }
        }
      } finally {
        en.Release();
      }
      return List.copyOf(out);
    });
  }

  private JobFile readFile(IBackgroundCopyFile f) {
    client.secure(f);
    String remote = readString("IBackgroundCopyFile::GetRemoteName", f::GetRemoteName);
    String local = readString("IBackgroundCopyFile::GetLocalName", f::GetLocalName);
    BG_FILE_PROGRESS p = new BG_FILE_PROGRESS();
    ComFailures.check(f.GetProgress(p), "IBackgroundCopyFile::GetProgress");
    long total = p.BytesTotal == Bits.BG_SIZE_UNKNOWN ? JobProgress.UNKNOWN : p.BytesTotal;
    return new JobFile(ComValues.remoteUri(remote), ComValues.localPath(local), total,
        Math.max(0, p.BytesTransferred), p.Completed != 0);
  }

  /**
   * The times.
   *
   * @throws BitsException E_NOTIMPL where the service lacks GetTimes (Wine)
   */
  @Override
  public JobTimes times() {
    return call("times", j -> {
      BG_JOB_TIMES t = new BG_JOB_TIMES();
      ComFailures.check(j.GetTimes(t), "IBackgroundCopyJob::GetTimes");
      Optional<java.time.Instant> done = ComValues.isZero(t.TransferCompletionTime)
          ? Optional.empty() : Optional.of(ComValues.instant(t.TransferCompletionTime));
      return new JobTimes(ComValues.instant(t.CreationTime), ComValues.instant(t.ModificationTime), done);
    });
  }

  @Override
  public Optional<JobError> error() {
    return call("error", j -> {
      JobState s = readState(j);
      if (s != JobState.ERROR && s != JobState.TRANSIENT_ERROR) {
        return Optional.<JobError>empty();
      }
      return readError(j);
    });
  }

  /** Reads IBackgroundCopyError (COM thread); empty when BITS has none. */
  private Optional<JobError> readError(IBackgroundCopyJob j) {
    PointerByReference ppError = new PointerByReference();
    int hr = j.GetError(ppError);
    if (hr == Bits.BG_E_ERROR_INFORMATION_UNAVAILABLE) {
      return Optional.empty();
    }
    ComFailures.check(hr, "IBackgroundCopyJob::GetError");
    IBackgroundCopyError err = new IBackgroundCopyError(ppError.getValue());
    try {
      client.secure(err);
      IntByReference context = new IntByReference();
      IntByReference code = new IntByReference();
      ComFailures.check(err.GetError(context, code), "IBackgroundCopyError::GetError");
      int hresult = code.getValue();
      String description = describe(err, hresult);
      ErrorContext ctx;
      try {
        ctx = ErrorContext.ofCode(context.getValue());
      } catch (BitsException e) {
        ctx = ErrorContext.UNKNOWN;
      }
      Optional<URI> url = Optional.empty();
      Optional<Path> local = Optional.empty();
      PointerByReference ppFile = new PointerByReference();
      int fhr = err.GetFile(ppFile);
      if (fhr >= 0 && ppFile.getValue() != null) {
        IBackgroundCopyFile f = new IBackgroundCopyFile(ppFile.getValue());
        try {
          client.secure(f);
          url = Optional.of(ComValues.remoteUri(readString("IBackgroundCopyFile::GetRemoteName", f::GetRemoteName)));
          local = Optional.of(ComValues.localPath(readString("IBackgroundCopyFile::GetLocalName", f::GetLocalName)));
        } catch (BitsException e) {
          ComClient.LOG.debug("job {}: error file unavailable: {}", id, e.getMessage());
        } finally {
          f.Release();
        }
      }
      return Optional.of(new JobError(hresult, ctx, description, url, local));
    } finally {
      err.Release();
    }
  }

  /** BITS's description of an error, or {@link Hresult#describe} when it cannot give one. */
  private String describe(IBackgroundCopyError err, int hresult) {
    PointerByReference out = new PointerByReference();
    int hr;
    try {
      hr = err.GetErrorDescription(Bits.LANG_USER_DEFAULT, out);
    } catch (RuntimeException e) {
      hr = Hresult.E_FAIL;
    }
    if (hr < 0) {
      ComValues.freeIfSet(client.runtime, out);
      return Hresult.describe(hresult);
    }
    return ComValues.nonBlank(ComValues.takeString(client.runtime, out)).orElseGet(() -> Hresult.describe(hresult));
  }

  /**
   * The error count.
   *
   * @throws BitsException E_NOTIMPL where the service lacks GetErrorCount (Wine)
   */
  @Override
  public int transientErrorCount() {
    return call("transientErrorCount", j -> readInt("IBackgroundCopyJob::GetErrorCount", j::GetErrorCount));
  }

  /**
   * The owner's SID string.
   *
   * @throws BitsException E_NOTIMPL where the service lacks GetOwner (Wine)
   */
  @Override
  public String owner() {
    return call("owner", j -> readString("IBackgroundCopyJob::GetOwner", j::GetOwner));
  }

  @Override
  public Duration minimumRetryDelay() {
    return call("minimumRetryDelay", j -> Duration.ofSeconds(
        ComValues.unsignedSeconds(readInt("IBackgroundCopyJob::GetMinimumRetryDelay", j::GetMinimumRetryDelay))));
  }

  @Override
  public Duration noProgressTimeout() {
    return call("noProgressTimeout", j -> Duration.ofSeconds(
        ComValues.unsignedSeconds(readInt("IBackgroundCopyJob::GetNoProgressTimeout", j::GetNoProgressTimeout))));
  }

  @Override
  public Map<String, String> customHeaders() {
    return call("customHeaders", j -> {
      IBackgroundCopyJobHttpOptions h =
          query(j, BitsIds.IID_IBackgroundCopyJobHttpOptions, IBackgroundCopyJobHttpOptions::new);
      if (h == null) {
        return Map.<String, String>of();
      }
      try {
        PointerByReference out = new PointerByReference();
        int hr = h.GetCustomHeaders(out);
        if (hr < 0) {
          ComValues.freeIfSet(client.runtime, out);
          throw ComFailures.failure(hr, "IBackgroundCopyJobHttpOptions::GetCustomHeaders");
        }
        return java.util.Collections.unmodifiableMap(
            ComValues.parseHeaders(ComValues.takeString(client.runtime, out)));
      } finally {
        h.Release();
      }
    });
  }

  // ------------------------------------------------------------------ ClientJob: operations

  /**
   * Adds a file. Besides http/https URLs, a {@code file:} URI names a local or UNC path, which
   * BITS copies through the file system.
   */
  @Override
  public void addFile(URI remoteUrl, Path localFile) {
    String remote = ComValues.remoteName(Objects.requireNonNull(remoteUrl, "remoteUrl"));
    String local = JobSpec.checkLocalFile(localFile).toString();
    run("addFile", j -> ComFailures.check(j.AddFile(new WString(remote), new WString(local)),
        "IBackgroundCopyJob::AddFile"));
  }

  @Override
  public void setDisplayName(String displayName) {
    Objects.requireNonNull(displayName, "displayName");
    if (displayName.length() > 256) {
      throw new BitsException(Hresult.BG_E_STRING_TOO_LONG, "display name longer than 256 characters");
    }
    run("setDisplayName", j -> ComFailures.check(j.SetDisplayName(new WString(displayName)),
        "IBackgroundCopyJob::SetDisplayName"));
  }

  @Override
  public void setDescription(String description) {
    Objects.requireNonNull(description, "description");
    run("setDescription", j -> ComFailures.check(j.SetDescription(new WString(description)),
        "IBackgroundCopyJob::SetDescription"));
  }

  @Override
  public void setPriority(JobPriority priority) {
    Objects.requireNonNull(priority, "priority");
    run("setPriority", j -> ComFailures.check(j.SetPriority(priority.code()), "IBackgroundCopyJob::SetPriority"));
  }

  @Override
  public void setMinimumRetryDelay(Duration delay) {
    JobSpec.normalizeRetryDelay(delay);
    run("setMinimumRetryDelay", j -> applyRetryDelay(j, delay));
  }

  @Override
  public void setNoProgressTimeout(Duration timeout) {
    JobSpec.checkTimeout(timeout);
    run("setNoProgressTimeout", j -> applyNoProgressTimeout(j, timeout));
  }

  @Override
  public void setCredentials(Credentials credentials) {
    Objects.requireNonNull(credentials, "credentials");
    run("setCredentials", j -> applyCredentials(j, credentials));
  }

  @Override
  public void removeCredentials(AuthTarget target, CredentialScheme scheme) {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(scheme, "scheme");
    run("removeCredentials", j -> {
      IBackgroundCopyJob2 j2 = job2(j);
      try {
        ComFailures.check(j2.RemoveCredentials(target.comCode(), scheme.comCode()),
            "IBackgroundCopyJob2::RemoveCredentials");
      } finally {
        j2.Release();
      }
    });
  }

  @Override
  public void setClientCertificate(ClientCertificate certificate) {
    Objects.requireNonNull(certificate, "certificate");
    run("setClientCertificate", j -> applyClientCertificate(j, certificate));
  }

  @Override
  public void removeClientCertificate() {
    run("removeClientCertificate", j -> {
      IBackgroundCopyJobHttpOptions h = httpOptions(j);
      try {
        ComFailures.check(h.RemoveClientCertificate(), "IBackgroundCopyJobHttpOptions::RemoveClientCertificate");
      } finally {
        h.Release();
      }
    });
  }

  @Override
  public void setProxy(ProxySettings proxy) {
    Objects.requireNonNull(proxy, "proxy");
    run("setProxy", j -> applyProxy(j, proxy));
  }

  @Override
  public void setCustomHeaders(Map<String, String> headers) {
    Map<String, String> copy = new java.util.LinkedHashMap<>(Objects.requireNonNull(headers, "headers"));
    JobSpec.checkCustomHeaders(copy);
    run("setCustomHeaders", j -> applyCustomHeaders(j, copy));
  }

  @Override
  public void resume() {
    run("resume", j -> ComFailures.check(j.Resume(), "IBackgroundCopyJob::Resume"));
    client.pollSoon();
  }

  /**
   * Suspends the job.
   *
   * @throws BitsException E_NOTIMPL where the service lacks Suspend (Wine)
   */
  @Override
  public void suspend() {
    run("suspend", j -> ComFailures.check(j.Suspend(), "IBackgroundCopyJob::Suspend"));
    client.pollSoon();
  }

  @Override
  public CompleteStatus complete() {
    return call("complete", j -> {
      // Unregister while the job is still valid: afterwards BITS refuses SetNotifyInterface.
      boolean hadCallback = unregisterCallback();
      int hr = j.Complete();
      if (hr < 0) {
        reregister(hadCallback);
        throw ComFailures.failure(hr, "IBackgroundCopyJob::Complete");
      }
      markFinal(JobState.ACKNOWLEDGED);
      if (hr == Bits.BG_S_PARTIAL_COMPLETE) {
        return CompleteStatus.PARTIAL_COMPLETE;
      }
      if (hr == Bits.BG_S_UNABLE_TO_DELETE_FILES) {
        return CompleteStatus.UNABLE_TO_DELETE_FILES;
      }
      return CompleteStatus.COMPLETE;
    });
  }

  @Override
  public void cancel() {
    run("cancel", j -> {
      boolean hadCallback = unregisterCallback();
      int hr = j.Cancel();
      if (hr < 0) {
        reregister(hadCallback);
        throw ComFailures.failure(hr, "IBackgroundCopyJob::Cancel");
      }
      if (hr != Bits.S_OK) {
        ComClient.LOG.debug("job {}: Cancel returned {}", id, ComValues.hex(hr));
      }
      markFinal(JobState.CANCELLED);
    });
  }

  // ------------------------------------------------------------------ notifications

  @Override
  public void addListener(JobListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
    client.watch(this);
  }

  @Override
  public void removeListener(JobListener listener) {
    listeners.remove(listener);
  }

  @Override
  public CompletionStage<JobState> outcome() {
    CompletableFuture<JobState> f = new CompletableFuture<>();
    JobState s = state();
    if (s.isSettled()) {
      f.complete(s);
      return f;
    }
    synchronized (outcomes) {
      outcomes.add(f);
    }
    client.watch(this);
    return f;
  }

  boolean isWatched() {
    if (!listeners.isEmpty()) {
      return true;
    }
    synchronized (outcomes) {
      return !outcomes.isEmpty();
    }
  }

  void failOutcomes(Throwable t) {
    List<CompletableFuture<JobState>> pending;
    synchronized (outcomes) {
      pending = new ArrayList<>(outcomes);
      outcomes.clear();
    }
    pending.forEach(f -> f.completeExceptionally(t));
  }

  /** Registers a Java COM callback with BITS (COM thread); throws when BITS refuses. */
  void registerCallback() {
    if (callback != null || finalState != null || job == null) {
      return;
    }
    IBackgroundCopyJob j = live();
    JavaBackgroundCopyCallback cb = new JavaBackgroundCopyCallback("job " + id, new JavaBackgroundCopyCallback.Sink() {
      @Override
      public void jobTransferred() {
        client.callbackFired();
      }

      @Override
      public void jobError() {
        client.callbackFired();
      }

      @Override
      public void jobModification() {
        client.callbackFired();
      }
    });
    String call = "IBackgroundCopyJob::SetNotifyFlags";
    int hr = j.SetNotifyFlags(NOTIFY_FLAGS);
    if (hr >= 0) {
      call = "IBackgroundCopyJob::SetNotifyInterface";
      hr = j.SetNotifyInterface(cb.getPointer());
    }
    if (hr < 0) {
      cb.Release();
      throw ComFailures.failure(hr, call);
    }
    callback = cb;
  }

  private void reregister(boolean hadCallback) {
    if (hadCallback) {
      try {
        registerCallback();
      } catch (BitsException e) {
        ComClient.LOG.debug("job {}: callback not restored: {}", id, e.getMessage());
      }
    }
  }

  /** SetNotifyInterface(NULL) and drop our reference (COM thread); true if one was registered. */
  private boolean unregisterCallback() {
    JavaBackgroundCopyCallback cb = callback;
    callback = null;
    if (cb == null) {
      return false;
    }
    IBackgroundCopyJob j = job;
    if (j != null) {
      int hr = j.SetNotifyInterface(null);
      if (hr < 0) {
        ComClient.LOG.debug("job {}: SetNotifyInterface(NULL) returned {}", id, ComValues.hex(hr));
      }
    }
    // BITS releases its proxy's reference on its own schedule (Wine's service sometimes never
    // did within 15 s); disconnecting the object drops whatever it still holds, so no late call
    // can reach a client that has let the job go
    int hr = client.runtime.coDisconnectObject(cb.getPointer());
    if (hr < 0) {
      ComClient.LOG.debug("job {}: CoDisconnectObject returned {}", id, ComValues.hex(hr));
    }
    cb.Release();
    return true;
  }

  /** Observes state, progress and error (COM thread); null when BITS cannot say. */
  @Nullable Observation observe() {
    JobState f = finalState;
    if (f != null || job == null) {
      return new Observation(f == null ? JobState.CANCELLED : f, null, null);
    }
    try {
      IBackgroundCopyJob j = live();
      JobState s = readState(j);
      if (s.isFinal()) {
        return new Observation(s, null, null);
      }
      JobProgress p = readProgress(j);
      JobError e = s == JobState.ERROR || s == JobState.TRANSIENT_ERROR ? readError(j).orElse(null) : null;
      return new Observation(s, p, e);
    } catch (BitsException e) {
      ComClient.LOG.debug("job {}: poll failed: {}", id, e.getMessage());
      return null;
    }
  }

  /** Delivers an observation to listeners and outcome stages (events thread). */
  void deliver(@Nullable Observation now) {
    if (now == null) {
      return;
    }
    Observation prev = last;
    last = now;
    if (now.equals(prev)) {
      return;
    }
    boolean stateChanged = prev == null || prev.state() != now.state();
    for (JobListener l : listeners) {
      try {
        if (stateChanged && now.state() == JobState.TRANSFERRED) {
          l.jobTransferred(this);
        } else if (stateChanged && now.state() == JobState.ERROR) {
          JobError e = now.error();
          l.jobError(this, e != null ? e : JobError.of(Hresult.E_FAIL, ErrorContext.UNKNOWN));
        } else if (prev != null) {
          l.jobModified(this);
        }
      } catch (RuntimeException ex) {
        ComClient.LOG.warn("job {}: listener {} threw", id, l, ex);
      }
    }
    if (now.state().isSettled()) {
      List<CompletableFuture<JobState>> done;
      synchronized (outcomes) {
        done = new ArrayList<>(outcomes);
        outcomes.clear();
      }
      done.forEach(fut -> fut.complete(now.state()));
    }
    if (now.state().isFinal()) {
      client.unwatch(this);
    }
  }

  @Override
  public String toString() {
    JobState f = finalState;
    return "WindowsJob[" + id + (f == null ? "" : ", " + f) + "]";
  }
}
