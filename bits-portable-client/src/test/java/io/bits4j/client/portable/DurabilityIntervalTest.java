package io.bits4j.client.portable;

import static org.assertj.core.api.Assertions.assertThat;

import io.bits4j.ClientJob;
import io.bits4j.JobSpec;
import io.bits4j.JobState;
import io.bits4j.client.portable.internal.StateStoreAccess;
import io.bits4j.testkit.ManualClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The durable offset advances at least every second (scheduler time) and every 4 MiB. */
class DurabilityIntervalTest {
  @TempDir Path tmp;

  private static long durableOffset(Path state) {
    try {
      Properties p = StateStoreAccess.readOnly(state);
      return p == null ? -1 : Long.parseLong(p.getProperty("file.0.offset"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void offsetAdvancesAfterOneSecondEvenBelowTheByteInterval() throws Exception {
    Path state = tmp.resolve("state");
    ManualClock clock = new ManualClock();
    try (TestServer server = new TestServer(TestFiles.generate(tmp.resolve("src"), 3_000_000, 60));
        PortableBitsClient c = PortableBitsClient.builder().stateDirectory(state).scheduler(clock).build()) {
      server.bytesPerSecond = 400_000;
      ClientJob job = c.createJob(JobSpec.builder("d").addFile(server.uri("/f"), tmp.resolve("o")).start(true).build());
      TestFiles.await("200 kB received", Duration.ofSeconds(10), () -> job.progress().bytesTransferred() > 200_000);
      assertThat(durableOffset(state)).as("no second has passed on the scheduler's clock").isZero();
      clock.advance(Duration.ofSeconds(1));
      long before = job.progress().bytesTransferred();
      TestFiles.await("a checkpoint", Duration.ofSeconds(10), () -> durableOffset(state) >= before);
      assertThat(durableOffset(state)).isLessThanOrEqualTo(job.progress().bytesTransferred());
      job.cancel();
    }
  }

  @Test
  void offsetAdvancesEveryFourMebibytesWithoutTimePassing() throws Exception {
    Path state = tmp.resolve("state");
    ManualClock clock = new ManualClock();
    try (TestServer server = new TestServer(TestFiles.generate(tmp.resolve("src"), 20_000_000, 61));
        PortableBitsClient c = PortableBitsClient.builder().stateDirectory(state).scheduler(clock).build()) {
      server.bytesPerSecond = 20_000_000;
      ClientJob job = c.createJob(JobSpec.builder("d").addFile(server.uri("/f"), tmp.resolve("o")).start(true).build());
      for (int i = 0; i < 1000 && job.state() != JobState.TRANSFERRED; i++) {
        long received = job.progress().bytesTransferred();
        long durable = durableOffset(state);
        // sampled in this order (the durable offset only grows), the difference never exceeds the
        // true window at the second sample, which must stay under 4 MiB
        assertThat(received - durable).isLessThanOrEqualTo(4L << 20);
        Thread.sleep(1);
      }
      TestFiles.await("transferred", Duration.ofSeconds(20), () -> job.state() == JobState.TRANSFERRED);
      job.cancel();
    }
  }
}
