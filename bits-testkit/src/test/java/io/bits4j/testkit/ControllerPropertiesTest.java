package io.bits4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.bits4j.AccessPolicy;
import io.bits4j.BitsClient;
import io.bits4j.BitsException;
import io.bits4j.ClientJob;
import io.bits4j.CompactServer;
import io.bits4j.Controller;
import io.bits4j.ErrorContext;
import io.bits4j.Hresult;
import io.bits4j.JobId;
import io.bits4j.JobSpec;
import io.bits4j.JobState;
import io.bits4j.Transfer;
import io.bits4j.TransferPlan;
import io.bits4j.TransferReport;
import io.bits4j.TransferReport.Outcome;
import io.bits4j.TransferReport.TargetOutcome;
import io.bits4j.TransferReport.TargetResult;
import io.bits4j.TransientErrorPolicy;
import io.bits4j.UrlGroup;
import io.bits4j.UrlPrefix;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.jspecify.annotations.Nullable;

/**
 * Random transfers of the default controller against the fakes, driven tick by tick by a manual
 * clock: up to 40 targets over up to 4 clients with scripted job behaviours, a concurrency bound,
 * an optional group connection limit, a transient-error policy, an optional deadline and caller
 * cancel, cleanup failures and a pre-existing group. The seed's rules hold for every scenario (see
 * {@link #invariantsHold}).
 */
class ControllerPropertiesTest {
  private static final UrlPrefix PREFIX = UrlPrefix.parse("http://127.0.0.1:8080/Carmine");
  private static final int SIZE = 1000;
  private static final Duration RETRY_DELAY = Duration.ofSeconds(5);
  private static final Duration NO_PROGRESS_TIMEOUT = Duration.ofSeconds(30);
  /** Ticks (seconds) the loop may run: far more than the slowest scenario without a stop needs. */
  private static final int MAX_TICKS = 3000;

  /** What one target's job does. */
  enum Behaviour {
    /** Transfers at the first tick. */
    QUICK_SUCCESS,
    /** Progress over several ticks, then transferred. */
    SLOW_PROGRESS,
    /** Transient errors within the policy (none under cancel-at-first), then success. */
    TRANSIENT_THEN_SUCCESS,
    /** Transient errors beyond the policy (under leave-to-BITS: until the no-progress timeout). */
    TRANSIENT_BEYOND_POLICY,
    /** A fatal error. */
    PERMANENT_ERROR,
    /** Hangs in TRANSFERRING for good. */
    STALL,
    /** createJob is refused. */
    CREATE_REFUSED,
    /** Transfers, but complete() throws. */
    COMPLETE_FAILS,
    /** A fatal error, and cancel() throws. */
    CANCEL_FAILS
  }

  enum PolicyKind { CANCEL_AT_FIRST, BUDGET, LEAVE_TO_BITS }

  record TargetSpec(int client, Behaviour behaviour, int variant) {}

  /** The controller's configuration. */
  record Setup(int clients, int k, int connectionLimit, PolicyKind policy, int budget, int pollSeconds, int silentMask) {
    /** A silent client never notifies (no listeners, no outcome): the controller must poll it. */
    boolean silent(int client) {
      return (silentMask & (1 << client)) != 0;
    }

    TransientErrorPolicy transientErrorPolicy() {
      return switch (policy) {
        case CANCEL_AT_FIRST -> TransientErrorPolicy.cancelAtFirst();
        case BUDGET -> TransientErrorPolicy.budget(budget, Duration.ofSeconds(60));
        case LEAVE_TO_BITS -> TransientErrorPolicy.leaveToBits();
      };
    }

    int maxErrors() {
      return transientErrorPolicy().maxTransientErrors();
    }

    int bound() {
      return connectionLimit > 0 ? Math.min(k, connectionLimit) : k;
    }
  }

  /** What happens around the jobs. */
  record Events(@Nullable Integer deadlineSeconds, @Nullable Integer cancelAtTick, boolean groupExists,
      boolean othersUrl, boolean removeUrlFails, boolean deleteGroupFails) {}

  record Scenario(List<TargetSpec> targets, Setup setup, Events events) {
    /** A stalled job never ends by itself: a scenario with one gets a deadline if it has no stop. */
    Scenario {
      boolean stalls = targets.stream().anyMatch(t -> t.behaviour() == Behaviour.STALL);
      if (stalls && events.deadlineSeconds() == null && events.cancelAtTick() == null) {
        events = new Events(120, null, events.groupExists(), events.othersUrl(), events.removeUrlFails(),
            events.deleteGroupFails());
      }
    }
  }

  @Provide
  Arbitrary<Scenario> scenarios() {
    Arbitrary<Behaviour> behaviour = Arbitraries.frequency(
        net.jqwik.api.Tuple.of(4, Behaviour.QUICK_SUCCESS),
        net.jqwik.api.Tuple.of(3, Behaviour.SLOW_PROGRESS),
        net.jqwik.api.Tuple.of(2, Behaviour.TRANSIENT_THEN_SUCCESS),
        net.jqwik.api.Tuple.of(2, Behaviour.TRANSIENT_BEYOND_POLICY),
        net.jqwik.api.Tuple.of(1, Behaviour.PERMANENT_ERROR),
        net.jqwik.api.Tuple.of(1, Behaviour.STALL),
        net.jqwik.api.Tuple.of(1, Behaviour.CREATE_REFUSED),
        net.jqwik.api.Tuple.of(1, Behaviour.COMPLETE_FAILS),
        net.jqwik.api.Tuple.of(1, Behaviour.CANCEL_FAILS));
    Arbitrary<TargetSpec> target = Combinators.combine(
        Arbitraries.integers().between(0, 3), behaviour, Arbitraries.integers().between(0, 99))
        .as(TargetSpec::new);
    Arbitrary<Setup> setup = Combinators.combine(
        Arbitraries.integers().between(1, 4),
        Arbitraries.integers().between(1, 8),
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(2, Arbitraries.just(0)),
            net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(1, 8))),
        Arbitraries.of(PolicyKind.class),
        Arbitraries.integers().between(1, 3),
        Arbitraries.integers().between(1, 10),
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(3, Arbitraries.just(0)),
            net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, 15))))
        .as(Setup::new);
    Arbitrary<Events> events = Combinators.combine(
        Arbitraries.integers().between(1, 150).injectNull(0.5),
        Arbitraries.integers().between(0, 150).injectNull(0.6),
        Arbitraries.of(false, true), // shrinks towards false
        Arbitraries.of(false, true),
        Arbitraries.integers().between(0, 4).map(i -> i == 4), // one in five; shrinks towards false
        Arbitraries.integers().between(0, 4).map(i -> i == 4))
        .as(Events::new);
    return Combinators.combine(target.list().ofMinSize(1).ofMaxSize(40), setup, events).as(Scenario::new);
  }

  /** The script of a target's job. */
  static FakeJobScript script(TargetSpec t, Setup s) {
    List<FakeJobScript.Step> steps = new ArrayList<>();
    switch (t.behaviour()) {
      case QUICK_SUCCESS, CREATE_REFUSED, COMPLETE_FAILS -> { }
      case SLOW_PROGRESS -> {
        for (int i = 0; i < 3 + t.variant() % 10; i++) {
          steps.add(FakeJobScript.progress(SIZE / 20));
          if ((t.variant() + i) % 3 == 0) {
            steps.add(FakeJobScript.idle());
          }
        }
      }
      case TRANSIENT_THEN_SUCCESS -> {
        steps.add(FakeJobScript.progress(100));
        int errors = Math.min(s.maxErrors(), 1 + t.variant() % 3);
        for (int i = 0; i < errors; i++) {
          steps.add(FakeJobScript.connectionClosed());
        }
        steps.add(FakeJobScript.progress(100));
      }
      case TRANSIENT_BEYOND_POLICY -> {
        steps.add(FakeJobScript.progress(100));
        // leave-to-BITS: 8 errors 6 s apart outlast the 30 s no-progress timeout (ERROR)
        int errors = s.policy() == PolicyKind.LEAVE_TO_BITS ? 8 : s.maxErrors() + 1;
        for (int i = 0; i < errors; i++) {
          steps.add(FakeJobScript.connectionClosed());
        }
        steps.add(FakeJobScript.progress(100));
      }
      case PERMANENT_ERROR -> {
        steps.add(FakeJobScript.progress(100));
        steps.add(FakeJobScript.fatalError(Hresult.httpError(403), ErrorContext.REMOTE_FILE));
      }
      case STALL -> {
        steps.add(FakeJobScript.progress(100));
        steps.add(FakeJobScript.stall());
      }
      case CANCEL_FAILS -> steps.add(FakeJobScript.fatalError(Hresult.httpError(500), ErrorContext.REMOTE_FILE));
    }
    return new FakeJobScript(steps);
  }

  /** How the target ends when no deadline or cancel interferes; null if it never ends by itself. */
  static @Nullable TargetOutcome predicted(TargetSpec t, Setup s) {
    return switch (t.behaviour()) {
      case QUICK_SUCCESS, SLOW_PROGRESS, TRANSIENT_THEN_SUCCESS -> TargetOutcome.COMPLETED;
      case TRANSIENT_BEYOND_POLICY -> s.policy() == PolicyKind.LEAVE_TO_BITS
          ? TargetOutcome.FAILED : TargetOutcome.TRANSIENT_ERRORS_EXHAUSTED;
      case PERMANENT_ERROR, CANCEL_FAILS -> TargetOutcome.FAILED;
      case STALL -> null;
      case CREATE_REFUSED, COMPLETE_FAILS -> TargetOutcome.REFUSED;
    };
  }

  @Property(tries = 200)
  void invariantsHold(@ForAll("scenarios") Scenario sc) throws IOException {
    Path dir = Files.createTempDirectory("bits4j-ctl-prop");
    try {
      new Run(sc, dir).check();
    } finally {
      deleteTree(dir);
    }
  }

  /** One scenario: the world, the drive loop and the checks. */
  static final class Run {
    final Scenario sc;
    final Setup setup;
    final Events ev;
    final Path dir;
    final Path source;
    final Path destDir;
    final byte[] bytes = new byte[SIZE];
    final ManualClock clock = new ManualClock();
    final FakeCompactServer server = new FakeCompactServer();
    final JobCensus census = new JobCensus();
    final List<FakeBitsClient> fakes = new ArrayList<>();
    final Map<Path, TargetSpec> byDest = new HashMap<>();
    final Map<JobId, RecordingJobListener> recorders = new ConcurrentHashMap<>();
    final Set<JobId> cancelFailed = ConcurrentHashMap.newKeySet();
    final Set<JobId> completeFailed = ConcurrentHashMap.newKeySet();
    final List<String> boundViolations = new ArrayList<>();
    @Nullable Path othersSource;

    Run(Scenario sc, Path dir) throws IOException {
      this.sc = sc;
      this.setup = sc.setup();
      this.ev = sc.events();
      this.dir = dir;
      for (int i = 0; i < SIZE; i++) {
        bytes[i] = (byte) (i * 31 + 7);
      }
      this.source = Files.write(dir.resolve("src.bin"), bytes);
      this.destDir = Files.createDirectory(dir.resolve("dest"));
    }

    Path dest(int i) {
      return destDir.resolve("t" + i + ".bin");
    }

    String clientName(TargetSpec t) {
      return "c" + (t.client() % setup.clients());
    }

    void check() throws IOException {
      // ---- the world ----
      UrlGroup preExisting = null;
      if (ev.groupExists()) {
        preExisting = server.createUrlGroup(PREFIX);
        if (setup.connectionLimit() > 0) {
          preExisting.setConnectionLimit(setup.connectionLimit());
        }
        if (ev.othersUrl()) {
          othersSource = Files.write(dir.resolve("others.bin"), new byte[] {1, 2, 3});
          preExisting.host("others/file.bin", othersSource, AccessPolicy.NONE);
        }
      }
      if (ev.removeUrlFails()) {
        server.failNext(FakeCompactServer.Op.REMOVE_URL, new BitsException(Hresult.E_ACCESSDENIED, "scripted DeleteUrl refusal"));
      }
      if (ev.deleteGroupFails()) {
        server.failNext(FakeCompactServer.Op.DELETE_GROUP, new BitsException(Hresult.E_FAIL, "scripted DeleteUrlGroup refusal"));
      }
      Controller.Builder cb = Controller.builder().server(serverView()).scheduler(clock)
          .pollInterval(Duration.ofSeconds(setup.pollSeconds()));
      for (int c = 0; c < setup.clients(); c++) {
        FakeBitsClient f = FakeBitsClient.builder().name("c" + c).scheduler(clock).server(server).census(census).build();
        fakes.add(f);
        cb.client("c" + c, clientView(f, setup.silent(c)));
      }
      TransferPlan.Builder pb = TransferPlan.builder(source, PREFIX).hostName("127.0.0.1")
          .maxConcurrentJobs(setup.k())
          .transientErrorPolicy(setup.transientErrorPolicy())
          .minimumRetryDelay(RETRY_DELAY)
          .noProgressTimeout(NO_PROGRESS_TIMEOUT);
      if (ev.deadlineSeconds() != null) {
        pb.deadline(Duration.ofSeconds(ev.deadlineSeconds()));
      }
      for (int i = 0; i < sc.targets().size(); i++) {
        TargetSpec t = sc.targets().get(i);
        byDest.put(dest(i), t);
        pb.target(clientName(t), dest(i));
      }
      TransferPlan plan = pb.build();
      long threadsBefore = controllerThreads();
      int opsBefore = server.operations().size();

      // ---- drive ----
      Controller controller = cb.build();
      Instant start = clock.now();
      Transfer transfer = controller.start(plan);
      Boolean cancelAccepted = null;
      int tick = 0;
      int doneAt = -1;
      for (; tick <= MAX_TICKS; tick++) {
        if (ev.cancelAtTick() != null && ev.cancelAtTick() == tick) {
          cancelAccepted = transfer.cancel();
        }
        if (transfer.isDone()) {
          doneAt = tick;
          break;
        }
        clock.advance(Duration.ofSeconds(1));
      }
      assertThat(transfer.isDone()).as("the transfer ends within %d ticks", MAX_TICKS).isTrue();
      TransferReport r = transfer.result().toCompletableFuture().join();
      controller.close();
      clock.checkNoTaskFailures();

      Statistics.label("outcome").collect(r.outcome());
      Statistics.label("targets").collect(sc.targets().size() <= 5 ? "1-5" : sc.targets().size() <= 20 ? "6-20" : "21-40");
      Statistics.label("silent clients").collect(setup.silentMask() != 0);
      Statistics.label("cleanup problems").collect(r.cleanupProblems().size());

      // ---- the transfer ends in time ----
      if (cancelAccepted == Boolean.TRUE) {
        assertThat(doneAt).as("done within a tick of the cancel").isLessThanOrEqualTo(ev.cancelAtTick() + 1);
      }
      if (ev.deadlineSeconds() != null) {
        assertThat(doneAt).as("done by the deadline").isLessThanOrEqualTo(ev.deadlineSeconds());
      }
      assertThat(r.started()).isEqualTo(start);
      assertThat(r.finished()).isBetween(start.plusSeconds(Math.max(0, doneAt - 1)), clock.now());

      // ---- concurrency bound ----
      assertThat(boundViolations).as("jobs alive when another was created (bound %d)", setup.bound()).isEmpty();
      if (cancelFailed.isEmpty()) {
        assertThat(census.peak()).as("census peak").isLessThanOrEqualTo(setup.bound());
      }

      // ---- the report's shape and counts ----
      assertThat(r.transferId()).isEqualTo(transfer.id());
      assertThat(r.targets()).extracting(TargetResult::target).containsExactlyElementsOf(plan.targets());
      assertThat(r.createdGroup()).isEqualTo(!ev.groupExists());
      if (r.url().isEmpty()) { // never hosted: only a cancel before the seed got that far
        assertThat(cancelAccepted).as("no URL without an early cancel").isTrue();
        assertThat(r.targets()).allSatisfy(t -> assertThat(t.outcome()).isEqualTo(TargetOutcome.NOT_STARTED));
      }
      List<ClientJob> allJobs = fakes.stream().flatMap(f -> f.allJobs().stream()).collect(Collectors.toList());
      assertThat(census.created()).isEqualTo(allJobs.size());
      Set<JobId> reported = r.targets().stream().flatMap(t -> t.jobId().stream()).collect(Collectors.toSet());
      assertThat(reported).as("one distinct job per target that has one")
          .hasSize((int) r.targets().stream().filter(t -> t.jobId().isPresent()).count());
      assertThat(reported).as("the report names exactly the jobs created")
          .isEqualTo(allJobs.stream().map(ClientJob::id).collect(Collectors.toSet()));
      for (FakeBitsClient f : fakes) {
        long onThisClient = r.targets().stream().filter(t -> t.client().equals(f.toString().replaceAll(".*\\[(.*)]", "$1"))
            && t.jobId().isPresent()).count();
        assertThat(f.allJobs()).hasSize((int) onThisClient);
      }
      Map<JobId, ClientJob> jobsById = allJobs.stream().collect(Collectors.toMap(ClientJob::id, j -> j));

      // ---- the overall outcome ----
      boolean stopped = r.outcome() == Outcome.CANCELLED || r.outcome() == Outcome.DEADLINE_EXCEEDED;
      if (cancelAccepted == Boolean.TRUE) {
        assertThat(r.outcome()).as("cancel() returned true").isEqualTo(Outcome.CANCELLED);
      } else {
        assertThat(r.outcome()).isNotEqualTo(Outcome.CANCELLED);
      }
      if (r.outcome() == Outcome.DEADLINE_EXCEEDED) {
        assertThat(ev.deadlineSeconds()).isNotNull();
        assertThat(doneAt).isEqualTo(ev.deadlineSeconds());
      }
      long completed = r.targets().stream().filter(t -> t.outcome() == TargetOutcome.COMPLETED).count();
      if (!stopped) {
        Outcome expected = completed == plan.targets().size() ? Outcome.SUCCEEDED
            : completed == 0 ? Outcome.FAILED : Outcome.PARTIALLY_SUCCEEDED;
        assertThat(r.outcome()).isEqualTo(expected);
      }

      // ---- each target ----
      int i = 0;
      int leftActive = 0;
      for (TargetResult tr : r.targets()) {
        TargetSpec spec = sc.targets().get(i);
        Path d = dest(i++);
        TargetOutcome want = predicted(spec, setup);
        String what = "target " + (i - 1) + " " + spec + " -> " + tr;
        // a poll may miss the transient errors of a job that then transfers: it is completed, as the seed says
        TargetOutcome alsoOk = setup.silent(spec.client() % setup.clients())
            && spec.behaviour() == Behaviour.TRANSIENT_BEYOND_POLICY && setup.policy() != PolicyKind.LEAVE_TO_BITS
            ? TargetOutcome.COMPLETED : want;
        if (stopped) {
          TargetOutcome stopOutcome = r.outcome() == Outcome.CANCELLED ? TargetOutcome.CANCELLED : TargetOutcome.DEADLINE_EXCEEDED;
          assertThat(tr.outcome()).as(what).isIn(want, alsoOk, stopOutcome, TargetOutcome.NOT_STARTED);
        } else {
          assertThat(want).as("a scenario that stalls ends by a stop: " + what).isNotNull();
          assertThat(tr.outcome()).as(what).isIn(want, alsoOk);
        }
        if (tr.jobId().isEmpty()) {
          assertThat(tr.outcome()).as(what).isIn(TargetOutcome.NOT_STARTED, TargetOutcome.REFUSED);
          if (tr.outcome() == TargetOutcome.REFUSED) {
            assertThat(spec.behaviour()).as(what).isEqualTo(Behaviour.CREATE_REFUSED);
            assertThat(tr.problem()).as(what).isPresent();
          }
          assertThat(Files.exists(d)).as(what).isFalse();
          continue;
        }
        assertThat(tr.outcome()).as(what).isNotEqualTo(TargetOutcome.NOT_STARTED);
        ClientJob job = jobsById.get(tr.jobId().get());
        assertThat(job).as(what).isNotNull();
        assertThat(job.description()).as(what).isEqualTo("bits4j-transfer=" + transfer.id());
        assertThat(job.files()).as(what).singleElement().satisfies(f -> assertThat(f.localFile()).isEqualTo(d));
        RecordingJobListener rec = recorders.get(job.id());
        boolean reachedTransferred = rec.count(RecordingJobListener.Kind.TRANSFERRED) > 0;
        JobState end = job.state();
        if (!cancelFailed.contains(job.id())) { // a job left behind may change after the controller let go of it
          assertThat(tr.lastState()).as("the report's last state is the job's: " + what).contains(end);
        }
        if (cancelFailed.contains(job.id())) {
          leftActive++;
          assertThat(end.isFinal()).as(what).isFalse();
          assertThat(tr.problem()).as(what).hasValueSatisfying(p -> assertThat(p).contains("cancel() failed"));
        } else if (reachedTransferred && !completeFailed.contains(job.id())) {
          assertThat(end).as("a job that reached TRANSFERRED is completed: " + what).isEqualTo(JobState.ACKNOWLEDGED);
        } else {
          assertThat(end).as("a job that did not transfer is cancelled: " + what).isEqualTo(JobState.CANCELLED);
        }
        switch (tr.outcome()) {
          case COMPLETED -> {
            assertThat(end).as(what).isEqualTo(JobState.ACKNOWLEDGED);
            assertThat(Files.readAllBytes(d)).as(what).isEqualTo(bytes);
            assertThat(tr.progress().bytesTransferred()).as(what).isEqualTo(SIZE);
          }
          case FAILED -> {
            assertThat(rec.states()).as("a FAILED job went to ERROR: " + what).contains(JobState.ERROR);
            assertThat(tr.error()).as(what).isPresent();
          }
          case TRANSIENT_ERRORS_EXHAUSTED -> {
            assertThat(job.transientErrorCount()).as(what).isGreaterThan(setup.maxErrors());
            if (!setup.silent(spec.client() % setup.clients())) { // a poll may see the job already back in QUEUED
              assertThat(tr.error()).as(what).isPresent();
            }
          }
          case REFUSED -> {
            assertThat(completeFailed).as(what).contains(job.id());
            assertThat(tr.problem()).as(what).hasValueSatisfying(p -> assertThat(p).contains("complete() failed"));
          }
          case DEADLINE_EXCEEDED, CANCELLED -> assertThat(end == JobState.CANCELLED || cancelFailed.contains(job.id())).as(what).isTrue();
          case NOT_STARTED -> throw new AssertionError("unreachable");
        }
        if (tr.outcome() != TargetOutcome.COMPLETED) {
          assertThat(Files.exists(d)).as("no file without completion: " + what).isFalse();
        }
        if (!cancelFailed.contains(job.id())) {
          assertThat(tr.transientErrors()).as(what).isEqualTo(job.transientErrorCount());
        }
      }
      for (FakeBitsClient f : fakes) {
        if (cancelFailed.isEmpty()) {
          f.checkNoActiveJobs();
        }
      }
      assertThat(census.alive()).as("jobs left active").isEqualTo(leftActive);
      try (Stream<Path> s = Files.list(destDir)) {
        List<Path> temps = s.filter(p -> p.getFileName().toString().startsWith("BIT")).collect(Collectors.toList());
        assertThat(temps).as("temporary files left").isEmpty();
      }

      // ---- cleanup ----
      String suffix = transfer.id() + "/src.bin"; // the generated suffix (TransferPlan.suffix())
      r.url().ifPresent(u -> assertThat(u.getPath()).endsWith("/" + suffix));
      boolean urlLeft = ev.removeUrlFails() && r.url().isPresent();
      Set<String> problems = new HashSet<>();
      boolean groupLeft = ev.groupExists();
      if (urlLeft) {
        problems.add("could not remove URL");
        if (!ev.groupExists()) {
          problems.add("kept URL group");
          groupLeft = true;
        }
      } else if (!ev.groupExists() && ev.deleteGroupFails()) {
        problems.add("could not delete URL group");
        groupLeft = true;
      }
      List<String> expectedProblems = new ArrayList<>(problems);
      int cancelProblems = cancelFailed.size();
      assertThat(r.cleanupProblems()).as("cleanup problems of %s", r).hasSize(expectedProblems.size() + cancelProblems);
      for (String p : expectedProblems) {
        assertThat(r.cleanupProblems()).as("cleanup problems").anySatisfy(x -> assertThat(x).contains(p));
      }
      assertThat(r.isClean()).isEqualTo(expectedProblems.isEmpty() && cancelProblems == 0);
      if (groupLeft) {
        UrlGroup g = server.findUrlGroup(PREFIX).orElseThrow(() -> new AssertionError("the group is gone"));
        assertThat(g.find(suffix)).as("our URL").matches(o -> o.isPresent() == urlLeft);
        if (ev.groupExists()) {
          assertThat(g).isSameAs(preExisting);
          assertThat(g.connectionLimit()).isEqualTo(Math.max(0, setup.connectionLimit()));
          assertThat(g.authentication()).isEmpty();
          if (othersSource != null) {
            assertThat(g.find("others/file.bin")).as("others' URL").isPresent();
          }
          assertThat(g.files()).hasSize((othersSource != null ? 1 : 0) + (urlLeft ? 1 : 0));
        }
      } else {
        server.checkNoUrlGroups();
      }
      if (ev.groupExists()) {
        List<String> ops = server.operations().subList(opsBefore, server.operations().size());
        assertThat(ops).as("never deletes a group it did not create").noneMatch(o -> o.startsWith("deleteUrlGroup"));
        assertThat(ops).noneMatch(o -> o.startsWith("createUrlGroup") || o.startsWith("setConnectionLimit"));
      }

      // ---- no timers, no threads ----
      if (cancelFailed.isEmpty()) {
        assertThat(clock.pendingTasks()).as("timers left behind").isZero();
      }
      assertThat(controllerThreads()).as("controller threads").isLessThanOrEqualTo(threadsBefore);
      fakes.forEach(FakeBitsClient::close);
    }

    /** The server as the controller sees it: a created group gets the scenario's connection limit. */
    CompactServer serverView() {
      if (ev.groupExists() || setup.connectionLimit() == 0) {
        return server;
      }
      return (CompactServer) Proxy.newProxyInstance(CompactServer.class.getClassLoader(),
          new Class<?>[] {CompactServer.class}, (p, m, a) -> {
            Object res = invoke(m, server, a);
            if (m.getName().equals("createUrlGroup")) {
              ((UrlGroup) res).setConnectionLimit(setup.connectionLimit()); // as a server default would
            }
            return res;
          });
    }

    /** A client that applies each target's behaviour and checks the bound at every createJob. */
    BitsClient clientView(FakeBitsClient inner, boolean silent) {
      return (BitsClient) Proxy.newProxyInstance(BitsClient.class.getClassLoader(), new Class<?>[] {BitsClient.class},
          (proxy, m, args) -> {
            if (!m.getName().equals("createJob")) {
              return invoke(m, inner, args);
            }
            JobSpec spec = (JobSpec) args[0];
            TargetSpec t = byDest.get(spec.files().get(0).localFile());
            long alive = fakes.stream().flatMap(f -> f.allJobs().stream())
                .filter(j -> !j.state().isFinal() && !cancelFailed.contains(j.id())).count();
            if (alive >= setup.bound()) {
              boundViolations.add(alive + " alive when creating the job for " + t);
            }
            if (t.behaviour() == Behaviour.CREATE_REFUSED) {
              inner.failNextCreate(new BitsException(Hresult.BG_E_TOO_MANY_JOBS_PER_USER, "scripted createJob refusal"));
            }
            inner.defaultScript(script(t, setup));
            ClientJob job = (ClientJob) invoke(m, inner, args);
            RecordingJobListener rec = new RecordingJobListener();
            job.addListener(rec);
            recorders.put(job.id(), rec);
            return Proxy.newProxyInstance(ClientJob.class.getClassLoader(), new Class<?>[] {ClientJob.class},
                (p2, m2, a2) -> {
                  if (m2.getName().equals("complete") && t.behaviour() == Behaviour.COMPLETE_FAILS) {
                    completeFailed.add(job.id());
                    throw new BitsException(Hresult.E_ACCESSDENIED, "scripted complete() failure");
                  }
                  if (m2.getName().equals("cancel") && t.behaviour() == Behaviour.CANCEL_FAILS) {
                    cancelFailed.add(job.id());
                    throw new BitsException(Hresult.E_ACCESSDENIED, "scripted cancel() failure");
                  }
                  if (silent && (m2.getName().equals("addListener") || m2.getName().equals("removeListener"))) {
                    return null;
                  }
                  if (silent && m2.getName().equals("outcome")) {
                    return new java.util.concurrent.CompletableFuture<JobState>();
                  }
                  return invoke(m2, job, a2);
                });
          });
    }
  }

  static long controllerThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(th -> th.getName().startsWith("bits4j-controller")).count();
  }

  static Object invoke(java.lang.reflect.Method m, Object target, Object[] args) throws Throwable {
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }
}
