package io.bits4j.internal;

import io.bits4j.AuthScheme;
import io.bits4j.BitsClient;
import io.bits4j.BitsException;
import io.bits4j.ClientJob;
import io.bits4j.CompactServer;
import io.bits4j.CompleteStatus;
import io.bits4j.HostedFile;
import io.bits4j.Hresult;
import io.bits4j.JobError;
import io.bits4j.JobId;
import io.bits4j.JobListener;
import io.bits4j.JobProgress;
import io.bits4j.JobSpec;
import io.bits4j.JobState;
import io.bits4j.Scheduler;
import io.bits4j.Transfer;
import io.bits4j.TransferPlan;
import io.bits4j.TransferReport;
import io.bits4j.TransferReport.Outcome;
import io.bits4j.TransferReport.TargetOutcome;
import io.bits4j.TransientErrorPolicy;
import io.bits4j.UrlGroup;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * One transfer of the {@link DefaultController}: the seed sequence, the jobs, the policies and the
 * cleanup.
 *
 * <p>Concurrency: every decision runs on a {@link SerialExecutor} (one task at a time, no lock
 * held), fed by job listeners, outcome stages, poll, deadline and time-in-error timers, and
 * {@link #cancel()}. Client and server operations are called from those tasks only, never while a
 * lock is held, so a client that calls listeners synchronously from inside {@code cancel()} or
 * {@code complete()} (as the testkit's fakes do) merely queues the next task. The values that
 * {@link #progress()} and {@link #jobStates()} read from other threads are volatile.
 */
final class DefaultTransfer implements Transfer {
  /** Consecutive failed observations (client unreachable) after which a job is given up. */
  static final int MAX_FAILED_OBSERVATIONS = 5;

  private static final System.Logger LOG = System.getLogger(DefaultTransfer.class.getName());

  private enum Phase { STARTING, RUNNING, CLEANING, DONE }

  private enum Stop { NONE, CANCELLED, DEADLINE }

  private final String id = UUID.randomUUID().toString();
  private final TransferPlan plan;
  private final CompactServer server;
  private final Scheduler scheduler;
  private final Duration pollInterval;
  private final SerialExecutor actor;
  private final Consumer<DefaultTransfer> onDone;
  private final Instant started;
  private final List<Run> runs;
  private final CompletableFuture<TransferReport> result = new CompletableFuture<>();

  // phase and stop: guarded by stateLock (taken briefly, never around client or server calls)
  private final Object stateLock = new Object();
  private volatile Phase phase = Phase.STARTING;
  private Stop stop = Stop.NONE;

  // actor-confined
  private @Nullable UrlGroup group;
  private boolean createdGroup;
  private @Nullable HostedFile hosted;
  private @Nullable URI url;
  private @Nullable String seedProblem;
  /** createUrlGroup failed with its outcome unknown: the group may exist, created by this transfer. */
  private boolean groupMaybeCreated;
  /** host failed with its outcome unknown: the URL may be published, by this transfer. */
  private @Nullable String maybeHostedSuffix;
  private int limit = 1;
  private int alive;
  private int nextToStart;
  private @Nullable Outcome outcome;
  private Scheduler.@Nullable Task pollTask;
  private Scheduler.@Nullable Task deadlineTask;
  private final List<String> cleanupProblems = new ArrayList<>();

  DefaultTransfer(
      TransferPlan plan,
      CompactServer server,
      Map<String, BitsClient> clients,
      Scheduler scheduler,
      Duration pollInterval,
      Executor workers,
      Consumer<DefaultTransfer> onDone) {
    this.plan = plan;
    this.server = server;
    this.scheduler = scheduler;
    this.pollInterval = pollInterval;
    this.actor = new SerialExecutor(workers);
    this.onDone = onDone;
    this.started = scheduler.now();
    List<Run> list = new ArrayList<>();
    for (TransferPlan.Target t : plan.targets()) {
      BitsClient c = Objects.requireNonNull(clients.get(t.client()), t.client());
      list.add(new Run(t, c));
    }
    this.runs = List.copyOf(list);
  }

  /** Starts the seed sequence and the deadline; called once by the controller. */
  void start() {
    plan.deadline().ifPresent(d -> deadlineTask = scheduler.schedule(d, () -> requestStop(Stop.DEADLINE)));
    post(this::seed);
  }

  /** Runs queued work in the calling thread if no other thread is (used by the controller's close()). */
  void drainNow() {
    actor.drain();
  }

  // ---- Transfer ----

  @Override
  public String id() {
    return id;
  }

  @Override
  public TransferPlan plan() {
    return plan;
  }

  @Override
  public boolean isDone() {
    return phase == Phase.DONE;
  }

  @Override
  public JobProgress progress() {
    JobProgress sum = JobProgress.NONE;
    for (Run r : runs) {
      TargetOutcome o = r.outcome;
      if (r.jobId != null) {
        sum = sum.plus(r.progress);
      } else if (o == null) {
        sum = sum.plus(new JobProgress(JobProgress.UNKNOWN, 0, 1, 0)); // not started yet
      }
    }
    return sum;
  }

  @Override
  public Map<TransferPlan.Target, JobState> jobStates() {
    Map<TransferPlan.Target, JobState> m = new LinkedHashMap<>();
    for (Run r : runs) {
      JobState s = r.lastState;
      if (s != null) {
        m.put(r.target, s);
      }
    }
    return Collections.unmodifiableMap(m);
  }

  @Override
  public CompletionStage<TransferReport> result() {
    return result.minimalCompletionStage();
  }

  @Override
  public boolean cancel() {
    return requestStop(Stop.CANCELLED);
  }

  @Override
  public String toString() {
    return "Transfer[" + id + ", " + phase + ", " + plan + "]";
  }

  private boolean requestStop(Stop why) {
    synchronized (stateLock) {
      if (phase == Phase.CLEANING || phase == Phase.DONE) {
        return false;
      }
      if (stop == Stop.NONE) {
        stop = why;
      }
    }
    post(this::applyStop);
    return true;
  }

  private Stop stopRequested() {
    synchronized (stateLock) {
      return stop;
    }
  }

  // ---- the actor ----

  private void post(Runnable step) {
    actor.execute(() -> {
      try {
        step.run();
        pump();
      } catch (RuntimeException | Error e) {
        internalFailure(e);
      }
    });
  }

  /** Something unexpected: give up every target, clean up, report. */
  private void internalFailure(Throwable e) {
    LOG.log(System.Logger.Level.ERROR, "transfer " + id + " failed unexpectedly", e);
    String problem = "internal error: " + describe(e);
    try {
      for (Run r : runs) {
        if (!r.ended) {
          ClientJob job = r.job;
          if (job != null) {
            stopJob(r, job, TargetOutcome.REFUSED, problem);
          } else {
            endRun(r, TargetOutcome.NOT_STARTED, problem);
          }
        }
      }
      if (hosted == null && seedProblem == null && phase == Phase.STARTING) {
        seedProblem = problem;
      }
      nextToStart = runs.size();
      beginCleanup();
      finish();
    } catch (RuntimeException | Error again) {
      LOG.log(System.Logger.Level.ERROR, "transfer " + id + " cleanup failed unexpectedly", again);
      cleanupProblems.add("internal error during cleanup: " + describe(again));
      finish();
    }
  }

  private void seed() {
    String prefix = plan.prefix().toString();
    boolean creating = false;
    try {
      Optional<UrlGroup> existing = server.findUrlGroup(plan.prefix());
      if (existing.isPresent()) {
        group = existing.get();
      } else {
        creating = true;
        group = server.createUrlGroup(plan.prefix());
        createdGroup = true;
      }
    } catch (RuntimeException e) {
      groupMaybeCreated = creating && outcomeUnknown(e);
      failSeed("could not create URL group " + prefix + ": " + describe(e));
      return;
    }
    UrlGroup g = Objects.requireNonNull(group);
    if (stopRequested() != Stop.NONE) {
      startCleanupBeforeJobs();
      return;
    }
    for (AuthScheme scheme : plan.authentication()) {
      try {
        g.setAuthentication(scheme, true);
      } catch (RuntimeException e) {
        failSeed("could not enable " + scheme + " authentication on " + prefix + ": " + describe(e));
        return;
      }
    }
    String suffix = plan.suffix().orElseGet(() -> id + "/" + sanitize(plan.source()));
    try {
      hosted = g.host(suffix, plan.source(), plan.access());
      url = hosted.url(plan.hostName());
    } catch (RuntimeException e) {
      if (hosted == null && outcomeUnknown(e)) {
        maybeHostedSuffix = suffix;
      }
      failSeed("could not host " + plan.source() + " as " + prefix + "/" + suffix + ": " + describe(e));
      return;
    }
    int connectionLimit = 0;
    try {
      connectionLimit = g.connectionLimit();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot read the connection limit of " + prefix, e);
    }
    limit = connectionLimit > 0 ? Math.min(plan.maxConcurrentJobs(), connectionLimit) : plan.maxConcurrentJobs();
    synchronized (stateLock) {
      if (phase == Phase.STARTING) {
        phase = Phase.RUNNING;
      }
    }
    if (stopRequested() != Stop.NONE) {
      applyStop();
      return;
    }
    schedulePoll();
    // pump() starts the jobs
  }

  private void failSeed(String problem) {
    seedProblem = problem;
    for (Run r : runs) {
      endRun(r, TargetOutcome.NOT_STARTED, problem);
    }
    nextToStart = runs.size();
    beginCleanup();
  }

  private void startCleanupBeforeJobs() {
    for (Run r : runs) {
      endRun(r, TargetOutcome.NOT_STARTED, null);
    }
    nextToStart = runs.size();
    beginCleanup();
  }

  /** Starts jobs while the bound allows; cleans up once every target has ended. */
  private void pump() {
    if (phase != Phase.RUNNING) {
      return;
    }
    while (stopRequested() == Stop.NONE && alive < limit && nextToStart < runs.size()) {
      startRun(runs.get(nextToStart++));
    }
    if (runs.stream().allMatch(r -> r.ended)) {
      beginCleanup();
    }
  }

  private void applyStop() {
    if (phase != Phase.RUNNING && phase != Phase.STARTING) {
      return;
    }
    Stop why = stopRequested();
    if (phase == Phase.STARTING) {
      return; // the seed checks for the stop itself
    }
    TargetOutcome outcome = why == Stop.DEADLINE ? TargetOutcome.DEADLINE_EXCEEDED : TargetOutcome.CANCELLED;
    for (Run r : runs) {
      if (r.ended) {
        continue;
      }
      ClientJob job = r.job;
      if (job == null) {
        endRun(r, TargetOutcome.NOT_STARTED, null);
      } else {
        stopJob(r, job, outcome, null);
      }
    }
    nextToStart = runs.size();
    beginCleanup();
  }

  private void startRun(Run r) {
    URI u = Objects.requireNonNull(url);
    JobSpec spec;
    try {
      JobSpec.Builder b = JobSpec.builder(plan.displayName())
          .description("bits4j-transfer=" + id)
          .priority(plan.priority())
          .addFile(u, r.target.destination())
          .start(true);
      plan.credentials().ifPresent(b::credentials);
      plan.clientCertificate().ifPresent(b::clientCertificate);
      plan.proxy().ifPresent(b::proxy);
      plan.minimumRetryDelay().ifPresent(b::minimumRetryDelay);
      plan.noProgressTimeout().ifPresent(b::noProgressTimeout);
      spec = b.build();
    } catch (RuntimeException e) {
      endRun(r, TargetOutcome.REFUSED, "invalid job: " + describe(e));
      return;
    }
    ClientJob job;
    try {
      job = r.client.createJob(spec);
    } catch (RuntimeException e) {
      String problem = "client " + r.target.client() + " refused the job: " + describe(e);
      if (outcomeUnknown(e)) {
        problem += "; " + cancelOrphan(r);
      }
      endRun(r, TargetOutcome.REFUSED, problem);
      return;
    }
    r.job = job;
    r.jobId = job.id();
    r.lastState = JobState.QUEUED;
    alive++;
    JobListener listener = new JobListener() {
      @Override
      public void jobTransferred(ClientJob j) {
        post(() -> observe(r));
      }

      @Override
      public void jobError(ClientJob j, JobError error) {
        post(() -> observe(r));
      }

      @Override
      public void jobModified(ClientJob j) {
        post(() -> observe(r));
      }
    };
    r.listener = listener;
    try {
      job.addListener(listener);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot add a listener to job " + r.jobId + "; polling only", e);
    }
    try {
      job.outcome().whenComplete((s, ex) -> post(() -> observe(r)));
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot follow the outcome of job " + r.jobId + "; polling only", e);
    }
    observe(r);
  }

  /**
   * True if a failed call may nevertheless have been carried out: the target's reply was lost (the
   * connection dropped or timed out after the request was sent, or the call was cancelled), as
   * opposed to a refusal the target answered or a connection never made.
   */
  static boolean outcomeUnknown(RuntimeException e) {
    if (!(e instanceof BitsException)) {
      return false;
    }
    int h = ((BitsException) e).hresult();
    return h == WINHTTP_CONNECTION_ERROR || h == WINHTTP_TIMEOUT || h == WINHTTP_INVALID_SERVER_RESPONSE
        || h == Hresult.E_CANCELLED || h == Hresult.E_TIMEOUT;
  }

  /** HRESULT_FROM_WIN32(ERROR_WINHTTP_CONNECTION_ERROR): connection lost after it was made. */
  static final int WINHTTP_CONNECTION_ERROR = 0x80072EFE;
  /** HRESULT_FROM_WIN32(ERROR_WINHTTP_TIMEOUT). */
  static final int WINHTTP_TIMEOUT = 0x80072EE2;
  /** HRESULT_FROM_WIN32(ERROR_WINHTTP_INVALID_SERVER_RESPONSE). */
  static final int WINHTTP_INVALID_SERVER_RESPONSE = 0x80072F78;

  /**
   * After a createJob whose reply was lost: finds the job it may have created on the client (this
   * transfer's description and this target's destination, not a job of another target) and
   * cancels it. Says what happened; a job that may be left is a cleanup problem.
   */
  private String cancelOrphan(Run r) {
    String mark = "bits4j-transfer=" + id;
    try {
      int cancelled = 0;
      for (ClientJob j : r.client.jobs()) {
        boolean known = runs.stream().anyMatch(o -> j.id().equals(o.jobId));
        if (!known && mark.equals(j.description())
            && j.files().stream().anyMatch(f -> f.localFile().equals(r.target.destination()))) {
          j.cancel();
          cancelled++;
        }
      }
      return cancelled == 0 ? "no job of this transfer was found on the client"
          : "cancelled the job the lost reply had created";
    } catch (RuntimeException x) {
      String problem = "a job of this transfer (description " + mark + ") may be left on client "
          + r.target.client() + " for " + r.target.destination() + ": " + describe(x);
      cleanupProblems.add(problem);
      return problem;
    }
  }

  private void observe(Run r) {
    ClientJob job = r.job;
    if (r.ended || job == null || phase != Phase.RUNNING) {
      return;
    }
    JobState s;
    int errors;
    try {
      s = job.state();
      r.progress = job.progress();
      errors = job.transientErrorCount();
    } catch (BitsException e) {
      if (e.hresult() == Hresult.BG_E_NOT_FOUND) {
        endRun(r, TargetOutcome.REFUSED, "the job disappeared: " + describe(e));
      } else {
        observationFailed(r, e);
      }
      return;
    } catch (RuntimeException e) {
      observationFailed(r, e);
      return;
    }
    r.failedObservations = 0;
    r.lastState = s;
    r.transientErrors = errors;
    Instant now = scheduler.now();
    switch (s) {
      case TRANSFERRED -> {
        completeJob(r, job);
        return;
      }
      case ERROR -> {
        r.error = errorOf(job);
        cancelJob(r);
        endRun(r, TargetOutcome.FAILED, null);
        return;
      }
      case ACKNOWLEDGED, CANCELLED -> {
        endRun(r, TargetOutcome.REFUSED, "the job was " + s + " outside the controller");
        return;
      }
      case TRANSIENT_ERROR -> {
        r.error = errorOf(job);
        if (r.transientSince == null) {
          r.transientSince = now;
          plan.transientErrorPolicy().maxTimeInError().ifPresent(max ->
              r.errorTimer = scheduler.schedule(max, () -> post(() -> observe(r))));
        }
      }
      case SUSPENDED -> {
        leaveTransientError(r);
        if (!r.resumed) {
          r.resumed = true;
          try {
            job.resume();
          } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot resume job " + r.jobId, e);
          }
        }
      }
      default -> leaveTransientError(r);
    }
    TransientErrorPolicy policy = plan.transientErrorPolicy();
    Instant since = r.transientSince;
    // out of TRANSIENT_ERROR only the error count can be spent: no time in error has passed
    boolean exhausted = since == null
        ? errors > policy.maxTransientErrors()
        : policy.exhausted(errors, Duration.between(since, now));
    if (exhausted) {
      if (r.error == null) {
        r.error = errorOf(job);
      }
      cancelJob(r);
      endRun(r, TargetOutcome.TRANSIENT_ERRORS_EXHAUSTED, null);
    }
  }

  /** Completes a TRANSFERRED job; if complete() fails, cancels it. */
  private void completeJob(Run r, ClientJob job) {
    try {
      CompleteStatus status = job.complete();
      r.lastState = JobState.ACKNOWLEDGED;
      if (status == CompleteStatus.PARTIAL_COMPLETE) {
        endRun(r, TargetOutcome.FAILED, "complete() kept only some files (BG_S_PARTIAL_COMPLETE)");
      } else {
        endRun(r, TargetOutcome.COMPLETED, null);
      }
    } catch (RuntimeException e) {
      String problem = "complete() failed: " + describe(e);
      cancelJob(r);
      endRun(r, TargetOutcome.REFUSED, problem);
    }
  }

  /**
   * Ends a job the transfer gives up on (cancel, deadline, internal failure) as the seed's cleanup
   * says: a job that is TRANSFERRED (its notification not handled yet) is completed, any other is
   * cancelled and ends with {@code outcome}.
   */
  private void stopJob(Run r, ClientJob job, TargetOutcome outcome, @Nullable String problem) {
    @Nullable JobState s = null;
    try {
      s = job.state();
      r.progress = job.progress();
      r.transientErrors = job.transientErrorCount();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, "cannot read job " + r.jobId + " before cancelling it", e);
    }
    if (s == JobState.TRANSFERRED) {
      r.lastState = s;
      completeJob(r, job);
    } else {
      cancelJob(r);
      endRun(r, outcome, problem);
    }
  }

  private void leaveTransientError(Run r) {
    r.transientSince = null;
    Scheduler.Task t = r.errorTimer;
    if (t != null) {
      t.cancel();
      r.errorTimer = null;
    }
  }

  private static @Nullable JobError errorOf(ClientJob job) {
    try {
      return job.error().orElse(null);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private void observationFailed(Run r, RuntimeException e) {
    r.failedObservations++;
    LOG.log(System.Logger.Level.WARNING, "cannot observe job " + r.jobId + " (" + r.failedObservations + ")", e);
    if (r.failedObservations >= MAX_FAILED_OBSERVATIONS) {
      String problem = "cannot observe the job: " + describe(e);
      cancelJob(r);
      endRun(r, TargetOutcome.REFUSED, problem);
    }
  }

  private void cancelJob(Run r) {
    ClientJob job = r.job;
    if (job == null) {
      return;
    }
    try {
      job.cancel();
      r.lastState = JobState.CANCELLED;
    } catch (BitsException e) {
      if (e.hresult() == Hresult.BG_E_INVALID_STATE || e.hresult() == Hresult.BG_E_NOT_FOUND) {
        return; // already final
      }
      cancelFailed(r, e);
    } catch (RuntimeException e) {
      cancelFailed(r, e);
    }
  }

  /** A job that could not be cancelled is left on its client: a target problem and a cleanup problem. */
  private void cancelFailed(Run r, RuntimeException e) {
    r.cancelProblem = "cancel() failed: " + describe(e);
    cleanupProblems.add("job " + r.jobId + " of this transfer may be left on client " + r.target.client() + " for "
        + r.target.destination() + ": " + r.cancelProblem);
  }

  private void endRun(Run r, TargetOutcome outcome, @Nullable String problem) {
    if (r.ended) {
      return;
    }
    r.ended = true;
    String p = problem;
    if (r.cancelProblem != null) {
      p = p == null ? r.cancelProblem : p + "; " + r.cancelProblem;
    }
    r.problem = p;
    r.outcome = outcome;
    leaveTransientError(r);
    ClientJob job = r.job;
    if (job != null) {
      alive--;
      JobListener l = r.listener;
      if (l != null) {
        try {
          job.removeListener(l);
        } catch (RuntimeException e) {
          LOG.log(System.Logger.Level.DEBUG, "cannot remove listener", e);
        }
      }
    }
  }

  private void schedulePoll() {
    pollTask = scheduler.schedule(pollInterval, () -> post(this::poll));
  }

  private void poll() {
    if (phase != Phase.RUNNING) {
      return;
    }
    for (Run r : runs) {
      if (!r.ended && r.job != null) {
        observe(r);
      }
    }
    if (phase == Phase.RUNNING) {
      schedulePoll();
    }
  }

  // ---- cleanup ----

  private void beginCleanup() {
    Stop why;
    synchronized (stateLock) {
      if (phase == Phase.CLEANING || phase == Phase.DONE) {
        return;
      }
      phase = Phase.CLEANING;
      why = stop;
    }
    cancelTimer(pollTask);
    cancelTimer(deadlineTask);
    HostedFile h = hosted;
    boolean urlLeft = false;
    if (h != null) {
      try {
        h.remove();
      } catch (RuntimeException e) {
        urlLeft = true;
        cleanupProblems.add("could not remove URL " + (url != null ? url : h.suffix()) + ": " + describe(e));
      }
    }
    String maybe = maybeHostedSuffix;
    if (h == null && maybe != null && group != null) {
      urlLeft = !removeMaybeHosted(Objects.requireNonNull(group), maybe);
    }
    if (group == null && groupMaybeCreated && plan.removeGroupIfCreated()) {
      try {
        Optional<UrlGroup> found = server.findUrlGroup(plan.prefix());
        if (found.isPresent()) {
          group = found.get(); // absent before createUrlGroup: this transfer created it
          createdGroup = true;
        }
      } catch (RuntimeException e) {
        cleanupProblems.add("URL group " + plan.prefix() + " may have been created (the reply was lost) and could not "
            + "be checked: " + describe(e));
      }
    }
    UrlGroup g = group;
    if (g != null && createdGroup && plan.removeGroupIfCreated()) {
      try {
        if (g.files().isEmpty()) {
          g.delete();
        } else if (urlLeft) {
          cleanupProblems.add("kept URL group " + plan.prefix() + " because the URL could not be removed");
        }
      } catch (RuntimeException e) {
        cleanupProblems.add("could not delete URL group " + plan.prefix() + ": " + describe(e));
      }
    }
    outcome = overall(why);
    finish();
  }

  /**
   * After a host() whose reply was lost: removes the URL if it is this transfer's — a suffix the
   * controller generated (it holds the transfer id), or the plan's suffix serving the plan's source
   * (host() refuses a suffix that is already hosted, so one serving another file is someone else's).
   * Returns false if a URL may be left published (reported in the cleanup problems).
   */
  private boolean removeMaybeHosted(UrlGroup g, String suffix) {
    String where = plan.prefix() + "/" + suffix;
    try {
      if (plan.suffix().isEmpty()) {
        g.remove(suffix);
        return true;
      }
      Optional<HostedFile> f = g.find(suffix);
      if (f.isEmpty()) {
        return true;
      }
      if (!samePath(f.get().source(), plan.source())) {
        cleanupProblems.add("URL " + where + " may have been published by this transfer (the reply was lost) but "
            + "serves " + f.get().source() + ", not " + plan.source() + ": left as it is");
        return false;
      }
      f.get().remove();
      return true;
    } catch (RuntimeException e) {
      cleanupProblems.add("URL " + where + " may have been published (the reply was lost) and could not be removed: "
          + describe(e));
      return false;
    }
  }

  private static boolean samePath(Path a, Path b) {
    return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
  }

  private Outcome overall(Stop why) {
    if (seedProblem != null) {
      return Outcome.FAILED;
    }
    if (why == Stop.CANCELLED) {
      return Outcome.CANCELLED;
    }
    if (why == Stop.DEADLINE) {
      return Outcome.DEADLINE_EXCEEDED;
    }
    long completed = runs.stream().filter(r -> r.outcome == TargetOutcome.COMPLETED).count();
    return completed == runs.size() ? Outcome.SUCCEEDED : completed == 0 ? Outcome.FAILED : Outcome.PARTIALLY_SUCCEEDED;
  }

  private void finish() {
    if (result.isDone()) {
      return;
    }
    cancelTimer(pollTask);
    cancelTimer(deadlineTask);
    List<TransferReport.TargetResult> results = new ArrayList<>();
    for (Run r : runs) {
      TargetOutcome o = r.outcome != null ? r.outcome : TargetOutcome.NOT_STARTED;
      results.add(new TransferReport.TargetResult(
          r.target,
          Optional.ofNullable(r.jobId),
          o,
          Optional.ofNullable(r.lastState),
          Optional.ofNullable(r.error),
          r.transientErrors,
          r.progress,
          Optional.ofNullable(r.problem)));
    }
    Outcome o = outcome != null ? outcome : Outcome.FAILED;
    Instant finished;
    try {
      finished = scheduler.now();
    } catch (RuntimeException e) {
      finished = started;
    }
    TransferReport report = new TransferReport(
        id, Optional.ofNullable(url), createdGroup, o, results, cleanupProblems, started, finished);
    synchronized (stateLock) {
      phase = Phase.DONE;
    }
    try {
      onDone.accept(this);
    } finally {
      result.complete(report);
    }
  }

  private static void cancelTimer(Scheduler.@Nullable Task t) {
    if (t != null) {
      t.cancel();
    }
  }

  /** A file name usable as the last segment of a URL suffix. */
  static String sanitize(Path source) {
    Path name = source.getFileName();
    String n = name == null ? "" : name.toString();
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n.length() && sb.length() < 200; i++) {
      char c = n.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || "-._~!$&'()*+,;=:@".indexOf(c) >= 0;
      sb.append(ok ? c : '_');
    }
    String s = sb.toString();
    return s.isEmpty() || s.equals(".") || s.equals("..") ? "file" : s;
  }

  private static String describe(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isEmpty() ? e.getClass().getName() : (e instanceof BitsException ? m : e.getClass().getSimpleName() + ": " + m);
  }

  /** One target: its job and what is known about it. */
  private static final class Run {
    final TransferPlan.Target target;
    final BitsClient client;
    // actor-confined
    @Nullable ClientJob job;
    @Nullable JobListener listener;
    boolean ended;
    boolean resumed;
    int failedObservations;
    @Nullable Instant transientSince;
    Scheduler.@Nullable Task errorTimer;
    @Nullable String cancelProblem;
    // read by other threads
    volatile @Nullable JobId jobId;
    volatile @Nullable JobState lastState;
    volatile JobProgress progress = JobProgress.NONE;
    volatile int transientErrors;
    volatile @Nullable JobError error;
    volatile @Nullable TargetOutcome outcome;
    volatile @Nullable String problem;

    Run(TransferPlan.Target target, BitsClient client) {
      this.target = target;
      this.client = client;
    }
  }
}
