package io.bits4j.client.portable;

import io.bits4j.testkit.ManualClock;
import static org.assertj.core.api.Assertions.assertThat;

import io.bits4j.ClientJob;
import io.bits4j.Hresult;
import io.bits4j.JobSpec;
import io.bits4j.JobState;
import io.bits4j.testkit.TcpFaultProxy;
import io.bits4j.testkit.TcpFaultProxy.Fault;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue point 5: faults injected by the testkit's TCP fault proxy between client and server. */
class FaultInjectionTest {
  @TempDir Path tmp;
  Path source;
  TestServer server;
  TcpFaultProxy proxy;
  ManualClock clock;
  PortableBitsClient client;

  @BeforeEach
  void setUp() throws IOException {
    source = TestFiles.generate(tmp.resolve("src"), 3_000_000, 50);
    server = new TestServer(source);
    proxy = TcpFaultProxy.builder(server.address()).start();
    clock = new ManualClock();
    client = PortableBitsClient.builder().stateDirectory(tmp.resolve("state")).scheduler(clock)
        .readTimeout(Duration.ofMillis(400)).build();
  }

  @AfterEach
  void tearDown() throws IOException {
    client.close();
    proxy.close();
    server.close();
  }

  private URI url() {
    return URI.create("http://127.0.0.1:" + proxy.port() + "/f");
  }

  private ClientJob start(JobSpec.Builder b) {
    return client.createJob(b.addFile(url(), tmp.resolve("out")).start(true).build());
  }

  private void assertComplete(ClientJob job) throws Exception {
    assertThat(job.outcome().toCompletableFuture().get(30, TimeUnit.SECONDS)).isEqualTo(JobState.TRANSFERRED);
    job.complete();
    assertThat(TestFiles.sha256(tmp.resolve("out"))).isEqualTo(TestFiles.sha256(source));
  }

  @Test
  void cutsAfterProgressAreRetriedAtOnce() throws Exception {
    proxy.nextFaults(Fault.cutAfter(700_000), Fault.cutAfter(700_000), Fault.cutAfter(700_000));
    ClientJob job = start(JobSpec.builder("cut"));
    assertComplete(job);
    assertThat(job.transientErrorCount()).isEqualTo(3);
    assertThat(proxy.connectionCount()).isEqualTo(4);
  }

  @Test
  void resetIsRetriedFromTheLastWrittenByte() throws Exception {
    proxy.nextFaults(Fault.resetAfter(1_000_000));
    ClientJob job = start(JobSpec.builder("reset"));
    assertComplete(job);
    assertThat(job.transientErrorCount()).isEqualTo(1);
    String range = server.gets().get(server.gets().size() - 1).header("range");
    assertThat(range).startsWith("bytes=");
    long from = Long.parseLong(range.substring(6, range.length() - 1));
    // the resumed request starts after the bytes that got through before the reset (some of the
    // 1,000,000 forwarded may die in the client's receive buffer with the RST)
    assertThat(from).isPositive().isLessThanOrEqualTo(1_000_000);
    assertThat(proxy.connectionCount()).isEqualTo(2);
  }

  @Test
  void slowTrickleCompletesWithoutErrors() throws Exception {
    proxy.setFault(Fault.trickle(64 * 1024, Duration.ofMillis(5)));
    ClientJob job = start(JobSpec.builder("trickle"));
    assertComplete(job);
    assertThat(job.transientErrorCount()).isZero();
  }

  @Test
  void stallAfterProgressIsATimeoutRetriedAtOnce() throws Exception {
    proxy.nextFaults(Fault.stallAfter(800_000));
    ClientJob job = start(JobSpec.builder("stall"));
    assertComplete(job);
    assertThat(job.transientErrorCount()).isEqualTo(1);
  }

  @Test
  void stallBeyondNoProgressTimeoutEndsInError() throws Exception {
    proxy.setFault(Fault.stallAfter(0));
    ClientJob job = start(JobSpec.builder("dead").minimumRetryDelay(Duration.ofSeconds(5))
        .noProgressTimeout(Duration.ofSeconds(12)));
    TestFiles.await("first timeout", Duration.ofSeconds(10), () -> job.state() == JobState.TRANSIENT_ERROR);
    assertThat(job.error().orElseThrow().hresult()).isEqualTo(Hresult.E_WINHTTP_TIMEOUT);
    clock.advance(Duration.ofSeconds(5));
    TestFiles.await("second timeout", Duration.ofSeconds(10),
        () -> job.transientErrorCount() == 2 && job.state() == JobState.TRANSIENT_ERROR);
    clock.advance(Duration.ofSeconds(5));
    TestFiles.await("third timeout", Duration.ofSeconds(10),
        () -> job.transientErrorCount() == 3 && job.state() == JobState.TRANSIENT_ERROR);
    clock.advance(Duration.ofSeconds(2));
    assertThat(job.state()).isEqualTo(JobState.ERROR);
    assertThat(job.error().orElseThrow().hresult()).isEqualTo(Hresult.E_WINHTTP_TIMEOUT);
    assertThat(job.files().get(0).bytesTransferred()).isZero();
  }
}
