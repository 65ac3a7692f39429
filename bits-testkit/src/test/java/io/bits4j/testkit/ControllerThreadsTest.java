package io.bits4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.bits4j.Controller;
import io.bits4j.JobState;
import io.bits4j.Scheduler;
import io.bits4j.Transfer;
import io.bits4j.TransferPlan;
import io.bits4j.TransferReport;
import io.bits4j.UrlPrefix;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controller on the system scheduler and its own worker threads, with fakes ticking in real
 * time (10 ms): the concurrency path the manual-clock tests do not take. Bounded waits only.
 */
@Timeout(120)
class ControllerThreadsTest {
  @TempDir Path tmp;

  @Test
  void manyTargetsOnRealThreadsFinishWithinTheBoundAndLeaveNothing() throws Exception {
    byte[] bytes = new byte[5000];
    new Random(1).nextBytes(bytes);
    Path src = Files.write(tmp.resolve("src.bin"), bytes);
    FakeCompactServer server = new FakeCompactServer();
    JobCensus census = new JobCensus();
    Controller.Builder cb = Controller.builder().server(server).pollInterval(Duration.ofMillis(50));
    FakeBitsClient[] clients = new FakeBitsClient[3];
    for (int i = 0; i < clients.length; i++) {
      clients[i] = FakeBitsClient.builder().name("c" + i).scheduler(Scheduler.system()).server(server)
          .census(census).tick(Duration.ofMillis(10)).build();
      clients[i].defaultScript(FakeJobScript.of(FakeJobScript.progress(1000), FakeJobScript.progress(1000)));
      cb.client("c" + i, clients[i]);
    }
    TransferPlan.Builder p = TransferPlan.builder(src, UrlPrefix.parse("http://127.0.0.1:8080/Carmine"))
        .maxConcurrentJobs(4);
    for (int i = 0; i < 30; i++) {
      p.target("c" + (i % 3), tmp.resolve("out-" + i));
    }
    try (Controller c = cb.build()) {
      Transfer t = c.start(p.build());
      TransferReport r = t.result().toCompletableFuture().get(60, TimeUnit.SECONDS);
      assertThat(r.outcome()).as(r.toString()).isEqualTo(TransferReport.Outcome.SUCCEEDED);
      assertThat(census.peak()).isLessThanOrEqualTo(4);
      assertThat(census.created()).isEqualTo(30);
      for (int i = 0; i < 30; i++) {
        assertThat(Files.readAllBytes(tmp.resolve("out-" + i))).isEqualTo(bytes);
      }
    }
    server.checkNoUrlGroups();
    for (FakeBitsClient fc : clients) {
      fc.checkNoActiveJobs();
      fc.close();
    }
  }

  @Test
  void closeCancelsATransferRunningOnRealThreads() throws Exception {
    Path src = Files.write(tmp.resolve("src.bin"), new byte[100]);
    FakeCompactServer server = new FakeCompactServer();
    FakeBitsClient client = FakeBitsClient.builder().scheduler(Scheduler.system()).server(server)
        .tick(Duration.ofMillis(10)).build();
    client.defaultScript(FakeJobScript.of(FakeJobScript.stall()));
    Controller c = Controller.builder().server(server).client("a", client).pollInterval(Duration.ofMillis(50)).build();
    Transfer t = c.start(TransferPlan.builder(src, UrlPrefix.parse("http://127.0.0.1:8080/Carmine"))
        .target("a", tmp.resolve("out")).build());
    RecordingJobListener rec = new RecordingJobListener();
    // bounded polling until the controller's worker thread has created the job
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (client.allJobs().isEmpty() && System.nanoTime() < deadline) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
    assertThat(client.allJobs()).hasSize(1);
    client.allJobs().get(0).addListener(rec);
    c.close();
    assertThat(rec.await(e -> e.state() == JobState.CANCELLED, Duration.ofSeconds(5))).as(rec.toString()).isTrue();
    assertThat(t.isDone()).isTrue();
    TransferReport r = t.result().toCompletableFuture().get(1, TimeUnit.SECONDS);
    assertThat(r.outcome()).isEqualTo(TransferReport.Outcome.CANCELLED);
    client.checkNoActiveJobs();
    server.checkNoUrlGroups();
    client.close();
  }
}
