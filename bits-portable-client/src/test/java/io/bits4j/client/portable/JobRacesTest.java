package io.bits4j.client.portable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bits4j.BitsException;
import io.bits4j.ClientJob;
import io.bits4j.Hresult;
import io.bits4j.JobSpec;
import io.bits4j.JobState;
import io.bits4j.Scheduler;
import io.bits4j.testkit.ManualClock;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Operations racing each other, the transfer and close(): no lost ordering, no early return. */
class JobRacesTest {
  @TempDir Path tmp;

  /**
   * A {@link ManualClock} whose {@link #now()} can be made to hold a transfer worker, so that a test
   * controls when the worker may go on.
   */
  static final class GatedClock implements Scheduler {
    final ManualClock clock = new ManualClock();
    volatile boolean armed;
    final CountDownLatch held = new CountDownLatch(1);
    final CountDownLatch open = new CountDownLatch(1);

    @Override
    public Instant now() {
      if (armed && Thread.currentThread().getName().startsWith("bits4j-transfer")) {
        held.countDown();
        try {
          open.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return clock.now();
    }

    @Override
    public Task schedule(Duration delay, Runnable task) {
      return clock.schedule(delay, task);
    }
  }

  /**
   * suspend() promises to return once the job's transfer has stopped. A second suspend() racing the
   * first must not return while the worker is still running (it used to see SUSPENDED and return).
   */
  @Test
  void aSecondSuspendWaitsForTheWorkerToo() throws Exception {
    Path src = TestFiles.generate(tmp.resolve("src"), 4_000_000, 7);
    GatedClock gate = new GatedClock();
    try (TestServer server = new TestServer(src);
        PortableBitsClient client = PortableBitsClient.builder().stateDirectory(tmp.resolve("state"))
            .scheduler(gate).build()) {
      server.bytesPerSecond = 400_000;
      ClientJob job = client.createJob(JobSpec.builder("s").addFile(server.uri("/f"), tmp.resolve("out"))
          .start(true).build());
      TestFiles.await("transferring", Duration.ofSeconds(20),
          () -> job.state() == JobState.TRANSFERRING && job.progress().bytesTransferred() > 0);
      gate.armed = true;
      assertThat(gate.held.await(20, TimeUnit.SECONDS)).as("worker held").isTrue();
      Thread first = new Thread(job::suspend, "first-suspend");
      first.start();
      TestFiles.await("suspended", Duration.ofSeconds(10), () -> job.state() == JobState.SUSPENDED);
      CountDownLatch secondDone = new CountDownLatch(1);
      Thread second = new Thread(() -> {
        job.suspend();
        secondDone.countDown();
      }, "second-suspend");
      second.start();
      boolean returnedWhileWorkerHeld = secondDone.await(500, TimeUnit.MILLISECONDS);
      gate.armed = false;
      gate.open.countDown();
      first.join(20_000);
      second.join(20_000);
      assertThat(returnedWhileWorkerHeld).as("second suspend() returned while the worker still ran").isFalse();
      assertThat(first.isAlive() || second.isAlive()).isFalse();
      job.cancel();
    }
  }

  /**
   * cancel()/complete() racing a property change: the change's state write must not land after the
   * final job's state file was deleted, or the job comes back when the directory is reopened.
   */
  @Test
  void aFinishedJobStaysGoneWhenASetterRacesIt() throws Exception {
    Path state = tmp.resolve("state");
    int resurrected = 0;
    try (PortableBitsClient client = PortableBitsClient.builder().stateDirectory(state).transfers(false).build()) {
      for (int round = 0; round < 200; round++) {
        JobSpec.Builder b = JobSpec.builder("r" + round);
        for (int f = 0; f < 100; f++) {
          b.addFile(URI.create("http://127.0.0.1:9/some/rather/long/path/to/a/file/number/" + f + "?q=" + round),
              tmp.resolve("out-" + round + "-" + f));
        }
        ClientJob job = client.createJob(b.build());
        CyclicBarrier start = new CyclicBarrier(2);
        AtomicReference<Throwable> wrong = new AtomicReference<>();
        Thread setter = new Thread(() -> {
          try {
            start.await();
            for (int k = 0; ; k++) {
              job.setDescription("d" + k);
            }
          } catch (BitsException e) {
            if (e.hresult() != Hresult.BG_E_INVALID_STATE) {
              wrong.set(e);
            }
          } catch (Exception e) {
            wrong.set(e);
          }
        });
        setter.start();
        start.await();
        if (round % 2 == 0) {
          job.cancel();
        } else {
          job.complete();
        }
        setter.join(20_000);
        assertThat(wrong.get()).isNull();
        if (Files.exists(state.resolve("job-" + job.id().uuid() + ".state"))) {
          resurrected++;
        }
      }
    }
    assertThat(resurrected).as("rounds whose finished job left a state file").isZero();
    try (PortableBitsClient again = PortableBitsClient.builder().stateDirectory(state).transfers(false).build()) {
      assertThat(again.jobs()).isEmpty();
    }
  }

  /**
   * Changes after close() were accepted but never written (the store is closed), so they were lost
   * on reopening: they are refused with BG_E_INVALID_STATE, and the job reopens as it was.
   */
  @Test
  void operationsAfterCloseAreRefusedNotLost() throws Exception {
    Path state = tmp.resolve("state");
    PortableBitsClient client = PortableBitsClient.builder().stateDirectory(state).transfers(false).build();
    ClientJob job = client.createJob(JobSpec.builder("o")
        .addFile(URI.create("http://127.0.0.1:9/f"), tmp.resolve("o")).build());
    client.close();
    for (Runnable op : List.<Runnable>of(job::resume, () -> job.setDescription("lost"), job::cancel)) {
      assertThatThrownBy(op::run).isInstanceOf(BitsException.class)
          .extracting(e -> ((BitsException) e).hresult()).isEqualTo(Hresult.BG_E_INVALID_STATE);
    }
    try (PortableBitsClient again = PortableBitsClient.builder().stateDirectory(state).transfers(false).build()) {
      ClientJob j = again.job(job.id());
      assertThat(j.state()).isEqualTo(JobState.SUSPENDED);
      assertThat(j.description()).isEmpty();
    }
  }

  /**
   * cancel() racing close() with a pending outcome(): cancel() wins (the outcome completes, the job
   * is gone) or is refused with BG_E_INVALID_STATE (the job stays); it never fails with the
   * notification executor's RejectedExecutionException half-way.
   */
  @Test
  void cancelRacingClose() throws Exception {
    int refused = 0;
    for (int round = 0; round < 300; round++) {
      Path state = tmp.resolve("state" + round);
      PortableBitsClient client = PortableBitsClient.builder().stateDirectory(state).transfers(false).build();
      JobSpec.Builder b = JobSpec.builder("c");
      for (int f = 0; f < 100; f++) {
        b.addFile(URI.create("http://127.0.0.1:9/f" + f), tmp.resolve("c" + round + "-" + f));
      }
      ClientJob job = client.createJob(b.start(true).build());
      CompletableFuture<JobState> outcome = job.outcome().toCompletableFuture();
      CyclicBarrier start = new CyclicBarrier(2);
      AtomicReference<Throwable> thrown = new AtomicReference<>();
      Thread canceller = new Thread(() -> {
        try {
          start.await();
          job.cancel();
        } catch (Throwable t) {
          thrown.set(t);
        }
      });
      canceller.start();
      start.await();
      client.close();
      canceller.join(20_000);
      Throwable t = thrown.get();
      if (t instanceof java.util.concurrent.RejectedExecutionException) {
        refused++;
        continue;
      }
      if (t != null) {
        assertThat(t).as("round %d", round).isInstanceOf(BitsException.class);
        assertThat(((BitsException) t).hresult()).isEqualTo(Hresult.BG_E_INVALID_STATE);
      }
      try (PortableBitsClient again = PortableBitsClient.builder().stateDirectory(state).transfers(false).build()) {
        if (t == null) {
          assertThat(outcome.get(10, TimeUnit.SECONDS)).isEqualTo(JobState.CANCELLED);
          assertThat(again.jobs()).as("round %d", round).isEmpty();
        } else {
          assertThat(again.jobs()).as("round %d", round).hasSize(1);
        }
      }
    }
    assertThat(refused).as("rounds whose cancel() failed with RejectedExecutionException").isZero();
  }
}
