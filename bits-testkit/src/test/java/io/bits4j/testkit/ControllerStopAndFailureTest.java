package io.bits4j.testkit;

import static io.bits4j.testkit.FakeJobScript.progress;
import static io.bits4j.testkit.FakeJobScript.stall;
import static org.assertj.core.api.Assertions.assertThat;

import io.bits4j.BitsClient;
import io.bits4j.BitsException;
import io.bits4j.Controller;
import io.bits4j.Hresult;
import io.bits4j.JobState;
import io.bits4j.Transfer;
import io.bits4j.TransferPlan;
import io.bits4j.TransferReport;
import io.bits4j.TransferReport.Outcome;
import io.bits4j.TransferReport.TargetOutcome;
import io.bits4j.TransientErrorPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The default controller stopping (cancel, deadline) and failing part-way, against the fakes (manual clock, no sleeps). */
class ControllerStopAndFailureTest extends ControllerFixture {
  ControllerStopAndFailureTest() {
    super("src.bin", 7);
  }

  @Test
  void cancelWhileAJobWaitsInTransferredCompletesIt() throws IOException {
    FakeBitsClient a = client("a");
    Controller c = Controller.builder().server(server).scheduler(clock)
        .pollInterval(Duration.ofSeconds(5)).client("a", ClientWrappers.silent(a)).build();
    Transfer t = c.start(plan().target("a", dest("x")).build());
    clock.advance(Duration.ofSeconds(2));
    assertThat(a.allJobs().get(0).state()).isEqualTo(JobState.TRANSFERRED);
    assertThat(t.cancel()).isTrue();
    TransferReport r = run(t);
    assertThat(r.outcome()).isEqualTo(Outcome.CANCELLED);
    assertThat(r.targets().get(0).outcome()).isEqualTo(TargetOutcome.COMPLETED);
    assertThat(a.allJobs().get(0).state()).isEqualTo(JobState.ACKNOWLEDGED);
    assertThat(Files.readAllBytes(dest("x"))).isEqualTo(bytes);
    assertNothingLeft();
  }

  @Test
  void deadlineWhileAJobWaitsInTransferredCompletesIt() throws IOException {
    FakeBitsClient a = client("a");
    FakeBitsClient b = client("b");
    b.defaultScript(FakeJobScript.of(stall()));
    Controller c = Controller.builder().server(server).scheduler(clock)
        .pollInterval(Duration.ofMinutes(5)).client("a", ClientWrappers.silent(a)).client("b", b).build();
    TransferReport r = run(c.start(plan().deadline(Duration.ofSeconds(30))
        .target("a", dest("x")).target("b", dest("y")).build()));
    assertThat(r.outcome()).isEqualTo(Outcome.DEADLINE_EXCEEDED);
    assertThat(r.targets()).extracting(TransferReport.TargetResult::outcome)
        .containsExactly(TargetOutcome.COMPLETED, TargetOutcome.DEADLINE_EXCEEDED);
    assertThat(Files.readAllBytes(dest("x"))).isEqualTo(bytes);
    assertThat(Files.exists(dest("y"))).isFalse();
    assertNothingLeft();
  }

  @Test
  void zeroTimeInErrorBudgetDoesNotCancelAHealthyJob() throws IOException {
    FakeBitsClient a = client("a");
    a.defaultScript(FakeJobScript.of(progress(1000), progress(1000)));
    TransferReport r = run(Controller.builder().server(server).scheduler(clock).client("a", a).build()
        .start(plan().transientErrorPolicy(TransientErrorPolicy.budget(3, Duration.ZERO))
            .target("a", dest("x")).build()));
    assertThat(r.outcome()).as(r.toString()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(Files.readAllBytes(dest("x"))).isEqualTo(bytes);
    assertNothingLeft();
  }

  @Test
  void thirdOfFiveJobCreationsFailsWithTwoAtOnce() throws IOException {
    FakeBitsClient a = client("a");
    a.defaultScript(FakeJobScript.of(progress(3000), progress(3000)));
    FakeBitsClient b = client("b");
    b.failNextCreate(new BitsException(Hresult.BG_E_TOO_MANY_JOBS_PER_USER, "scripted"));
    Controller c = Controller.builder().server(server).scheduler(clock).client("a", a).client("b", b).build();
    TransferReport r = run(c.start(plan().maxConcurrentJobs(2)
        .target("a", dest("1")).target("a", dest("2")).target("b", dest("3"))
        .target("a", dest("4")).target("b", dest("5")).build()));
    assertThat(r.outcome()).isEqualTo(Outcome.PARTIALLY_SUCCEEDED);
    assertThat(r.targets()).extracting(TransferReport.TargetResult::outcome).containsExactly(
        TargetOutcome.COMPLETED, TargetOutcome.COMPLETED, TargetOutcome.REFUSED,
        TargetOutcome.COMPLETED, TargetOutcome.COMPLETED);
    assertThat(census.peak()).isEqualTo(2);
    assertThat(census.created()).isEqualTo(4);
    assertThat(Files.exists(dest("3"))).isFalse();
    assertNothingLeft();
  }

  @Test
  void completeThatThrowsCancelsTheJobAndCleansUp() {
    FakeBitsClient a = client("a");
    BitsClient failing = ClientWrappers.failingJobs(a, "complete", new BitsException(Hresult.E_ACCESSDENIED, "scripted complete"));
    Controller c = Controller.builder().server(server).scheduler(clock).client("a", failing).build();
    TransferReport r = run(c.start(plan().target("a", dest("x")).build()));
    assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(r.targets().get(0).outcome()).isEqualTo(TargetOutcome.REFUSED);
    assertThat(r.targets().get(0).problem()).hasValueSatisfying(p -> assertThat(p).contains("complete() failed"));
    assertThat(a.allJobs().get(0).state()).isEqualTo(JobState.CANCELLED);
    assertThat(Files.exists(dest("x"))).isFalse();
    assertNothingLeft();
  }

  /** Found by ControllerPropertiesTest: a job left on a client because cancel() failed is a cleanup problem. */
  @Test
  void cancelThatThrowsLeavesTheJobAndIsACleanupProblem() {
    FakeBitsClient a = client("a");
    a.defaultScript(FakeJobScript.of(FakeJobScript.fatalError(Hresult.httpError(500), io.bits4j.ErrorContext.REMOTE_FILE)));
    BitsClient failing = ClientWrappers.failingJobs(a, "cancel", new BitsException(Hresult.E_ACCESSDENIED, "scripted cancel"));
    Controller c = Controller.builder().server(server).scheduler(clock).client("a", failing).build();
    TransferReport r = run(c.start(plan().target("a", dest("x")).build()));
    assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(r.targets().get(0).outcome()).isEqualTo(TargetOutcome.FAILED);
    assertThat(r.targets().get(0).problem()).hasValueSatisfying(p -> assertThat(p).contains("cancel() failed"));
    assertThat(a.allJobs().get(0).state()).isEqualTo(JobState.ERROR); // still on the client
    assertThat(r.isClean()).as("a job this transfer created is left: %s", r).isFalse();
    assertThat(r.cleanupProblems()).singleElement().asString()
        .contains(a.allJobs().get(0).id().toString()).contains("client a").contains("cancel() failed");
    server.checkNoUrlGroups();
  }

  /** Found by ControllerPropertiesTest: a job stopped between two observations reports its current error count. */
  @Test
  void deadlineReportsTheTransientErrorsOfAJobSeenOnlyWhenStopped() {
    FakeBitsClient a = client("a");
    a.defaultScript(FakeJobScript.of(progress(1000), FakeJobScript.connectionClosed()));
    Controller c = Controller.builder().server(server).scheduler(clock)
        .pollInterval(Duration.ofMinutes(5)).client("a", ClientWrappers.silent(a)).build();
    TransferReport r = run(c.start(plan().deadline(Duration.ofSeconds(30)).target("a", dest("x")).build()));
    assertThat(r.outcome()).isEqualTo(Outcome.DEADLINE_EXCEEDED);
    TransferReport.TargetResult t = r.targets().get(0);
    assertThat(t.outcome()).isEqualTo(TargetOutcome.DEADLINE_EXCEEDED);
    assertThat(a.allJobs().get(0).transientErrorCount()).isEqualTo(1);
    assertThat(t.transientErrors()).as(t.toString()).isEqualTo(1);
    assertThat(t.lastState()).contains(JobState.CANCELLED);
    assertNothingLeft();
  }

  @Test
  void addListenerThatThrowsFallsBackToPolling() throws IOException {
    FakeBitsClient a = client("a");
    BitsClient failing = ClientWrappers.failingJobs(a, "addListener", new IllegalStateException("listener refused"));
    Controller c = Controller.builder().server(server).scheduler(clock).pollInterval(Duration.ofSeconds(5))
        .client("a", failing).build();
    TransferReport r = run(c.start(plan().target("a", dest("x")).build()));
    assertThat(r.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(Files.readAllBytes(dest("x"))).isEqualTo(bytes);
    assertNothingLeft();
  }

  @Test
  void cancelTwiceAndAfterTheEnd() {
    FakeBitsClient a = client("a");
    a.defaultScript(FakeJobScript.of(stall()));
    Controller c = Controller.builder().server(server).scheduler(clock).client("a", a).build();
    Transfer t = c.start(plan().target("a", dest("x")).build());
    clock.advance(Duration.ofSeconds(2));
    assertThat(t.cancel()).isTrue();
    t.cancel();
    TransferReport r = run(t);
    assertThat(r.outcome()).isEqualTo(Outcome.CANCELLED);
    assertThat(t.cancel()).isFalse();
    assertThat(clock.pendingTasks()).as("no timers left behind").isZero();
    assertNothingLeft();
  }

  @Test
  @org.junit.jupiter.api.Timeout(120)
  void cancelRacingCompletionOnRealThreadsNeverHangsOrLeaks() throws Exception {
    for (int round = 0; round < 30; round++) {
      FakeCompactServer srv = new FakeCompactServer();
      JobCensus cen = new JobCensus();
      FakeBitsClient a = FakeBitsClient.builder().scheduler(io.bits4j.Scheduler.system()).server(srv)
          .census(cen).tick(Duration.ofMillis(1)).build();
      try (Controller c = Controller.builder().server(srv).client("a", a).pollInterval(Duration.ofMillis(20)).build()) {
        TransferPlan.Builder p = plan().maxConcurrentJobs(3);
        for (int i = 0; i < 6; i++) {
          p.target("a", dest("r" + round + "-" + i));
        }
        Transfer t = c.start(p.build());
        java.util.concurrent.locks.LockSupport.parkNanos(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(round % 10));
        t.cancel();
        t.cancel();
        TransferReport r = t.result().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(r.outcome()).isIn(Outcome.CANCELLED, Outcome.SUCCEEDED);
        assertThat(cen.peak()).isLessThanOrEqualTo(3);
      }
      srv.checkNoUrlGroups();
      a.checkNoActiveJobs();
      assertThat(cen.alive()).isZero();
      a.close();
    }
  }
}
