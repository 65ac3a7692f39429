package io.bits4j.client.portable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bits4j.BitsException;
import io.bits4j.ClientJob;
import io.bits4j.CompleteStatus;
import io.bits4j.ErrorContext;
import io.bits4j.Hresult;
import io.bits4j.JobError;
import io.bits4j.JobListener;
import io.bits4j.JobSpec;
import io.bits4j.JobState;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Job states and transitions (bits-spec §4.1–4.2) against a loopback server. */
class JobLifecycleTest {
  @TempDir Path tmp;
  TestServer server;
  Path source;
  PortableBitsClient client;

  @BeforeEach
  void setUp() throws IOException {
    source = TestFiles.generate(tmp.resolve("source.bin"), 3_000_000, 1);
    server = new TestServer(source);
    client = PortableBitsClient.builder().stateDirectory(tmp.resolve("state")).build();
  }

  @AfterEach
  void tearDown() throws IOException {
    client.close();
    server.close();
  }

  static JobState settle(ClientJob job) throws Exception {
    return job.outcome().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void newJobIsSuspendedAndResumeWithoutFilesIsEmpty() {
    ClientJob job = client.createJob(JobSpec.builder("empty").build());
    assertThat(job.state()).isEqualTo(JobState.SUSPENDED);
    assertThat(client.jobs()).containsExactly(job);
    assertThatThrownBy(job::resume).isInstanceOf(BitsException.class)
        .extracting(e -> ((BitsException) e).hresult()).isEqualTo(Hresult.BG_E_EMPTY);
    assertThat(job.state()).isEqualTo(JobState.SUSPENDED);
  }

  @Test
  void closeFailsWaitingOutcomesInsteadOfLeavingThemForever() throws Exception {
    ClientJob job = client.createJob(JobSpec.builder("waits").addFile(server.uri("/f"), tmp.resolve("w.bin")).build());
    java.util.concurrent.CompletableFuture<JobState> waiting = job.outcome().toCompletableFuture();
    client.close();
    assertThatThrownBy(() -> waiting.get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(BitsException.class).cause()
        .satisfies(e -> assertThat(((BitsException) e).hresult()).isEqualTo(Hresult.E_CANCELLED))
        .hasMessageContaining("persists");
    assertThat(job.outcome().toCompletableFuture()).isCompletedExceptionally(); // asked after close: at once
    assertThat(job.state()).isEqualTo(JobState.SUSPENDED); // the job itself goes on
  }

  @Test
  void everyConcurrentCloseReturnsOnlyOnceTheStateDirectoryIsFree() throws Exception {
    for (int round = 0; round < 5; round++) {
      client.createJob(JobSpec.builder("r" + round).addFile(server.uri("/f"), tmp.resolve("r" + round)).build());
      PortableBitsClient c = client;
      Thread other = new Thread(c::close);
      other.start();
      c.close();
      // whichever call returned, the directory is released: a new client may take it at once
      client = PortableBitsClient.builder().stateDirectory(tmp.resolve("state")).build();
      other.join(10_000);
    }
  }

  @Test
  void downloadsCompletesAndVanishes() throws Exception {
    Path dest = tmp.resolve("out.bin");
    ClientJob job = client.createJob(JobSpec.builder("one").addFile(server.uri("/f"), dest).build());
    assertThat(job.state()).isEqualTo(JobState.SUSPENDED);
    List<String> threads = new CopyOnWriteArrayList<>();
    job.addListener(new JobListener() {
      @Override
      public void jobTransferred(ClientJob j) {
        threads.add(Thread.currentThread().getName() + ":" + j.state());
      }
    });
    job.resume();
    assertThat(settle(job)).isEqualTo(JobState.TRANSFERRED);
    assertThat(Files.exists(dest)).as("invisible until complete()").isFalse();
    assertThat(job.progress().bytesTransferred()).isEqualTo(3_000_000);
    assertThat(job.progress().bytesTotal()).isEqualTo(3_000_000);
    assertThat(job.files().get(0).completed()).isTrue();
    assertThat(job.times().transferCompletion()).isPresent();
    try (Stream<Path> s = Files.list(tmp)) {
      assertThat(s.map(p -> p.getFileName().toString()))
          .anyMatch(n -> n.startsWith(".out.bin.bits4j-") && n.endsWith(".tmp"));
    }
    assertThat(job.complete()).isEqualTo(CompleteStatus.COMPLETE);
    assertThat(TestFiles.sha256(dest)).isEqualTo(TestFiles.sha256(source));
    assertThat(job.state()).isEqualTo(JobState.ACKNOWLEDGED);
    assertThat(client.jobs()).isEmpty();
    assertThat(client.findJob(job.id())).isEmpty();
    assertThatThrownBy(job::resume).extracting(e -> ((BitsException) e).hresult())
        .isEqualTo(Hresult.BG_E_INVALID_STATE);
    assertThatThrownBy(job::cancel).extracting(e -> ((BitsException) e).hresult())
        .isEqualTo(Hresult.BG_E_INVALID_STATE);
    assertThatThrownBy(() -> job.addFile(server.uri("/g"), tmp.resolve("g")))
        .extracting(e -> ((BitsException) e).hresult()).isEqualTo(Hresult.BG_E_INVALID_STATE);
    TestFiles.await("listener", Duration.ofSeconds(5), () -> !threads.isEmpty());
    assertThat(threads).containsExactly("bits4j-notify:TRANSFERRED");
    List<TestServer.Request> reqs = server.requests;
    assertThat(reqs.get(0).method()).isEqualTo("HEAD");
    assertThat(reqs.get(0).header("accept-encoding")).isEqualTo("identity");
    assertThat(reqs.get(1).method()).isEqualTo("GET");
    assertThat(reqs.get(1).header("range")).isNull();
    try (Stream<Path> s = Files.list(tmp)) {
      assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
    }
  }

  @Test
  void cancelDeletesTemporaryFiles() throws Exception {
    Path dest = tmp.resolve("c.bin");
    ClientJob job = client.createJob(JobSpec.builder("c").addFile(server.uri("/f"), dest).start(true).build());
    assertThat(settle(job)).isEqualTo(JobState.TRANSFERRED);
    job.cancel();
    assertThat(job.state()).isEqualTo(JobState.CANCELLED);
    assertThat(client.jobs()).isEmpty();
    try (Stream<Path> s = Files.list(tmp)) {
      assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".c.bin"));
    }
    assertThat(Files.exists(dest)).isFalse();
    assertThatThrownBy(job::complete).extracting(e -> ((BitsException) e).hresult())
        .isEqualTo(Hresult.BG_E_INVALID_STATE);
  }

  @Test
  void partialCompleteKeepsOnlyFinishedFiles() throws Exception {
    server.raw.put("/missing", r -> "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
    Path a = tmp.resolve("a.bin");
    Path b = tmp.resolve("b.bin");
    ClientJob job = client.createJob(JobSpec.builder("two")
        .addFile(server.uri("/f"), a).addFile(server.uri("/missing"), b).start(true).build());
    assertThat(settle(job)).isEqualTo(JobState.ERROR);
    JobError e = job.error().orElseThrow();
    assertThat(e.hresult()).isEqualTo(Hresult.httpError(404));
    assertThat(e.context()).isEqualTo(ErrorContext.REMOTE_FILE);
    assertThat(e.remoteUrl()).contains(server.uri("/missing"));
    assertThat(job.progress().filesTransferred()).isEqualTo(1);
    assertThat(job.progress().isTotalKnown()).isFalse();
    assertThat(job.complete()).isEqualTo(CompleteStatus.PARTIAL_COMPLETE);
    assertThat(TestFiles.sha256(a)).isEqualTo(TestFiles.sha256(source));
    assertThat(Files.exists(b)).isFalse();
  }

  @Test
  void suspendAndResumeContinueFromTheOffset() throws Exception {
    server.bytesPerSecond = 2_000_000;
    Path dest = tmp.resolve("s.bin");
    ClientJob job = client.createJob(JobSpec.builder("s").addFile(server.uri("/f"), dest).start(true).build());
    TestFiles.await("some progress", Duration.ofSeconds(10), () -> job.progress().bytesTransferred() > 300_000);
    job.suspend();
    assertThat(job.state()).isEqualTo(JobState.SUSPENDED);
    long at = job.progress().bytesTransferred();
    assertThat(at).isGreaterThan(0).isLessThan(3_000_000);
    server.bytesPerSecond = 0;
    job.resume();
    assertThat(settle(job)).isEqualTo(JobState.TRANSFERRED);
    List<TestServer.Request> gets = server.gets();
    TestServer.Request last = gets.get(gets.size() - 1);
    assertThat(last.header("range")).isEqualTo("bytes=" + at + "-");
    assertThat(last.header("if-range")).isEqualTo(server.etag());
    job.complete();
    assertThat(TestFiles.sha256(dest)).isEqualTo(TestFiles.sha256(source));
  }

  @Test
  void jobsPersistAcrossClientsAndTheDirectoryIsLocked() throws Exception {
    Path dest = tmp.resolve("p.bin");
    ClientJob job = client.createJob(JobSpec.builder("persist").description("d \u2713 \u65e5\u672c")
        .addFile(server.uri("/f"), dest).build());
    assertThatThrownBy(() -> PortableBitsClient.builder().stateDirectory(tmp.resolve("state")).build())
        .isInstanceOf(BitsException.class)
        .extracting(e -> ((BitsException) e).hresult()).isEqualTo(0x80070020);
    client.close();
    client.close(); // idempotent
    assertThatThrownBy(() -> client.createJob(JobSpec.builder("x").build()))
        .isInstanceOf(IllegalStateException.class);
    client = PortableBitsClient.builder().stateDirectory(tmp.resolve("state")).build();
    ClientJob again = client.job(job.id());
    assertThat(again.displayName()).isEqualTo("persist");
    assertThat(again.description()).isEqualTo("d \u2713 \u65e5\u672c");
    assertThat(again.state()).isEqualTo(JobState.SUSPENDED);
    assertThat(again.files()).hasSize(1);
    again.resume();
    assertThat(settle(again)).isEqualTo(JobState.TRANSFERRED);
    again.complete();
    assertThat(TestFiles.sha256(dest)).isEqualTo(TestFiles.sha256(source));
  }

  @Test
  void transientErrorSurvivesARestartAndRetriesAfterTheDelay() throws Exception {
    client.close();
    io.bits4j.testkit.ManualClock clock = new io.bits4j.testkit.ManualClock();
    client = PortableBitsClient.builder().stateDirectory(tmp.resolve("state")).scheduler(clock).build();
    for (int i = 0; i < 4; i++) {
      server.faults.add(TestServer.Fault.status(503, null));
    }
    ClientJob job = client.createJob(JobSpec.builder("t").minimumRetryDelay(Duration.ofSeconds(30))
        .addFile(server.uri("/f"), tmp.resolve("t.bin")).start(true).build());
    TestFiles.await("transient error", Duration.ofSeconds(10), () -> job.state() == JobState.TRANSIENT_ERROR);
    server.faults.clear();
    client.close();
    io.bits4j.testkit.ManualClock clock2 = new io.bits4j.testkit.ManualClock();
    client = PortableBitsClient.builder().stateDirectory(tmp.resolve("state")).scheduler(clock2).build();
    ClientJob again = client.job(job.id());
    assertThat(again.state()).isEqualTo(JobState.TRANSIENT_ERROR);
    assertThat(again.error().orElseThrow().hresult()).isEqualTo(Hresult.httpError(503));
    assertThat(again.transientErrorCount()).isEqualTo(1);
    clock2.advance(Duration.ofSeconds(29));
    assertThat(again.state()).isEqualTo(JobState.TRANSIENT_ERROR);
    clock2.advance(Duration.ofSeconds(1));
    assertThat(settle(again)).isEqualTo(JobState.TRANSFERRED);
    again.complete();
  }

  @Test
  void aManagementOnlyClientDoesNotTransfer() throws Exception {
    client.close();
    client = PortableBitsClient.builder().stateDirectory(tmp.resolve("state")).transfers(false).build();
    ClientJob job = client.createJob(JobSpec.builder("m").addFile(server.uri("/f"), tmp.resolve("m.bin")).start(true).build());
    assertThat(job.state()).isEqualTo(JobState.QUEUED);
    client.close();
    assertThat(server.requests).isEmpty();
    client = PortableBitsClient.builder().stateDirectory(tmp.resolve("state")).build();
    ClientJob again = client.job(job.id());
    assertThat(settle(again)).isEqualTo(JobState.TRANSFERRED);
    again.complete();
    assertThat(TestFiles.sha256(tmp.resolve("m.bin"))).isEqualTo(TestFiles.sha256(source));
  }

  @Test
  void addFileToTransferredJobAndResume() throws Exception {
    ClientJob job = client.createJob(JobSpec.builder("add")
        .addFile(server.uri("/f"), tmp.resolve("1.bin")).start(true).build());
    assertThat(settle(job)).isEqualTo(JobState.TRANSFERRED);
    job.addFile(server.uri("/f"), tmp.resolve("2.bin"));
    assertThat(job.state()).isEqualTo(JobState.TRANSFERRED);
    job.resume();
    assertThat(settle(job)).isEqualTo(JobState.TRANSFERRED);
    assertThat(job.progress().filesTransferred()).isEqualTo(2);
    assertThat(job.complete()).isEqualTo(CompleteStatus.COMPLETE);
    assertThat(Files.size(tmp.resolve("2.bin"))).isEqualTo(3_000_000);
  }

  @Test
  void unsupportedFeaturesAreRefused() {
    ClientJob job = client.createJob(JobSpec.builder("x").build());
    assertThatThrownBy(() -> job.setCredentials(new io.bits4j.Credentials(io.bits4j.AuthTarget.SERVER,
        io.bits4j.CredentialScheme.NTLM, "u", "p")))
        .extracting(e -> ((BitsException) e).hresult()).isEqualTo(Hresult.E_NOTIMPL);
    assertThatThrownBy(() -> job.setClientCertificate(io.bits4j.ClientCertificate.bySubject(
        io.bits4j.CertStoreLocation.CURRENT_USER, "MY", "CN=x")))
        .extracting(e -> ((BitsException) e).hresult()).isEqualTo(Hresult.E_NOTIMPL);
    assertThatThrownBy(() -> job.addFile(URI.create("ftp://x/y"), tmp.resolve("y")))
        .extracting(e -> ((BitsException) e).hresult()).isEqualTo(Hresult.E_INVALIDARG);
  }
}
