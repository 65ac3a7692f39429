package io.bits4j.server.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.bits4j.AccessPolicy;
import io.bits4j.UrlGroup;
import io.bits4j.UrlPrefix;
import io.bits4j.server.netty.internal.HttpDates;
import io.bits4j.server.netty.internal.Multipart;
import io.netty.handler.ssl.OpenSsl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The range table (anchors.md R1–R21) over the wire: plain HTTP (zero-copy), TLS with the JDK
 * and TLS with OpenSSL (when netty-tcnative loads), each byte compared with the file.
 */
class ServerRangeTest {
  @TempDir
  static Path dir;
  static NettyCompactServer jdkServer;
  static NettyCompactServer openSslServer;
  static int plainPort;
  static int jdkTlsPort;
  static int openSslPort;
  static Path small;
  static Path empty;
  static Path one;
  static Path big;
  static final long BIG = 5L * 1024 * 1024 * 1024 + 123;

  @BeforeAll
  static void start() throws Exception {
    small = TestSupport.file(dir, "small.bin", 100);
    empty = TestSupport.file(dir, "empty.bin", 0);
    one = TestSupport.file(dir, "one.bin", 1);
    big = TestSupport.sparse(dir, "big.bin", BIG);
    jdkServer = NettyCompactServer.builder().tlsProvider(NettyCompactServer.TlsProvider.JDK).workerThreads(2).build();
    plainPort = TestSupport.freePort();
    jdkTlsPort = TestSupport.freePort();
    host(jdkServer, "http://127.0.0.1:" + plainPort + "/Range");
    jdkServer.setSslCertificate(jdkTlsPort, TestSupport.pki().serverIdentity());
    host(jdkServer, "https://127.0.0.1:" + jdkTlsPort + "/Range");
    if (OpenSsl.isAvailable()) {
      openSslServer = NettyCompactServer.builder().tlsProvider(NettyCompactServer.TlsProvider.OPENSSL)
          .workerThreads(2).build();
      openSslPort = TestSupport.freePort();
      openSslServer.setSslCertificate(openSslPort, TestSupport.pki().serverIdentity());
      host(openSslServer, "https://127.0.0.1:" + openSslPort + "/Range");
      assertThat(openSslServer.tlsImplementation()).isEqualTo("openssl");
    }
    assertThat(jdkServer.tlsImplementation()).isEqualTo("jdk");
  }

  static void host(NettyCompactServer s, String prefix) {
    UrlGroup g = s.createUrlGroup(UrlPrefix.parse(prefix));
    g.host("small.bin", small, AccessPolicy.NONE);
    g.host("empty.bin", empty, AccessPolicy.NONE);
    g.host("one.bin", one, AccessPolicy.NONE);
    g.host("dir/big.bin", big, AccessPolicy.NONE);
  }

  @AfterAll
  static void stop() {
    jdkServer.close();
    if (openSslServer != null) {
      openSslServer.close();
    }
  }

  static List<String> modes() {
    List<String> m = new ArrayList<>(List.of("plain", "tls-jdk"));
    if (OpenSsl.isAvailable()) {
      m.add("tls-openssl");
    }
    return m;
  }

  static RawHttp connect(String mode) throws Exception {
    return switch (mode) {
      case "plain" -> RawHttp.plain(plainPort);
      case "tls-jdk" -> new RawHttp(jdkTlsPort, TestSupport.pki().clientContext(false, "TLS"));
      default -> new RawHttp(openSslPort, TestSupport.pki().clientContext(false, "TLS"));
    };
  }

  /** file, Range, status, Content-Range or null, first, last (-1 for no body). */
  static Stream<Arguments> table() {
    String bigTail = "bytes " + (BIG - 10) + "-" + (BIG - 1) + "/" + BIG;
    List<Object[]> rows = List.of(
        new Object[] {"small.bin", "bytes=0-9", 206, "bytes 0-9/100", 0L, 9L},
        new Object[] {"small.bin", "bytes=90-1000", 206, "bytes 90-99/100", 90L, 99L},
        new Object[] {"small.bin", "bytes=95-", 206, "bytes 95-99/100", 95L, 99L},
        new Object[] {"small.bin", "bytes=0-", 206, "bytes 0-99/100", 0L, 99L},
        new Object[] {"small.bin", "bytes=-5", 206, "bytes 95-99/100", 95L, 99L},
        new Object[] {"small.bin", "bytes=-1000", 206, "bytes 0-99/100", 0L, 99L},
        new Object[] {"small.bin", "bytes=-0", 416, "bytes */100", -1L, -1L},
        new Object[] {"small.bin", "bytes=100-", 416, "bytes */100", -1L, -1L},
        new Object[] {"small.bin", "bytes=99999999999999999999999-", 416, "bytes */100", -1L, -1L},
        new Object[] {"small.bin", "bytes=9-5", 200, null, 0L, 99L},
        new Object[] {"small.bin", "items=0-5", 200, null, 0L, 99L},
        new Object[] {"small.bin", "bytes=0-60,30-90", 200, null, 0L, 99L},
        new Object[] {"small.bin", "bytes=" + "0-0,".repeat(501), 200, null, 0L, 99L},
        new Object[] {"empty.bin", "bytes=0-", 200, null, -1L, -1L},
        new Object[] {"one.bin", "bytes=-1", 206, "bytes 0-0/1", 0L, 0L},
        new Object[] {"one.bin", "bytes=1-", 416, "bytes */1", -1L, -1L},
        new Object[] {"dir/big.bin", "bytes=-10", 206, bigTail, BIG - 10, BIG - 1},
        new Object[] {"dir/big.bin", "bytes=4294967296-4294968319", 206, "bytes 4294967296-4294968319/" + BIG,
            4294967296L, 4294968319L},
        new Object[] {"dir/big.bin", "bytes=" + BIG + "-", 416, "bytes */" + BIG, -1L, -1L});
    List<Arguments> out = new ArrayList<>();
    for (String mode : modes()) {
      for (Object[] r : rows) {
        out.add(Arguments.of(mode, r[0], r[1], r[2], r[3], r[4], r[5]));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("table")
  void rangeRow(String mode, String file, String range, int status, String contentRange, long first, long last)
      throws Exception {
    Path source = file.equals("dir/big.bin") ? big : dir.resolve(file);
    try (RawHttp c = connect(mode)) {
      RawHttp.Response r = c.request("GET", "/Range/" + file, "Range: " + range);
      assertThat(r.status()).isEqualTo(status);
      assertThat(r.header("Content-Range").orElse(null)).isEqualTo(contentRange);
      assertThat(r.header("Content-Length")).isPresent();
      assertThat(r.header("Content-Encoding")).isEmpty();
      if (status == 200 || status == 206) {
        assertThat(r.header("ETag").orElseThrow()).matches("\"[0-9a-f]+-[0-9a-f]+-[0-9a-f]+\"");
        assertThat(r.header("Last-Modified")).isPresent();
        assertThat(r.header("Accept-Ranges")).contains("bytes");
        byte[] expected = first < 0 ? new byte[0] : TestSupport.read(source, first, last);
        assertThat(r.body()).isEqualTo(expected);
      } else {
        assertThat(r.body()).isEmpty();
      }
      // the connection stays usable (keep-alive) after every row
      RawHttp.Response again = c.request("HEAD", "/Range/" + file);
      assertThat(again.status()).isEqualTo(200);
      assertThat(again.header("Content-Length")).contains(Long.toString(Files.size(source)));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("modes")
  void multipartOverTheWire(String mode) throws Exception {
    try (RawHttp c = connect(mode)) {
      RawHttp.Response r = c.request("GET", "/Range/dir/big.bin", "Range: bytes=0-99, -100, 4294967296-4294967299");
      assertThat(r.status()).isEqualTo(206);
      assertThat(r.header("Content-Length")).contains(Integer.toString(r.body().length));
      List<Multipart.Part> parts = Multipart.parse(r.body(), Multipart.boundaryOf(r.header("Content-Type").orElseThrow()));
      assertThat(parts).hasSize(3);
      assertThat(parts.get(0).data()).isEqualTo(TestSupport.read(big, 0, 99));
      assertThat(parts.get(1).headers().get("content-range")).isEqualTo("bytes " + (BIG - 100) + "-" + (BIG - 1) + "/" + BIG);
      assertThat(parts.get(1).data()).isEqualTo(TestSupport.read(big, BIG - 100, BIG - 1));
      assertThat(parts.get(2).data()).isEqualTo(TestSupport.read(big, 4294967296L, 4294967299L));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("modes")
  void headAndConditionals(String mode) throws Exception {
    try (RawHttp c = connect(mode)) {
      RawHttp.Response head = c.request("HEAD", "/Range/dir/big.bin", "Range: bytes=0-5");
      assertThat(head.status()).isEqualTo(200);
      assertThat(head.header("Content-Length")).contains(Long.toString(BIG));
      assertThat(head.header("Accept-Ranges")).contains("bytes");
      String etag = head.header("ETag").orElseThrow();
      String lm = head.header("Last-Modified").orElseThrow();
      assertThat(HttpDates.parse(lm)).isPresent();
      assertThat(c.request("GET", "/Range/small.bin", "Range: bytes=0-1", "If-Range: " + smallEtag(c)).status()).isEqualTo(206);
      assertThat(c.request("GET", "/Range/small.bin", "Range: bytes=0-1", "If-Range: \"nope\"").status()).isEqualTo(200);
      assertThat(c.request("GET", "/Range/dir/big.bin", "If-None-Match: " + etag).status()).isEqualTo(304);
      assertThat(c.request("HEAD", "/Range/dir/big.bin", "If-Match: \"nope\"").status()).isEqualTo(412);
      assertThat(c.request("GET", "/Range/dir/big.bin", "If-Modified-Since: " + lm).status()).isEqualTo(304);
      RawHttp.Response ranged = c.request("GET", "/Range/dir/big.bin", "Range: bytes=1-2", "If-Range: " + lm,
          "Accept-Encoding: gzip, br");
      assertThat(ranged.status()).isEqualTo(206);
      assertThat(ranged.header("Content-Encoding")).isEmpty();
    }
  }

  private static String smallEtag(RawHttp c) throws Exception {
    return c.request("HEAD", "/Range/small.bin").header("ETag").orElseThrow();
  }
}
