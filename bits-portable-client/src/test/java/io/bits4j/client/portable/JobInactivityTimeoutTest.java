package io.bits4j.client.portable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bits4j.ClientJob;
import io.bits4j.JobPriority;
import io.bits4j.JobSpec;
import io.bits4j.JobState;
import io.bits4j.testkit.ManualClock;
import io.bits4j.testkit.RecordingJobListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BITS's JobInactivityTimeout (bits-spec §4.2, §4.4): a job without activity — progress, or a change
 * by its owner — for 90 days is cancelled by the client, as cancel() would, within a process and
 * across restarts; the client's own retries are no activity. Time is a manual clock; the transfers
 * run against a loopback server in real time.
 */
class JobInactivityTimeoutTest {
  private static final Duration DAYS_90 = Duration.ofDays(90);
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path tmp;
  private final ManualClock clock = new ManualClock();
  private TestServer server;
  private Path state;
  private PortableBitsClient client;

  @BeforeEach
  void setUp() throws IOException {
    server = new TestServer(TestFiles.generate(tmp.resolve("source.bin"), 3_000_000, 11));
    state = tmp.resolve("state");
    client = open();
  }

  @AfterEach
  void tearDown() throws IOException {
    client.close();
    server.close();
  }

  private PortableBitsClient open() {
    return PortableBitsClient.builder().stateDirectory(state).scheduler(clock).build();
  }

  /** A job that the time slices of the manual clock leave alone (foreground jobs have none). */
  private ClientJob start(String name, Path dest) {
    return client.createJob(JobSpec.builder(name).priority(JobPriority.FOREGROUND)
        .addFile(server.uri("/f"), dest).start(true).build());
  }

  /**
   * A started job whose server answers 503 to everything: it retries every {@code retryDelay}, with
   * a no-progress timeout far beyond the inactivity timeout.
   */
  private ClientJob busyJob(Duration retryDelay) {
    server.raw.put("/busy", r -> "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n");
    return client.createJob(JobSpec.builder("busy").priority(JobPriority.FOREGROUND)
        .addFile(server.uri("/busy"), tmp.resolve("busy.bin"))
        .minimumRetryDelay(retryDelay).noProgressTimeout(Duration.ofDays(365)).start(true).build());
  }

  private static JobState settle(CompletableFuture<JobState> outcome) throws Exception {
    return outcome.get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  private List<String> namesIn(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private void awaitStateFilesGone() {
    TestFiles.await("no state file but the lock", WAIT, () -> {
      try {
        return namesIn(state).equals(List.of("lock"));
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
  }

  @Test
  void aSuspendedJobUntouchedForNinetyDaysIsCancelledAsCancelDoes() throws Exception {
    Path out = Files.createDirectories(tmp.resolve("out"));
    server.faults.add(TestServer.Fault.stall(500_000));
    ClientJob job = start("partial", out.resolve("a.bin"));
    TestFiles.await("bytes", WAIT, () -> job.progress().bytesTransferred() >= 500_000);
    job.suspend(); // the owner's last word
    assertThat(namesIn(out)).as("the partial temp file").hasSize(1);
    RecordingJobListener rec = new RecordingJobListener();
    job.addListener(rec);
    CompletableFuture<JobState> outcome = job.outcome().toCompletableFuture();

    clock.advance(DAYS_90.minusSeconds(1));
    assertThat(job.state()).isEqualTo(JobState.SUSPENDED);
    assertThat(client.jobs()).containsExactly(job);
    clock.advance(Duration.ofSeconds(1));
    assertThat(settle(outcome)).isEqualTo(JobState.CANCELLED);
    assertThat(rec.await(e -> e.state() == JobState.CANCELLED, WAIT)).as("jobModified: %s", rec).isTrue();
    assertThat(job.error()).isEmpty();
    assertThat(client.jobs()).isEmpty();
    assertThat(namesIn(out)).as("temp file deleted").isEmpty();
    awaitStateFilesGone(); // the outcome completes as the job ends, the state file goes just after
    assertThat(clock.pendingTasks()).as("no timer once no job is left").isZero();
    client.close();
    client = open();
    assertThat(client.jobs()).as("not resurrected").isEmpty();
  }

  @Test
  void aTransferThatKeepsProgressingIsNotCancelled() throws Exception {
    server.bytesPerSecond = 100_000; // 30 s for the file: longer than the test
    ClientJob job = start("long", tmp.resolve("long.bin"));
    Instant start = clock.now();
    for (int month = 1; month <= 5; month++) {
      long before = job.progress().bytesTransferred();
      clock.advance(Duration.ofDays(30));
      TestFiles.await("bytes in month " + month, WAIT, () -> job.progress().bytesTransferred() > before);
    }
    // 150 days since the job was created; the timer looked at day 90 and again since
    assertThat(job.state()).isEqualTo(JobState.TRANSFERRING);
    assertThat(job.times().modification()).as("progress is a modification (BG_JOB_TIMES)")
        .isAfter(start.plus(Duration.ofDays(120)));
    assertThat(clock.nextDueTime()).as("the inactivity timer, after the last progress")
        .hasValueSatisfying(due -> assertThat(due).isAfter(start.plus(Duration.ofDays(150))));
    job.cancel();
  }

  @Test
  void aChangeByTheOwnerPostponesTheTimeout() throws Exception {
    ClientJob kept = client.createJob(JobSpec.builder("kept").addFile(server.uri("/f"), tmp.resolve("k")).build());
    ClientJob idle = client.createJob(JobSpec.builder("idle").addFile(server.uri("/f"), tmp.resolve("i")).build());
    clock.advance(Duration.ofDays(60));
    kept.setDescription("still wanted");
    clock.advance(Duration.ofDays(30));
    assertThat(settle(idle.outcome().toCompletableFuture())).isEqualTo(JobState.CANCELLED);
    assertThat(kept.state()).isEqualTo(JobState.SUSPENDED);
    assertThat(client.jobs()).containsExactly(kept);
    clock.advance(Duration.ofDays(60).minusSeconds(1));
    assertThat(kept.state()).isEqualTo(JobState.SUSPENDED);
    clock.advance(Duration.ofSeconds(1));
    assertThat(settle(kept.outcome().toCompletableFuture())).isEqualTo(JobState.CANCELLED);
  }

  /**
   * bits-spec §4.4: "If [NoProgressTimeout] > JobInactivityTimeout, job is cancelled at the policy
   * limit" — the client's retries change the job's state, but they are not activity.
   */
  @Test
  void retriesWithoutProgressAreNoActivity() throws Exception {
    ClientJob job = busyJob(Duration.ofDays(10));
    CompletableFuture<JobState> outcome = job.outcome().toCompletableFuture();
    TestFiles.await("first transient error", WAIT, () -> job.transientErrorCount() == 1);
    for (int retry = 2; retry <= 9; retry++) { // retries on days 10 … 80
      clock.advance(Duration.ofDays(10));
      int expected = retry;
      TestFiles.await("transient error " + retry, WAIT,
          () -> job.transientErrorCount() == expected && job.state() == JobState.TRANSIENT_ERROR);
    }
    assertThat(outcome).isNotDone();
    clock.advance(Duration.ofDays(10)); // day 90
    assertThat(settle(outcome)).as("cancelled at the inactivity limit, not ERROR").isEqualTo(JobState.CANCELLED);
    assertThat(client.jobs()).isEmpty();
    assertThat(clock.pendingTasks()).as("retry task and timer gone").isZero();
  }

  @Test
  void theTimeoutHoldsAcrossRestarts() throws Exception {
    Path out = Files.createDirectories(tmp.resolve("out"));
    ClientJob forgotten = start("forgotten", out.resolve("a.bin"));
    assertThat(settle(forgotten.outcome().toCompletableFuture())).isEqualTo(JobState.TRANSFERRED);
    ClientJob kept = client.createJob(JobSpec.builder("kept").addFile(server.uri("/f"), out.resolve("b.bin"))
        .build());
    clock.advance(Duration.ofDays(30));
    kept.setDescription("still wanted"); // day 30: kept lasts until day 120
    client.close();
    assertThat(clock.pendingTasks()).as("close() cancels the timer").isZero();
    clock.advance(Duration.ofDays(60).plusSeconds(1)); // no client runs on day 90
    assertThat(namesIn(out)).as("the transferred temp file waits").hasSize(1);

    client = open();
    assertThat(client.jobs()).as("cancelled when the client opens").extracting(ClientJob::id)
        .containsExactly(kept.id());
    assertThat(namesIn(out)).as("its temp file deleted").isEmpty();
    ClientJob reloaded = client.job(kept.id());
    assertThat(reloaded.description()).isEqualTo("still wanted");
    CompletableFuture<JobState> outcome = reloaded.outcome().toCompletableFuture();
    clock.advance(Duration.ofDays(30).minusSeconds(2));
    assertThat(reloaded.state()).isEqualTo(JobState.SUSPENDED);
    clock.advance(Duration.ofSeconds(1)); // day 120
    assertThat(settle(outcome)).isEqualTo(JobState.CANCELLED);
    awaitStateFilesGone();
    client.close();
    client = open();
    assertThat(client.jobs()).isEmpty();
  }

  @Test
  void activityIsPersistedApartFromTheModificationTime() throws Exception {
    ClientJob job = busyJob(Duration.ofDays(60));
    TestFiles.await("first transient error", WAIT, () -> job.transientErrorCount() == 1);
    clock.advance(Duration.ofDays(60));
    TestFiles.await("second transient error", WAIT,
        () -> job.transientErrorCount() == 2 && job.state() == JobState.TRANSIENT_ERROR);
    assertThat(job.times().modification()).as("the retry changed the job").isAfter(ManualClock.DEFAULT_START);
    client.close();
    clock.advance(Duration.ofDays(30)); // day 90: modified on day 60, no activity since day 0
    client = open();
    assertThat(client.jobs()).isEmpty();
  }

  @Test
  void builderValidatesTheTimeoutAndALimitBeyondAnyInstantNeverExpires() throws Exception {
    PortableBitsClient.Builder b = PortableBitsClient.builder();
    assertThatThrownBy(() -> b.jobInactivityTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("jobInactivityTimeout");
    assertThatThrownBy(() -> b.jobInactivityTimeout(Duration.ofDays(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.jobInactivityTimeout(null)).isInstanceOf(NullPointerException.class);
    assertThat(PortableBitsClient.Builder.DEFAULT_JOB_INACTIVITY_TIMEOUT).isEqualTo(DAYS_90);
    client.close();
    client = PortableBitsClient.builder().stateDirectory(state).scheduler(clock)
        .jobInactivityTimeout(ChronoUnit.FOREVER.getDuration()).build();
    ClientJob job = client.createJob(JobSpec.builder("kept").build());
    assertThat(clock.pendingTasks()).as("no timer for a limit beyond any instant").isZero();
    clock.advance(Duration.ofDays(3650));
    assertThat(job.state()).isEqualTo(JobState.SUSPENDED);
    job.setDescription("ten years on");
    client.close();
    client = PortableBitsClient.builder().stateDirectory(state).scheduler(clock)
        .jobInactivityTimeout(Duration.ofMinutes(5)).build();
    ClientJob again = client.job(job.id());
    CompletableFuture<JobState> outcome = again.outcome().toCompletableFuture();
    clock.advance(Duration.ofMinutes(5));
    assertThat(settle(outcome)).isEqualTo(JobState.CANCELLED);
  }
}
