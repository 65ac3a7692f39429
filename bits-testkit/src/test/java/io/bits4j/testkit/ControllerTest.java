package io.bits4j.testkit;

import static io.bits4j.testkit.FakeJobScript.connectionClosed;
import static io.bits4j.testkit.FakeJobScript.fatalError;
import static io.bits4j.testkit.FakeJobScript.progress;
import static io.bits4j.testkit.FakeJobScript.stall;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bits4j.AccessPolicy;
import io.bits4j.AuthScheme;
import io.bits4j.BitsException;
import io.bits4j.ClientJob;
import io.bits4j.Controller;
import io.bits4j.Credentials;
import io.bits4j.ErrorContext;
import io.bits4j.HostedFile;
import io.bits4j.Hresult;
import io.bits4j.JobProgress;
import io.bits4j.JobState;
import io.bits4j.Transfer;
import io.bits4j.TransferPlan;
import io.bits4j.TransferReport;
import io.bits4j.TransferReport.Outcome;
import io.bits4j.TransferReport.TargetOutcome;
import io.bits4j.TransientErrorPolicy;
import io.bits4j.UrlGroup;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The default controller against the fakes, driven by a manual clock: deterministic, no sleeps. */
class ControllerTest extends ControllerFixture {
  ControllerTest() {
    super("source image.bin", 42);
  }

  @Test
  void happyPathPublishesDownloadsCompletesAndCleansUp() throws IOException {
    FakeBitsClient a = client("a");
    a.defaultScript(FakeJobScript.of(progress(4000), progress(4000)));
    Controller c = controller(a);
    Transfer t = c.start(plan().target("a", dest("out.bin")).build());

    clock.advance(Duration.ofSeconds(1)); // seed and job at 0 s, first progress step at 1 s
    assertThat(t.isDone()).isFalse();
    assertThat(t.jobStates()).containsEntry(t.plan().targets().get(0), JobState.TRANSFERRING);
    assertThat(t.progress()).isEqualTo(new JobProgress(SIZE, 4000, 1, 0));
    assertThat(Files.exists(dest("out.bin"))).as("invisible until complete()").isFalse();

    TransferReport r = run(t);
    assertThat(r.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(r.isSuccess()).isTrue();
    assertThat(r.isClean()).isTrue();
    assertThat(r.createdGroup()).isTrue();
    assertThat(r.transferId()).isEqualTo(t.id());
    assertThat(r.url()).contains(PREFIX.url("127.0.0.1", t.id() + "/source_image.bin"));
    assertThat(r.targets()).singleElement().satisfies(tr -> {
      assertThat(tr.outcome()).isEqualTo(TargetOutcome.COMPLETED);
      assertThat(tr.lastState()).contains(JobState.ACKNOWLEDGED);
      assertThat(tr.progress().bytesTransferred()).isEqualTo(SIZE);
      assertThat(tr.jobId()).isPresent();
      assertThat(tr.problem()).isEmpty();
    });
    assertThat(Files.readAllBytes(dest("out.bin"))).isEqualTo(bytes);
    assertThat(a.allJobs()).singleElement().satisfies(j -> {
      assertThat(j.description()).isEqualTo("bits4j-transfer=" + t.id());
      assertThat(j.state()).isEqualTo(JobState.ACKNOWLEDGED);
    });
    assertThat(t.jobStates()).containsEntry(t.plan().targets().get(0), JobState.ACKNOWLEDGED);
    assertThat(t.progress().fraction()).isEqualTo(1.0);
    assertThat(server.operations()).containsExactly(
        "createUrlGroup " + PREFIX,
        "host " + PREFIX + " " + t.id() + "/source_image.bin " + source,
        "remove " + PREFIX + " " + t.id() + "/source_image.bin",
        "deleteUrlGroup " + PREFIX);
    assertThat(r.finished()).isAfter(r.started());
    assertNothingLeft();
    assertThat(t.cancel()).as("cancel after the end").isFalse();
    c.close();
  }

  @Test
  void preExistingGroupAndItsFilesAreKept() throws IOException {
    UrlGroup g = server.createUrlGroup(PREFIX);
    HostedFile other = g.host("other.bin", source, AccessPolicy.NONE);
    FakeBitsClient a = client("a");
    TransferReport r = run(controller(a).start(plan().suffix("mine.bin").target("a", dest("x")).build()));

    assertThat(r.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(r.createdGroup()).isFalse();
    assertThat(server.urlGroups()).singleElement().isSameAs(g);
    assertThat(g.files()).containsExactly(other);
    assertThat(g.contains("mine.bin")).isFalse();
    assertThat(Files.readAllBytes(dest("x"))).isEqualTo(bytes);
  }

  @Test
  void emptyPreExistingGroupIsNotDeleted() {
    server.createUrlGroup(PREFIX);
    TransferReport r = run(controller(client("a")).start(plan().target("a", dest("x")).build()));
    assertThat(r.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(server.findUrlGroup(PREFIX)).isPresent();
    server.checkNoHostedFiles();
  }

  @Test
  void createdGroupIsKeptWhenThePlanSaysSo() {
    TransferReport r = run(controller(client("a"))
        .start(plan().removeGroupIfCreated(false).target("a", dest("x")).build()));
    assertThat(r.createdGroup()).isTrue();
    assertThat(server.findUrlGroup(PREFIX)).isPresent();
    server.checkNoHostedFiles();
  }

  @Test
  void transientErrorThenRecoveryWhenLeftToBits() throws IOException {
    FakeBitsClient a = client("a");
    a.defaultScript(FakeJobScript.of(progress(1000), connectionClosed(), progress(1000)));
    Transfer t = controller(a).start(plan()
        .minimumRetryDelay(Duration.ofSeconds(30))
        .target("a", dest("x")).build());
    clock.advance(Duration.ofSeconds(3));
    assertThat(t.jobStates()).containsEntry(t.plan().targets().get(0), JobState.TRANSIENT_ERROR);

    TransferReport r = run(t);
    assertThat(r.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(r.targets().get(0).transientErrors()).isEqualTo(1);
    assertThat(Files.readAllBytes(dest("x"))).isEqualTo(bytes);
    assertNothingLeft();
  }

  @Test
  void transientErrorsWithinBudgetRecover() {
    FakeBitsClient a = client("a");
    a.defaultScript(FakeJobScript.of(connectionClosed(), connectionClosed(), progress(10)));
    TransferReport r = run(controller(a).start(plan()
        .minimumRetryDelay(Duration.ofSeconds(10))
        .transientErrorPolicy(TransientErrorPolicy.budget(2, Duration.ofMinutes(5)))
        .target("a", dest("x")).build()));
    assertThat(r.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(r.targets().get(0).transientErrors()).isEqualTo(2);
    assertNothingLeft();
  }

  @Test
  void cancelAtFirstTransientErrorCancelsAndCleansUp() {
    FakeBitsClient a = client("a");
    a.defaultScript(FakeJobScript.of(progress(1000), connectionClosed()));
    TransferReport r = run(controller(a).start(plan()
        .transientErrorPolicy(TransientErrorPolicy.cancelAtFirst())
        .target("a", dest("x")).build()));

    assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(r.targets()).singleElement().satisfies(tr -> {
      assertThat(tr.outcome()).isEqualTo(TargetOutcome.TRANSIENT_ERRORS_EXHAUSTED);
      assertThat(tr.lastState()).contains(JobState.CANCELLED);
      assertThat(tr.transientErrors()).isEqualTo(1);
      assertThat(tr.error()).hasValueSatisfying(e -> assertThat(e.hresult()).isEqualTo(Hresult.BG_E_CONNECTION_CLOSED));
    });
    assertThat(a.allJobs().get(0).state()).isEqualTo(JobState.CANCELLED);
    assertThat(Files.exists(dest("x"))).isFalse();
    assertThat(r.isClean()).isTrue();
    assertNothingLeft();
  }

  @Test
  void timeInTransientErrorBudgetCancelsAtItsLimit() {
    FakeBitsClient a = client("a");
    a.defaultScript(FakeJobScript.of(connectionClosed()));
    Transfer t = controller(a).start(plan()
        .minimumRetryDelay(Duration.ofMinutes(10))
        .transientErrorPolicy(TransientErrorPolicy.budget(100, Duration.ofSeconds(30)))
        .target("a", dest("x")).build());
    TransferReport r = run(t);
    assertThat(r.targets().get(0).outcome()).isEqualTo(TargetOutcome.TRANSIENT_ERRORS_EXHAUSTED);
    // the error came at the first tick (1 s); the budget ran out 30 s later, long before the retry
    assertThat(Duration.between(r.started(), r.finished())).isBetween(Duration.ofSeconds(30), Duration.ofSeconds(33));
    assertNothingLeft();
  }

  @Test
  void fatalErrorCancelsTheJobAndReportsItsError() {
    FakeBitsClient a = client("a");
    a.defaultScript(FakeJobScript.of(progress(100), fatalError(Hresult.httpError(403), ErrorContext.REMOTE_FILE)));
    TransferReport r = run(controller(a).start(plan().target("a", dest("x")).build()));

    assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(r.targets()).singleElement().satisfies(tr -> {
      assertThat(tr.outcome()).isEqualTo(TargetOutcome.FAILED);
      assertThat(tr.lastState()).contains(JobState.CANCELLED);
      assertThat(tr.error()).hasValueSatisfying(e -> {
        assertThat(e.hresult()).isEqualTo(Hresult.httpError(403));
        assertThat(e.context()).isEqualTo(ErrorContext.REMOTE_FILE);
      });
    });
    assertThat(Files.exists(dest("x"))).isFalse();
    assertNothingLeft();
  }

  @Test
  void deadlineCancelsEverythingAndCleansUp() {
    FakeBitsClient a = client("a");
    FakeBitsClient b = client("b");
    a.defaultScript(FakeJobScript.of(progress(100), stall()));
    TransferReport r = run(controller(a, b).start(plan()
        .deadline(Duration.ofMinutes(1))
        .target("a", dest("x"))
        .target("b", dest("y"))
        .build()));

    assertThat(r.outcome()).isEqualTo(Outcome.DEADLINE_EXCEEDED);
    assertThat(Duration.between(r.started(), r.finished())).isEqualTo(Duration.ofMinutes(1));
    assertThat(r.targets()).extracting(TransferReport.TargetResult::outcome)
        .containsExactly(TargetOutcome.DEADLINE_EXCEEDED, TargetOutcome.COMPLETED);
    assertThat(a.allJobs().get(0).state()).isEqualTo(JobState.CANCELLED);
    assertThat(Files.exists(dest("x"))).isFalse();
    assertNothingLeft();
  }

  @Test
  void callerCancelMidTransfer() {
    FakeBitsClient a = client("a");
    a.defaultScript(FakeJobScript.of(progress(100), progress(100), progress(100)));
    Transfer t = controller(a).start(plan().target("a", dest("x")).build());
    clock.advance(Duration.ofSeconds(2));
    assertThat(t.jobStates()).containsEntry(t.plan().targets().get(0), JobState.TRANSFERRING);

    assertThat(t.cancel()).isTrue();
    TransferReport r = run(t);
    assertThat(r.outcome()).isEqualTo(Outcome.CANCELLED);
    assertThat(r.targets().get(0).outcome()).isEqualTo(TargetOutcome.CANCELLED);
    assertThat(r.targets().get(0).progress().bytesTransferred()).isEqualTo(200);
    assertThat(t.cancel()).isFalse();
    assertThat(Files.exists(dest("x"))).isFalse();
    assertNothingLeft();
  }

  @Test
  void cancelBeforeTheSeedRanCreatesNoJob() {
    FakeBitsClient a = client("a");
    Transfer t = controller(a).start(plan().target("a", dest("x")).build());
    assertThat(t.cancel()).isTrue();
    TransferReport r = run(t);
    assertThat(r.outcome()).isEqualTo(Outcome.CANCELLED);
    assertThat(r.targets().get(0).outcome()).isEqualTo(TargetOutcome.NOT_STARTED);
    assertThat(census.created()).isZero();
    assertNothingLeft();
  }

  @Test
  void cleanupFailureIsReportedWithoutHidingSuccess() throws IOException {
    server.failNextRemove(new BitsException(Hresult.E_ACCESSDENIED, "scripted"));
    FakeBitsClient a = client("a");
    TransferReport r = run(controller(a).start(plan().target("a", dest("x")).build()));

    assertThat(r.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(r.isClean()).isFalse();
    assertThat(r.cleanupProblems()).hasSize(2);
    assertThat(r.cleanupProblems().get(0)).contains("could not remove URL").contains("E_ACCESSDENIED");
    assertThat(r.cleanupProblems().get(1)).contains("kept URL group");
    assertThat(Files.readAllBytes(dest("x"))).isEqualTo(bytes);
    assertThat(server.findUrlGroup(PREFIX)).isPresent(); // the URL is still there, so is the group
    a.checkNoActiveJobs();
  }

  @Test
  void groupDeletionFailureIsReported() {
    server.failNext(FakeCompactServer.Op.DELETE_GROUP, new BitsException(Hresult.E_FAIL, "scripted"));
    TransferReport r = run(controller(client("a")).start(plan().target("a", dest("x")).build()));
    assertThat(r.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(r.cleanupProblems()).singleElement().asString().contains("could not delete URL group");
    server.checkNoHostedFiles();
  }

  @Test
  void refusedJobOnOneClientIsReportedForThatTarget() throws IOException {
    FakeBitsClient a = client("a");
    FakeBitsClient b = client("b");
    b.failNextCreate(new BitsException(Hresult.BG_E_TOO_MANY_JOBS_PER_USER, "scripted"));
    TransferReport r = run(controller(a, b).start(plan().target("a", dest("x")).target("b", dest("y")).build()));

    assertThat(r.outcome()).isEqualTo(Outcome.PARTIALLY_SUCCEEDED);
    assertThat(r.targets().get(0).outcome()).isEqualTo(TargetOutcome.COMPLETED);
    assertThat(r.targets().get(1).outcome()).isEqualTo(TargetOutcome.REFUSED);
    assertThat(r.targets().get(1).jobId()).isEmpty();
    assertThat(r.targets().get(1).problem()).hasValueSatisfying(
        p -> assertThat(p).contains("client b refused the job").contains("BG_E_TOO_MANY_JOBS_PER_USER"));
    assertThat(Files.readAllBytes(dest("x"))).isEqualTo(bytes);
    assertNothingLeft();
  }

  @Test
  void missingSourceFailsBeforeAnyJobAndRemovesTheGroupItCreated() throws IOException {
    Files.delete(source);
    FakeBitsClient a = client("a");
    TransferReport r = run(controller(a).start(plan().target("a", dest("x")).build()));
    assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(r.url()).isEmpty();
    assertThat(r.targets().get(0).outcome()).isEqualTo(TargetOutcome.NOT_STARTED);
    assertThat(r.targets().get(0).problem()).hasValueSatisfying(p -> assertThat(p).contains("could not host"));
    assertThat(census.created()).isZero();
    assertNothingLeft();
  }

  @Test
  void authenticationIsEnabledAndCredentialsReachTheJobs() throws IOException {
    FakeBitsClient a = client("a");
    FakeBitsClient b = client("b");
    Transfer withCredentials = controller(a).start(plan()
        .authentication(AuthScheme.BASIC)
        .access(AccessPolicy.parse("D:(A;;GR;;;AU)"))
        .credentials(Credentials.basic("alice", "secret"))
        .target("a", dest("x")).build());
    clock.advance(Duration.ofMillis(1));
    assertThat(server.urlGroup(PREFIX).authentication()).containsExactly(AuthScheme.BASIC);
    assertThat(run(withCredentials).outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(Files.readAllBytes(dest("x"))).isEqualTo(bytes);

    TransferReport without = run(controller(b).start(plan().authentication(AuthScheme.BASIC).target("b", dest("y")).build()));
    assertThat(without.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(without.targets().get(0).error()).hasValueSatisfying(
        e -> assertThat(e.hresult()).isEqualTo(Hresult.httpError(401)));
    assertNothingLeft();
  }

  @Test
  void twoHundredTargetsOverFiveClientsNeverExceedEightJobs() throws IOException {
    FakeBitsClient[] cs = new FakeBitsClient[5];
    for (int i = 0; i < cs.length; i++) {
      cs[i] = client("c" + i);
      cs[i].defaultScript(FakeJobScript.of(progress(3000), progress(3000)));
    }
    TransferPlan.Builder p = plan().maxConcurrentJobs(8);
    for (int i = 0; i < 200; i++) {
      p.target("c" + (i % 5), dest("f" + i));
    }
    Controller c = controller(cs);
    Transfer t = c.start(p.build());
    clock.advance(Duration.ofSeconds(1));
    assertThat(census.alive()).isEqualTo(8);
    assertThat(t.progress().isTotalKnown()).as("targets without a job yet").isFalse();

    TransferReport r = run(t);
    assertThat(r.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(r.targets()).hasSize(200).allMatch(tr -> tr.outcome() == TargetOutcome.COMPLETED);
    assertThat(census.created()).isEqualTo(200);
    assertThat(census.peak()).isEqualTo(8);
    assertThat(t.progress()).isEqualTo(new JobProgress(200L * SIZE, 200L * SIZE, 200, 200));
    assertThat(t.jobStates()).hasSize(200).containsEntry(new TransferPlan.Target("c0", dest("f0")), JobState.ACKNOWLEDGED);
    for (int i = 0; i < 200; i += 37) {
      assertThat(Files.readAllBytes(dest("f" + i))).isEqualTo(bytes);
    }
    assertThat(Files.list(tmp.resolve("dest")).count()).as("no temporary files left").isEqualTo(200);
    assertNothingLeft();
    c.close();
  }

  @Test
  void concurrencyIsCappedByTheGroupConnectionLimit() {
    server.createUrlGroup(PREFIX).setConnectionLimit(3);
    FakeBitsClient a = client("a");
    a.defaultScript(FakeJobScript.of(progress(10), progress(10)));
    TransferPlan.Builder p = plan().maxConcurrentJobs(8);
    for (int i = 0; i < 20; i++) {
      p.target("a", dest("f" + i));
    }
    TransferReport r = run(controller(a).start(p.build()));
    assertThat(r.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(census.peak()).isEqualTo(3);
    a.checkNoActiveJobs();
    server.checkNoHostedFiles();
  }

  @Test
  void pollingFindsTheOutcomeWhenAClientNeverNotifies() throws IOException {
    FakeBitsClient a = client("a");
    Controller c = Controller.builder().server(server).scheduler(clock)
        .pollInterval(Duration.ofSeconds(5)).client("a", ClientWrappers.silent(a)).build();
    Transfer t = c.start(plan().target("a", dest("x")).build());
    clock.advance(Duration.ofSeconds(4));
    assertThat(a.allJobs().get(0).state()).as("transferred at the first tick").isEqualTo(JobState.TRANSFERRED);
    assertThat(t.isDone()).isFalse();
    clock.advance(Duration.ofSeconds(1)); // the poll
    assertThat(t.isDone()).isTrue();
    assertThat(t.result().toCompletableFuture().join().outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(Files.readAllBytes(dest("x"))).isEqualTo(bytes);
    assertNothingLeft();
  }

  @Test
  void closeCancelsRunningTransfersAndWaitsForCleanup() {
    FakeBitsClient a = client("a");
    a.defaultScript(FakeJobScript.of(stall()));
    Controller c = controller(a);
    Transfer t = c.start(plan().target("a", dest("x")).build());
    clock.advance(Duration.ofSeconds(2));
    assertThat(census.alive()).isEqualTo(1);

    c.close(); // no clock advance: close drives the cleanup itself
    assertThat(t.isDone()).isTrue();
    assertThat(t.result().toCompletableFuture().join().outcome()).isEqualTo(Outcome.CANCELLED);
    assertNothingLeft();
    c.close(); // idempotent
    assertThatThrownBy(() -> c.start(plan().target("a", dest("y")).build())).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void unknownClientNameIsRefusedAtStart() {
    Controller c = controller(client("a"));
    assertThatThrownBy(() -> c.start(plan().target("nobody", dest("x")).build()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nobody");
    assertThat(server.operations()).isEmpty();
  }

  @Test
  void jobSettingsComeFromThePlan() {
    FakeBitsClient a = client("a");
    a.defaultScript(FakeJobScript.of(stall()));
    Transfer t = controller(a).start(plan()
        .displayName("nightly")
        .priority(io.bits4j.JobPriority.HIGH)
        .minimumRetryDelay(Duration.ofSeconds(42))
        .noProgressTimeout(Duration.ofHours(3))
        .target("a", dest("x")).build());
    clock.advance(Duration.ofSeconds(1));
    ClientJob j = a.jobs().get(0);
    assertThat(j.displayName()).isEqualTo("nightly");
    assertThat(j.priority()).isEqualTo(io.bits4j.JobPriority.HIGH);
    assertThat(j.minimumRetryDelay()).isEqualTo(Duration.ofSeconds(42));
    assertThat(j.noProgressTimeout()).isEqualTo(Duration.ofHours(3));
    assertThat(j.files()).singleElement().satisfies(f -> {
      assertThat(f.localFile()).isEqualTo(dest("x"));
      assertThat(f.remoteUrl().toString()).startsWith("http://127.0.0.1:8080/Carmine/" + t.id() + "/");
    });
    t.cancel();
    run(t);
    assertNothingLeft();
  }

  @Test
  void unexpectedServerFailureEndsTheTransferWithAReport() {
    server.failNext(FakeCompactServer.Op.CREATE_GROUP, new IllegalStateException("server down"));
    TransferReport r = run(controller(client("a")).start(plan().target("a", dest("x")).build()));
    assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(r.createdGroup()).isFalse();
    assertThat(r.targets().get(0).outcome()).isEqualTo(TargetOutcome.NOT_STARTED);
    assertThat(r.targets().get(0).problem()).hasValueSatisfying(
        p -> assertThat(p).contains("could not create URL group").contains("server down"));
    assertThat(census.created()).isZero();
    assertNothingLeft();
  }

  @Test
  void aJobThatCannotBeObservedIsGivenUpAndCancelled() {
    FakeBitsClient a = client("a");
    a.defaultScript(FakeJobScript.of(progress(10), stall()));
    Controller c = Controller.builder().server(server).scheduler(clock)
        .pollInterval(Duration.ofSeconds(5)).client("a", ClientWrappers.failingJobs(a, "state",
            new java.io.UncheckedIOException(new java.io.IOException("client node unreachable")))).build();
    TransferReport r = run(c.start(plan().target("a", dest("x")).build()));
    assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(r.targets().get(0).outcome()).isEqualTo(TargetOutcome.REFUSED);
    assertThat(r.targets().get(0).problem()).hasValueSatisfying(
        p -> assertThat(p).contains("cannot observe the job").contains("unreachable"));
    assertThat(a.allJobs().get(0).state()).isEqualTo(JobState.CANCELLED);
    assertNothingLeft();
  }
}
