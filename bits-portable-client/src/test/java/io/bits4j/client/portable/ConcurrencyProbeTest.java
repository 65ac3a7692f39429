package io.bits4j.client.portable;

import static org.assertj.core.api.Assertions.assertThat;

import io.bits4j.BitsException;
import io.bits4j.ClientJob;
import io.bits4j.CompleteStatus;
import io.bits4j.Hresult;
import io.bits4j.JobFile;
import io.bits4j.JobListener;
import io.bits4j.JobPriority;
import io.bits4j.JobSpec;
import io.bits4j.JobState;
import io.bits4j.testkit.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Probes: races of the public calls, listeners, close() and the concurrency limit. */
class ConcurrencyProbeTest {
  @TempDir Path tmp;

  static Set<String> clientThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
        .filter(n -> n.startsWith("bits4j-") && !n.equals("bits4j-scheduler")).collect(Collectors.toSet());
  }

  @Test
  void cancelCompleteAndTheTransferEndingRace() throws Exception {
    Path src = TestFiles.generate(tmp.resolve("src"), 100_000, 3);
    String hash = TestFiles.sha256(src);
    try (TestServer server = new TestServer(src);
        PortableBitsClient client = PortableBitsClient.builder().stateDirectory(tmp.resolve("state")).build()) {
      for (int round = 0; round < 200; round++) {
        Path out = tmp.resolve("out" + round);
        ClientJob job = client.createJob(JobSpec.builder("r" + round).priority(JobPriority.FOREGROUND)
            .addFile(server.uri("/f"), out).start(true).build());
        CyclicBarrier b = new CyclicBarrier(2);
        AtomicReference<Object> c1 = new AtomicReference<>();
        AtomicReference<Object> c2 = new AtomicReference<>();
        Thread t1 = new Thread(() -> c1.set(call(b, () -> {
          job.cancel();
          return "cancelled";
        })));
        Thread t2 = new Thread(() -> c2.set(call(b, job::complete)));
        t1.start();
        t2.start();
        t1.join(20_000);
        t2.join(20_000);
        Object r1 = c1.get();
        Object r2 = c2.get();
        boolean cancelWon = "cancelled".equals(r1);
        boolean completeWon = r2 instanceof CompleteStatus;
        assertThat(cancelWon ^ completeWon).as("round %d: %s / %s", round, r1, r2).isTrue();
        Object loser = cancelWon ? r2 : r1;
        assertThat(loser).as("round %d", round).isInstanceOf(BitsException.class);
        assertThat(((BitsException) loser).hresult()).isEqualTo(Hresult.BG_E_INVALID_STATE);
        if (cancelWon) {
          assertThat(job.state()).isEqualTo(JobState.CANCELLED);
          assertThat(out).doesNotExist();
        } else {
          assertThat(job.state()).isEqualTo(JobState.ACKNOWLEDGED);
          if (r2 == CompleteStatus.COMPLETE) {
            assertThat(TestFiles.sha256(out)).isEqualTo(hash);
          } else {
            assertThat(out).doesNotExist();
          }
        }
        assertThat(client.findJob(job.id())).isEmpty();
      }
    }
    try (Stream<Path> s = Files.list(tmp)) {
      assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
    }
    try (PortableBitsClient again = PortableBitsClient.builder().stateDirectory(tmp.resolve("state")).build()) {
      assertThat(again.jobs()).isEmpty();
    }
  }

  interface Call {
    Object run() throws Exception;
  }

  static Object call(CyclicBarrier b, Call c) {
    try {
      b.await();
      return c.run();
    } catch (Exception e) {
      return e;
    }
  }

  @Test
  void suspendResumeStormDuringARetryDelay() throws Exception {
    Path src = TestFiles.generate(tmp.resolve("src"), 300_000, 4);
    ManualClock clock = new ManualClock();
    try (TestServer server = new TestServer(src);
        PortableBitsClient client = PortableBitsClient.builder().stateDirectory(tmp.resolve("state"))
            .scheduler(clock).build()) {
      for (int i = 0; i < 1000; i++) {
        server.faults.add(TestServer.Fault.status(503, null));
      }
      ClientJob job = client.createJob(JobSpec.builder("t").minimumRetryDelay(Duration.ofSeconds(10))
          .addFile(server.uri("/f"), tmp.resolve("t")).start(true).build());
      TestFiles.await("transient", Duration.ofSeconds(10), () -> job.state() == JobState.TRANSIENT_ERROR);
      ConcurrentLinkedQueue<Throwable> errs = new ConcurrentLinkedQueue<>();
      List<Thread> ts = new ArrayList<>();
      for (int t = 0; t < 3; t++) {
        int seed = t;
        Thread th = new Thread(() -> {
          java.util.Random r = new java.util.Random(seed);
          for (int k = 0; k < 200; k++) {
            try {
              if (r.nextBoolean()) {
                job.suspend();
              } else {
                job.resume();
              }
            } catch (RuntimeException e) {
              errs.add(e);
            }
          }
        });
        ts.add(th);
        th.start();
      }
      for (int k = 0; k < 200; k++) {
        clock.advance(Duration.ofSeconds(3));
      }
      for (Thread t : ts) {
        t.join(30_000);
      }
      assertThat(errs).isEmpty();
      clock.checkNoTaskFailures();
      server.faults.clear();
      job.suspend();
      job.resume();
      TestFiles.await("transferred", Duration.ofSeconds(20), () -> {
        clock.advance(Duration.ofSeconds(10));
        return job.state() == JobState.TRANSFERRED;
      });
      assertThat(job.complete()).isEqualTo(CompleteStatus.COMPLETE);
    }
  }

  @Test
  void headersChangedWhileTransferringReachTheNextAttemptWhole() throws Exception {
    Path src = TestFiles.generate(tmp.resolve("src"), 3_000_000, 5);
    try (TestServer server = new TestServer(src);
        PortableBitsClient client = PortableBitsClient.builder().stateDirectory(tmp.resolve("state")).build()) {
      server.bytesPerSecond = 3_000_000;
      for (int i = 1; i <= 8; i++) {
        server.faults.add(TestServer.Fault.cut(i * 60_000L));
      }
      ClientJob job = client.createJob(JobSpec.builder("h").customHeader("X-A", "0").customHeader("X-B", "0")
          .addFile(server.uri("/f"), tmp.resolve("h")).start(true).build());
      AtomicInteger k = new AtomicInteger();
      Thread setter = new Thread(() -> {
        while (job.state() != JobState.TRANSFERRED) {
          String v = Integer.toString(k.incrementAndGet());
          Map<String, String> h = new HashMap<>();
          h.put("X-A", v);
          h.put("X-B", v);
          job.setCustomHeaders(h);
          job.setPriority(k.get() % 2 == 0 ? JobPriority.FOREGROUND : JobPriority.HIGH);
        }
      });
      setter.start();
      assertThat(job.outcome().toCompletableFuture().get(30, TimeUnit.SECONDS)).isEqualTo(JobState.TRANSFERRED);
      setter.join(10_000);
      for (TestServer.Request r : server.requests) {
        assertThat(r.header("x-a")).as("request %s", r).isEqualTo(r.header("x-b"));
      }
      assertThat(server.requests.stream().map(r -> r.header("x-a")).distinct().count()).isGreaterThan(1);
      job.complete();
      assertThat(TestFiles.sha256(tmp.resolve("h"))).isEqualTo(TestFiles.sha256(src));
    }
  }

  @Test
  void throwingBlockingAndReentrantListeners() throws Exception {
    Path src = TestFiles.generate(tmp.resolve("src"), 500_000, 6);
    CountDownLatch release = new CountDownLatch(1);
    Set<String> before = clientThreads();
    try (TestServer server = new TestServer(src);
        PortableBitsClient client = PortableBitsClient.builder().stateDirectory(tmp.resolve("state"))
            .transferWorkers(3).build()) {
      server.bytesPerSecond = 2_000_000;
      ClientJob thrower = client.createJob(JobSpec.builder("throw").priority(JobPriority.FOREGROUND)
          .addFile(server.uri("/f"), tmp.resolve("a")).build());
      thrower.addListener(new JobListener() {
        @Override
        public void jobModified(ClientJob j) {
          throw new IllegalStateException("listener a");
        }

        @Override
        public void jobTransferred(ClientJob j) {
          throw new IllegalStateException("listener a");
        }
      });
      ClientJob reentrant = client.createJob(JobSpec.builder("re").priority(JobPriority.FOREGROUND)
          .addFile(server.uri("/f"), tmp.resolve("c")).build());
      CompleteStatus[] st = new CompleteStatus[1];
      CountDownLatch completed = new CountDownLatch(1);
      AtomicInteger suspends = new AtomicInteger();
      reentrant.addListener(new JobListener() {
        @Override
        public void jobModified(ClientJob j) {
          if (j.state() == JobState.TRANSFERRING && suspends.getAndIncrement() == 0) {
            j.suspend(); // from the callback: no deadlock, then on again
            j.setDescription("resumed from a listener");
            j.resume();
          }
        }

        @Override
        public void jobTransferred(ClientJob j) {
          st[0] = j.complete();
          completed.countDown();
        }
      });
      thrower.resume();
      reentrant.resume();
      assertThat(completed.await(30, TimeUnit.SECONDS)).isTrue();
      assertThat(st[0]).isEqualTo(CompleteStatus.COMPLETE);
      assertThat(suspends.get()).isGreaterThan(0);
      assertThat(thrower.outcome().toCompletableFuture().get(30, TimeUnit.SECONDS)).isEqualTo(JobState.TRANSFERRED);

      ClientJob blocker = client.createJob(JobSpec.builder("block").priority(JobPriority.FOREGROUND)
          .addFile(server.uri("/f"), tmp.resolve("b")).build());
      blocker.addListener(new JobListener() {
        @Override
        public void jobModified(ClientJob j) {
          try {
            release.await(20, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      });
      ClientJob other = client.createJob(JobSpec.builder("other").priority(JobPriority.FOREGROUND)
          .addFile(server.uri("/f"), tmp.resolve("d")).build());
      blocker.resume();
      other.resume();
      TestFiles.await("both transferred while a listener blocks", Duration.ofSeconds(20),
          () -> blocker.state() == JobState.TRANSFERRED && other.state() == JobState.TRANSFERRED);
      other.complete();
      release.countDown();
      blocker.complete();
      thrower.complete();
      assertThat(TestFiles.sha256(tmp.resolve("d"))).isEqualTo(TestFiles.sha256(src));
    }
    TestFiles.await("threads back", Duration.ofSeconds(10), () -> before.containsAll(clientThreads()));
  }

  @Test
  void closeWhileTwentyJobsTransferThenReopen() throws Exception {
    Path src = TestFiles.generate(tmp.resolve("src"), 3_000_000, 8);
    Path state = tmp.resolve("state");
    Set<String> before = clientThreads();
    Map<io.bits4j.JobId, JobState> states = new HashMap<>();
    Map<io.bits4j.JobId, List<Long>> bytes = new HashMap<>();
    List<ClientJob> jobs = new ArrayList<>();
    try (TestServer server = new TestServer(src)) {
      server.bytesPerSecond = 2_000_000;
      PortableBitsClient client = PortableBitsClient.builder().stateDirectory(state).transferWorkers(4)
          .durability(64 * 1024, Duration.ofMillis(50)).timeSlice(Duration.ofMillis(100)).build();
      for (int i = 0; i < 20; i++) {
        jobs.add(client.createJob(JobSpec.builder("j" + i)
            .priority(i % 3 == 0 ? JobPriority.FOREGROUND : JobPriority.values()[1 + i % 3])
            .addFile(server.uri("/f"), tmp.resolve("o" + i)).start(true).build()));
      }
      jobs.get(5).suspend();
      TestFiles.await("some bytes", Duration.ofSeconds(20),
          () -> jobs.stream().mapToLong(j -> j.progress().bytesTransferred()).sum() > 1_000_000);
      Thread racer = new Thread(() -> {
        for (ClientJob j : jobs) {
          try {
            j.setDescription("x");
            j.suspend();
            j.resume();
          } catch (RuntimeException e) {
            // whatever the race gives
          }
        }
      });
      racer.start();
      client.close();
      racer.join(20_000);
      for (ClientJob j : jobs) {
        states.put(j.id(), j.state());
        bytes.put(j.id(), j.files().stream().map(JobFile::bytesTransferred).toList());
      }
      TestFiles.await("threads back", Duration.ofSeconds(10), () -> before.containsAll(clientThreads()));
      try (PortableBitsClient again = PortableBitsClient.builder().stateDirectory(state).transfers(false).build()) {
        assertThat(again.jobs().stream().map(ClientJob::id).collect(Collectors.toSet()))
            .isEqualTo(states.keySet());
        for (ClientJob j : again.jobs()) {
          JobState was = states.get(j.id());
          JobState expect = was == JobState.CONNECTING || was == JobState.TRANSFERRING ? JobState.QUEUED : was;
          assertThat(j.state()).as("job %s was %s", j.displayName(), was).isEqualTo(expect);
          long reloaded = j.files().get(0).bytesTransferred();
          assertThat(reloaded).isLessThanOrEqualTo(bytes.get(j.id()).get(0));
          Path temp;
          try (Stream<Path> s = Files.list(tmp)) {
            temp = s.filter(p -> p.getFileName().toString().startsWith("." + j.files().get(0).localFile().getFileName()
                + ".bits4j-")).findFirst().orElse(null);
          }
          if (reloaded > 0) {
            assertThat(Files.size(temp)).isGreaterThanOrEqualTo(reloaded);
          }
        }
      }
      try (PortableBitsClient again = PortableBitsClient.builder().stateDirectory(state).build()) {
        server.bytesPerSecond = 0;
        for (ClientJob j : again.jobs()) {
          j.setPriority(JobPriority.FOREGROUND);
          j.resume();
        }
        for (ClientJob j : again.jobs()) {
          assertThat(j.outcome().toCompletableFuture().get(60, TimeUnit.SECONDS)).isEqualTo(JobState.TRANSFERRED);
          j.complete();
          assertThat(TestFiles.sha256(j.files().get(0).localFile())).isEqualTo(TestFiles.sha256(src));
        }
      }
    }
    TestFiles.await("threads back", Duration.ofSeconds(10), () -> before.containsAll(clientThreads()));
  }

  @Test
  void aHundredForegroundJobsNeverExceedTheWorkers() throws Exception {
    Path src = TestFiles.generate(tmp.resolve("src"), 200_000, 9);
    try (TestServer server = new TestServer(src);
        PortableBitsClient client = PortableBitsClient.builder().stateDirectory(tmp.resolve("state"))
            .transferWorkers(3).build()) {
      server.bytesPerSecond = 4_000_000;
      List<ClientJob> jobs = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        jobs.add(client.createJob(JobSpec.builder("j" + i).priority(JobPriority.FOREGROUND)
            .addFile(server.uri("/f"), tmp.resolve("o" + i)).start(true).build()));
      }
      for (ClientJob j : jobs) {
        assertThat(j.outcome().toCompletableFuture().get(60, TimeUnit.SECONDS)).isEqualTo(JobState.TRANSFERRED);
      }
      assertThat(server.maxActiveBodies.get()).isEqualTo(3);
      for (ClientJob j : jobs) {
        j.complete();
      }
    }
  }
}
