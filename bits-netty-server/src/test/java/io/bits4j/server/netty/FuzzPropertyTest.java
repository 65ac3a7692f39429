package io.bits4j.server.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.bits4j.AccessPolicy;
import io.bits4j.UrlPrefix;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Raw request bytes of any shape never get a 5xx (other than none at all), a stack trace, or a
 * hang: every connection ends with a well-formed status line or a close.
 */
class FuzzPropertyTest {
  static NettyCompactServer server;
  static int port;
  static Path dir;

  @BeforeContainer
  static void start() throws IOException {
    dir = Files.createTempDirectory("fuzz");
    server = NettyCompactServer.builder().workerThreads(2)
        .limits(ServerLimits.DEFAULTS.withHeaderTimeout(Duration.ofMillis(300)))
        .build();
    port = TestSupport.freePort();
    server.createUrlGroup(UrlPrefix.parse("http://127.0.0.1:" + port + "/Fz"))
        .host("f.bin", TestSupport.file(dir, "f.bin", 1000), AccessPolicy.NONE);
  }

  @AfterContainer
  static void stop() throws IOException {
    server.close();
    Files.deleteIfExists(dir.resolve("f.bin"));
    Files.deleteIfExists(dir);
  }

  @Provide
  Arbitrary<byte[]> requests() {
    Arbitrary<String> method = Arbitraries.of("GET", "HEAD", "POST", "get", "G ET", "", "\u0000", "CONNECT", "X".repeat(300));
    Arbitrary<String> target = Arbitraries.of("/Fz/f.bin", "/Fz/F.BIN", "/Fz/../f.bin", "/%00", "*", "/Fz/%", "//",
        "/Fz/f.bin?%%", "http://x/Fz/f.bin", "/Fz/\u00e9", "/" + "a/".repeat(200), "");
    Arbitrary<String> version = Arbitraries.of("HTTP/1.1", "HTTP/1.0", "HTTP/0.9", "HTTP/1.2", "HTTP/9.9", "", "HTTPS/1.1");
    Arbitrary<String> header = Arbitraries.of("Host: x", "Range: bytes=0-1", "Range: bytes=" + "1-2,".repeat(600),
        "Range: bytes=99999999999999999999-", "If-Range: \"x\"", "If-Match: *", "Content-Length: 5",
        "Content-Length: abc", "Transfer-Encoding: chunked", "Authorization: Basic !!!", "Authorization: Digest x",
        "Expect: 100-continue", "Connection: close", ": empty", "NoColon", "X: \u0001", "If-Modified-Since: yesterday",
        "Host:", " folded", "Range: bytes=-0");
    Arbitrary<String> request = Combinators.combine(method, target, version, header.list().ofMaxSize(6),
        Arbitraries.of("\r\n", "\n", "\r"))
        .as((m, t, v, hs, eol) -> m + " " + t + " " + v + eol + String.join(eol, hs) + eol + eol);
    Arbitrary<byte[]> structured = request.map(s -> s.getBytes(StandardCharsets.ISO_8859_1));
    Arbitrary<byte[]> noise = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
    Arbitrary<byte[]> mutated = Combinators.combine(structured, Arbitraries.integers().between(0, 400),
        Arbitraries.bytes()).as((b, pos, x) -> {
          byte[] c = b.clone();
          if (c.length > 0) {
            c[pos % c.length] = x;
          }
          return c;
        });
    return Arbitraries.oneOf(structured, structured, mutated, noise);
  }

  @Property(tries = 150)
  void neverA5xxNorATrace(@ForAll("requests") byte[] request) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      s.setSoTimeout(5000);
      s.getOutputStream().write(request);
      s.shutdownOutput();
      InputStream in = s.getInputStream();
      byte[] all = readAtMost(in, 1 << 20);
      String text = new String(all, StandardCharsets.ISO_8859_1);
      assertThat(text).doesNotContain("Exception").doesNotContain("\tat io.");
      for (String line : text.split("\r\n")) {
        if (line.startsWith("HTTP/1.1 ") && line.length() >= 12 && line.substring(9, 12).chars().allMatch(Character::isDigit)) {
          int status = Integer.parseInt(line.substring(9, 12));
          if (status >= 500) {
            // 501 is the RFC answer to an unknown method, 505 to another major HTTP version (RFC 9110
            // §15.6.2, §15.6.6); every other 5xx is a bug
            assertThat(status).as("status for %s", List.of(text)).isIn(501, 505);
          }
        }
      }
    }
  }

  private static byte[] readAtMost(InputStream in, int max) throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    byte[] b = new byte[8192];
    int r;
    try {
      while (out.size() < max && (r = in.read(b)) >= 0) {
        out.write(b, 0, r);
      }
    } catch (java.net.SocketException e) {
      // reset: fine, the server may close on garbage
    }
    return out.toByteArray();
  }
}
