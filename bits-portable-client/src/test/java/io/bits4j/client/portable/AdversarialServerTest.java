package io.bits4j.client.portable;

import static org.assertj.core.api.Assertions.assertThat;

import io.bits4j.ClientJob;
import io.bits4j.Hresult;
import io.bits4j.JobSpec;
import io.bits4j.JobState;
import io.bits4j.testkit.ManualClock;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Servers that break the rules in ways the wire-behaviour tests do not script: every one must end
 * in a typed error or a bounded retry, never in a loop, a hang or a file mixing two versions.
 */
class AdversarialServerTest {
  @TempDir Path tmp;
  ScriptServer server;
  ManualClock clock;
  PortableBitsClient client;

  @BeforeEach
  void setUp() throws IOException {
    server = new ScriptServer();
    clock = new ManualClock();
    client = PortableBitsClient.builder().stateDirectory(tmp.resolve("state")).scheduler(clock)
        .readTimeout(Duration.ofMillis(500)).build();
  }

  @AfterEach
  void tearDown() throws IOException {
    client.close();
    server.close();
  }

  private ClientJob start(JobSpec.Builder b, Path dest) {
    return client.createJob(b.addFile(server.uri("/f"), dest).start(true).build());
  }

  private static JobState settle(ClientJob job) throws Exception {
    return job.outcome().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static void awaitState(ClientJob job, JobState s) {
    TestFiles.await(s.toString(), Duration.ofSeconds(20), () -> job.state() == s);
  }

  private static byte[] content(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-");

  /** The first byte a GET asks for (0 without a Range header). */
  private static long from(TestServer.Request r) {
    String range = r.header("range");
    if (range == null) {
      return 0;
    }
    Matcher m = RANGE.matcher(range);
    return m.matches() ? Long.parseLong(m.group(1)) : 0;
  }

  private static void head(OutputStream out, long length, String validators) throws IOException {
    ScriptServer.write(out, "HTTP/1.1 200 OK\r\n" + validators + "Content-Length: " + length + "\r\n\r\n");
  }

  // ---------------------------------------------------------------- 2. 206 that does not match

  /** A server answering every GET, even one without Range, with 206 and a total other than HEAD's. */
  @Test
  void partialContentWithAnotherTotalThanHeadSaidDoesNotLoop() throws Exception {
    byte[] data = content(200_000, 2);
    server.handler = (req, out) -> {
      if (req.method().equals("HEAD")) {
        head(out, 250_000, "ETag: \"a\"\r\n");
        return true;
      }
      long first = from(req);
      if (first >= data.length) {
        ScriptServer.write(out, "HTTP/1.1 416 X\r\nContent-Range: bytes */" + data.length
            + "\r\nContent-Length: 0\r\n\r\n");
        return true;
      }
      ScriptServer.write(out, "HTTP/1.1 206 Partial Content\r\nETag: \"a\"\r\nContent-Range: bytes " + first + "-"
          + (data.length - 1) + "/" + data.length + "\r\nContent-Length: " + (data.length - first) + "\r\n\r\n");
      out.write(data, (int) first, (int) (data.length - first));
      out.flush();
      return true;
    };
    Path dest = tmp.resolve("out");
    ClientJob job = start(JobSpec.builder("206"), dest);
    TestFiles.await("settled", Duration.ofSeconds(20), () -> job.state() != JobState.CONNECTING
        && job.state() != JobState.QUEUED && job.state() != JobState.TRANSFERRING || server.gets() > 1000);
    assertThat(server.gets()).isLessThan(10);
    assertThat(settle(job)).isEqualTo(JobState.TRANSFERRED);
    job.complete();
    assertThat(Files.readAllBytes(dest)).isEqualTo(data);
  }

  /** 416 to a GET without Range: there is no offset to give up, so it is an HTTP error, not a restart. */
  @Test
  void rangeNotSatisfiableWithoutRangeIsAnErrorNotALoop() throws Exception {
    server.handler = (req, out) -> {
      ScriptServer.write(out, req.method().equals("HEAD") ? "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"
          : "HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: bytes */1000\r\nContent-Length: 0\r\n\r\n");
      return true;
    };
    Path dest = tmp.resolve("out");
    ClientJob job = start(JobSpec.builder("416"), dest);
    TestFiles.await("settled", Duration.ofSeconds(20), () -> job.state() == JobState.ERROR
        || server.gets() > 1000);
    assertThat(server.gets()).isEqualTo(1);
    assertThat(job.error().orElseThrow().hresult()).isEqualTo(Hresult.httpError(416));
    assertThat(dest).doesNotExist();
  }

  /** A 206 whose Content-Length is longer than its Content-Range (the extra bytes are not the file's). */
  @Test
  void partialContentLongerThanItsRangeIsRefused() throws Exception {
    byte[] data = content(100_000, 3);
    server.handler = (req, out) -> {
      if (req.method().equals("HEAD")) {
        head(out, data.length, "ETag: \"a\"\r\n");
        return true;
      }
      if (server.gets() == 1) {
        ScriptServer.write(out, "HTTP/1.1 200 OK\r\nETag: \"a\"\r\nContent-Length: " + data.length + "\r\n\r\n");
        out.write(data, 0, 40_000);
        out.flush();
        return false;
      }
      long first = from(req);
      ScriptServer.write(out, "HTTP/1.1 206 Partial Content\r\nETag: \"a\"\r\nContent-Range: bytes " + first + "-"
          + (data.length - 1) + "/" + data.length + "\r\nContent-Length: " + (data.length - first + 10) + "\r\n\r\n");
      out.write(data, (int) first, (int) (data.length - first));
      out.write(new byte[10]);
      out.flush();
      return true;
    };
    Path dest = tmp.resolve("out");
    ClientJob job = start(JobSpec.builder("long206"), dest);
    awaitState(job, JobState.TRANSIENT_ERROR);
    assertThat(job.error().orElseThrow().hresult()).isEqualTo(Hresult.BG_E_INVALID_SERVER_RESPONSE);
    assertThat(job.files().get(0).bytesTransferred()).isEqualTo(40_000);
    job.cancel();
    assertThat(dest).doesNotExist();
  }

  // ---------------------------------------------------------------- 3. the file changes

  /** Only Last-Modified identifies the version; the server ignores If-Range and sends 206 of v2. */
  @Test
  void lastModifiedOnlyServerIgnoringIfRangeNeverSplicesVersions() throws Exception {
    byte[] v1 = content(150_000, 4);
    byte[] v2 = content(150_000, 5);
    String lm1 = "Thu, 01 Jan 2026 00:00:00 GMT";
    String lm2 = "Fri, 02 Jan 2026 00:00:00 GMT";
    server.handler = (req, out) -> {
      boolean second = server.gets() > 1;
      byte[] data = second ? v2 : v1;
      String lm = "Last-Modified: " + (second ? lm2 : lm1) + "\r\n";
      if (req.method().equals("HEAD")) {
        // a stale cache: HEAD always shows the first version
        head(out, v1.length, "Last-Modified: " + lm1 + "\r\n");
        return true;
      }
      long first = from(req);
      ScriptServer.write(out, (first == 0 ? "HTTP/1.1 200 OK\r\n" : "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes "
          + first + "-" + (data.length - 1) + "/" + data.length + "\r\n") + lm + "Content-Length: "
          + (data.length - first) + "\r\n\r\n");
      if (server.gets() == 1) {
        out.write(data, 0, 60_000);
        out.flush();
        return false;
      }
      out.write(data, (int) first, (int) (data.length - first));
      out.flush();
      return true;
    };
    Path dest = tmp.resolve("out");
    ClientJob job = start(JobSpec.builder("lm"), dest);
    assertThat(settle(job)).isEqualTo(JobState.TRANSFERRED);
    assertThat(server.getRequests().get(1).header("if-range")).isEqualTo(lm1);
    job.complete();
    assertThat(Files.readAllBytes(dest)).isEqualTo(v2);
  }

  /**
   * The file is written in place while a response is under way: the response began as v1 (its
   * ETag says so) but its tail is v2's bytes, as a zero-copy send can give. Only the HEAD after
   * the last byte tells: the file is transferred again, never published mixed.
   */
  @Test
  void aResponseMixingTwoVersionsIsCaughtByTheHeadAfterTheLastByte() throws Exception {
    byte[] v1 = content(120_000, 11);
    byte[] v2 = content(120_000, 12);
    java.util.concurrent.atomic.AtomicInteger heads = new java.util.concurrent.atomic.AtomicInteger();
    server.handler = (req, out) -> {
      boolean changed = req.method().equals("HEAD") ? heads.incrementAndGet() > 1 : server.gets() > 1;
      String etag = "ETag: \"" + (changed ? "v2" : "v1") + "\"\r\n";
      if (req.method().equals("HEAD")) {
        head(out, v1.length, etag);
        return true;
      }
      ScriptServer.write(out, "HTTP/1.1 200 OK\r\n" + etag + "Content-Length: " + v1.length + "\r\n\r\n");
      if (changed) {
        out.write(v2);
      } else {
        out.write(v1, 0, 70_000);
        out.write(v2, 70_000, v2.length - 70_000); // the pages changed under the send
      }
      out.flush();
      return true;
    };
    Path dest = tmp.resolve("out");
    ClientJob job = start(JobSpec.builder("mixed"), dest);
    assertThat(settle(job)).isEqualTo(JobState.TRANSFERRED);
    assertThat(server.gets()).isEqualTo(2);
    assertThat(heads.get()).as("HEAD, HEAD after the last byte; again for the second pass").isEqualTo(4);
    job.complete();
    assertThat(Files.readAllBytes(dest)).isEqualTo(v2);
  }

  /** A file that changes during every pass ends the attempt with BG_E_REMOTE_FILE_CHANGED, not a loop. */
  @Test
  void aFileChangingDuringEveryPassIsATransientErrorAfterThreePasses() throws Exception {
    byte[] data = content(50_000, 13);
    java.util.concurrent.atomic.AtomicInteger heads = new java.util.concurrent.atomic.AtomicInteger();
    server.handler = (req, out) -> {
      if (req.method().equals("HEAD")) {
        head(out, data.length, "ETag: \"" + heads.incrementAndGet() + "\"\r\n");
        return true;
      }
      ScriptServer.write(out, "HTTP/1.1 200 OK\r\nContent-Length: " + data.length + "\r\n\r\n");
      out.write(data);
      out.flush();
      return true;
    };
    Path dest = tmp.resolve("out");
    ClientJob job = start(JobSpec.builder("changing"), dest);
    awaitState(job, JobState.TRANSIENT_ERROR);
    assertThat(job.error().orElseThrow().hresult()).isEqualTo(Hresult.BG_E_REMOTE_FILE_CHANGED);
    // three passes per attempt; the engine retries at once at most three times without progress
    assertThat(server.gets()).as("GETs").isBetween(3, 12);
    assertThat(server.gets() % 3).as("whole attempts of three passes").isZero();
    job.cancel();
    assertThat(dest).doesNotExist();
  }

  // ---------------------------------------------------------------- 4. cuts, endless bodies, stalls

  @Test
  void cutAtTheSameOffsetEveryTimeEndsInErrorKeepingThePartial() throws Exception {
    byte[] data = content(200_000, 6);
    server.handler = (req, out) -> {
      if (req.method().equals("HEAD")) {
        head(out, data.length, "ETag: \"a\"\r\n");
        return true;
      }
      long first = from(req);
      ScriptServer.write(out, (first == 0 ? "HTTP/1.1 200 OK\r\n" : "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes "
          + first + "-" + (data.length - 1) + "/" + data.length + "\r\n") + "ETag: \"a\"\r\nContent-Length: "
          + (data.length - first) + "\r\n\r\n");
      if (first < 70_000) {
        out.write(data, (int) first, (int) (70_000 - first));
      }
      out.flush();
      return false;
    };
    Path dest = tmp.resolve("out");
    ClientJob job = start(JobSpec.builder("cut").minimumRetryDelay(Duration.ofSeconds(10))
        .noProgressTimeout(Duration.ofSeconds(15)), dest);
    awaitState(job, JobState.TRANSIENT_ERROR);
    assertThat(job.error().orElseThrow().hresult()).isEqualTo(Hresult.BG_E_CONNECTION_CLOSED);
    assertThat(job.transientErrorCount()).isEqualTo(4); // the cut plus three immediate retries
    clock.advance(Duration.ofSeconds(10));
    TestFiles.await("retried", Duration.ofSeconds(10), () -> job.transientErrorCount() == 5
        && job.state() == JobState.TRANSIENT_ERROR);
    clock.advance(Duration.ofSeconds(5));
    assertThat(job.state()).isEqualTo(JobState.ERROR);
    assertThat(job.files().get(0).bytesTransferred()).isEqualTo(70_000);
    assertThat(dest).doesNotExist();
    // the partial survives: once the server behaves, a resume continues from the cut
    server.handler = (req, out) -> {
      if (req.method().equals("HEAD")) {
        head(out, data.length, "ETag: \"a\"\r\n");
        return true;
      }
      long first = from(req);
      ScriptServer.write(out, "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes " + first + "-"
          + (data.length - 1) + "/" + data.length + "\r\nETag: \"a\"\r\nContent-Length: " + (data.length - first)
          + "\r\n\r\n");
      out.write(data, (int) first, (int) (data.length - first));
      out.flush();
      return true;
    };
    job.resume();
    assertThat(settle(job)).isEqualTo(JobState.TRANSFERRED);
    assertThat(server.getRequests().get(server.getRequests().size() - 1).header("range")).isEqualTo("bytes=70000-");
    job.complete();
    assertThat(Files.readAllBytes(dest)).isEqualTo(data);
  }

  /** Endless bytes after the declared body, on a kept-alive connection that the next file would reuse. */
  @Test
  void endlessBodyBeyondContentLengthIsNotReadIntoTheNextFile() throws Exception {
    byte[] a = content(120_000, 7);
    byte[] b = content(80_000, 8);
    AtomicLong extra = new AtomicLong();
    server.handler = (req, out) -> {
      byte[] data = req.target().equals("/a") ? a : b;
      if (req.method().equals("HEAD")) {
        head(out, data.length, "ETag: \"" + req.target() + "\"\r\n");
        return true;
      }
      ScriptServer.write(out, "HTTP/1.1 200 OK\r\nETag: \"" + req.target() + "\"\r\nContent-Length: " + data.length
          + "\r\n\r\n");
      out.write(data);
      out.flush();
      if (req.target().equals("/a")) {
        byte[] junk = new byte[8192];
        java.util.Arrays.fill(junk, (byte) 'x');
        while (extra.get() < 64L << 20) { // until the client hangs up (bounded for the test)
          out.write(junk);
          out.flush();
          extra.addAndGet(junk.length);
        }
        return false;
      }
      return true;
    };
    Path da = tmp.resolve("a");
    Path db = tmp.resolve("b");
    ClientJob job = client.createJob(JobSpec.builder("two").addFile(server.uri("/a"), da)
        .addFile(server.uri("/b"), db).start(true).build());
    assertThat(settle(job)).isEqualTo(JobState.TRANSFERRED);
    job.complete();
    assertThat(Files.readAllBytes(da)).isEqualTo(a);
    assertThat(Files.readAllBytes(db)).isEqualTo(b);
    assertThat(extra.get()).isLessThan(64L << 20);
  }

  /** Folded header lines without end: the response head must stay bounded. */
  @Test
  void endlessFoldedHeaderIsATransientErrorNotUnboundedMemory() throws Exception {
    AtomicLong sent = new AtomicLong();
    server.handler = (req, out) -> {
      ScriptServer.write(out, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\nX-Fold: a\r\n");
      byte[] line = (" " + "b".repeat(1021) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
      while (sent.get() < 256L << 20) {
        out.write(line);
        sent.addAndGet(line.length);
      }
      out.flush();
      return false;
    };
    ClientJob job = start(JobSpec.builder("fold"), tmp.resolve("out"));
    TestFiles.await("transient error", Duration.ofSeconds(20), () -> job.state() == JobState.TRANSIENT_ERROR);
    assertThat(sent.get()).isLessThan(256L << 20);
    assertThat(job.error().orElseThrow().hresult()).isEqualTo(Hresult.BG_E_INVALID_SERVER_RESPONSE);
    job.cancel();
  }

  /** Interim 1xx responses without end: the client must not wait for a final answer forever. */
  @Test
  void endlessInterimResponsesAreATransientError() throws Exception {
    AtomicLong sent = new AtomicLong();
    server.handler = (req, out) -> {
      byte[] interim = "HTTP/1.1 102 Processing\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
      while (sent.get() < 256L << 20) {
        out.write(interim);
        sent.addAndGet(interim.length);
      }
      out.flush();
      return false;
    };
    ClientJob job = start(JobSpec.builder("1xx"), tmp.resolve("out"));
    TestFiles.await("transient error", Duration.ofSeconds(20), () -> job.state() == JobState.TRANSIENT_ERROR);
    assertThat(sent.get()).isLessThan(256L << 20);
    assertThat(job.error().orElseThrow().hresult()).isEqualTo(Hresult.BG_E_INVALID_SERVER_RESPONSE);
    job.cancel();
  }

  /**
   * A head dripped a byte at a time, each byte well inside the read timeout: the head as a whole
   * must still be bounded (by the read timeout, from its first byte).
   */
  @Test
  void headDrippedByteByByteTimesOut() throws Exception {
    AtomicLong dripped = new AtomicLong();
    server.handler = (req, out) -> {
      ScriptServer.write(out, "HTTP/1.1 200 OK\r\nX-Drip: ");
      try {
        while (dripped.get() < 200) { // 20 s at most, if the client never gave up
          Thread.sleep(100); // the peer's pace: a fifth of the client's 500 ms read timeout
          out.write('a');
          out.flush();
          dripped.incrementAndGet();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return false;
    };
    ClientJob job = start(JobSpec.builder("drip"), tmp.resolve("out"));
    TestFiles.await("transient error", Duration.ofSeconds(20), () -> job.state() == JobState.TRANSIENT_ERROR);
    assertThat(dripped.get()).isLessThan(200);
    assertThat(job.error().orElseThrow().hresult()).isEqualTo(Hresult.E_WINHTTP_TIMEOUT);
    assertThat(job.error().orElseThrow().description()).contains("response head not complete");
    job.cancel();
  }

  // ---------------------------------------------------------------- 5. HEAD differing from GET

  /**
   * HEAD (a stale cache) reports another length than GET delivers, and the body is cut at the same
   * place every time: restarting the file over and over is no progress and must not loop at once
   * forever.
   */
  @Test
  void headLengthDifferingFromGetWithRepeatedCutsIsNoProgress() throws Exception {
    byte[] data = content(200_000, 9);
    server.handler = (req, out) -> {
      if (req.method().equals("HEAD")) {
        head(out, 300_000, "");
        return true;
      }
      long first = from(req);
      ScriptServer.write(out, (first == 0 ? "HTTP/1.1 200 OK\r\n" : "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes "
          + first + "-" + (data.length - 1) + "/" + data.length + "\r\n") + "Content-Length: "
          + (data.length - first) + "\r\n\r\n");
      if (first < 50_000) {
        out.write(data, (int) first, (int) (50_000 - first));
      }
      out.flush();
      return false;
    };
    Path dest = tmp.resolve("out");
    ClientJob job = start(JobSpec.builder("lyinghead").minimumRetryDelay(Duration.ofSeconds(10))
        .noProgressTimeout(Duration.ofSeconds(15)), dest);
    TestFiles.await("settled", Duration.ofSeconds(20), () -> job.state() == JobState.TRANSIENT_ERROR
        || server.gets() > 200);
    // the cut after progress, then three immediate retries that restart the file and get no further
    assertThat(server.gets()).isEqualTo(4);
    assertThat(job.transientErrorCount()).isEqualTo(4);
    assertThat(job.error().orElseThrow().hresult()).isEqualTo(Hresult.BG_E_CONNECTION_CLOSED);
    clock.advance(Duration.ofSeconds(10));
    TestFiles.await("retried", Duration.ofSeconds(10), () -> job.state() == JobState.TRANSIENT_ERROR
        && job.transientErrorCount() == 5 || server.gets() > 200);
    clock.advance(Duration.ofSeconds(5));
    TestFiles.await("error", Duration.ofSeconds(10), () -> job.state() == JobState.ERROR || server.gets() > 200);
    assertThat(job.state()).isEqualTo(JobState.ERROR);
    assertThat(dest).doesNotExist();
  }
}
