package io.bits4j.client.portable;

import static org.assertj.core.api.Assertions.assertThat;

import io.bits4j.ClientJob;
import io.bits4j.JobListener;
import io.bits4j.JobPriority;
import io.bits4j.JobSpec;
import io.bits4j.JobState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Operations racing from several threads (and a listener) against running transfers. */
class ConcurrentOperationsTest {
  @TempDir Path tmp;

  @Test
  void racingOperationsKeepJobsConsistentAndFilesCorrect() throws Exception {
    Path src = TestFiles.generate(tmp.resolve("src"), 6_000_000, 80);
    String hash = TestFiles.sha256(src);
    long seed = System.nanoTime();
    ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    try (TestServer server = new TestServer(src);
        PortableBitsClient client = PortableBitsClient.builder().stateDirectory(tmp.resolve("state"))
            .transferWorkers(2).timeSlice(java.time.Duration.ofMillis(50)).build()) {
      server.bytesPerSecond = 20_000_000;
      List<ClientJob> jobs = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        ClientJob j = client.createJob(JobSpec.builder("j" + i).addFile(server.uri("/f"), tmp.resolve("out" + i))
            .start(true).build());
        j.addListener(new JobListener() {
          @Override
          public void jobModified(ClientJob job) {
            try {
              job.progress();
              job.files();
              job.state();
            } catch (RuntimeException e) {
              failures.add(e);
            }
          }
        });
        jobs.add(j);
      }
      ExecutorService pool = Executors.newFixedThreadPool(4);
      List<Future<?>> fs = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        Random r = new Random(seed + t);
        fs.add(pool.submit(() -> {
          for (int k = 0; k < 60; k++) {
            ClientJob j = jobs.get(r.nextInt(jobs.size()));
            switch (r.nextInt(4)) {
              case 0 -> j.suspend();
              case 1 -> j.resume();
              case 2 -> j.setPriority(JobPriority.values()[r.nextInt(4)]);
              default -> assertThat(j.progress().bytesTransferred()).isBetween(0L, 6_000_000L);
            }
          }
          return null;
        }));
      }
      for (Future<?> f : fs) {
        f.get(60, TimeUnit.SECONDS);
      }
      pool.shutdown();
      for (ClientJob j : jobs) {
        j.resume();
      }
      for (ClientJob j : jobs) {
        assertThat(j.outcome().toCompletableFuture().get(60, TimeUnit.SECONDS))
            .as("seed %d", seed).isEqualTo(JobState.TRANSFERRED);
        j.complete();
      }
      for (int i = 0; i < 3; i++) {
        assertThat(TestFiles.sha256(tmp.resolve("out" + i))).as("file %d, seed %d", i, seed).isEqualTo(hash);
      }
    }
    assertThat(failures).isEmpty();
    try (Stream<Path> s = Files.list(tmp)) {
      assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
    }
  }
}
