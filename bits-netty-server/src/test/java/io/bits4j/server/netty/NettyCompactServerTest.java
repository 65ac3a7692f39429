package io.bits4j.server.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bits4j.AccessPolicy;
import io.bits4j.AuthScheme;
import io.bits4j.BitsException;
import io.bits4j.GroupStats;
import io.bits4j.HostedFile;
import io.bits4j.Hresult;
import io.bits4j.UrlGroup;
import io.bits4j.UrlPrefix;
import io.bits4j.server.netty.internal.Multipart;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** URL groups, routing, methods, limits and file life cycle of the Netty server. */
class NettyCompactServerTest {
  @TempDir
  Path dir;
  NettyCompactServer server;
  int port;
  Path file;
  UrlGroup group;

  @BeforeEach
  void start() throws IOException {
    server = NettyCompactServer.builder().workerThreads(2).build();
    port = TestSupport.freePort();
    file = TestSupport.file(dir, "f.bin", 10_000);
    group = server.createUrlGroup(UrlPrefix.parse("http://127.0.0.1:" + port + "/Carmine"));
    group.host("f.bin", file, AccessPolicy.NONE);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void jdkHttpClientDownloadsFullAndRange() throws Exception {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    URI url = URI.create("http://127.0.0.1:" + port + "/Carmine/f.bin");
    HttpResponse<byte[]> full = client.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(full.statusCode()).isEqualTo(200);
    assertThat(full.body()).isEqualTo(Files.readAllBytes(file));
    assertThat(full.headers().firstValue("content-length")).contains("10000");
    HttpResponse<byte[]> part = client.send(HttpRequest.newBuilder(url).header("Range", "bytes=9990-").build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(part.statusCode()).isEqualTo(206);
    assertThat(part.body()).isEqualTo(TestSupport.read(file, 9990, 9999));
    HttpResponse<Void> head = client.send(HttpRequest.newBuilder(url).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.discarding());
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.headers().firstValue("content-length")).contains("10000");
  }

  @Test
  void groupLifecycleAndCheckUrl() throws Exception {
    UrlPrefix p = group.prefix();
    assertThat(server.createUrlGroup(UrlPrefix.parse("http://127.0.0.1:" + port + "/CARMINE"))).isSameAs(group);
    assertThat(server.findUrlGroup(p)).containsSame(group);
    assertThat(server.urlGroups()).containsExactly(group);
    assertThat(group.contains("F.BIN")).isTrue();
    assertThat(group.find("f.bin").map(HostedFile::source)).contains(file.toAbsolutePath());
    assertThatThrownBy(() -> group.host("f.bin", file, AccessPolicy.NONE))
        .isInstanceOfSatisfying(BitsException.class, e -> assertThat(e.hresult()).isEqualTo(Hresult.E_ALREADY_EXISTS));
    assertThatThrownBy(() -> group.host("missing", dir.resolve("nope"), AccessPolicy.NONE))
        .isInstanceOfSatisfying(BitsException.class, e -> assertThat(e.hresult()).isEqualTo(Hresult.E_FILE_NOT_FOUND));
    assertThatThrownBy(() -> group.host("dir", dir, AccessPolicy.NONE))
        .isInstanceOfSatisfying(BitsException.class, e -> assertThat(e.hresult()).isEqualTo(Hresult.E_ACCESSDENIED));
    assertThatThrownBy(() -> group.host("../x", file, AccessPolicy.NONE))
        .isInstanceOfSatisfying(BitsException.class, e -> assertThat(e.hresult()).isEqualTo(Hresult.E_INVALIDARG));
    try (RawHttp c = RawHttp.plain(port)) {
      assertThat(c.request("GET", "/carmine/F.Bin").status()).isEqualTo(200);
      assertThat(group.remove("F.BIN")).isTrue();
      assertThat(group.remove("f.bin")).isFalse();
      assertThat(c.request("GET", "/Carmine/f.bin").status()).isEqualTo(404);
    }
    assertThat(server.deleteUrlGroup(p)).isTrue();
    assertThat(server.deleteUrlGroup(p)).isFalse();
    group.delete(); // idempotent
    assertThatThrownBy(() -> group.files())
        .isInstanceOfSatisfying(BitsException.class, e -> assertThat(e.hresult()).isEqualTo(Hresult.E_NOT_FOUND));
    // the port closed with its last group
    assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);
    // and opens again on demand
    UrlGroup again = server.createUrlGroup(p);
    again.host("f.bin", file, AccessPolicy.NONE);
    try (RawHttp c = RawHttp.plain(port)) {
      assertThat(c.request("GET", "/Carmine/f.bin").status()).isEqualTo(200);
    }
  }

  @Test
  void hostedFileHandleRemovesItself() throws Exception {
    HostedFile h = group.host("g.bin", file, AccessPolicy.NONE);
    assertThat(h.url("127.0.0.1")).isEqualTo(URI.create("http://127.0.0.1:" + port + "/Carmine/g.bin"));
    assertThat(h.remove()).isTrue();
    assertThat(h.remove()).isFalse();
    assertThat(group.contains("g.bin")).isFalse();
  }

  @Test
  void routingPrecedenceStrongOverExplicitOverWeak() throws Exception {
    Path a = TestSupport.file(dir, "a.bin", 1);
    Path b = TestSupport.file(dir, "b.bin", 2);
    Path c = TestSupport.file(dir, "c.bin", 3);
    int p2 = TestSupport.freePort();
    server.createUrlGroup(UrlPrefix.parse("http://*:" + p2 + "/G")).host("x", a, AccessPolicy.NONE);
    UrlGroup explicit = server.createUrlGroup(UrlPrefix.parse("http://localhost:" + p2 + "/G"));
    explicit.host("x", b, AccessPolicy.NONE);
    try (RawHttp conn = RawHttp.plain(p2)) {
      assertThat(conn.request("GET", "/G/x").body()).hasSize(1); // Host 127.0.0.1: no explicit match -> weak
      conn.sendRaw("GET /g/x HTTP/1.1\r\nHost: LOCALHOST:1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(conn.read(false).body()).hasSize(2); // explicit beats weak
    }
    UrlGroup strong = server.createUrlGroup(UrlPrefix.parse("http://+:" + p2 + "/G"));
    strong.host("x", c, AccessPolicy.NONE);
    try (RawHttp conn = RawHttp.plain(p2)) {
      conn.sendRaw("GET /G/x HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(conn.read(false).body()).hasSize(3); // strong beats explicit
    }
  }

  @Test
  void explicitAddressThenWildcardWidensTheListener() throws Exception {
    int p2 = TestSupport.freePort();
    Path a = TestSupport.file(dir, "a.bin", 1);
    Path b = TestSupport.file(dir, "b.bin", 2);
    server.createUrlGroup(UrlPrefix.parse("http://127.0.0.1:" + p2 + "/A")).host("x", a, AccessPolicy.NONE);
    server.createUrlGroup(UrlPrefix.parse("http://+:" + p2 + "/B")).host("x", b, AccessPolicy.NONE);
    try (RawHttp conn = RawHttp.plain(p2)) {
      assertThat(conn.request("GET", "/A/x").body()).hasSize(1);
      assertThat(conn.request("GET", "/B/x").body()).hasSize(2);
    }
    assertThat(server.deleteUrlGroup(UrlPrefix.parse("http://+:" + p2 + "/B"))).isTrue();
    try (RawHttp conn = RawHttp.plain(p2)) {
      assertThat(conn.request("GET", "/A/x").status()).isEqualTo(200);
      assertThat(conn.request("GET", "/B/x").status()).isEqualTo(404);
    }
  }

  @Test
  void ipv6LoopbackPrefix() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(java.net.NetworkInterface.networkInterfaces()
        .flatMap(java.net.NetworkInterface::inetAddresses)
        .anyMatch(x -> x instanceof java.net.Inet6Address && x.isLoopbackAddress()), "no ::1 on this machine");
    int p6 = TestSupport.freePort();
    server.createUrlGroup(UrlPrefix.parse("http://[::1]:" + p6 + "/Six")).host("f.bin", file, AccessPolicy.NONE);
    HttpClient client = HttpClient.newHttpClient();
    HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(URI.create("http://[::1]:" + p6 + "/Six/f.bin"))
        .header("Range", "bytes=0-9").build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(206);
    assertThat(r.body()).isEqualTo(TestSupport.read(file, 0, 9));
  }

  @Test
  void manyPipelinedRequestsAreAnsweredInOrder() throws Exception {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 100; i++) {
      sb.append("GET /Carmine/f.bin HTTP/1.1\r\nHost: x\r\nRange: bytes=").append(i * 10).append('-').append(i * 10 + i % 7)
          .append("\r\n\r\n");
    }
    try (RawHttp c = RawHttp.plain(port)) {
      c.sendRaw(sb.toString().getBytes(StandardCharsets.US_ASCII));
      for (int i = 0; i < 100; i++) {
        RawHttp.Response r = c.read(false);
        assertThat(r.status()).isEqualTo(206);
        assertThat(r.body()).isEqualTo(TestSupport.read(file, i * 10, i * 10 + i % 7));
      }
    }
  }

  @Test
  void aKeptAliveConnectionNeverReachesAPortRecreatedForHttps() throws Exception {
    try (RawHttp c = RawHttp.plain(port)) {
      assertThat(c.request("GET", "/Carmine/f.bin").status()).isEqualTo(200);
      server.deleteUrlGroup(group.prefix());
      server.setSslCertificate(port, TestSupport.pki().serverIdentity());
      server.createUrlGroup(UrlPrefix.parse("https://127.0.0.1:" + port + "/Carmine")).host("f.bin", file, AccessPolicy.NONE);
      c.sendRaw("GET /Carmine/f.bin HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(c.closedByPeer()).isTrue();
    }
  }

  @Test
  void aPortInUseIsATypedErrorAndLeavesNoGroup() throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      UrlPrefix p = UrlPrefix.parse("http://127.0.0.1:" + taken.getLocalPort() + "/Busy");
      assertThatThrownBy(() -> server.createUrlGroup(p))
          .isInstanceOfSatisfying(BitsException.class, e -> assertThat(e.hresult()).isEqualTo(Hresult.E_ALREADY_EXISTS));
      assertThat(server.findUrlGroup(p)).isEmpty();
    }
  }

  @Test
  void httpAndHttpsCannotShareAPort() {
    assertThatThrownBy(() -> server.createUrlGroup(UrlPrefix.parse("https://127.0.0.1:" + port + "/Other")))
        .isInstanceOfSatisfying(BitsException.class, e -> assertThat(e.hresult()).isEqualTo(Hresult.E_INVALIDARG));
  }

  @Test
  void negotiateAndNtlmAreNotImplemented() {
    for (AuthScheme s : new AuthScheme[] {AuthScheme.NEGOTIATE, AuthScheme.NTLM}) {
      assertThatThrownBy(() -> group.setAuthentication(s, true))
          .isInstanceOfSatisfying(BitsException.class, e -> assertThat(e.hresult()).isEqualTo(Hresult.E_NOTIMPL));
    }
    assertThat(group.authentication()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"})
  void knownMethodsGet405WithAllow(String method) throws Exception {
    try (RawHttp c = RawHttp.plain(port)) {
      RawHttp.Response r = c.request(method, "/Carmine/f.bin");
      assertThat(r.status()).isEqualTo(405);
      assertThat(r.header("Allow")).contains("GET, HEAD");
    }
  }

  @Test
  void unknownMethodGets501AndMissingHostGets400() throws Exception {
    try (RawHttp c = RawHttp.plain(port)) {
      assertThat(c.request("BREW", "/Carmine/f.bin").status()).isEqualTo(501);
    }
    try (RawHttp c = RawHttp.plain(port)) {
      c.sendRaw("GET /Carmine/f.bin HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(c.read(false).status()).isEqualTo(400);
      assertThat(c.closedByPeer()).isTrue();
    }
    try (RawHttp c = RawHttp.plain(port)) {
      c.sendRaw("GET /Carmine/f.bin HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      RawHttp.Response r = c.read(false);
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.body()).hasSize(10_000);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"/Carmine/../Carmine/f.bin", "/Carmine/%2e%2e/f.bin", "/Carmine/f.bin%2f", "/Carmine%2ff.bin",
      "/Carmine/f%5c.bin", "/Carmine/f.bin%00", "/Carmine/%252e%252e/f.bin", "/Carmine\\f.bin", "/Carmine/./f.bin",
      "/Carmine/f.bin%zz", "/Carmine/%c0%ae%c0%ae/f.bin", "*", "ftp://x/Carmine/f.bin"})
  void traversalAndEncodingTricksNeverReachTheFileSystem(String target) throws Exception {
    try (RawHttp c = RawHttp.plain(port)) {
      c.sendRaw(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      RawHttp.Response r = c.read(false);
      assertThat(r.status()).isIn(400, 404);
      assertThat(r.text()).doesNotContain("Exception");
    }
  }

  @Test
  void absoluteFormAndQueryAreAccepted() throws Exception {
    try (RawHttp c = RawHttp.plain(port)) {
      c.sendRaw(("GET http://127.0.0.1:" + port + "/Carmine/f.bin?x=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      assertThat(c.read(false).status()).isEqualTo(200);
    }
  }

  @Test
  void absoluteFormRoutesByTheTargetsHostNotTheHostHeader() throws Exception {
    int p2 = TestSupport.freePort();
    server.createUrlGroup(UrlPrefix.parse("http://localhost:" + p2 + "/G")).host("x", file, AccessPolicy.NONE);
    try (RawHttp c = RawHttp.plain(p2)) {
      c.sendRaw(("GET http://localhost:" + p2 + "/G/x HTTP/1.1\r\nHost: other.test\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      assertThat(c.read(false).status()).isEqualTo(200);
      c.sendRaw(("GET http://other.test:" + p2 + "/G/x HTTP/1.1\r\nHost: localhost\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      assertThat(c.read(false).status()).isEqualTo(404);
      c.sendRaw("GET http://u@localhost/G/x HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(c.read(false).status()).isEqualTo(400);
    }
  }

  @Test
  void deletedFileIs404AndReplacedFileGetsNewValidators() throws Exception {
    try (RawHttp c = RawHttp.plain(port)) {
      String etag1 = c.request("HEAD", "/Carmine/f.bin").header("ETag").orElseThrow();
      Path replacement = TestSupport.file(dir, "new.bin", 10_000);
      Files.setLastModifiedTime(replacement, FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
      Files.move(replacement, file, StandardCopyOption.REPLACE_EXISTING);
      RawHttp.Response r = c.request("HEAD", "/Carmine/f.bin");
      assertThat(r.header("ETag").orElseThrow()).isNotEqualTo(etag1);
      assertThat(r.header("Last-Modified")).contains("Wed, 01 Jan 2020 00:00:00 GMT");
      assertThat(c.request("GET", "/Carmine/f.bin", "Range: bytes=0-1", "If-Range: " + etag1).status()).isEqualTo(200);
      Files.delete(file);
      assertThat(c.request("GET", "/Carmine/f.bin").status()).isEqualTo(404);
      assertThat(group.contains("f.bin")).isTrue(); // still hosted: a file put back is served again
    }
  }

  @Test
  void statsCountRequestsBytesAndStatuses() throws Exception {
    try (RawHttp c = RawHttp.plain(port)) {
      c.request("GET", "/Carmine/f.bin");
      c.request("GET", "/Carmine/f.bin", "Range: bytes=0-9");
      c.request("GET", "/Carmine/nope");
    }
    GroupStats s = awaitStats(3);
    assertThat(s.bytesSent()).isEqualTo(10_010);
    assertThat(s.statuses()).containsEntry(200, 1L).containsEntry(206, 1L).containsEntry(404, 1L);
    assertThat(s.activeConnections()).isZero();
  }

  private GroupStats awaitStats(long requests) throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    GroupStats s = group.stats();
    while (s.requests() < requests && System.nanoTime() < deadline) {
      Thread.sleep(5);
      s = group.stats();
    }
    return s;
  }

  @Test
  void connectionLimitAnswers503WithRetryAfter() throws Exception {
    Path big = TestSupport.sparse(dir, "big.bin", 256L << 20);
    group.host("big.bin", big, AccessPolicy.NONE);
    group.setConnectionLimit(1);
    assertThat(group.connectionLimit()).isEqualTo(1);
    try (RawHttp slow = RawHttp.plain(port); RawHttp other = RawHttp.plain(port)) {
      slow.socket.setReceiveBufferSize(4096);
      slow.sendRaw("GET /Carmine/big.bin HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      // the first response is in flight (the client is not reading): the second is refused
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (group.stats().activeConnections() < 1 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      RawHttp.Response r = other.request("GET", "/Carmine/f.bin");
      assertThat(r.status()).isEqualTo(503);
      assertThat(r.header("Retry-After")).contains("1");
    }
  }

  @Test
  void bandwidthLimitValidatesAndThrottles() throws Exception {
    assertThatThrownBy(() -> group.setBandwidthLimit(1023))
        .isInstanceOfSatisfying(BitsException.class, e -> assertThat(e.hresult()).isEqualTo(Hresult.E_INVALIDARG));
    group.setBandwidthLimit(40_000);
    assertThat(group.bandwidthLimit()).isEqualTo(40_000);
    Path f = TestSupport.file(dir, "t.bin", 60_000);
    group.host("t.bin", f, AccessPolicy.NONE);
    long t0 = System.nanoTime();
    try (RawHttp c = RawHttp.plain(port)) {
      RawHttp.Response r = c.request("GET", "/Carmine/t.bin");
      assertThat(r.body()).isEqualTo(Files.readAllBytes(f));
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    // burst 10,000 B, then 50,000 B at 40,000 B/s: at least ~1.25 s
    assertThat(seconds).isGreaterThan(1.0);
    group.setBandwidthLimit(0);
  }

  @Test
  void zeroCopyAndThrottledResponsesAlternateOnOneConnection() throws Exception {
    Path f = TestSupport.file(dir, "z.bin", 200_000);
    group.host("z.bin", f, AccessPolicy.NONE);
    byte[] want = Files.readAllBytes(f);
    try (RawHttp c = RawHttp.plain(port)) {
      assertThat(c.request("GET", "/Carmine/z.bin").body()).isEqualTo(want); // sendfile
      group.setBandwidthLimit(100_000_000); // chunked reads from now on: a handler joins the pipeline
      assertThat(c.request("GET", "/Carmine/z.bin").body()).isEqualTo(want);
      assertThat(c.request("GET", "/Carmine/z.bin", "Range: bytes=0-9,100-109").status()).isEqualTo(206);
      group.setBandwidthLimit(0); // back to sendfile, through the handler now in the pipeline
      assertThat(c.request("GET", "/Carmine/z.bin").body()).isEqualTo(want);
      RawHttp.Response r = c.request("GET", "/Carmine/z.bin", "Range: bytes=199990-");
      assertThat(r.status()).isEqualTo(206);
      assertThat(r.body()).isEqualTo(java.util.Arrays.copyOfRange(want, 199_990, 200_000));
    }
  }

  @Test
  void nagleIsOnOnlyWhileALongBodyStreamsAndOffAgainForWhatFollows() throws Exception {
    long size = 6 * io.bits4j.server.netty.internal.HttpHandlerAccess.sendfileChunk() + 5;
    Path f = TestSupport.file(dir, "nagle.bin", size);
    group.host("nagle.bin", f, AccessPolicy.NONE);
    byte[] want = Files.readAllBytes(f);
    Socket s = new Socket();
    s.setReceiveBufferSize(1 << 16); // before connecting: a small window, so the body stalls part-way
    s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 5000);
    s.setSoTimeout(20_000);
    try (RawHttp c = new RawHttp(s)) {
      String req = "GET /Carmine/nagle.bin HTTP/1.1\r\nHost: x\r\n";
      c.sendRaw((req + "\r\n" + req + "Range: bytes=0-9\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      // unread, the body waits in the socket buffers (at most a few MiB of its 12) with Nagle on
      ResourceLeakSoakTest.await(() -> List.of(false).equals(
          io.bits4j.server.netty.internal.SoakProbe.noDelay(server)), "Nagle on during the body");
      RawHttp.Response whole = c.read(false);
      assertThat(whole.status()).isEqualTo(200);
      assertThat(whole.body()).isEqualTo(want);
      RawHttp.Response small = c.read(false);
      assertThat(small.status()).isEqualTo(206);
      assertThat(small.body()).isEqualTo(java.util.Arrays.copyOfRange(want, 0, 10));
      ResourceLeakSoakTest.await(() -> List.of(true).equals(
          io.bits4j.server.netty.internal.SoakProbe.noDelay(server)), "TCP_NODELAY again after the body");
      assertThat(c.request("GET", "/Carmine/nagle.bin", "Range: bytes=5-9").body())
          .isEqualTo(java.util.Arrays.copyOfRange(want, 5, 10));
    }
  }

  @Test
  void bodiesLongerThanOneSendfileGoOutWholeAndPipelinedRequestsWaitForThem() throws Exception {
    long size = 5 * io.bits4j.server.netty.internal.HttpHandlerAccess.sendfileChunk() + 77;
    Path f = TestSupport.file(dir, "big.bin", size);
    group.host("big.bin", f, AccessPolicy.NONE);
    byte[] want = Files.readAllBytes(f);
    String req = "GET /Carmine/big.bin HTTP/1.1\r\nHost: x\r\n";
    try (RawHttp c = RawHttp.plain(port)) {
      // five pipelined requests in one write: a chained 200, a chained 206, a chained multipart 206
      // (parts within a step, across steps, and a slice split between steps), a short 206, a HEAD
      long[][] parts = {{0, 9}, {1000, 3_000_000}, {3_000_001, 3_000_100}, {4L << 20, size - 1}};
      StringBuilder multi = new StringBuilder();
      for (long[] p : parts) {
        multi.append(multi.length() == 0 ? "" : ",").append(p[0]).append('-').append(p[1]);
      }
      c.sendRaw((req + "\r\n"
          + req + "Range: bytes=1000-" + (size - 5) + "\r\n\r\n"
          + req + "Range: bytes=" + multi + "\r\n\r\n"
          + req + "Range: bytes=0-9\r\n\r\n"
          + "HEAD /Carmine/big.bin HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      RawHttp.Response full = c.read(false);
      assertThat(full.status()).isEqualTo(200);
      assertThat(full.body()).isEqualTo(want);
      RawHttp.Response range = c.read(false);
      assertThat(range.status()).isEqualTo(206);
      assertThat(range.header("Content-Range")).contains("bytes 1000-" + (size - 5) + "/" + size);
      assertThat(range.body()).isEqualTo(java.util.Arrays.copyOfRange(want, 1000, (int) size - 4));
      RawHttp.Response multipart = c.read(false);
      assertThat(multipart.status()).isEqualTo(206);
      String boundary = Multipart.boundaryOf(multipart.header("Content-Type").orElseThrow());
      List<Multipart.Part> got = Multipart.parse(multipart.body(), boundary);
      assertThat(got).hasSize(parts.length);
      for (int i = 0; i < parts.length; i++) {
        assertThat(got.get(i).headers().get("content-range"))
            .isEqualTo("bytes " + parts[i][0] + "-" + parts[i][1] + "/" + size);
        assertThat(got.get(i).data())
            .isEqualTo(java.util.Arrays.copyOfRange(want, (int) parts[i][0], (int) parts[i][1] + 1));
      }
      RawHttp.Response small = c.read(false);
      assertThat(small.status()).isEqualTo(206);
      assertThat(small.body()).isEqualTo(java.util.Arrays.copyOfRange(want, 0, 10));
      RawHttp.Response head = c.read(true);
      assertThat(head.status()).isEqualTo(200);
      assertThat(head.header("Content-Length")).contains(Long.toString(size));
      // the connection is still in step
      assertThat(c.request("GET", "/Carmine/big.bin", "Connection: close").body()).isEqualTo(want);
      assertThat(c.drain()).isZero(); // and closed after it, as asked
    }
  }

  @Test
  void tlsBodiesOfSeveralMebibytesGoOutWholeAndInOrder() throws Exception {
    long size = 3 * io.bits4j.server.netty.internal.HttpHandlerAccess.sendfileChunk() + 5;
    Path f = TestSupport.file(dir, "tls.bin", size);
    int tlsPort = TestSupport.freePort();
    server.setSslCertificate(tlsPort, TestSupport.pki().serverIdentity());
    server.createUrlGroup(UrlPrefix.parse("https://127.0.0.1:" + tlsPort + "/S")).host("tls.bin", f, AccessPolicy.NONE);
    byte[] want = Files.readAllBytes(f);
    try (RawHttp c = new RawHttp(tlsPort, TestSupport.pki().clientContext(false, "TLS"))) {
      String req = "GET /S/tls.bin HTTP/1.1\r\nHost: x\r\n";
      c.sendRaw((req + "\r\n" + req + "Range: bytes=7-\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      assertThat(c.read(false).body()).isEqualTo(want);
      assertThat(c.read(false).body()).isEqualTo(java.util.Arrays.copyOfRange(want, 7, (int) size));
    }
  }

  @Test
  void aClientLeavingMidChainReleasesTheFile() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "Linux /proc needed");
    Path f = TestSupport.sparse(dir, "leave.bin", 64 * io.bits4j.server.netty.internal.HttpHandlerAccess.sendfileChunk());
    HostedFile h = group.host("leave.bin", f, AccessPolicy.NONE);
    for (int i = 0; i < 3; i++) {
      try (RawHttp c = RawHttp.plain(port)) {
        c.socket.setReceiveBufferSize(8192);
        c.sendRaw("GET /Carmine/leave.bin HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(c.socket.getInputStream().read(new byte[4096])).isPositive();
      } // closed with most of the body unsent
    }
    try (RawHttp c = RawHttp.plain(port)) {
      assertThat(c.request("GET", "/Carmine/f.bin").status()).isEqualTo(200); // still serving
    }
    h.remove();
    // every region of the abandoned chains has let go of the descriptor (released on the event loop)
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    while (openDescriptorsOf(f) > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(openDescriptorsOf(f)).isZero();
  }

  @Test
  void closingTheServerMidChainReleasesTheFile() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "Linux /proc needed");
    Path f = TestSupport.sparse(dir, "close.bin", 64 * io.bits4j.server.netty.internal.HttpHandlerAccess.sendfileChunk());
    group.host("close.bin", f, AccessPolicy.NONE);
    java.util.List<RawHttp> clients = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        RawHttp c = RawHttp.plain(port);
        clients.add(c);
        c.sendRaw("GET /Carmine/close.bin HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(c.socket.getInputStream().read(new byte[1 << 16])).isPositive();
      }
      clients.get(0).drain(1 << 24); // one client keeps reading: its chain moves on between regions
      server.close();
      assertThat(openDescriptorsOf(f)).isZero(); // close() returns after the loops have ended
    } finally {
      for (RawHttp c : clients) {
        c.close();
      }
    }
  }

  private static long openDescriptorsOf(Path f) throws IOException {
    Path real = f.toRealPath();
    try (var fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.filter(fd -> {
        try {
          return Files.readSymbolicLink(fd).equals(real);
        } catch (IOException e) {
          return false; // closed meanwhile
        }
      }).count();
    }
  }

  @Test
  void fileShrinkingMidSendAbortsTheConnection() throws Exception {
    Path big = TestSupport.sparse(dir, "shrink.bin", 512L << 20);
    group.host("shrink.bin", big, AccessPolicy.NONE);
    try (RawHttp c = RawHttp.plain(port)) {
      shrinkWhileSending(c, big, "/Carmine/shrink.bin");
    }
  }

  @Test
  void fileShrinkingMidSendAbortsTheTlsConnection() throws Exception {
    Path big = TestSupport.sparse(dir, "shrink.bin", 512L << 20);
    int tlsPort = TestSupport.freePort();
    server.setSslCertificate(tlsPort, TestSupport.pki().serverIdentity());
    server.createUrlGroup(UrlPrefix.parse("https://127.0.0.1:" + tlsPort + "/S")).host("shrink.bin", big, AccessPolicy.NONE);
    try (RawHttp c = new RawHttp(tlsPort, TestSupport.pki().clientContext(false, "TLS"))) {
      shrinkWhileSending(c, big, "/S/shrink.bin");
    }
  }

  private static void shrinkWhileSending(RawHttp c, Path big, String path) throws Exception {
    c.sendRaw(("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    byte[] head = new byte[64];
    assertThat(c.socket.getInputStream().read(head)).isPositive();
    try (var ch = java.nio.channels.FileChannel.open(big, java.nio.file.StandardOpenOption.WRITE)) {
      ch.truncate(1 << 20);
    }
    long got = c.drain();
    assertThat(got).isLessThan(256L << 20); // never the promised 512 MiB: the connection was cut
  }

  @Test
  void concurrentRangedClientsGetTheirOwnBytes() throws Exception {
    Path f = TestSupport.file(dir, "c.bin", 1_000_000);
    group.host("c.bin", f, AccessPolicy.NONE);
    int threads = 8;
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
    try {
      List<java.util.concurrent.Future<Integer>> results = new java.util.ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int seed = t;
        results.add(pool.submit(() -> {
          java.util.Random r = new java.util.Random(seed);
          int ok = 0;
          try (RawHttp c = RawHttp.plain(port)) {
            for (int i = 0; i < 25; i++) {
              long a = r.nextInt(1_000_000);
              long b = Math.min(999_999, a + r.nextInt(50_000));
              RawHttp.Response resp = c.request("GET", "/Carmine/c.bin", "Range: bytes=" + a + "-" + b);
              if (resp.status() == 206 && java.util.Arrays.equals(resp.body(), TestSupport.read(f, a, b))) {
                ok++;
              }
            }
          }
          return ok;
        }));
      }
      for (var res : results) {
        assertThat(res.get(60, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(25);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void closeDuringATransferReturnsPromptlyAndFreesThePort() throws Exception {
    Path big = TestSupport.sparse(dir, "slow.bin", 256L << 20);
    group.host("slow.bin", big, AccessPolicy.NONE);
    try (RawHttp c = RawHttp.plain(port)) {
      c.sendRaw("GET /Carmine/slow.bin HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(c.socket.getInputStream().read()).isPositive(); // the response has started; we stop reading
      long t0 = System.nanoTime();
      server.close();
      assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(10_000);
      assertThat(c.drain()).isLessThan(256L << 20); // cut, never completed
    }
    assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);
  }

  @Test
  void closeIsIdempotentAndRefusesNewGroups() {
    server.close();
    server.close();
    assertThatThrownBy(() -> server.createUrlGroup(UrlPrefix.parse("http://127.0.0.1:" + port + "/X")))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void closeForgetsTlsBindings() throws Exception {
    int sslPort = TestSupport.freePort();
    server.setSslCertificate(sslPort, TestSupport.pki().serverIdentity());
    assertThat(server.sslCertificate(sslPort)).isPresent();
    server.close();
    assertThatThrownBy(() -> server.sslCertificate(sslPort)).isInstanceOf(IllegalStateException.class);
    // nothing holds the key material of a stopped server (the binding is not only hidden)
    var coreField = NettyCompactServer.class.getDeclaredField("core");
    coreField.setAccessible(true);
    Object core = coreField.get(server);
    var tlsField = core.getClass().getDeclaredField("tls");
    tlsField.setAccessible(true);
    assertThat((java.util.Map<?, ?>) tlsField.get(core)).isEmpty();
  }
}
