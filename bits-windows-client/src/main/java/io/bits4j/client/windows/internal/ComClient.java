package io.bits4j.client.windows.internal;

import com.sun.jna.Pointer;
import com.sun.jna.WString;
import com.sun.jna.platform.win32.Guid;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import io.bits4j.BitsClient;
import io.bits4j.BitsException;
import io.bits4j.ClientCapability;
import io.bits4j.ClientJob;
import io.bits4j.Hresult;
import io.bits4j.JobId;
import io.bits4j.JobSpec;
import io.bits4j.JobState;
import io.bits4j.client.windows.internal.com.Bits;
import io.bits4j.client.windows.internal.com.BitsUnknown;
import io.bits4j.client.windows.internal.com.ComRuntime;
import io.bits4j.client.windows.internal.com.IBackgroundCopyJob;
import io.bits4j.client.windows.internal.com.IBackgroundCopyManager;
import io.bits4j.client.windows.internal.com.IEnumBackgroundCopyJobs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Windows client's engine: a {@link BitsClient} over BITS's {@code IBackgroundCopyManager},
 * with every COM call confined to one {@link ComApartment} thread and every notification
 * delivered on a separate events thread. {@code WindowsBitsClient} delegates here; tests build it
 * over a fake {@link ComRuntime}.
 *
 * <p>Ownership: the client holds one reference to the manager and one per {@link ComJob} it
 * tracks; a job's reference is released when the job is seen final, and all are released on
 * {@link #close()}. Every other interface pointer is released before the call that obtained it
 * returns.
 */
public final class ComClient implements BitsClient {
  static final Logger LOG = LoggerFactory.getLogger("io.bits4j.client.windows");

  /** Settings of a client. */
  public record Options(Duration pollInterval, Duration callTimeout, boolean pushNotifications) {
    /** Validates the durations. */
    public Options {
      Objects.requireNonNull(pollInterval, "pollInterval");
      Objects.requireNonNull(callTimeout, "callTimeout");
      if (pollInterval.isNegative() || pollInterval.isZero()) {
        throw new IllegalArgumentException("pollInterval must be positive: " + pollInterval);
      }
      if (callTimeout.isNegative() || callTimeout.isZero()) {
        throw new IllegalArgumentException("callTimeout must be positive: " + callTimeout);
      }
    }

    /** Poll every 500 ms, wait up to 60 s for a COM call, register COM callbacks. */
    public static Options defaults() {
      return new Options(Duration.ofMillis(500), Duration.ofSeconds(60), true);
    }
  }

  final ComRuntime runtime;
  final ComApartment com;
  final Options options;
  private final ScheduledExecutorService events;
  private final Map<UUID, ComJob> jobs = new ConcurrentHashMap<>();
  private final Set<ComJob> watched = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean pollPending = new AtomicBoolean();
  private final AtomicLong callbackEvents = new AtomicLong();
  private final Set<ClientCapability> capabilities;
  private final boolean wine;
  private @Nullable IBackgroundCopyManager manager; // COM thread only
  private boolean blanketFailureLogged; // COM thread only

  private ComClient(ComRuntime runtime, Options options) {
    this.runtime = runtime;
    this.options = options;
    this.com = new ComApartment(runtime, "bits4j-windows-com", options.callTimeout());
    boolean isWine;
    try {
      isWine = com.call("CoCreateInstance(BackgroundCopyManager)", () -> {
        PointerByReference ppv = new PointerByReference();
        int hr = runtime.createBackgroundCopyManager(ppv);
        ComFailures.check(hr, "CoCreateInstance(CLSID_BackgroundCopyManager, CLSCTX_LOCAL_SERVER)");
        manager = new IBackgroundCopyManager(ppv.getValue());
        secure(manager);
        return runtime.isWine();
      });
    } catch (RuntimeException e) {
      // the call may have failed, or timed out and still be running: either way the manager it
      // obtained must be released on the COM thread before that thread leaves the apartment
      com.shutdown(this::releaseManager);
      throw e;
    }
    this.wine = isWine;
    EnumSet<ClientCapability> caps = EnumSet.of(
        ClientCapability.SUSPEND,
        ClientCapability.CUSTOM_HEADERS,
        ClientCapability.STORE_CLIENT_CERTIFICATE,
        ClientCapability.PROXY_OVERRIDE,
        ClientCapability.BASIC_CREDENTIALS,
        ClientCapability.DIGEST_CREDENTIALS,
        ClientCapability.WINDOWS_CREDENTIALS,
        ClientCapability.PERSISTENT_JOBS);
    if (options.pushNotifications()) {
      caps.add(ClientCapability.PUSH_NOTIFICATIONS);
    }
    if (isWine) {
      // Wine's qmgr answers E_NOTIMPL for Suspend, SetProxySettings and the client-certificate
      // methods, keeps jobs only in memory and calls back only JobTransferred.
      caps.removeAll(EnumSet.of(ClientCapability.SUSPEND, ClientCapability.PROXY_OVERRIDE,
          ClientCapability.STORE_CLIENT_CERTIFICATE, ClientCapability.PERSISTENT_JOBS,
          ClientCapability.PUSH_NOTIFICATIONS));
    }
    this.capabilities = Collections.unmodifiableSet(caps);
    this.events = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "bits4j-windows-events");
      t.setDaemon(true);
      return t;
    });
    long ms = options.pollInterval().toMillis();
    events.scheduleWithFixedDelay(this::pollSafely, ms, ms, TimeUnit.MILLISECONDS);
  }

  /**
   * Opens a client: starts the COM thread and connects to the BITS service.
   *
   * @throws BitsException with the HRESULT of CoInitializeEx or CoCreateInstance
   */
  public static ComClient open(ComRuntime runtime, Options options) {
    return new ComClient(Objects.requireNonNull(runtime, "runtime"), Objects.requireNonNull(options, "options"));
  }

  /** True when the BITS service is Wine's. */
  public boolean isWine() {
    return wine;
  }

  /** How many notifications BITS delivered to this client's COM callbacks (diagnostics). */
  public long callbackEvents() {
    return callbackEvents.get();
  }

  /** True on the COM thread (for tests of the threading rules). */
  public boolean isComThread() {
    return com.isComThread();
  }

  @Override
  public ClientJob createJob(JobSpec spec) {
    Objects.requireNonNull(spec, "spec");
    List<String> remoteNames = new ArrayList<>();
    for (JobSpec.FileSpec f : spec.files()) {
      remoteNames.add(ComValues.remoteName(f.remoteUrl()));
    }
    return call("createJob", () -> {
      Guid.GUID id = new Guid.GUID();
      PointerByReference ppJob = new PointerByReference();
      ComFailures.check(
          manager().CreateJob(new WString(spec.displayName()), Bits.BG_JOB_TYPE.DOWNLOAD, id, ppJob),
          "IBackgroundCopyManager::CreateJob");
      IBackgroundCopyJob job = new IBackgroundCopyJob(ppJob.getValue());
      secure(job);
      ComJob cj = new ComJob(this, ComValues.uuid(id), job);
      try {
        cj.applySpec(spec, remoteNames);
      } catch (RuntimeException e) {
        int hr = job.Cancel();
        LOG.debug("cancelled half-created job {} ({})", cj.id(), ComValues.hex(hr));
        cj.markFinal(JobState.CANCELLED);
        throw e;
      }
      jobs.put(cj.uuid(), cj);
      return cj;
    });
  }

  @Override
  public Optional<ClientJob> findJob(JobId id) {
    Objects.requireNonNull(id, "id");
    return call("findJob", () -> {
      ComJob known = jobs.get(id.uuid());
      if (known != null) {
        return known.isFinalNow() ? Optional.<ClientJob>empty() : Optional.<ClientJob>of(known);
      }
      PointerByReference ppJob = new PointerByReference();
      int hr = manager().GetJob(ComValues.guid(id.uuid()), ppJob);
      if (hr == Bits.BG_E_NOT_FOUND) {
        return Optional.<ClientJob>empty();
      }
      ComFailures.check(hr, "IBackgroundCopyManager::GetJob");
      ComJob cj = adopt(id.uuid(), new IBackgroundCopyJob(ppJob.getValue()));
      return cj.isFinalNow() ? Optional.<ClientJob>empty() : Optional.<ClientJob>of(cj);
    });
  }

  @Override
  public List<ClientJob> jobs() {
    return call("jobs", () -> {
      PointerByReference ppEnum = new PointerByReference();
      ComFailures.check(manager().EnumJobs(0, ppEnum), "IBackgroundCopyManager::EnumJobs");
      IEnumBackgroundCopyJobs en = new IEnumBackgroundCopyJobs(ppEnum.getValue());
      List<ClientJob> out = new ArrayList<>();
      try {
        secure(en);
        Pointer[] one = new Pointer[1];
        IntByReference fetched = new IntByReference();
        for (int guard = 0; guard < 1_000_000; guard++) {
          one[0] = null;
          fetched.setValue(0);
          int hr = ComFailures.check(en.Next(1, one, fetched), "IEnumBackgroundCopyJobs::Next");
          if (fetched.getValue() != 1 || one[0] == null) {
            break;
          }
          IBackgroundCopyJob job = new IBackgroundCopyJob(one[0]);
          Guid.GUID gid = new Guid.GUID();
          int idHr = job.GetId(gid);
          if (idHr < 0) {
            job.Release();
            throw ComFailures.failure(idHr, "IBackgroundCopyJob::GetId");
          }
          ComJob cj = adopt(ComValues.uuid(gid), job);
          if (!cj.isFinalNow()) {
            out.add(cj);
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

  /** The tracked job for this id, taking ownership of {@code job} or releasing it if tracked. */
  private ComJob adopt(UUID id, IBackgroundCopyJob job) {
    ComJob known = jobs.get(id);
    if (known != null && !known.isReleased()) {
      job.Release();
      return known;
    }
    secure(job);
    ComJob cj = new ComJob(this, id, job);
    jobs.put(id, cj);
    return cj;
  }

  @Override
  public Set<ClientCapability> capabilities() {
    return capabilities;
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    events.shutdownNow();
    com.shutdown(() -> {
      for (ComJob j : jobs.values()) {
        j.releaseOnClose();
      }
      jobs.clear();
      releaseManager();
    });
    for (ComJob j : watched) {
      // as the other clients: E_CANCELLED, the job itself goes on in BITS
      j.failOutcomes(new BitsException(Hresult.E_CANCELLED, "WindowsBitsClient closed before job " + j.id()
          + " settled; it goes on in BITS"));
    }
    watched.clear();
  }

  boolean isClosed() {
    return closed.get();
  }

  /** Runs a call on the COM thread; ISE once closed. */
  <T> T call(String what, java.util.concurrent.Callable<T> task) {
    if (closed.get()) {
      throw new IllegalStateException("WindowsBitsClient is closed");
    }
    return com.call(what, task);
  }

  /** Gives up the manager reference, if one is held. COM thread. */
  private void releaseManager() {
    IBackgroundCopyManager m = manager;
    manager = null;
    if (m != null) {
      m.Release();
    }
  }

  private IBackgroundCopyManager manager() {
    IBackgroundCopyManager m = manager;
    if (m == null) {
      throw new IllegalStateException("WindowsBitsClient is closed");
    }
    return m;
  }

  /** CoSetProxyBlanket on a proxy; a failure (Wine: E_NOTIMPL) is logged once and ignored. */
  void secure(BitsUnknown proxy) {
    int hr = runtime.setProxyBlanket(proxy);
    if (hr < 0 && !blanketFailureLogged) {
      blanketFailureLogged = true;
      LOG.debug("CoSetProxyBlanket failed with {}; using the process's default blanket", ComValues.hex(hr));
    }
  }

  /** Called on the COM thread when a job is seen final. */
  void forget(ComJob job) {
    jobs.remove(job.uuid(), job);
  }

  // ---------------------------------------------------------------- notifications

  /** Starts watching a job for its listeners and outcome stages. */
  void watch(ComJob job) {
    if (closed.get()) {
      return;
    }
    if (watched.add(job) && options.pushNotifications()) {
      try {
        call("register callback", () -> {
          job.registerCallback();
          return null;
        });
      } catch (RuntimeException e) {
        LOG.debug("job {}: no COM callback, polling only: {}", job.id(), e.getMessage());
      }
    }
    pollSoon();
  }

  void unwatch(ComJob job) {
    watched.remove(job);
  }

  /** A COM callback fired (on an RPC thread): count it and poll soon. No COM work here. */
  void callbackFired() {
    callbackEvents.incrementAndGet();
    pollSoon();
  }

  /** Schedules one extra poll on the events thread unless one is already pending. */
  void pollSoon() {
    if (closed.get() || !pollPending.compareAndSet(false, true)) {
      return;
    }
    try {
      events.execute(() -> {
        pollPending.set(false);
        pollSafely();
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      pollPending.set(false);
    }
  }

  /** Runs a task on the events thread (never the COM thread). */
  void onEventsThread(Runnable r) {
    try {
      events.execute(r);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closed
    }
  }

  private void pollSafely() {
    try {
      poll();
    } catch (IllegalStateException e) {
      // closed meanwhile
    } catch (RuntimeException e) {
      if (!closed.get()) { // closing interrupts a poll in flight: not worth a warning
        LOG.warn("polling BITS jobs failed: {}", e.toString());
      }
    }
  }

  /** On the events thread: observe every watched job on the COM thread, then deliver here. */
  private void poll() {
    if (watched.isEmpty() || closed.get()) {
      return;
    }
    List<ComJob> list = List.copyOf(watched);
    List<ComJob.Observation> seen = call("poll", () -> {
      List<ComJob.Observation> out = new ArrayList<>(list.size());
      for (ComJob j : list) {
        out.add(j.observe());
      }
      return out;
    });
    for (int i = 0; i < list.size(); i++) {
      list.get(i).deliver(seen.get(i));
    }
  }

  static BitsException notImplemented(String what) {
    return new BitsException(Hresult.E_NOTIMPL, what);
  }
}
