package io.bits4j.client.portable;

import io.bits4j.testkit.ManualClock;
import static org.assertj.core.api.Assertions.assertThat;

import io.bits4j.ClientJob;
import io.bits4j.Credentials;
import io.bits4j.ErrorContext;
import io.bits4j.Hresult;
import io.bits4j.JobError;
import io.bits4j.JobSpec;
import io.bits4j.JobState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP rules (ARCHITECTURE §5 wire rules, issue point 2) and error mapping (point 3). */
class WireBehaviourTest {
  @TempDir Path tmp;
  TestServer server;
  Path source;
  ManualClock clock;
  PortableBitsClient client;

  @BeforeEach
  void setUp() throws IOException {
    source = TestFiles.generate(tmp.resolve("source.bin"), 2_000_000, 2);
    server = new TestServer(source);
    clock = new ManualClock();
    client = PortableBitsClient.builder().stateDirectory(tmp.resolve("state")).scheduler(clock)
        .readTimeout(Duration.ofMillis(500)).build();
  }

  @AfterEach
  void tearDown() throws IOException {
    client.close();
    server.close();
  }

  private ClientJob start(Path dest, JobSpec.Builder b) {
    return client.createJob(b.addFile(server.uri("/f"), dest).start(true).build());
  }

  private static JobState settle(ClientJob job) throws Exception {
    return job.outcome().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static void awaitState(ClientJob job, JobState s) {
    TestFiles.await(s.toString(), Duration.ofSeconds(20), () -> job.state() == s);
  }

  @Test
  void cutConnectionResumesAtOnceWithRangeAndIfRange() throws Exception {
    server.faults.add(TestServer.Fault.cut(700_000));
    Path dest = tmp.resolve("out");
    ClientJob job = start(dest, JobSpec.builder("cut"));
    assertThat(settle(job)).isEqualTo(JobState.TRANSFERRED);
    assertThat(job.transientErrorCount()).isEqualTo(1);
    List<TestServer.Request> gets = server.gets();
    assertThat(gets).hasSize(2);
    assertThat(gets.get(0).header("range")).isNull();
    assertThat(gets.get(1).header("range")).isEqualTo("bytes=700000-");
    assertThat(gets.get(1).header("if-range")).isEqualTo(server.etag());
    job.complete();
    assertThat(TestFiles.sha256(dest)).isEqualTo(TestFiles.sha256(source));
  }

  private void failFourTimes() {
    for (int i = 0; i < 4; i++) {
      server.faults.add(TestServer.Fault.status(503, null));
    }
  }

  @Test
  void changeSeenByHeadRestartsTheFile() throws Exception {
    server.faults.add(TestServer.Fault.cut(500_000));
    failFourTimes();
    Path dest = tmp.resolve("out");
    ClientJob job = start(dest, JobSpec.builder("changed").minimumRetryDelay(Duration.ofSeconds(10)));
    awaitState(job, JobState.TRANSIENT_ERROR);
    server.faults.clear();
    assertThat(job.files().get(0).bytesTransferred()).isEqualTo(500_000);
    Path v2 = TestFiles.generate(tmp.resolve("v2.bin"), 1_500_000, 3);
    server.replace(v2);
    clock.advance(Duration.ofSeconds(10));
    assertThat(settle(job)).isEqualTo(JobState.TRANSFERRED);
    assertThat(server.gets().get(server.gets().size() - 1).header("range")).isNull();
    job.complete();
    assertThat(TestFiles.sha256(dest)).isEqualTo(TestFiles.sha256(v2));
  }

  @Test
  void serverIgnoringIfRangeWithNewValidatorsRestartsTheFile() throws Exception {
    server.ifRangeSupport = false;
    server.faults.add(TestServer.Fault.cut(400_000));
    failFourTimes();
    Path dest = tmp.resolve("out");
    ClientJob job = start(dest, JobSpec.builder("c").minimumRetryDelay(Duration.ofSeconds(10)));
    awaitState(job, JobState.TRANSIENT_ERROR);
    server.faults.clear();
    Path v2 = TestFiles.generate(tmp.resolve("v2.bin"), 2_000_000, 4);
    server.replaceBehindStaleHead(v2);
    clock.advance(Duration.ofSeconds(10));
    assertThat(settle(job)).isEqualTo(JobState.TRANSFERRED);
    List<TestServer.Request> gets = server.gets();
    assertThat(gets.get(gets.size() - 2).header("range")).isEqualTo("bytes=400000-");
    assertThat(gets.get(gets.size() - 1).header("range")).isNull();
    job.complete();
    assertThat(TestFiles.sha256(dest)).isEqualTo(TestFiles.sha256(v2));
  }

  @Test
  void ranged200WithUnchangedValidatorsIsInsufficientRangeSupport() throws Exception {
    server.rangeSupport = false;
    server.faults.add(TestServer.Fault.cut(300_000));
    Path dest = tmp.resolve("out");
    ClientJob job = start(dest, JobSpec.builder("norange"));
    awaitState(job, JobState.TRANSIENT_ERROR);
    JobError e = job.error().orElseThrow();
    assertThat(e.hresult()).isEqualTo(Hresult.BG_E_INSUFFICIENT_RANGE_SUPPORT);
    assertThat(e.context()).isEqualTo(ErrorContext.REMOTE_FILE);
    // the server learns ranges; after the retry delay the job resumes and completes
    server.rangeSupport = true;
    clock.advance(Duration.ofSeconds(600));
    assertThat(settle(job)).isEqualTo(JobState.TRANSFERRED);
    job.complete();
    assertThat(TestFiles.sha256(dest)).isEqualTo(TestFiles.sha256(source));
  }

  @Test
  void ranged200WithNewValidatorsRestartsFromZero() throws Exception {
    server.faults.add(TestServer.Fault.cut(300_000));
    failFourTimes();
    Path dest = tmp.resolve("out");
    Path v2 = TestFiles.generate(tmp.resolve("v2.bin"), 1_000_000, 5);
    ClientJob job = start(dest, JobSpec.builder("restart").minimumRetryDelay(Duration.ofSeconds(10)));
    awaitState(job, JobState.TRANSIENT_ERROR);
    assertThat(job.error().orElseThrow().hresult()).isEqualTo(Hresult.httpError(503));
    assertThat(job.transientErrorCount()).isEqualTo(4); // the cut, then three immediate retries
    server.faults.clear();
    assertThat(job.files().get(0).bytesTransferred()).isEqualTo(300_000);
    // the file changes while the job waits; HEAD still shows the old version, only the GET reveals it
    server.replaceBehindStaleHead(v2);
    clock.advance(Duration.ofSeconds(10));
    assertThat(settle(job)).isEqualTo(JobState.TRANSFERRED);
    TestServer.Request last = server.gets().get(server.gets().size() - 1);
    assertThat(last.header("range")).isEqualTo("bytes=300000-");
    assertThat(last.header("if-range")).isEqualTo("\"v1\"");
    assertThat(job.files().get(0).bytesTotal()).isEqualTo(1_000_000);
    job.complete();
    assertThat(TestFiles.sha256(dest)).isEqualTo(TestFiles.sha256(v2));
  }

  @Test
  void headWithoutContentLengthIsMissingFileSize() throws Exception {
    server.headContentLength = false;
    ClientJob job = start(tmp.resolve("out"), JobSpec.builder("nolen"));
    assertThat(settle(job)).isEqualTo(JobState.ERROR);
    assertThat(job.error().orElseThrow().hresult()).isEqualTo(Hresult.BG_E_MISSING_FILE_SIZE);
    assertThat(job.error().orElseThrow().context()).isEqualTo(ErrorContext.REMOTE_FILE);
  }

  @Test
  void httpStatusIsAnHttpErrorInRemoteFileContext() throws Exception {
    server.headStatus = 403;
    ClientJob job = start(tmp.resolve("out"), JobSpec.builder("403"));
    assertThat(settle(job)).isEqualTo(JobState.ERROR);
    JobError e = job.error().orElseThrow();
    assertThat(e.hresult()).isEqualTo(0x80190193);
    assertThat(e.context()).isEqualTo(ErrorContext.REMOTE_FILE);
    assertThat(Hresult.describe(e.hresult())).contains("0x80190193");
  }

  @Test
  void retryAfterShorterThanTheDelayIsHonoured() throws Exception {
    server.faults.add(TestServer.Fault.status(503, "7"));
    ClientJob job = start(tmp.resolve("out"), JobSpec.builder("503"));
    awaitState(job, JobState.TRANSIENT_ERROR);
    assertThat(job.transientErrorCount()).isEqualTo(1);
    clock.advance(Duration.ofSeconds(6));
    assertThat(job.state()).isEqualTo(JobState.TRANSIENT_ERROR);
    clock.advance(Duration.ofSeconds(1));
    assertThat(settle(job)).isEqualTo(JobState.TRANSFERRED);
  }

  @Test
  void retryAfterZeroStillWaitsTheSmallestRetryDelay() throws Exception {
    server.faults.add(TestServer.Fault.status(503, "0"));
    ClientJob job = start(tmp.resolve("out"), JobSpec.builder("503-now"));
    awaitState(job, JobState.TRANSIENT_ERROR);
    clock.advance(Duration.ofSeconds(4));
    assertThat(job.state()).isEqualTo(JobState.TRANSIENT_ERROR);
    assertThat(job.transientErrorCount()).isEqualTo(1);
    clock.advance(Duration.ofSeconds(1));
    assertThat(settle(job)).isEqualTo(JobState.TRANSFERRED);
  }

  @Test
  void retryDelayBeyondTheNoProgressTimeoutMeansErrorAtOnce() throws Exception {
    server.faults.add(TestServer.Fault.status(503, null));
    ClientJob job = start(tmp.resolve("out"), JobSpec.builder("no-retry")
        .minimumRetryDelay(Duration.ofSeconds(600)).noProgressTimeout(Duration.ofSeconds(300)));
    // ERROR without the manual clock moving: no retry was scheduled
    assertThat(settle(job)).isEqualTo(JobState.ERROR);
    assertThat(job.error().orElseThrow().hresult()).isEqualTo(Hresult.httpError(503));
  }

  @Test
  void connectFailureIsTransientAndRetriedAfterTheDelay() throws Exception {
    int port = server.port();
    server.close();
    ClientJob job = client.createJob(JobSpec.builder("down").minimumRetryDelay(Duration.ofSeconds(30))
        .addFile(java.net.URI.create("http://127.0.0.1:" + port + "/f"), tmp.resolve("out")).start(true).build());
    awaitState(job, JobState.TRANSIENT_ERROR);
    assertThat(job.error().orElseThrow().hresult()).isEqualTo(Hresult.BG_E_CONNECT_FAILURE);
    assertThat(job.error().orElseThrow().context()).isEqualTo(ErrorContext.GENERAL_TRANSPORT);
    clock.advance(Duration.ofSeconds(29));
    assertThat(job.transientErrorCount()).isEqualTo(1);
    clock.advance(Duration.ofSeconds(1));
    TestFiles.await("second failure", Duration.ofSeconds(10), () -> job.transientErrorCount() == 2
        && job.state() == JobState.TRANSIENT_ERROR);
  }

  @Test
  void noProgressTimeoutTurnsTransientIntoError() throws Exception {
    int port = server.port();
    server.close();
    ClientJob job = client.createJob(JobSpec.builder("down").minimumRetryDelay(Duration.ofSeconds(60))
        .noProgressTimeout(Duration.ofSeconds(150))
        .addFile(java.net.URI.create("http://127.0.0.1:" + port + "/f"), tmp.resolve("out")).start(true).build());
    awaitState(job, JobState.TRANSIENT_ERROR);
    clock.advance(Duration.ofSeconds(60));
    TestFiles.await("2nd", Duration.ofSeconds(10), () -> job.transientErrorCount() == 2
        && job.state() == JobState.TRANSIENT_ERROR);
    clock.advance(Duration.ofSeconds(60));
    TestFiles.await("3rd", Duration.ofSeconds(10), () -> job.transientErrorCount() == 3
        && job.state() == JobState.TRANSIENT_ERROR);
    // next retry would be at 180 s > 150 s deadline: the job turns ERROR at the deadline
    clock.advance(Duration.ofSeconds(29));
    assertThat(job.state()).isEqualTo(JobState.TRANSIENT_ERROR);
    clock.advance(Duration.ofSeconds(1));
    assertThat(job.state()).isEqualTo(JobState.ERROR);
    assertThat(job.error().orElseThrow().hresult()).isEqualTo(Hresult.BG_E_CONNECT_FAILURE);
  }

  @Test
  void zeroNoProgressTimeoutMakesEveryErrorFatal() throws Exception {
    server.faults.add(TestServer.Fault.status(503, null));
    ClientJob job = start(tmp.resolve("out"), JobSpec.builder("z").noProgressTimeout(Duration.ZERO));
    assertThat(settle(job)).isEqualTo(JobState.ERROR);
    assertThat(job.error().orElseThrow().hresult()).isEqualTo(Hresult.httpError(503));
  }

  @Test
  void stallBeyondNoProgressTimeoutEndsInError() throws Exception {
    server.faults.add(TestServer.Fault.stall(100_000));
    server.faults.add(TestServer.Fault.stall(0));
    server.faults.add(TestServer.Fault.stall(0));
    server.faults.add(TestServer.Fault.stall(0));
    server.faults.add(TestServer.Fault.stall(0));
    ClientJob job = start(tmp.resolve("out"), JobSpec.builder("stall")
        .minimumRetryDelay(Duration.ofSeconds(5)).noProgressTimeout(Duration.ofSeconds(8)));
    // progress, then a stall (read timeout, 500 ms), immediate retries that stall without progress
    awaitState(job, JobState.TRANSIENT_ERROR);
    assertThat(job.error().orElseThrow().hresult()).isEqualTo(Hresult.E_WINHTTP_TIMEOUT);
    assertThat(job.transientErrorCount()).isEqualTo(4); // the cut plus three immediate retries
    clock.advance(Duration.ofSeconds(5));
    TestFiles.await("stalled again", Duration.ofSeconds(10), () -> job.transientErrorCount() == 5
        && job.state() == JobState.TRANSIENT_ERROR);
    clock.advance(Duration.ofSeconds(3));
    assertThat(job.state()).isEqualTo(JobState.ERROR);
    assertThat(job.error().orElseThrow().hresult()).isEqualTo(Hresult.E_WINHTTP_TIMEOUT);
  }

  @Test
  void basicCredentialsAnswerTheChallenge() throws Exception {
    server.basicAuth = "alice:secret";
    ClientJob job = start(tmp.resolve("out"), JobSpec.builder("auth").credentials(Credentials.basic("alice", "secret")));
    assertThat(settle(job)).isEqualTo(JobState.TRANSFERRED);
    assertThat(server.requests.get(0).header("authorization")).isNull();
    assertThat(server.requests.get(1).header("authorization")).startsWith("Basic ");
  }

  @Test
  void digestCredentialsAnswerTheChallenge() throws Exception {
    server.digestAuth = "bob:pa55";
    Path dest = tmp.resolve("out");
    ClientJob job = start(dest, JobSpec.builder("digest").credentials(Credentials.digest("bob", "pa55")));
    assertThat(settle(job)).isEqualTo(JobState.TRANSFERRED);
    assertThat(server.requests.get(1).header("authorization")).startsWith("Digest ").contains("nc=00000001");
    job.complete();
    assertThat(TestFiles.sha256(dest)).isEqualTo(TestFiles.sha256(source));
  }

  @Test
  void wrongOrMissingCredentialsAre401Errors() throws Exception {
    server.basicAuth = "alice:secret";
    ClientJob job = start(tmp.resolve("out"), JobSpec.builder("auth").credentials(Credentials.basic("alice", "nope")));
    assertThat(settle(job)).isEqualTo(JobState.ERROR);
    assertThat(job.error().orElseThrow().hresult()).isEqualTo(Hresult.httpError(401));
    // fix the credentials and resume, as BITS applications do
    job.setCredentials(Credentials.basic("alice", "secret"));
    job.resume();
    assertThat(settle(job)).isEqualTo(JobState.TRANSFERRED);
  }

  @Test
  void customHeadersAreSentWithEveryRequest() throws Exception {
    ClientJob job = start(tmp.resolve("out"), JobSpec.builder("h").customHeader("X-Trace", "42")
        .customHeader("Accept-Encoding", "gzip"));
    assertThat(settle(job)).isEqualTo(JobState.TRANSFERRED);
    for (TestServer.Request r : server.requests) {
      assertThat(r.header("x-trace")).isEqualTo("42");
      assertThat(r.header("accept-encoding")).isEqualTo("identity");
    }
  }

  @Test
  void redirectsAreFollowed() throws Exception {
    server.raw.put("/moved", r -> "HTTP/1.1 302 Found\r\nLocation: /f\r\nContent-Length: 0\r\n\r\n");
    Path dest = tmp.resolve("out");
    ClientJob job = client.createJob(JobSpec.builder("r").addFile(server.uri("/moved"), dest).start(true).build());
    assertThat(settle(job)).isEqualTo(JobState.TRANSFERRED);
    job.complete();
    assertThat(Files.size(dest)).isEqualTo(2_000_000);
  }

  @Test
  void redirectLoopIsAnError() throws Exception {
    server.raw.put("/loop", r -> "HTTP/1.1 302 Found\r\nLocation: /loop\r\nContent-Length: 0\r\n\r\n");
    ClientJob job = client.createJob(JobSpec.builder("r").addFile(server.uri("/loop"), tmp.resolve("o")).start(true).build());
    assertThat(settle(job)).isEqualTo(JobState.ERROR);
    assertThat(job.error().orElseThrow().hresult()).isEqualTo(Hresult.httpError(302));
  }

  @Test
  void missingDestinationDirectoryIsALocalFileError() throws Exception {
    ClientJob job = start(tmp.resolve("no/such/dir/out"), JobSpec.builder("local"));
    assertThat(settle(job)).isEqualTo(JobState.ERROR);
    assertThat(job.error().orElseThrow().context()).isEqualTo(ErrorContext.LOCAL_FILE);
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
      "HTTP/1.1 206 Partial Content\\r\\nContent-Length: 10\\r\\n\\r\\n0123456789 | 0x80200013",
      "HTTP/1.1 206 Partial Content\\r\\nContent-Range: bytes 5-9/10\\r\\nContent-Length: 5\\r\\n\\r\\n56789 | 0x8020001B",
      "HTTP/1.1 206 Partial Content\\r\\nContent-Range: bytes 0-9/10\\r\\nContent-Length: 4\\r\\n\\r\\n0123 | 0x8020001B",
      "HTTP/1.1 206 Partial Content\\r\\nContent-Range: bytes 0-9/10\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\na\\r\\n0123456789\\r\\n0\\r\\n\\r\\n | 0x80200013",
      "HTTP/1.1 206 Partial Content\\r\\nContent-Range: bytes 0-99999999999999999999/10\\r\\nContent-Length: 10\\r\\n\\r\\n0123456789 | 0x80200013",
      "HTTP/1.1 200 OK\\r\\nConnection: close\\r\\n\\r\\n0123456789 | 0x80200013",
      "HTTP/1.1 200 OK\\r\\nContent-Length: 10\\r\\nContent-Length: 11\\r\\n\\r\\n0123456789 | 0x8020001B",
      "HTTP/1.1 2xx Nonsense\\r\\n\\r\\n | 0x8020001B",
      // a short body (timeout after 4 bytes of progress), then the immediate retry's ranged request
      // gets a 200 with absent validators: no range support
      "HTTP/1.1 200 OK\\r\\nContent-Length: 10\\r\\n\\r\\n0123 | 0x80200013",
  })
  void malformedDataResponsesAreTransientErrors(String response, String hresult) throws Exception {
    String get = response.strip().replace("\\r\\n", "\r\n");
    server.raw.put("/bad", r -> r.method().equals("HEAD")
        ? "HTTP/1.1 200 OK\r\nContent-Length: 10\r\nETag: \"x\"\r\n\r\n" : get);
    ClientJob job = client.createJob(JobSpec.builder("bad").addFile(server.uri("/bad"), tmp.resolve("out"))
        .start(true).build());
    awaitState(job, JobState.TRANSIENT_ERROR);
    assertThat(Hresult.hex(job.error().orElseThrow().hresult())).isEqualTo(hresult.strip());
    job.cancel();
  }

  @Test
  void compressedBodyIsRefused() throws Exception {
    server.contentEncoding = "gzip";
    ClientJob job = start(tmp.resolve("out"), JobSpec.builder("gz"));
    assertThat(settle(job)).isEqualTo(JobState.ERROR);
    assertThat(job.error().orElseThrow().hresult()).isEqualTo(Hresult.BG_E_INVALID_SERVER_RESPONSE);
  }

  @Test
  void emptyFileTransfers() throws Exception {
    Path empty = Files.createFile(tmp.resolve("empty"));
    server.replace(empty);
    Path dest = tmp.resolve("out");
    ClientJob job = start(dest, JobSpec.builder("e"));
    assertThat(settle(job)).isEqualTo(JobState.TRANSFERRED);
    job.complete();
    assertThat(Files.size(dest)).isZero();
  }
}
