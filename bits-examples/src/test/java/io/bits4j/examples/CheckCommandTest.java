package io.bits4j.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.bits4j.AccessPolicy;
import io.bits4j.AuthScheme;
import io.bits4j.TlsIdentity;
import io.bits4j.UrlGroup;
import io.bits4j.UrlPrefix;
import io.bits4j.UserStore;
import io.bits4j.server.netty.NettyCompactServer;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code bits check} against the compact server (everything BITS needs) and against a small
 * server with one flaw at a time, each of which must be named with the BITS error it causes.
 */
class CheckCommandTest {
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private NettyCompactServer compact;
  private HttpServer flawed;

  @AfterEach
  void stop() {
    if (compact != null) {
      compact.close();
    }
    if (flawed != null) {
      flawed.stop(0);
    }
  }

  private int bits(String... args) {
    return BitsCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  private static int freePort() {
    return CliProcess.freePort();
  }

  private URI compactUrl(long size) throws IOException {
    byte[] content = new byte[(int) size];
    new Random(3).nextBytes(content);
    Path src = Files.write(dir.resolve("f.bin"), content);
    compact = NettyCompactServer.builder().build();
    UrlGroup g = compact.createUrlGroup(UrlPrefix.parse("http://127.0.0.1:" + freePort() + "/Carmine"));
    return g.host("f.bin", src, AccessPolicy.NONE).url("127.0.0.1");
  }

  @Test
  void theCompactServerPassesEveryCheck() throws Exception {
    URI url = compactUrl(100_000);
    assertThat(bits("check", url.toString())).isZero();
    assertThat(out.toString())
        .contains("ok    HEAD          200, Content-Length 100000")
        .contains("ok    ranges        206 for bytes=0-0 and bytes=50000-51023")
        .containsPattern("ok    validators    ETag \"[^\"]+\", Last-Modified .* GMT, the same on HEAD and GET")
        .contains("ok    If-Range      206 with \"")
        .doesNotContain("FAIL").doesNotContain("warn")
        .endsWith("BITS can download this URL.\n");
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void anEmptyFileNeedsNoRanges() throws Exception {
    URI url = compactUrl(0);
    assertThat(bits("check", url.toString())).isZero();
    assertThat(out.toString()).contains("ok    HEAD          200, Content-Length 0").contains("not needed: the file is empty");
  }

  @Test
  void aMissingUrlAndAClosedPortFail() throws Exception {
    URI url = compactUrl(10);
    assertThat(bits("check", url.resolve("nope").toString())).isEqualTo(1);
    assertThat(out.toString()).contains("FAIL  HEAD          404 (no such URL)").contains("BG_E_HTTP_ERROR_404")
        .endsWith("BITS cannot download this URL.\n");
    out.getBuffer().setLength(0);
    int closed = freePort();
    assertThat(bits("check", "http://127.0.0.1:" + closed + "/x")).isEqualTo(1);
    assertThat(out.toString()).contains("FAIL  connection    cannot connect to 127.0.0.1:" + closed)
        .contains("BG_E_CONNECT_FAILURE");
  }

  @Test
  void overHttpsWithBasicTheCredentialsAndTrustGiven() throws Exception {
    String password = System.getenv("BITS_TEST_PASSWORD");
    assumeThat(password).as("BITS_TEST_PASSWORD is set by the bits-examples surefire configuration").isNotNull();
    TlsIdentity id = NodeCommandTest.loopbackIdentity();
    Path[] pem = NodeCommandTest.writePem(dir, id);
    Path users = dir.resolve("users.txt");
    UserStore.file(users).addUser("alice", password.toCharArray(), Set.of(), Set.of());
    Path src = Files.write(dir.resolve("f.bin"), new byte[5000]);
    int port = freePort();
    compact = NettyCompactServer.builder().users(UserStore.file(users)).build();
    compact.setSslCertificate(port, id);
    UrlGroup g = compact.createUrlGroup(UrlPrefix.parse("https://127.0.0.1:" + port + "/Secure"));
    g.setAuthentication(AuthScheme.BASIC, true);
    String url = g.host("f.bin", src, AccessPolicy.NONE).url("127.0.0.1").toString();

    assertThat(bits("check", url, "--trust", pem[0].toString())).isEqualTo(1);
    assertThat(out.toString()).contains("FAIL  HEAD          401 (credentials needed: --user, --password-env");
    out.getBuffer().setLength(0);
    assertThat(bits("check", url, "--trust", pem[0].toString(), "--user", "alice", "--password-env", "BITS_TEST_PASSWORD"))
        .isZero();
    assertThat(out.toString()).contains("ok    HEAD          200, Content-Length 5000")
        .contains("ok    If-Range").endsWith("BITS can download this URL.\n");
    out.getBuffer().setLength(0);
    assertThat(bits("check", url, "--trust", pem[0].toString(), "--user", "mallory", "--password-env", "BITS_TEST_PASSWORD"))
        .isEqualTo(1);
    assertThat(out.toString()).contains("FAIL  HEAD          401 (user or password refused)");
    out.getBuffer().setLength(0);
    g.setAuthentication(AuthScheme.BASIC, false);
    g.setAuthentication(AuthScheme.DIGEST, true);
    assertThat(bits("check", url, "--trust", pem[0].toString(), "--user", "alice", "--password-env", "BITS_TEST_PASSWORD"))
        .isEqualTo(1);
    assertThat(out.toString()).contains("401 (the server asks for Digest; bits check sends Basic only");
    g.setAuthentication(AuthScheme.DIGEST, false);
    g.setAuthentication(AuthScheme.BASIC, true);
    out.getBuffer().setLength(0);
    // without the trust anchor the server's certificate is refused, as BITS refuses it
    assertThat(bits("check", url, "--user", "alice", "--password-env", "BITS_TEST_PASSWORD")).isEqualTo(1);
    assertThat(out.toString()).contains("FAIL  connection    the server's TLS certificate is not trusted")
        .contains("ERROR_WINHTTP_SECURE_FAILURE (0x80072F8F)").contains("--trust PEM");
  }

  @Test
  void aClientCertificateGroupWithTheCertificateGiven() throws Exception {
    X509Bundle ca = new CertificateBuilder().subject("CN=check test CA").setIsCertificateAuthority(true).ecp256()
        .buildSelfSigned();
    X509Bundle server = new CertificateBuilder().subject("CN=localhost").addSanIpAddress("127.0.0.1")
        .addExtendedKeyUsageServerAuth().ecp256().buildIssuedBy(ca);
    X509Bundle client = new CertificateBuilder().subject("CN=alice").addExtendedKeyUsageClientAuth().ecp256()
        .buildIssuedBy(ca);
    Path caPem = Files.writeString(dir.resolve("ca.pem"), ca.getCertificatePEM());
    Path p12 = dir.resolve("alice.p12");
    try (OutputStream o = Files.newOutputStream(p12)) {
      client.toKeyStore(new char[0]).store(o, new char[0]);
    }
    int port = freePort();
    compact = NettyCompactServer.builder().clientCertificateAuthorities(List.of(ca.getCertificate())).build();
    compact.setSslCertificate(port, TlsIdentity.of(server.getKeyPair().getPrivate(), server.getCertificatePathList()));
    UrlGroup g = compact.createUrlGroup(UrlPrefix.parse("https://127.0.0.1:" + port + "/Certs"));
    g.setAuthentication(AuthScheme.CLIENT_CERTIFICATE, true);
    String url = g.host("f.bin", Files.write(dir.resolve("c.bin"), new byte[3000]), AccessPolicy.NONE)
        .url("127.0.0.1").toString();

    assertThat(bits("check", url, "--trust", caPem.toString(), "--client-cert", p12.toString())).isZero();
    assertThat(out.toString()).contains("ok    HEAD          200, Content-Length 3000").contains("ok    If-Range")
        .endsWith("BITS can download this URL.\n");
    out.getBuffer().setLength(0);
    // without the certificate the server refuses (the TLS handshake, or 403 after it)
    assertThat(bits("check", url, "--trust", caPem.toString())).isEqualTo(1);
    assertThat(out.toString()).containsPattern("FAIL  (connection|HEAD) ");
    err.getBuffer().setLength(0);
    assertThat(bits("check", url, "--client-cert", dir.resolve("missing.p12").toString())).isEqualTo(2);
    assertThat(err.toString()).startsWith("bits: no such file: ").hasLineCount(1);
  }

  /** One way a server (or a proxy in front of it) fails BITS. */
  enum Flaw {
    /** None: everything BITS needs. */
    NONE(""),
    /** HEAD and GET without Content-Length (chunked). */
    NO_LENGTH("BG_E_MISSING_FILE_SIZE (0x80200011)"),
    /** Range ignored: 200 with the whole file. */
    RANGE_IGNORED("200 with the whole file to \"Range: bytes=0-0\""),
    /** A 206 whose Content-Range names other bytes. */
    WRONG_CONTENT_RANGE("expected \"bytes 0-0/4096\": BITS fails with BG_E_INSUFFICIENT_RANGE_SUPPORT"),
    /** Content-Range stripped (a proxy that keeps only some headers). */
    NO_CONTENT_RANGE("with Content-Range missing"),
    /** gzip applied although nobody asked. */
    GZIP("answered with Content-Encoding gzip unasked"),
    /** HEAD answered with other validators than GET. */
    HEAD_DIFFERS("HEAD and GET disagree"),
    /** HEAD refused. */
    HEAD_REFUSED("FAIL  HEAD          405 (method not served)"),
    /** If-Range ignored: every If-Range request gets the whole file (a warning only). */
    IF_RANGE_IGNORED("warn  If-Range      with \"v1\": 200 with the whole file");

    final String expected;

    Flaw(String expected) {
      this.expected = expected;
    }
  }

  private URI flawed(Flaw flaw) throws IOException {
    byte[] content = new byte[4096];
    new Random(5).nextBytes(content);
    flawed = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    flawed.createContext("/f", x -> answer(x, flaw, content));
    flawed.createContext("/moved", x -> {
      x.getResponseHeaders().set("Location", "/f");
      x.sendResponseHeaders(302, -1);
      x.close();
    });
    flawed.start();
    return URI.create("http://127.0.0.1:" + flawed.getAddress().getPort() + "/f");
  }

  private static void answer(HttpExchange x, Flaw flaw, byte[] content) throws IOException {
    boolean head = x.getRequestMethod().equals("HEAD");
    var h = x.getResponseHeaders();
    if (head && flaw == Flaw.HEAD_REFUSED) {
      x.sendResponseHeaders(405, -1);
      x.close();
      return;
    }
    h.set("ETag", head && flaw == Flaw.HEAD_DIFFERS ? "\"v0\"" : "\"v1\"");
    if (flaw == Flaw.GZIP) {
      h.set("Content-Encoding", "gzip");
    }
    String range = x.getRequestHeaders().getFirst("Range");
    boolean ranged = range != null && flaw != Flaw.RANGE_IGNORED
        && !(flaw == Flaw.IF_RANGE_IGNORED && x.getRequestHeaders().getFirst("If-Range") != null);
    long from = 0;
    long to = content.length - 1;
    if (ranged) {
      String[] p = range.substring("bytes=".length()).split("-");
      from = Long.parseLong(p[0]);
      to = Long.parseLong(p[1]);
      if (flaw != Flaw.NO_CONTENT_RANGE) {
        long shown = flaw == Flaw.WRONG_CONTENT_RANGE ? from + 1 : from;
        h.set("Content-Range", "bytes " + shown + "-" + (to + shown - from) + "/" + content.length);
      }
    }
    int n = (int) (to - from + 1);
    if (head) {
      if (flaw != Flaw.NO_LENGTH) {
        h.set("Content-Length", Integer.toString(n));
      }
      x.sendResponseHeaders(200, -1);
    } else {
      x.sendResponseHeaders(ranged ? 206 : 200, flaw == Flaw.NO_LENGTH ? 0 : n);
      try (OutputStream o = x.getResponseBody()) {
        o.write(content, (int) from, n);
      } catch (IOException clientWentAway) {
        // the check closes a whole-file answer after its headers
      }
    }
    x.close();
  }

  @Test
  void aProxyThatStripsContentRangeIsNamed() throws Exception {
    URI url = compactUrl(100_000);
    // a forward proxy (absolute-form requests) that passes Range on and drops Content-Range from
    // the answers, as the middleboxes behind BG_E_INSUFFICIENT_RANGE_SUPPORT do
    HttpClient upstream = HttpClient.newHttpClient();
    flawed = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    flawed.createContext("/", x -> {
      try {
        var req = HttpRequest.newBuilder(x.getRequestURI())
            .method(x.getRequestMethod(), HttpRequest.BodyPublishers.noBody());
        for (String h : new String[] {"Range", "If-Range"}) {
          String v = x.getRequestHeaders().getFirst(h);
          if (v != null) {
            req.header(h, v);
          }
        }
        var r = upstream.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
        r.headers().map().forEach((k, v) -> {
          if (!k.equalsIgnoreCase("content-range") && !k.equalsIgnoreCase("content-length") && !k.startsWith(":")) {
            x.getResponseHeaders().put(k, v);
          }
        });
        boolean head = x.getRequestMethod().equals("HEAD");
        if (head) {
          x.getResponseHeaders().set("Content-Length", r.headers().firstValue("content-length").orElse("0"));
        }
        x.sendResponseHeaders(r.statusCode(), head ? -1 : r.body().length);
        if (!head) {
          x.getResponseBody().write(r.body());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        x.close();
      }
    });
    flawed.start();
    assertThat(bits("check", url.toString(), "--proxy", "127.0.0.1:" + flawed.getAddress().getPort())).isEqualTo(1);
    assertThat(out.toString()).contains("ok    HEAD          200, Content-Length 100000")
        .contains("FAIL  ranges        206 to \"Range: bytes=0-0\" with Content-Range missing")
        .contains("BG_E_INSUFFICIENT_RANGE_SUPPORT (0x80200013)");
    out.getBuffer().setLength(0);
    assertThat(bits("check", url.toString())).as("without the proxy").isZero();
  }

  @Test
  void aRedirectIsFollowedAsBitsFollowsIt() throws Exception {
    URI f = flawed(Flaw.NONE);
    assertThat(bits("check", f.resolve("/moved").toString())).isZero();
    assertThat(out.toString()).contains("ok    redirect      302 to " + f)
        .contains("ok    HEAD          200, Content-Length 4096").contains("ok    ranges").contains("ok    If-Range")
        .endsWith("BITS can download this URL.\n");
  }

  @ParameterizedTest
  @EnumSource(value = Flaw.class, mode = EnumSource.Mode.EXCLUDE, names = "NONE")
  void eachFlawIsNamed(Flaw flaw) throws Exception {
    int rc = bits("check", flawed(flaw).toString());
    assertThat(out.toString()).contains(flaw.expected);
    if (flaw == Flaw.IF_RANGE_IGNORED) {
      assertThat(rc).isZero(); // resuming restarts, but the download works
      assertThat(out.toString()).endsWith("BITS can download this URL.\n");
    } else {
      assertThat(rc).isEqualTo(1);
      assertThat(out.toString()).endsWith("BITS cannot download this URL.\n");
    }
  }

  @Test
  void usageErrors() {
    assertThat(bits("check", "example.com/f")).isEqualTo(2);
    assertThat(err.toString()).contains("write it with its scheme");
    err.getBuffer().setLength(0);
    assertThat(bits("check", "http://127.0.0.1:1/a b")).isEqualTo(2);
    assertThat(err.toString()).contains("not a valid URL: Illegal character in path at index 20")
        .contains("%20").doesNotContain("http://http://");
    err.getBuffer().setLength(0);
    assertThat(bits("check", "file:///etc/passwd")).isEqualTo(2);
    assertThat(err.toString()).contains("is a file URL: BITS downloads http and https URLs only");
    err.getBuffer().setLength(0);
    assertThat(bits("check", "http://127.0.0.1:1/f", "--user", "bob")).isEqualTo(2);
    assertThat(err.toString()).startsWith("bits: ").contains("--password-env").hasLineCount(1);
    err.getBuffer().setLength(0);
    assertThat(bits("check", "http://127.0.0.1:1/f", "--proxy", "noport")).isEqualTo(2);
    assertThat(err.toString()).contains("--proxy wants HOST:PORT");
  }
}
