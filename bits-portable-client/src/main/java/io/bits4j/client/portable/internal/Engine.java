package io.bits4j.client.portable.internal;

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
import io.bits4j.JobId;
import io.bits4j.JobListener;
import io.bits4j.JobPriority;
import io.bits4j.JobSpec;
import io.bits4j.JobState;
import io.bits4j.ProxySettings;
import io.bits4j.Scheduler;
import java.io.IOException;
import java.net.URI;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The portable client's engine: the jobs, their state machine (bits-spec §4.1–4.2), one dispatcher
 * thread deciding which jobs run, bounded transfer workers, one notification thread for listeners,
 * and the state store.
 *
 * <p>Locking: all job fields are guarded by {@link #lock}. No listener, file-system sync of data,
 * or network I/O happens while holding it; state files are written after the lock is released
 * (ordered per job by a version number).
 */
public final class Engine implements AutoCloseable {
  static final System.Logger LOG = System.getLogger(Engine.class.getName());
  /** Progress notifications are coalesced to at most one per this many nanoseconds per job. */
  private static final long PROGRESS_NOTIFY_NANOS = 100_000_000L;

  /** Engine settings. */
  public record Config(Path stateDirectory, Scheduler scheduler, int workers, long bandwidthLimit,
      HttpSession.Net net, Duration timeSlice, long durabilityBytes, Duration durabilityInterval,
      boolean transfers, boolean directWrites, Duration jobInactivityTimeout) {}

  final Object lock = new Object();
  final Scheduler scheduler;
  final HttpSession.Net net;
  final @Nullable BandwidthLimiter limiter;
  final long durabilityBytes;
  final Duration durabilityInterval;
  /** Whether temp files are written with direct I/O where the file system allows (see {@link TempFile}). */
  final boolean directWrites;
  private final Duration timeSlice;
  /** BITS's JobInactivityTimeout (see {@link #sweepInactive()}). */
  private final Duration inactivityTimeout;
  /**
   * The one timer of the inactivity timeout, due at the earliest deadline of the jobs (guarded by
   * {@link #lock}); none while there are no jobs, and none after close(), so that the scheduler
   * keeps no closed engine.
   */
  private Scheduler.@Nullable Task inactivityTask;
  private @Nullable Instant inactivityDue;
  private final int workerCount;
  private final boolean transfers;
  private final StateStore store;
  private final Map<JobId, PortableJob> jobs = new LinkedHashMap<>();
  private final ThreadPoolExecutor workers;
  private final ExecutorService dispatcher;
  private final ExecutorService notifier;
  private volatile @Nullable Thread notifierThread;
  /** Background forcing of received data (see {@link Attempt}). */
  final ExecutorService flusher;
  /** Staging rings for direct writes, reused by transfers (see {@link TempFile}); at most one per worker. */
  private final java.util.concurrent.ConcurrentLinkedQueue<java.nio.ByteBuffer> rings =
      new java.util.concurrent.ConcurrentLinkedQueue<>();
  /** How transfers run their checkpoints, chosen by trying both ways (see {@link CheckpointPolicy}). */
  final CheckpointPolicy checkpoints = new CheckpointPolicy();
  private final AtomicBoolean dispatchPending = new AtomicBoolean();
  private long nextSeq;
  private boolean closed;
  /** Counted down when close() has finished: the threads stopped, the state directory released. */
  private final java.util.concurrent.CountDownLatch closeFinished = new java.util.concurrent.CountDownLatch(1);
  /** After close: no state file is written any more (another process may own the directory). */
  private boolean storeClosed;

  /** Opens the state directory, loads its jobs and resumes the active ones. */
  public Engine(Config config) {
    this.scheduler = config.scheduler();
    this.net = config.net();
    this.limiter = config.bandwidthLimit() > 0 ? new BandwidthLimiter(scheduler, config.bandwidthLimit()) : null;
    this.durabilityBytes = config.durabilityBytes();
    this.durabilityInterval = config.durabilityInterval();
    this.directWrites = config.directWrites();
    this.timeSlice = config.timeSlice();
    this.inactivityTimeout = config.jobInactivityTimeout();
    this.workerCount = config.workers();
    this.transfers = config.transfers();
    this.store = new StateStore(config.stateDirectory());
    AtomicInteger n = new AtomicInteger();
    this.workers = new ThreadPoolExecutor(workerCount, workerCount, 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), r -> daemon(r, "bits4j-transfer-" + n.incrementAndGet()));
    this.workers.allowCoreThreadTimeOut(true);
    this.dispatcher = java.util.concurrent.Executors.newSingleThreadExecutor(r -> daemon(r, "bits4j-dispatch"));
    this.notifier = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
      Thread t = daemon(r, "bits4j-notify");
      notifierThread = t;
      return t;
    });
    AtomicInteger fn = new AtomicInteger();
    this.flusher = java.util.concurrent.Executors.newFixedThreadPool(workerCount,
        r -> daemon(r, "bits4j-flush-" + fn.incrementAndGet()));
    try {
      load();
    } catch (RuntimeException e) {
      shutdownExecutors();
      store.close();
      throw e;
    }
    requestDispatch();
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /**
   * Loads the jobs; those whose last activity is older than the inactivity timeout (the client was
   * not running when it passed) are cancelled at once, as cancel() would, before anyone sees them.
   */
  private void load() {
    List<StateStore.Loaded> states = new ArrayList<>(store.loadAll());
    // queue order after a restart: creation order
    states.sort(Comparator.comparing(l -> l.state().getProperty("created", "")));
    Instant now = scheduler.now();
    List<PortableJob> expired = new ArrayList<>();
    for (StateStore.Loaded l : states) {
      PortableJob j;
      try {
        j = PortableJob.fromProperties(this, l.state());
      } catch (RuntimeException e) {
        // intact but meaningless (a value out of range, a key missing): set aside, so that the
        // warning is not repeated at every start
        LOG.log(System.Logger.Level.WARNING, "unreadable job state " + l.file() + " set aside: " + e);
        try {
          StateStore.setAside(l.file());
        } catch (IOException x) {
          LOG.log(System.Logger.Level.WARNING, "cannot set aside " + l.file() + ": " + x);
        }
        continue;
      }
      synchronized (lock) {
        j.seq = nextSeq++;
        if (j.state.isFinal()) {
          continue;
        } else if (isInactive(j, now)) {
          expired.add(j);
        } else if (j.state == JobState.CONNECTING || j.state == JobState.TRANSFERRING) {
          j.state = JobState.QUEUED;
        } else if (j.state == JobState.TRANSIENT_ERROR) {
          scheduleRetry(j, j.retryDelay, now);
        }
        jobs.put(j.id, j);
      }
    }
    for (PortableJob j : expired) {
      logExpiry(j);
      cancel(j);
    }
    synchronized (lock) {
      armInactivity(now);
    }
  }

  /** The state directory. */
  public Path stateDirectory() {
    return store.directory();
  }

  // ---------------------------------------------------------------- client operations

  public ClientJob createJob(JobSpec spec) {
    Objects.requireNonNull(spec, "spec");
    synchronized (lock) {
      checkOpen(); // a closed client is misuse, whatever the spec
    }
    for (Credentials c : spec.credentials()) {
      checkScheme(c.scheme());
    }
    ClientCertificate.FromKeyStore cert = spec.clientCertificate().map(Engine::checkCertificate).orElse(null);
    PortableJob j;
    synchronized (lock) {
      checkOpen();
      Instant now = scheduler.now();
      j = new PortableJob(this, JobId.random(), spec.displayName(), System.getProperty("user.name", "unknown"), now);
      j.description = spec.description();
      j.priority = spec.priority();
      j.credentials.addAll(spec.credentials());
      j.certificate = cert;
      j.proxy = spec.proxy();
      j.retryDelay = spec.minimumRetryDelay();
      j.noProgressTimeout = spec.noProgressTimeout();
      j.headers = spec.customHeaders();
      for (JobSpec.FileSpec f : spec.files()) {
        j.files.add(newEntry(j, f.remoteUrl(), f.localFile()));
      }
      j.seq = nextSeq++;
      jobs.put(j.id, j);
      j.version++;
      armInactivityAt(inactivityDeadline(j));
    }
    persist(j);
    if (spec.start()) {
      resume(j);
    }
    return j;
  }

  public Optional<ClientJob> findJob(JobId id) {
    synchronized (lock) {
      checkOpen();
      return Optional.ofNullable(jobs.get(id));
    }
  }

  public List<ClientJob> jobs() {
    synchronized (lock) {
      checkOpen();
      return List.copyOf(jobs.values());
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("client is closed");
    }
  }

  private static void checkScheme(CredentialScheme s) {
    if (s != CredentialScheme.BASIC && s != CredentialScheme.DIGEST) {
      throw new BitsException(Hresult.E_NOTIMPL, "the portable client speaks Basic and Digest, not " + s);
    }
  }

  private static ClientCertificate.FromKeyStore checkCertificate(ClientCertificate c) {
    if (c instanceof ClientCertificate.FromKeyStore k) {
      return k;
    }
    throw new BitsException(Hresult.E_NOTIMPL,
        "the portable client takes client certificates from a Java KeyStore, not " + c);
  }

  private FileEntry newEntry(PortableJob j, URI url, Path dest) {
    String name = dest.getFileName().toString();
    String shortId = j.id.uuid().toString().substring(0, 8);
    Path temp = dest.resolveSibling("." + name + ".bits4j-" + shortId + "-" + j.files.size() + ".tmp");
    return new FileEntry(url, dest, temp);
  }

  /** Marks a temp file hidden where the file system has a hidden attribute (Windows). */
  static void hide(Path p) {
    try {
      if (p.getFileSystem().supportedFileAttributeViews().contains("dos")) {
        Files.setAttribute(p, "dos:hidden", Boolean.TRUE);
      }
    } catch (IOException | UnsupportedOperationException e) {
      // the leading dot hides it elsewhere
    }
  }

  // ---------------------------------------------------------------- job operations

  /**
   * Refuses operations on a final job, and on any job once the client is closed: after close() no
   * state file is written, so a change would be lost (and the directory may belong to another
   * client by then). Changes made before close() are in the state files it writes.
   */
  private void checkNotFinal(PortableJob j) {
    if (j.state.isFinal() || j.removed) {
      throw new BitsException(Hresult.BG_E_INVALID_STATE, "job " + j.id + " is " + j.state);
    }
    if (closed) {
      throw new BitsException(Hresult.BG_E_INVALID_STATE, "job " + j.id + ": the client is closed");
    }
  }

  /** Runs a property change under the lock, then persists and notifies. */
  private void modify(PortableJob j, Runnable change) {
    synchronized (lock) {
      checkNotFinal(j);
      change.run();
      touch(j);
      j.activity = j.modified;
      fire(j, l -> l.jobModified(j));
    }
    persist(j);
  }

  private void touch(PortableJob j) {
    j.modified = scheduler.now();
    j.version++;
  }

  void addFile(PortableJob j, URI url, Path dest) {
    JobSpec.FileSpec spec = new JobSpec.FileSpec(url, dest);
    modify(j, () -> j.files.add(newEntry(j, spec.remoteUrl(), spec.localFile())));
    requestDispatch();
  }

  void setDisplayName(PortableJob j, String name) {
    JobSpec.builder(name); // validates
    modify(j, () -> j.displayName = name);
  }

  void setDescription(PortableJob j, String text) {
    JobSpec.builder("x").description(text); // validates
    modify(j, () -> j.description = text);
  }

  void setPriority(PortableJob j, JobPriority p) {
    Objects.requireNonNull(p, "priority");
    modify(j, () -> j.priority = p);
    requestDispatch();
  }

  void setMinimumRetryDelay(PortableJob j, Duration d) {
    Duration n = JobSpec.normalizeRetryDelay(d);
    modify(j, () -> j.retryDelay = n);
  }

  void setNoProgressTimeout(PortableJob j, Duration d) {
    Duration n = JobSpec.checkTimeout(d);
    modify(j, () -> j.noProgressTimeout = n);
  }

  void setCredentials(PortableJob j, Credentials c) {
    Objects.requireNonNull(c, "credentials");
    checkScheme(c.scheme());
    modify(j, () -> {
      j.credentials.removeIf(x -> x.target() == c.target() && x.scheme() == c.scheme());
      j.credentials.add(c);
    });
  }

  void removeCredentials(PortableJob j, AuthTarget t, CredentialScheme s) {
    Objects.requireNonNull(t, "target");
    Objects.requireNonNull(s, "scheme");
    modify(j, () -> j.credentials.removeIf(x -> x.target() == t && x.scheme() == s));
  }

  void setClientCertificate(PortableJob j, ClientCertificate c) {
    ClientCertificate.FromKeyStore k = checkCertificate(Objects.requireNonNull(c, "certificate"));
    modify(j, () -> j.certificate = k);
  }

  void removeClientCertificate(PortableJob j) {
    modify(j, () -> j.certificate = null);
  }

  void setProxy(PortableJob j, ProxySettings p) {
    Objects.requireNonNull(p, "proxy");
    modify(j, () -> j.proxy = p);
  }

  void setCustomHeaders(PortableJob j, Map<String, String> h) {
    Map<String, String> copy = java.util.Collections.unmodifiableMap(
        new LinkedHashMap<>(JobSpec.checkCustomHeaders(Objects.requireNonNull(h, "headers"))));
    modify(j, () -> j.headers = copy);
  }

  void resume(PortableJob j) {
    synchronized (lock) {
      checkNotFinal(j);
      if (j.files.isEmpty()) {
        throw new BitsException(Hresult.BG_E_EMPTY, "job " + j.id + " has no files");
      }
      switch (j.state) {
        case QUEUED, CONNECTING, TRANSFERRING:
          return;
        case TRANSFERRED:
          if (j.files.stream().allMatch(f -> f.completed)) {
            return;
          }
          break;
        default:
          break;
      }
      newEpoch(j);
      j.error = null;
      j.noProgressSince = null;
      j.seq = nextSeq++;
      j.activity = scheduler.now();
      setStateLocked(j, JobState.QUEUED);
    }
    persist(j);
    requestDispatch();
  }

  /**
   * Suspends; returns once the job's worker has stopped, so no byte arrives afterwards. That holds
   * for a job already SUSPENDED too: the worker that an earlier, concurrent suspend() stopped may
   * still be finishing.
   */
  void suspend(PortableJob j) {
    Run r;
    boolean already;
    synchronized (lock) {
      checkNotFinal(j);
      r = j.run;
      already = j.state == JobState.SUSPENDED;
      if (!already) {
        newEpoch(j);
        if (r != null) {
          r.requestStop();
        }
        j.error = null;
        j.activity = scheduler.now();
        setStateLocked(j, JobState.SUSPENDED);
      }
    }
    if (r != null) {
      r.awaitDone();
    }
    if (!already) {
      persist(j);
      requestDispatch();
    }
  }

  /** Stops a job's run (if any) and keeps it from being dispatched until {@code closing} clears. */
  private void stopForClose(PortableJob j) {
    Run r;
    synchronized (lock) {
      checkNotFinal(j);
      j.closing = true;
      newEpoch(j);
      r = j.run;
      if (r != null) {
        r.requestStop();
      }
    }
    if (r != null) {
      r.awaitDone();
    }
  }

  CompleteStatus complete(PortableJob j) {
    j.opLock.lock();
    try {
      stopForClose(j);
      List<FileEntry> files;
      synchronized (lock) {
        files = List.copyOf(j.files);
      }
      boolean partial = false;
      boolean undeleted = false;
      for (FileEntry f : files) {
        boolean done;
        synchronized (lock) {
          done = f.completed && !f.renamed;
          if (!f.completed) {
            partial = true;
          }
        }
        if (!done) {
          continue;
        }
        try {
          boolean recorded;
          synchronized (lock) {
            recorded = f.renaming;
            f.renaming = true;
            j.version++;
          }
          // an earlier complete() recorded the rename and the process died before recording that
          // it was done: the temp file is gone because it is at its destination (with its length)
          boolean movedBeforeCrash = recorded && Files.notExists(f.temp) && Files.isRegularFile(f.dest)
              && Files.size(f.dest) == f.written;
          persistChecked(j, true); // the intent is durable before the rename
          if (!movedBeforeCrash) {
            setLastModified(f);
            try {
              Files.move(f.temp, f.dest, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
              Files.move(f.temp, f.dest, StandardCopyOption.REPLACE_EXISTING);
            }
          }
          if (f.dest.getParent() != null) {
            StateStore.forceDirectory(f.dest.getParent());
          }
        } catch (IOException e) {
          synchronized (lock) {
            f.renaming = false; // the rename did not happen
            j.closing = false;
            j.version++;
          }
          persist(j);
          requestDispatch();
          throw new BitsException(LocalErrors.hresult(e), ErrorContext.LOCAL_FILE,
              "cannot move " + f.temp + " to " + f.dest + ": " + e, e);
        }
        synchronized (lock) {
          f.renamed = true;
          j.version++;
        }
        persist(j);
      }
      for (FileEntry f : files) {
        if (!f.completed) {
          try {
            Files.deleteIfExists(f.temp);
          } catch (IOException e) {
            undeleted = true;
          }
        }
      }
      finish(j, JobState.ACKNOWLEDGED);
      return undeleted ? CompleteStatus.UNABLE_TO_DELETE_FILES
          : partial ? CompleteStatus.PARTIAL_COMPLETE : CompleteStatus.COMPLETE;
    } finally {
      j.opLock.unlock();
    }
  }

  private static void setLastModified(FileEntry f) {
    String lm = f.lastModified;
    if (lm == null) {
      return;
    }
    try {
      Instant t = ZonedDateTime.parse(lm, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Files.setLastModifiedTime(f.temp, FileTime.from(t));
    } catch (RuntimeException | IOException e) {
      // the server's date is advisory
    }
  }

  void cancel(PortableJob j) {
    j.opLock.lock();
    try {
      cancelHoldingOpLock(j);
    } finally {
      j.opLock.unlock();
    }
  }

  /** cancel() once the job's operation lock is held. */
  private void cancelHoldingOpLock(PortableJob j) {
    stopForClose(j);
    List<FileEntry> files;
    synchronized (lock) {
      files = List.copyOf(j.files);
    }
    for (FileEntry f : files) {
      if (!f.renamed) {
        try {
          Files.deleteIfExists(f.temp);
        } catch (IOException e) {
          LOG.log(System.Logger.Level.WARNING, "cannot delete " + f.temp + ": " + e);
        }
      }
    }
    finish(j, JobState.CANCELLED);
  }

  private void finish(PortableJob j, JobState finalState) {
    synchronized (lock) {
      j.closing = false;
      j.removed = true;
      newEpoch(j);
      jobs.remove(j.id);
      if (jobs.isEmpty()) {
        cancelInactivityTask(); // nothing left to time: the scheduler keeps nothing of this engine
      }
      setStateLocked(j, finalState);
    }
    // under the job's write lock: a state write that began before the job was removed (a setter or
    // suspend() on another thread) ends first, instead of putting the file back after the delete
    synchronized (j.persistLock) {
      try {
        store.delete(j.id);
      } catch (IOException e) {
        LOG.log(System.Logger.Level.WARNING, "cannot delete state of " + j.id + ": " + e);
      }
    }
    requestDispatch();
  }

  // ---------------------------------------------------------------- state changes and events

  /** Changes state and queues the notifications (caller holds the lock). */
  private void setStateLocked(PortableJob j, JobState s) {
    if (j.state == s) {
      return;
    }
    j.state = s;
    touch(j);
    if (s == JobState.TRANSFERRED) {
      fire(j, l -> l.jobTransferred(j));
    } else if (s == JobState.ERROR) {
      JobError e = Objects.requireNonNull(j.error, "error");
      fire(j, l -> l.jobError(j, e));
    } else {
      fire(j, l -> l.jobModified(j));
    }
    if (s.isSettled() && !j.outcomes.isEmpty()) {
      List<CompletableFuture<JobState>> fs = new ArrayList<>(j.outcomes);
      j.outcomes.clear();
      Runnable settle = () -> fs.forEach(f -> f.complete(s));
      try {
        notifier.execute(settle);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // the client is closed (complete() or cancel() after or during close()): the outcome is
        // still due, and its dependent stages must not run under the lock
        java.util.concurrent.ForkJoinPool.commonPool().execute(settle);
      }
    }
  }

  /** Queues a listener call on the notification thread (never run under the lock). */
  private void fire(PortableJob j, Consumer<JobListener> call) {
    if (j.listeners.isEmpty()) {
      return;
    }
    try {
      notifier.execute(() -> {
        for (JobListener l : j.listeners) {
          try {
            call.accept(l);
          } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "job listener threw", e);
          }
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closed
    }
  }

  /** A coalesced progress notification. */
  void progress(PortableJob j) {
    if (j.listeners.isEmpty()) {
      return;
    }
    long now = System.nanoTime();
    if (now - j.lastProgressNanos < PROGRESS_NOTIFY_NANOS) {
      return;
    }
    if (j.progressPending.compareAndSet(false, true)) {
      j.lastProgressNanos = now;
      try {
        notifier.execute(() -> {
          j.progressPending.set(false);
          for (JobListener l : j.listeners) {
            try {
              l.jobModified(j);
            } catch (RuntimeException e) {
              LOG.log(System.Logger.Level.WARNING, "job listener threw", e);
            }
          }
        });
      } catch (java.util.concurrent.RejectedExecutionException e) {
        j.progressPending.set(false);
      }
    }
  }

  /** Sets CONNECTING/TRANSFERRING for a running attempt, unless the run was stopped. */
  void setState(Run run, JobState s) {
    synchronized (lock) {
      PortableJob j = run.job;
      if (j.run == run && !run.stop && j.state != s) {
        setStateLocked(j, s);
      }
    }
  }

  /** Writes a job's state file (unless a concurrent write already covered it). Failures are logged. */
  void persist(PortableJob j) {
    synchronized (lock) {
      j.version++;
    }
    try {
      persistChecked(j, true);
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot write state of " + j.id + ": " + e);
    }
  }

  /** Persists on the dispatcher thread: for scheduler tasks, which must not block. */
  private void persistAsync(PortableJob j) {
    try {
      dispatcher.execute(() -> persist(j));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      persist(j);
    }
  }

  /** Like {@link #persist} for a checkpoint: failure is a LOCAL_FILE error of the transfer. */
  void persistOrFail(PortableJob j, FileEntry f) throws TransferException {
    try {
      synchronized (lock) {
        j.version++;
      }
      persistChecked(j, false);
    } catch (IOException e) {
      TransferException t = TransferException.fatal(LocalErrors.hresult(e), ErrorContext.LOCAL_FILE,
          "cannot write job state: " + e, e);
      t.file = f;
      throw t;
    }
  }

  /**
   * Writes the state file. Checkpoints skip forcing the directory: if a crash loses that rename, the
   * previous file (an older, still valid offset) remains.
   */
  private void persistChecked(PortableJob j, boolean syncDirectory) throws IOException {
    synchronized (j.persistLock) {
      Properties p;
      long v;
      synchronized (lock) {
        if (j.removed || storeClosed) {
          return;
        }
        v = j.version;
        if (v == j.writtenVersion && v != 0) {
          return;
        }
        p = j.toProperties();
      }
      store.write(j.id, p, syncDirectory);
      synchronized (lock) {
        j.writtenVersion = Math.max(j.writtenVersion, v);
      }
    }
  }

  /** Waits on the scheduler's clock (so a manual clock drives it); returns early if the run stops. */
  void await(Duration d, Run run) {
    if (d.isZero() || d.isNegative()) {
      return;
    }
    CountDownLatch latch = new CountDownLatch(1);
    Scheduler.Task t = scheduler.schedule(d, latch::countDown);
    try {
      while (!latch.await(50, TimeUnit.MILLISECONDS)) {
        if (run.stop) {
          t.cancel();
          return;
        }
      }
    } catch (InterruptedException e) {
      t.cancel();
      Thread.currentThread().interrupt();
    }
  }

  // ---------------------------------------------------------------- dispatching

  void requestDispatch() {
    if (dispatchPending.compareAndSet(false, true)) {
      try {
        dispatcher.execute(() -> {
          dispatchPending.set(false);
          dispatch();
        });
      } catch (java.util.concurrent.RejectedExecutionException e) {
        dispatchPending.set(false);
      }
    }
  }

  private void dispatch() {
    List<PortableJob> toPersist = new ArrayList<>();
    synchronized (lock) {
      if (closed || !transfers) {
        return;
      }
      List<PortableJob> runnable = new ArrayList<>();
      for (PortableJob j : jobs.values()) {
        boolean active = j.state == JobState.QUEUED || j.state == JobState.CONNECTING
            || j.state == JobState.TRANSFERRING;
        if (active && !j.closing) {
          runnable.add(j);
        }
      }
      Comparator<PortableJob> order = Comparator.<PortableJob>comparingInt(j -> j.priority.code())
          .thenComparingLong(j -> j.seq);
      runnable.sort(order);
      List<PortableJob> desired = new ArrayList<>();
      for (PortableJob j : runnable) {
        if (j.priority == JobPriority.FOREGROUND && desired.size() < workerCount) {
          desired.add(j);
        }
      }
      if (desired.size() < workerCount) {
        for (PortableJob j : runnable) {
          if (j.priority != JobPriority.FOREGROUND) {
            desired.add(j); // background jobs run one at a time, highest priority first
            break;
          }
        }
      }
      for (PortableJob j : runnable) {
        Run r = j.run;
        if (r != null && !r.stop && !desired.contains(j)) {
          r.requestStop();
          setStateLocked(j, JobState.QUEUED);
          toPersist.add(j);
        }
      }
      for (PortableJob j : desired) {
        if (j.run == null) {
          Run r = new Run(j);
          j.run = r;
          if (j.state != JobState.QUEUED) {
            setStateLocked(j, JobState.QUEUED);
          }
          workers.execute(() -> runLoop(r));
          if (j.priority != JobPriority.FOREGROUND) {
            scheduleSlice(r);
          }
        }
      }
    }
    toPersist.forEach(this::persist);
  }

  private void scheduleSlice(Run r) {
    r.slice = scheduler.schedule(timeSlice, () -> {
      synchronized (lock) {
        if (r.job.run != r || r.stop) {
          return;
        }
        r.job.seq = nextSeq++; // to the back of its priority: others of that priority go first
        scheduleSlice(r);
      }
      requestDispatch();
    });
  }

  // ---------------------------------------------------------------- the worker

  private void runLoop(Run run) {
    PortableJob j = run.job;
    int immediate = 0;
    boolean chain = false;
    try {
      while (!run.stop) {
        Attempt a = new Attempt(this, run);
        try {
          a.transferAll();
          onTransferred(run);
          return;
        } catch (Attempt.Stopped s) {
          return;
        } catch (TransferException e) {
          if (run.stop) {
            return;
          }
          boolean zeroTimeout;
          synchronized (lock) {
            if (e.isTransient()) {
              j.transientErrors++;
              j.version++;
            }
            zeroTimeout = j.noProgressTimeout.isZero();
          }
          if (!e.isTransient() || zeroTimeout) {
            onError(run, e);
            return;
          }
          if (a.progressed()) {
            immediate = 1; // this retry is the first of at most three without progress
            chain = true;
            LOG.log(System.Logger.Level.DEBUG, "retrying at once after " + e.getMessage());
            continue;
          }
          if (chain && immediate < 3) {
            immediate++;
            continue;
          }
          onTransient(run, e);
          return;
        }
      }
    } catch (RuntimeException | Error t) {
      LOG.log(System.Logger.Level.ERROR, "transfer of " + j.id + " failed unexpectedly", t);
      onError(run, TransferException.fatal(Hresult.E_FAIL, ErrorContext.GENERAL_QUEUE_MANAGER,
          "internal error: " + t));
    } finally {
      synchronized (lock) {
        if (j.run == run) {
          j.run = null;
        }
        Scheduler.Task slice = run.slice;
        if (slice != null) {
          run.slice = null;
          slice.cancel(); // or the scheduler keeps the run (and its job) until the slice ends
        }
      }
      run.done.countDown();
      requestDispatch();
    }
  }

  private static JobError toJobError(TransferException e) {
    FileEntry f = e.file;
    String desc = Hresult.describe(e.hresult()) + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")");
    return new JobError(e.hresult(), e.context(), desc,
        f == null ? Optional.empty() : Optional.of(f.url), f == null ? Optional.empty() : Optional.of(f.dest));
  }

  private void onTransferred(Run run) {
    PortableJob j = run.job;
    synchronized (lock) {
      if (j.run != run || run.stop) {
        return;
      }
      j.transferCompleted = scheduler.now();
      j.error = null;
      j.noProgressSince = null;
      setStateLocked(j, JobState.TRANSFERRED);
    }
    persist(j);
  }

  private void onError(Run run, TransferException e) {
    PortableJob j = run.job;
    synchronized (lock) {
      if (j.run != run || run.stop) {
        return;
      }
      j.error = toJobError(e);
      setStateLocked(j, JobState.ERROR);
    }
    persist(j);
  }

  private void onTransient(Run run, TransferException e) {
    PortableJob j = run.job;
    synchronized (lock) {
      if (j.run != run || run.stop) {
        return;
      }
      Instant now = scheduler.now();
      if (j.noProgressSince == null) {
        j.noProgressSince = now;
      }
      j.error = toJobError(e);
      Duration delay = retryDelay(j.retryDelay, e.retryAfter().orElse(null));
      Instant deadline = j.noProgressSince.plus(j.noProgressTimeout);
      // a retry delay beyond the no-progress timeout means no retry at all: ERROR at once (BITS)
      if (!now.isBefore(deadline) || j.retryDelay.compareTo(j.noProgressTimeout) > 0) {
        setStateLocked(j, JobState.ERROR);
      } else {
        setStateLocked(j, JobState.TRANSIENT_ERROR);
        scheduleRetry(j, delay, now);
      }
    }
    persist(j);
  }

  /**
   * The wait before retrying after a transient error: the job's retry delay, or the server's
   * {@code Retry-After} when that is shorter, never less than BITS's smallest retry delay (5 s) — a
   * {@code Retry-After: 0} on every answer must not turn the retries into a loop against the server.
   */
  static Duration retryDelay(Duration jobDelay, @Nullable Duration retryAfter) {
    if (retryAfter == null || retryAfter.compareTo(jobDelay) >= 0) {
      return jobDelay;
    }
    return retryAfter.compareTo(JobSpec.SMALLEST_RETRY_DELAY) < 0 ? JobSpec.SMALLEST_RETRY_DELAY : retryAfter;
  }

  /** Schedules the retry of a TRANSIENT_ERROR job, or its move to ERROR at the no-progress deadline. */
  private void scheduleRetry(PortableJob j, Duration delay, Instant now) {
    int epoch = newEpoch(j);
    Instant since = j.noProgressSince == null ? now : j.noProgressSince;
    Instant deadline = since.plus(j.noProgressTimeout);
    Instant retryAt = now.plus(delay);
    if (retryAt.isBefore(deadline)) {
      j.retryTask = scheduler.schedule(delay, () -> {
        synchronized (lock) {
          if (closed || j.epoch != epoch || j.state != JobState.TRANSIENT_ERROR || j.removed) {
            return;
          }
          j.seq = nextSeq++;
          setStateLocked(j, JobState.QUEUED);
        }
        persistAsync(j);
        requestDispatch();
      });
    } else {
      j.retryTask = scheduler.schedule(Duration.between(now, deadline), () -> {
        synchronized (lock) {
          if (closed || j.epoch != epoch || j.state != JobState.TRANSIENT_ERROR || j.removed) {
            return;
          }
          setStateLocked(j, JobState.ERROR);
        }
        persistAsync(j);
      });
    }
  }

  /**
   * Makes the job's scheduled retry/deadline task stale (caller holds the lock) and cancels it: a
   * stale task would do nothing when it fell due, but until then the scheduler (the JVM-wide
   * {@link Scheduler#system()} by default) would keep the job and this engine reachable.
   */
  private int newEpoch(PortableJob j) {
    Scheduler.Task t = j.retryTask;
    if (t != null) {
      j.retryTask = null;
      t.cancel();
    }
    return ++j.epoch;
  }

  // ---------------------------------------------------------------- inactivity timeout

  /**
   * When the job's inactivity timeout passes (caller holds the lock): its last activity plus the
   * timeout; null if that is beyond what an {@link Instant} holds (the job never expires).
   */
  private @Nullable Instant inactivityDeadline(PortableJob j) {
    try {
      return j.activity.plus(inactivityTimeout);
    } catch (java.time.DateTimeException | ArithmeticException e) {
      return null;
    }
  }

  /** Whether the job has had no activity for the inactivity timeout (caller holds the lock). */
  private boolean isInactive(PortableJob j, Instant now) {
    Instant deadline = inactivityDeadline(j);
    return deadline != null && !now.isBefore(deadline);
  }

  /**
   * Sets the inactivity timer to the earliest deadline after {@code now} of the jobs (caller holds
   * the lock); deadlines not after {@code now} belong to jobs being cancelled.
   */
  private void armInactivity(Instant now) {
    cancelInactivityTask();
    Instant earliest = null;
    for (PortableJob j : jobs.values()) {
      Instant d = inactivityDeadline(j);
      if (d != null && d.isAfter(now) && (earliest == null || d.isBefore(earliest))) {
        earliest = d;
      }
    }
    armInactivityAt(earliest);
  }

  /**
   * Makes the inactivity timer fall due no later than {@code deadline} (caller holds the lock). A
   * new job's deadline is the latest of all and activity only moves deadlines later, so this rarely
   * replaces the timer; a timer that falls due for a job that was active since looks again.
   */
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

  /**
   * The inactivity timer (a scheduler task, so it only looks): hands the jobs without activity for
   * the timeout to the dispatcher thread, which cancels them as cancel() does, and sets the timer
   * to the next deadline.
   */
  private void sweepInactive() {
    List<PortableJob> expired = new ArrayList<>();
    synchronized (lock) {
      inactivityTask = null;
      inactivityDue = null;
      if (closed) {
        return;
      }
      Instant now = scheduler.now();
      for (PortableJob j : jobs.values()) {
        if (!j.removed && isInactive(j, now)) {
          expired.add(j);
        }
      }
      armInactivity(now);
    }
    for (PortableJob j : expired) {
      try {
        dispatcher.execute(() -> expire(j));
      } catch (java.util.concurrent.RejectedExecutionException e) {
        return; // closed
      }
    }
  }

  /**
   * Cancels a job the inactivity timer found without activity, unless it ended or saw activity
   * since (then the timer is set for its new deadline). A complete() or cancel() in progress ends
   * first: they hold the job's operation lock.
   */
  private void expire(PortableJob j) {
    j.opLock.lock();
    try {
      synchronized (lock) {
        if (closed || j.removed || j.state.isFinal()) {
          return;
        }
        if (!isInactive(j, scheduler.now())) {
          armInactivityAt(inactivityDeadline(j));
          return;
        }
      }
      logExpiry(j);
      cancelHoldingOpLock(j);
    } catch (BitsException e) {
      // the client closed meanwhile: the job stays, and the next client on the directory ends it
      LOG.log(System.Logger.Level.DEBUG, "inactive job " + j.id + " not cancelled: " + e.getMessage());
    } finally {
      j.opLock.unlock();
    }
  }

  private void logExpiry(PortableJob j) {
    String message;
    synchronized (lock) {
      message = "cancelling job " + j.id + " '" + j.displayName + "' (" + j.state + "): no activity since "
          + j.activity + ", the job inactivity timeout is " + inactivityTimeout;
    }
    LOG.log(System.Logger.Level.INFO, message);
  }

  // ---------------------------------------------------------------- closing

  /** Stops the workers (keeping each job's durable progress), the threads and the state lock. */
  @Override
  public void close() {
    List<Run> runs = new ArrayList<>();
    boolean second;
    synchronized (lock) {
      second = closed;
      if (!second) {
        closed = true;
        cancelInactivityTask();
        for (PortableJob j : jobs.values()) {
          newEpoch(j); // a pending retry would only find the client closed
          if (j.run != null) {
            runs.add(j.run);
            j.run.requestStop();
          }
        }
      }
    }
    if (second) {
      awaitClosed(); // not under the lock, which the first close() needs
      return;
    }
    List<Runnable> orphans = new ArrayList<>();
    try {
      for (Run r : runs) {
        try {
          r.done.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      awaitOperations();
      // let queued state writes finish (dispatch itself does nothing once closed)
      dispatcher.shutdown();
      awaitTermination(dispatcher);
      List<PortableJob> all;
      synchronized (lock) {
        all = List.copyOf(jobs.values());
      }
      all.forEach(this::persist);
      synchronized (lock) {
        storeClosed = true;
        for (PortableJob j : jobs.values()) {
          if (!j.outcomes.isEmpty()) {
            List<CompletableFuture<JobState>> fs = new ArrayList<>(j.outcomes);
            j.outcomes.clear();
            BitsException e = closedBeforeSettling(j);
            orphans.add(() -> fs.forEach(f -> f.completeExceptionally(e)));
          }
        }
      }
      shutdownExecutors();
      store.close();
    } finally {
      closeFinished.countDown();
    }
    // a caller blocked on outcome() must not wait for a settling this client will never see; off
    // this thread, so that dependent stages do not run inside close()
    orphans.forEach(java.util.concurrent.ForkJoinPool.commonPool()::execute);
  }

  /**
   * Waits for a complete() or cancel() that began before close() (they hold the job's operation
   * lock; one that begins later is refused): it ends the job and settles its outcome while the
   * state directory is still this client's, instead of close() failing an outcome that cancel()
   * then reports done.
   */
  private void awaitOperations() {
    List<PortableJob> all;
    synchronized (lock) {
      all = List.copyOf(jobs.values());
    }
    for (PortableJob j : all) {
      try {
        if (j.opLock.tryLock(30, TimeUnit.SECONDS)) {
          j.opLock.unlock();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /**
   * A second close() waits for the first to finish (close() promises the state directory released
   * when it returns); not on the notification thread, whose end the first close() may be awaiting.
   */
  private void awaitClosed() {
    if (Thread.currentThread() == notifierThread) {
      return;
    }
    try {
      closeFinished.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** What a pending or later outcome() of an unsettled job gets once the client is closed. */
  static BitsException closedBeforeSettling(PortableJob j) {
    return new BitsException(Hresult.E_CANCELLED, "the client was closed before job " + j.id
        + " settled; the job persists and goes on in the next client of its state directory");
  }

  /** True once close() has settled what it can (caller holds the lock): outcomes asked later fail at once. */
  boolean storeClosedLocked() {
    return storeClosed;
  }

  private void shutdownExecutors() {
    dispatcher.shutdown();
    workers.shutdown();
    flusher.shutdown();
    notifier.shutdown();
    awaitTermination(dispatcher);
    awaitTermination(workers);
    awaitTermination(flusher);
    if (Thread.currentThread() != notifierThread) { // a listener may close the client
      awaitTermination(notifier);
    }
  }

  private static void awaitTermination(ExecutorService e) {
    try {
      if (!e.awaitTermination(5, TimeUnit.SECONDS)) {
        e.shutdownNow();
      }
    } catch (InterruptedException ie) {
      e.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /**
   * A staging ring for direct writes aligned to {@code align}: a pooled one, or a new one; null if
   * the JVM's direct memory is exhausted (the transfer then writes through the page cache).
   */
  java.nio.@Nullable ByteBuffer takeRing(int align) {
    for (java.util.Iterator<java.nio.ByteBuffer> it = rings.iterator(); it.hasNext();) {
      java.nio.ByteBuffer r = it.next();
      if (r.alignmentOffset(0, align) == 0 && rings.remove(r)) {
        return r;
      }
    }
    try {
      return TempFile.allocateRing(durabilityBytes, align);
    } catch (OutOfMemoryError e) {
      // "Direct buffer memory" (-XX:MaxDirectMemorySize, by default the heap's maximum): the JDK
      // has already collected and retried; buffered writes need no native buffer
      LOG.log(System.Logger.Level.WARNING, "no direct memory for a " + (durabilityBytes >> 10)
          + " KiB write buffer; writing through the page cache: " + e.getMessage());
      return null;
    }
  }

  /** Returns a ring from {@link #takeRing} for another transfer. */
  void giveRing(java.nio.ByteBuffer ring) {
    if (rings.size() < workerCount) {
      rings.add(ring);
    }
  }
}
