package io.bits4j.client.portable;

import io.bits4j.testkit.ManualClock;
import static org.assertj.core.api.Assertions.assertThat;

import io.bits4j.ClientJob;
import io.bits4j.JobPriority;
import io.bits4j.JobSpec;
import io.bits4j.JobState;
import io.bits4j.client.portable.internal.BandwidthLimiter;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue point 7: priorities, foreground concurrency, time slices, file order, bandwidth limit. */
class SchedulingTest {
  @TempDir Path tmp;
  TestServer server;
  ManualClock clock;
  PortableBitsClient client;

  @BeforeEach
  void setUp() throws IOException {
    server = new TestServer(TestFiles.generate(tmp.resolve("src"), 4_000_000, 30));
    clock = new ManualClock();
  }

  @AfterEach
  void tearDown() throws IOException {
    if (client != null) {
      client.close();
    }
    server.close();
  }

  private void open(int workers) {
    client = PortableBitsClient.builder().stateDirectory(tmp.resolve("state")).scheduler(clock)
        .transferWorkers(workers).timeSlice(Duration.ofSeconds(30)).build();
  }

  private ClientJob job(String name, JobPriority p) {
    return client.createJob(JobSpec.builder(name).priority(p)
        .addFile(server.uri("/f"), tmp.resolve(name)).start(true).build());
  }

  private static void await(String what, BooleanSupplier c) {
    TestFiles.await(what, Duration.ofSeconds(20), c);
  }

  private static boolean running(ClientJob j) {
    return j.state() == JobState.TRANSFERRING && j.progress().bytesTransferred() > 0;
  }

  @Test
  void foregroundJobsRunConcurrently() {
    server.bytesPerSecond = 200_000;
    open(3);
    ClientJob a = job("a", JobPriority.FOREGROUND);
    ClientJob b = job("b", JobPriority.FOREGROUND);
    ClientJob c = job("c", JobPriority.NORMAL);
    await("a, b and c transferring together", () -> running(a) && running(b) && running(c));
    a.cancel();
    b.cancel();
    c.cancel();
  }

  @Test
  void backgroundJobsRunOneAtATimeByPriority() {
    server.bytesPerSecond = 200_000;
    open(3);
    ClientJob normal = job("normal", JobPriority.NORMAL);
    await("normal transferring", () -> running(normal));
    ClientJob low = job("low", JobPriority.LOW);
    ClientJob high = job("high", JobPriority.HIGH);
    await("high preempts normal", () -> running(high) && normal.state() == JobState.QUEUED);
    assertThat(low.state()).isEqualTo(JobState.QUEUED);
    long normalAt = normal.progress().bytesTransferred();
    high.cancel();
    await("normal resumes", () -> normal.state() == JobState.TRANSFERRING
        && normal.progress().bytesTransferred() > normalAt);
    assertThat(low.state()).isEqualTo(JobState.QUEUED);
    // the preempted worker may have written a last chunk after normalAt was read: the resumed
    // request starts at or after it, and not beyond what the job has now
    String lastRange = server.gets().get(server.gets().size() - 1).header("range");
    long from = Long.parseLong(lastRange.substring(6, lastRange.length() - 1));
    assertThat(from).isBetween(normalAt, normal.progress().bytesTransferred());
    normal.cancel();
    await("low runs last", () -> running(low));
    low.cancel();
  }

  @Test
  void jobsOfOnePriorityShareTimeSlices() {
    server.bytesPerSecond = 200_000;
    open(2);
    ClientJob a = job("a", JobPriority.NORMAL);
    await("a transferring", () -> running(a));
    ClientJob b = job("b", JobPriority.NORMAL);
    assertThat(b.state()).isEqualTo(JobState.QUEUED);
    clock.advance(Duration.ofSeconds(29));
    assertThat(a.state()).isEqualTo(JobState.TRANSFERRING);
    clock.advance(Duration.ofSeconds(1));
    await("b's turn", () -> running(b) && a.state() == JobState.QUEUED);
    clock.advance(Duration.ofSeconds(30));
    await("a's turn again", () -> a.state() == JobState.TRANSFERRING && b.state() == JobState.QUEUED);
    a.cancel();
    b.cancel();
  }

  @Test
  void filesOfAJobTransferInOrder() throws Exception {
    open(2);
    ClientJob j = client.createJob(JobSpec.builder("order")
        .addFile(server.uri("/1"), tmp.resolve("1")).addFile(server.uri("/2"), tmp.resolve("2"))
        .addFile(server.uri("/3"), tmp.resolve("3")).start(true).build());
    assertThat(j.outcome().toCompletableFuture().get(20, TimeUnit.SECONDS)).isEqualTo(JobState.TRANSFERRED);
    assertThat(server.requests).extracting(r -> r.method() + " " + r.target())
        .containsExactly("HEAD /1", "GET /1", "HEAD /1", "HEAD /2", "GET /2", "HEAD /2", "HEAD /3", "GET /3", "HEAD /3");
    j.cancel();
  }

  @Test
  void bandwidthLimiterMeetsItsRateOnTheManualClock() {
    ManualClock c = new ManualClock();
    BandwidthLimiter l = new BandwidthLimiter(c, 100_000);
    Instant start = c.now();
    long total = 0;
    int chunk = l.chunkSize(65536);
    assertThat(chunk).isEqualTo(12_500);
    while (total < 5_000_000) {
      Duration wait = l.take(chunk);
      total += chunk;
      c.advance(wait);
    }
    double seconds = Duration.between(start, c.now()).toNanos() / 1e9;
    double expected = (5_000_000 - 12_500) / 100_000.0; // the first burst is free
    assertThat(seconds).isBetween(expected * 0.99, expected * 1.01);
  }

  @Test
  void globalBandwidthLimitThrottlesTransfersOnTheSchedulerClock() throws Exception {
    // no inactivity timer (a limit beyond any instant sets none) and FOREGROUND (no time-slice
    // timer): the only scheduler tasks are the limiter's waits
    client = PortableBitsClient.builder().stateDirectory(tmp.resolve("state")).scheduler(clock)
        .bandwidthLimit(1_000_000).jobInactivityTimeout(ChronoUnit.FOREVER.getDuration()).build();
    Instant start = clock.now();
    ClientJob j = client.createJob(JobSpec.builder("bw").priority(JobPriority.FOREGROUND)
        .addFile(server.uri("/f"), tmp.resolve("bw")).start(true).build());
    for (int i = 0; i < 10_000 && j.state() != JobState.TRANSFERRED; i++) {
      await("a limiter wait or the end", () -> clock.pendingTasks() > 0 || j.state() == JobState.TRANSFERRED);
      clock.nextDueTime().ifPresent(clock::advanceTo);
    }
    assertThat(j.state()).isEqualTo(JobState.TRANSFERRED);
    double seconds = Duration.between(start, clock.now()).toNanos() / 1e9;
    double expected = (4_000_000 - 125_000) / 1_000_000.0; // the first burst is free
    assertThat(seconds).as("scheduler time for 4 MB at 1 MB/s").isBetween(expected * 0.98, expected * 1.02);
    j.cancel();
  }
}
