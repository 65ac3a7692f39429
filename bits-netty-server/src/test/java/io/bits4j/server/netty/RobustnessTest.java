package io.bits4j.server.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.bits4j.AccessPolicy;
import io.bits4j.UrlPrefix;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Oversized, slow, idle and malformed requests, over raw sockets. */
class RobustnessTest {
  static Path dir;
  static NettyCompactServer server;
  static int port;

  @BeforeAll
  static void start() throws IOException {
    dir = Files.createTempDirectory("robust");
    server = NettyCompactServer.builder().workerThreads(2)
        .limits(ServerLimits.DEFAULTS.withHeaderTimeout(Duration.ofMillis(400)).withIdleTimeout(Duration.ofMillis(800))
            .withMaxConnections(20))
        .build();
    port = TestSupport.freePort();
    var group = server.createUrlGroup(UrlPrefix.parse("http://127.0.0.1:" + port + "/R"));
    group.host("f.bin", TestSupport.file(dir, "f.bin", 100), AccessPolicy.NONE);
    group.host("big.bin", TestSupport.sparse(dir, "big.bin", BIG), AccessPolicy.NONE);
  }

  /** Far more than loopback's socket buffers hold, so a reader that stops leaves the server stuck. */
  static final long BIG = 256L << 20;

  @AfterAll
  static void stop() throws IOException {
    server.close();
    try (var s = Files.walk(dir)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  static RawHttp.Response raw(String request) throws IOException {
    try (RawHttp c = RawHttp.plain(port)) {
      c.sendRaw(request.getBytes(StandardCharsets.ISO_8859_1));
      RawHttp.Response r = c.read(false);
      assertThat(r.text()).doesNotContain("Exception").doesNotContain("\tat ");
      return r;
    }
  }

  @Test
  void requestLineOver4KiBIs414AndClosed() throws IOException {
    try (RawHttp c = RawHttp.plain(port)) {
      c.sendRaw(("GET /R/" + "a".repeat(5000) + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      assertThat(c.read(false).status()).isEqualTo(414);
      assertThat(c.closedByPeer()).isTrue();
    }
    assertThat(raw("GET /R/" + "a".repeat(4000) + " HTTP/1.1\r\nHost: x\r\n\r\n").status()).isEqualTo(404);
  }

  @Test
  void headersOver16KiBAre431AndClosed() throws IOException {
    try (RawHttp c = RawHttp.plain(port)) {
      StringBuilder sb = new StringBuilder("GET /R/f.bin HTTP/1.1\r\nHost: x\r\n");
      for (int i = 0; i < 40; i++) {
        sb.append("X-Filler-").append(i).append(": ").append("v".repeat(500)).append("\r\n");
      }
      c.sendRaw(sb.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
      assertThat(c.read(false).status()).isEqualTo(431);
      assertThat(c.closedByPeer()).isTrue();
    }
  }

  @Test
  void slowHeadersGet408AndTheConnectionCloses() throws IOException {
    try (RawHttp c = RawHttp.plain(port)) {
      c.sendRaw("GET /R/f.bin HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII)); // never finished
      RawHttp.Response r = c.read(false);
      assertThat(r.status()).isEqualTo(408);
      assertThat(c.closedByPeer()).isTrue();
    }
  }

  @Test
  void idleKeepAliveConnectionsAreClosed() throws IOException {
    try (RawHttp c = RawHttp.plain(port)) {
      assertThat(c.request("GET", "/R/f.bin").status()).isEqualTo(200);
      long t0 = System.nanoTime();
      assertThat(c.closedByPeer()).isTrue();
      assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(10_000);
    }
  }

  @Test
  void aResponseWhoseReaderStopsTakingBytesIsCutAfterTheIdleTimeout() throws Exception {
    try (RawHttp c = RawHttp.plain(port)) {
      c.sendRaw("GET /R/big.bin HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      Thread.sleep(2_000); // the client stalls: 2.5 idle timeouts without taking a byte
      long got = c.drain(); // what the socket buffers held, then the end
      assertThat(got).isPositive().isLessThan(BIG);
    }
  }

  @Test
  void aSlowButSteadyReaderKeepsItsConnectionBeyondTheIdleTimeout() throws Exception {
    try (RawHttp c = RawHttp.plain(port)) {
      c.sendRaw("GET /R/big.bin HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      long got = 0;
      long t0 = System.nanoTime();
      // 3 idle timeouts in which the server can only write as fast as this reader takes (10 MB/s:
      // slow enough to keep the socket buffers full, fast enough that the server's sendfile
      // moves between two of its idle checks)
      while (System.nanoTime() - t0 < 2_400_000_000L) {
        long n = c.drain(1 << 20);
        assertThat(n).as("read at %d ms", (System.nanoTime() - t0) / 1_000_000).isEqualTo(1 << 20);
        got += n;
        Thread.sleep(100);
      }
      assertThat(got).isLessThan(BIG);
    }
  }

  @Test
  void connectionsBeyondTheCapAreClosed() throws Exception {
    Socket[] held = new Socket[20];
    try {
      for (int i = 0; i < held.length; i++) {
        held[i] = new Socket("127.0.0.1", port);
      }
      // bounded polling: the server has accepted all 20 once one more is refused
      boolean refused = false;
      for (int attempt = 0; attempt < 50 && !refused; attempt++) {
        try (Socket extra = new Socket("127.0.0.1", port)) {
          extra.setSoTimeout(2000);
          extra.getOutputStream().write("GET /R/f.bin HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
          InputStream in = extra.getInputStream();
          refused = in.read() < 0;
        } catch (IOException e) {
          refused = true;
        }
      }
      assertThat(refused).isTrue();
    } finally {
      for (Socket s : held) {
        if (s != null) {
          s.close();
        }
      }
    }
  }

  @Test
  void aMalformedChunkedBodyClosesTheConnectionAfterItsResponse() throws IOException {
    // the head was answered on arrival; what follows the broken body cannot be framed, so the
    // pipelined request behind it is neither answered nor left to the header timer's 408
    for (String body : new String[] {"zz\r\nhello\r\n0\r\n\r\n", "5\r\nhelloXX0\r\n\r\n",
        "0\r\nBad Trailer: y\r\n\r\n", "0\r\nX-T: " + "t".repeat(20_000) + "\r\n\r\n"}) {
      try (RawHttp c = RawHttp.plain(port)) {
        c.sendRaw(("GET /R/f.bin HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + body
            + "GET /R/f.bin HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        assertThat(c.read(false).status()).isEqualTo(200);
        assertThat(new String(c.socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1))
            .as("after the response to a request with the body %s", body.substring(0, 2)).isEmpty();
      }
    }
  }

  @Test
  void aMalformedChunkedBodyOfAWaitingRequestGets400() throws IOException {
    long last = (3L << 20) - 1; // longer than one sendfile chunk: the next request waits for it
    try (RawHttp c = RawHttp.plain(port)) {
      c.sendRaw(("GET /R/big.bin HTTP/1.1\r\nHost: x\r\nRange: bytes=0-" + last + "\r\n\r\n"
          + "GET /R/f.bin HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"
          + "GET /R/f.bin HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      RawHttp.Response first = c.read(false);
      assertThat(first.status()).isEqualTo(206);
      assertThat(first.body()).isEqualTo(TestSupport.read(dir.resolve("big.bin"), 0, last));
      RawHttp.Response second = c.read(false);
      assertThat(second.status()).isEqualTo(400);
      assertThat(second.header("Connection")).contains("close");
      assertThat(c.closedByPeer()).isTrue();
    }
  }

  @Test
  void invalidHostValuesAre400() throws IOException {
    for (String host : new String[] {"a b", "u@x", "x/y", "x:8o", "x:1:2", "[::1]x", "[::1", "[zz]", "a%zz", "a\\b"}) {
      assertThat(raw("GET /R/f.bin HTTP/1.1\r\nHost: " + host + "\r\n\r\n").status()).as("Host: %s", host).isEqualTo(400);
    }
    for (String host : new String[] {"x", "127.0.0.1:" + port, "127.0.0.1:", "[::1]:80", "[v1.fe]", "EXAMPLE.test",
        "a-b_c~d.e!$&'()*+,;=", "a%41"}) {
      assertThat(raw("GET /R/f.bin HTTP/1.1\r\nHost: " + host + "\r\n\r\n").status()).as("Host: %s", host).isEqualTo(200);
    }
  }

  @Test
  void malformedRequestsAre400() throws IOException {
    assertThat(raw("GET\r\n\r\n").status()).isEqualTo(400);
    assertThat(raw("GET /R/f.bin HTTP/2.0\r\nHost: x\r\n\r\n").status()).as("RFC 9110 §15.6.6").isEqualTo(505);
    assertThat(raw("GET /R/f.bin HTTP/3.0\r\nHost: x\r\n\r\n").status()).isEqualTo(505);
    assertThat(raw("GET /R/f.bin HTTP/1.2\r\nHost: x\r\n\r\n").status()).as("read as 1.1 (§2.5)").isEqualTo(200);
    assertThat(raw("GET /R/f.bin HTTP/1.2\r\n\r\n").status()).as("as 1.1: Host required").isEqualTo(400);
    assertThat(raw("GET /R/f.bin HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n").status()).isEqualTo(400);
    assertThat(raw("GET /R/f.bin HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n").status()).isEqualTo(400);
    assertThat(raw("GET /R/f.bin HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n").status()).isEqualTo(400);
    assertThat(raw("GET /R/f.bin HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n").status())
        .isIn(400, 200);
  }
}
