package io.bits4j.server.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.bits4j.AccessPolicy;
import io.bits4j.UrlPrefix;
import io.netty.handler.ssl.OpenSsl;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The server closes in stages (RFC 9112, section 9.6): after its last response it closes its
 * write side, then reads and drops what the client still sends, so that the client's bytes in
 * flight never turn the close into a reset that destroys the response.
 */
class StagedCloseTest {
  @TempDir
  Path dir;

  static List<String> schemes() {
    List<String> out = new ArrayList<>(List.of("http", "https-jdk"));
    if (OpenSsl.isAvailable()) {
      out.add("https-openssl");
    }
    return out;
  }

  /** The start of a request whose header block never ends within the 16 KiB limit. */
  private static final byte[] OVERSIZED_START =
      "GET /S/f.bin HTTP/1.1\r\nHost: x\r\nX-Filler: ".getBytes(StandardCharsets.US_ASCII);

  @ParameterizedTest(name = "{0}")
  @MethodSource("schemes")
  void anOversizedHeaderStillArrivingGetsIts431AndAnOrderlyEnd(String scheme) throws Exception {
    boolean tls = !scheme.equals("http");
    NettyCompactServer.TlsProvider provider =
        scheme.equals("https-openssl") ? NettyCompactServer.TlsProvider.OPENSSL : NettyCompactServer.TlsProvider.JDK;
    int port = TestSupport.freePort();
    try (NettyCompactServer server = NettyCompactServer.builder().tlsProvider(provider).workerThreads(1).build()) {
      if (tls) {
        server.setSslCertificate(port, TestSupport.pki().serverIdentity());
      }
      server.createUrlGroup(UrlPrefix.parse((tls ? "https" : "http") + "://127.0.0.1:" + port + "/S"))
          .host("f.bin", TestSupport.file(dir, "f.bin", 100), AccessPolicy.NONE);
      try (RawHttp c = new RawHttp(port, tls ? TestSupport.pki().clientContext(false, "TLS") : null)) {
        OutputStream out = c.socket.getOutputStream();
        // 8 MiB of header after the server's answer: every byte must still be taken (a close
        // with them unread would reset the connection and fail these writes)
        CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
          try {
            out.write(OVERSIZED_START);
            byte[] filler = new byte[64 * 1024];
            java.util.Arrays.fill(filler, (byte) 'v');
            for (int i = 0; i < 128; i++) {
              out.write(filler);
            }
            out.flush();
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
        sent.get(30, TimeUnit.SECONDS); // no reset, so no failed write
        RawHttp.Response r = c.read(false);
        assertThat(r.status()).isEqualTo(431);
        assertThat(r.header("Connection")).contains("close");
        assertThat(c.socket.getInputStream().read()).isEqualTo(-1); // an orderly end of stream, not a reset
      }
    }
  }

  @Test
  void anUploadRefusedWith405HasItsBodyTakenAndTheAnswerArrives() throws Exception {
    int port = TestSupport.freePort();
    try (NettyCompactServer server = NettyCompactServer.builder().workerThreads(1).build()) {
      server.createUrlGroup(UrlPrefix.parse("http://127.0.0.1:" + port + "/S"))
          .host("f.bin", TestSupport.file(dir, "f.bin", 100), AccessPolicy.NONE);
      try (RawHttp c = RawHttp.plain(port)) {
        OutputStream out = c.socket.getOutputStream();
        long length = 8L << 20;
        // as curl -T sends an upload: the head, then the body without waiting for an answer
        CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
          try {
            out.write(("PUT /S/f.bin HTTP/1.1\r\nHost: x\r\nContent-Length: " + length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[64 * 1024];
            for (long n = 0; n < length; n += chunk.length) {
              out.write(chunk);
            }
            out.flush();
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
        sent.get(30, TimeUnit.SECONDS); // every byte taken: no reset
        RawHttp.Response r = c.read(false);
        assertThat(r.status()).isEqualTo(405);
        assertThat(r.header("Allow")).contains("GET, HEAD");
        assertThat(c.socket.getInputStream().read()).isEqualTo(-1);
      }
    }
  }

  @Test
  void aClientThatNeverStopsSendingIsCutAfterTheIdleTimeout() throws Exception {
    int port = TestSupport.freePort();
    try (NettyCompactServer server = NettyCompactServer.builder().workerThreads(1)
        .limits(ServerLimits.DEFAULTS.withIdleTimeout(Duration.ofMillis(300))).build()) {
      server.createUrlGroup(UrlPrefix.parse("http://127.0.0.1:" + port + "/S"))
          .host("f.bin", TestSupport.file(dir, "f.bin", 100), AccessPolicy.NONE);
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout(20_000);
        OutputStream out = s.getOutputStream();
        out.write(OVERSIZED_START);
        byte[] filler = new byte[64 * 1024];
        java.util.Arrays.fill(filler, (byte) 'v');
        long t0 = System.nanoTime();
        long sent = 0;
        IOException cut = null;
        // bounded: 64 GiB would take minutes on loopback; the cut comes after about 300 ms
        try {
          for (int i = 0; i < 1 << 20; i++) {
            out.write(filler);
            sent += filler.length;
          }
        } catch (IOException e) {
          cut = e;
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertThat(cut).as("sent %d bytes in %d ms without being cut", sent, ms).isNotNull();
        assertThat(ms).isLessThan(15_000);
      }
    }
  }
}
