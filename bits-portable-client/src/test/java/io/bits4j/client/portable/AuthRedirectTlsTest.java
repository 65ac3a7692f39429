package io.bits4j.client.portable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bits4j.AuthTarget;
import io.bits4j.BitsException;
import io.bits4j.ClientJob;
import io.bits4j.CredentialScheme;
import io.bits4j.Credentials;
import io.bits4j.ErrorContext;
import io.bits4j.Hresult;
import io.bits4j.JobError;
import io.bits4j.JobSpec;
import io.bits4j.JobState;
import io.bits4j.ProxySettings;
import io.bits4j.testkit.ManualClock;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Authentication, proxies, redirects and TLS against scripted servers and proxies: every answer
 * ends in a typed error or a bounded retry, and credentials go only where they belong.
 */
class AuthRedirectTlsTest {
  @TempDir static Path keys;
  @TempDir Path tmp;
  ScriptServer a;
  ScriptServer b;
  ManualClock clock;
  PortableBitsClient client;

  private static final String FILE_HEAD = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n";
  private static final Credentials PROXY_BASIC =
      new Credentials(AuthTarget.PROXY, CredentialScheme.BASIC, "pu", "pp");

  @BeforeEach
  void setUp() throws IOException {
    a = new ScriptServer();
    b = new ScriptServer();
    clock = new ManualClock();
    client = PortableBitsClient.builder().stateDirectory(tmp.resolve("state")).scheduler(clock)
        .readTimeout(Duration.ofMillis(500)).build();
  }

  @AfterEach
  void tearDown() throws IOException {
    client.close();
    a.close();
    b.close();
  }

  /** Serves a five-byte file. */
  private static boolean file(TestServer.Request r, OutputStream out) throws IOException {
    ScriptServer.write(out, FILE_HEAD + (r.method().equals("GET") ? "hello" : ""));
    return true;
  }

  /** Asks for Basic credentials until a request carries some, then serves the file. */
  private static boolean basicProtected(TestServer.Request r, OutputStream out) throws IOException {
    if (r.header("authorization") == null) {
      ScriptServer.write(out, "HTTP/1.1 401 No\r\nWWW-Authenticate: Basic realm=\"a\"\r\nContent-Length: 0\r\n\r\n");
      return true;
    }
    return file(r, out);
  }

  private ClientJob start(JobSpec.Builder spec, URI uri) {
    return client.createJob(spec.addFile(uri, tmp.resolve("out")).start(true).build());
  }

  /** Waits until the job stops trying: TRANSFERRED, ERROR or TRANSIENT_ERROR. */
  private static JobState settle(ClientJob job) {
    TestFiles.await("settled", Duration.ofSeconds(20), () -> job.state() == JobState.TRANSFERRED
        || job.state() == JobState.ERROR || job.state() == JobState.TRANSIENT_ERROR);
    return job.state();
  }

  private static JobError error(ClientJob job) {
    return job.error().orElseThrow();
  }

  private JobSpec.Builder viaProxy(String name, ScriptServer proxy) {
    return JobSpec.builder(name)
        .proxy(ProxySettings.override(List.of("127.0.0.1:" + proxy.uri("/").getPort()), List.of()));
  }

  // ---------------------------------------------------------------- 1. server authentication

  /** Challenges answered once (or, with stale=true, a few times) and then refused: a 401 error. */
  @ParameterizedTest
  @ValueSource(strings = {
      "Basic realm=\"x\"",
      "Digest realm=\"x\", nonce=\"n1\", stale=true, qop=\"auth\"",
      "Digest realm=\"x\", nonce=\"n1\", algorithm=SHA-512-256",
      "Digest realm=\"x\", nonce=\"n1\", qop=\"auth-int\"",
      "Digest realm=\"x\"",
      "Digest realm=\"x, nonce=\"n1",
      "Negotiate, NTLM",
      ""})
  void endlessOrUnanswerableChallengesAre401Errors(String challenge) {
    a.handler = (r, out) -> {
      ScriptServer.write(out, "HTTP/1.1 401 No\r\n"
          + (challenge.isEmpty() ? "" : "WWW-Authenticate: " + challenge + "\r\n") + "Content-Length: 0\r\n\r\n");
      return true;
    };
    ClientJob job = start(JobSpec.builder("401").credentials(Credentials.basic("u", "p"))
        .credentials(Credentials.digest("u", "p")), a.uri("/f"));
    assertThat(settle(job)).isEqualTo(JobState.ERROR);
    assertThat(error(job).hresult()).isEqualTo(Hresult.httpError(401));
    assertThat(a.requests).hasSizeLessThanOrEqualTo(5);
  }

  /** Server credentials answer the origin that asked, not the host it redirects to. */
  @Test
  void credentialsAreNotSentAcrossARedirectToAnotherOrigin() {
    a.handler = (r, out) -> {
      if (r.header("authorization") == null) {
        return basicProtected(r, out);
      }
      ScriptServer.write(out, "HTTP/1.1 302 Found\r\nLocation: " + b.uri("/f") + "\r\nContent-Length: 0\r\n\r\n");
      return true;
    };
    b.handler = AuthRedirectTlsTest::file;
    ClientJob job = start(JobSpec.builder("x").credentials(Credentials.basic("u", "p")), a.uri("/f"));
    assertThat(settle(job)).isEqualTo(JobState.TRANSFERRED);
    assertThat(b.requests).isNotEmpty().allSatisfy(r -> assertThat(r.header("authorization")).isNull());
  }

  /** Nor to the origin of the job's next file, which never asked. */
  @Test
  void credentialsAreNotSentToAnotherFilesOrigin() {
    a.handler = AuthRedirectTlsTest::basicProtected;
    b.handler = AuthRedirectTlsTest::file;
    ClientJob job = client.createJob(JobSpec.builder("two").credentials(Credentials.basic("u", "p"))
        .addFile(a.uri("/f"), tmp.resolve("1")).addFile(b.uri("/g"), tmp.resolve("2")).start(true).build());
    assertThat(settle(job)).isEqualTo(JobState.TRANSFERRED);
    assertThat(a.requests.get(a.requests.size() - 1).header("authorization")).startsWith("Basic ");
    assertThat(b.requests).isNotEmpty().allSatisfy(r -> assertThat(r.header("authorization")).isNull());
  }

  // ---------------------------------------------------------------- 2. proxies

  /** A proxy refusing the credentials forever (Basic, or Digest stale=true): a 407 error, for HTTP and CONNECT. */
  @ParameterizedTest
  @ValueSource(strings = {"keep-alive", "close", "stale"})
  void endlessProxyChallengesAre407Errors(String mode) {
    a.handler = (r, out) -> {
      ScriptServer.write(out, "HTTP/1.1 407 P\r\nProxy-Authenticate: "
          + (mode.equals("stale") ? "Digest realm=\"p\", nonce=\"1\", stale=true" : "Basic realm=\"p\"") + "\r\n"
          + (mode.equals("close") ? "Connection: close\r\n" : "") + "Content-Length: 0\r\n\r\n");
      return !mode.equals("close");
    };
    Credentials proxy = mode.equals("stale")
        ? new Credentials(AuthTarget.PROXY, CredentialScheme.DIGEST, "pu", "pp") : PROXY_BASIC;
    ClientJob http = start(viaProxy("407", a).credentials(Credentials.basic("su", "sp")).credentials(proxy),
        URI.create("http://127.0.0.1:9/f"));
    assertThat(settle(http)).isEqualTo(JobState.ERROR);
    assertThat(error(http).hresult()).isEqualTo(Hresult.httpError(407));
    int viaHttp = a.requests.size();
    assertThat(viaHttp).isBetween(2, 5);
    ClientJob https = start(viaProxy("407s", a).credentials(Credentials.basic("su", "sp")).credentials(proxy),
        URI.create("https://127.0.0.1:9/f"));
    assertThat(settle(https)).isEqualTo(JobState.ERROR);
    assertThat(error(https).hresult()).isEqualTo(Hresult.httpError(407));
    assertThat(a.requests.size() - viaHttp).isBetween(2, 16);
    assertThat(a.requests).allSatisfy(r -> assertThat(r.header("authorization")).isNull());
  }

  /** CONNECT refused: the status, fatal (403) or transient (502) as BITS classifies it. */
  @ParameterizedTest
  @ValueSource(ints = {403, 502})
  void refusedConnectIsAnHttpError(int status) {
    a.handler = (r, out) -> {
      ScriptServer.write(out, "HTTP/1.1 " + status + " No\r\nContent-Length: 0\r\n\r\n");
      return true;
    };
    ClientJob job = start(viaProxy("connect", a), URI.create("https://127.0.0.1:9/f"));
    assertThat(settle(job)).isEqualTo(status == 403 ? JobState.ERROR : JobState.TRANSIENT_ERROR);
    assertThat(error(job).hresult()).isEqualTo(Hresult.httpError(status));
    assertThat(a.requests).hasSize(1);
  }

  /**
   * A proxy entry whose port cannot exist is refused when the job is set up (bits-api), and were
   * one to reach a transfer (a state file of an older version) it would be invalid proxy
   * information, not an internal error ({@code HttpSessionPortsTest}).
   */
  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1:70000", "127.0.0.1:-5"})
  void proxyPortOutOfRangeIsRefusedAtSetUp(String entry) {
    assertThatThrownBy(() -> ProxySettings.override(List.of(entry), List.of()))
        .isInstanceOfSatisfying(BitsException.class, e -> assertThat(e.hresult()).isEqualTo(Hresult.E_INVALIDARG));
  }

  /** A redirect's fragment is not part of the absolute-form target a forward proxy receives. */
  @Test
  void redirectFragmentIsNotSentToAForwardProxy() {
    a.handler = (r, out) -> {
      if (r.target().endsWith("/moved")) {
        ScriptServer.write(out, "HTTP/1.1 302 Found\r\nLocation: /f#part\r\nContent-Length: 0\r\n\r\n");
        return true;
      }
      return file(r, out);
    };
    ClientJob job = start(viaProxy("frag", a), b.uri("/moved"));
    assertThat(settle(job)).isEqualTo(JobState.TRANSFERRED);
    // HEAD, HEAD after the redirect, GET, HEAD of the data URL after the last byte
    assertThat(a.requests).hasSize(4).allSatisfy(r -> assertThat(r.target()).doesNotContain("#"));
    assertThat(b.requests).isEmpty();
  }

  // ---------------------------------------------------------------- 3. redirects

  /** Every redirect status is followed with the method unchanged (HEAD stays HEAD, GET stays GET). */
  @ParameterizedTest
  @ValueSource(ints = {301, 302, 303, 307, 308})
  void redirectsKeepTheMethod(int status) {
    a.handler = (r, out) -> {
      if (r.target().startsWith("/moved")) {
        ScriptServer.write(out, "HTTP/1.1 " + status + " M\r\nLocation: /f\r\nContent-Length: 0\r\n\r\n");
        return true;
      }
      return file(r, out);
    };
    ClientJob job = start(JobSpec.builder("r"), a.uri("/moved"));
    assertThat(settle(job)).isEqualTo(JobState.TRANSFERRED);
    assertThat(a.requests).extracting(r -> r.method() + " " + r.target())
        .containsExactly("HEAD /moved", "HEAD /f", "GET /f", "HEAD /f"); // the last: after the last byte
  }

  /** A Location whose port cannot exist is a bad redirect, not an internal error. */
  @ParameterizedTest
  @ValueSource(strings = {"http://127.0.0.1:70000/f", "http://127.0.0.1:2147483647/f"})
  void redirectToAnImpossiblePortIsABadLocation(String location) {
    a.handler = (r, out) -> {
      ScriptServer.write(out, "HTTP/1.1 302 Found\r\nLocation: " + location + "\r\nContent-Length: 0\r\n\r\n");
      return true;
    };
    ClientJob job = start(JobSpec.builder("r"), a.uri("/f"));
    assertThat(settle(job)).isEqualTo(JobState.ERROR);
    assertThat(error(job).hresult()).isEqualTo(Hresult.httpError(302));
    assertThat(error(job).description()).contains("bad redirect Location");
  }

  /** A job URL with such a port is refused when the job is set up. */
  @Test
  void jobUrlWithAnImpossiblePortIsAnInvalidArgument() {
    assertThatThrownBy(() -> start(JobSpec.builder("u"), URI.create("http://127.0.0.1:70000/f")))
        .isInstanceOfSatisfying(BitsException.class, e -> assertThat(e.hresult()).isEqualTo(Hresult.E_INVALIDARG));
  }

  // ---------------------------------------------------------------- 4. TLS

  static KeyStore wrongHost;
  static KeyStore expired;
  static KeyStore notYetValid;
  static KeyStore valid;

  @BeforeAll
  static void certificates() throws Exception {
    wrongHost = selfSigned("wronghost", "-ext", "SAN=dns:other.example", "-validity", "2");
    expired = selfSigned("expired", "-ext", "SAN=ip:127.0.0.1", "-startdate", "-10d", "-validity", "2");
    notYetValid = selfSigned("notyet", "-ext", "SAN=ip:127.0.0.1", "-startdate", "+10d", "-validity", "2");
    valid = selfSigned("valid", "-ext", "SAN=ip:127.0.0.1", "-validity", "2");
  }

  /** A PKCS#12 key store with one self-signed EC key entry {@code alias}, made by keytool. */
  private static KeyStore selfSigned(String alias, String... extra) throws Exception {
    Path file = keys.resolve(alias + ".p12");
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + alias,
        "-keystore", file.toString(), "-storetype", "PKCS12", "-storepass", new String(TestCerts.PASSWORD),
        "-keypass", new String(TestCerts.PASSWORD)));
    cmd.addAll(List.of(extra));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("keytool failed: " + out);
    }
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      ks.load(in, TestCerts.PASSWORD);
    }
    return ks;
  }

  /** A client trusting exactly the certificate of the first alias of {@code ks}. */
  private PortableBitsClient trusting(KeyStore ks) throws Exception {
    String alias = ks.aliases().nextElement();
    return PortableBitsClient.builder().stateDirectory(tmp.resolve("tls-state")).scheduler(clock)
        .readTimeout(Duration.ofMillis(500)).trustStore(TestCerts.trustOf(ks, alias)).build();
  }

  /**
   * A trusted certificate for another name, or outside its validity period, is a fatal secure
   * failure. A trust store holding the server's own certificate makes it a PKIX trust anchor,
   * whose dates the JDK does not check.
   */
  @ParameterizedTest
  @ValueSource(strings = {"wronghost", "expired", "notyet"})
  void untrustworthyCertificateIsAFatalSecureFailure(String kind) throws Exception {
    KeyStore ks = switch (kind) {
      case "wronghost" -> wrongHost;
      case "expired" -> expired;
      default -> notYetValid;
    };
    Path src = TestFiles.generate(tmp.resolve("src"), 1000, 31);
    try (TestServer server = new TestServer(src, TestCerts.server(ks, ks), false);
        PortableBitsClient c = trusting(ks)) {
      ClientJob job = c.createJob(JobSpec.builder("tls").addFile(server.uri("/f"), tmp.resolve("o")).start(true).build());
      assertThat(settle(job)).isEqualTo(JobState.ERROR);
      assertThat(error(job).hresult()).isEqualTo(Hresult.E_WINHTTP_SECURE_FAILURE);
      assertThat(server.requests).isEmpty();
    }
  }

  /** A redirect from HTTPS to plain HTTP is refused before anything is sent over HTTP. */
  @Test
  void httpsToHttpRedirectIsRefused() throws Exception {
    a.handler = AuthRedirectTlsTest::file;
    Path src = TestFiles.generate(tmp.resolve("src"), 1000, 32);
    try (TestServer server = new TestServer(src, TestCerts.server(valid, valid), false);
        PortableBitsClient c = trusting(valid)) {
      server.raw.put("/moved", r -> "HTTP/1.1 302 Found\r\nLocation: " + a.uri("/f") + "\r\nContent-Length: 0\r\n\r\n");
      ClientJob job = c.createJob(JobSpec.builder("down").addFile(server.uri("/moved"), tmp.resolve("o"))
          .start(true).build());
      assertThat(settle(job)).isEqualTo(JobState.ERROR);
      assertThat(error(job).hresult()).isEqualTo(Hresult.httpError(302));
      assertThat(a.requests).isEmpty();
    }
  }

  /** A tunnel the proxy connects to another host than asked: the name check fails, fatally. */
  @Test
  void tunnelToTheWrongHostIsAFatalSecureFailure() throws Exception {
    Path src = TestFiles.generate(tmp.resolve("src"), 1000, 33);
    try (TestServer server = new TestServer(src, TestCerts.server(wrongHost, wrongHost), false);
        ServerSocket proxy = connectProxy(tunnel -> {
          try (Socket up = new Socket(InetAddress.getLoopbackAddress(), server.uri("/").getPort())) {
            Thread back = new Thread(() -> {
              try {
                up.getInputStream().transferTo(tunnel.getOutputStream());
              } catch (IOException e) {
                // tunnel over
              }
            });
            back.setDaemon(true);
            back.start();
            tunnel.getInputStream().transferTo(up.getOutputStream());
          }
        });
        PortableBitsClient c = trusting(wrongHost)) {
      ClientJob job = c.createJob(JobSpec.builder("t")
          .proxy(ProxySettings.override(List.of("127.0.0.1:" + proxy.getLocalPort()), List.of()))
          .addFile(URI.create("https://127.0.0.1:9/f"), tmp.resolve("o")).start(true).build());
      assertThat(settle(job)).isEqualTo(JobState.ERROR);
      assertThat(error(job).hresult()).isEqualTo(Hresult.E_WINHTTP_SECURE_FAILURE);
      assertThat(server.requests).isEmpty();
    }
  }

  /**
   * A connection that ends in the middle of the TLS handshake (a server closing it, or a proxy
   * closing the tunnel right after its 200) is a transient connection error, as a reset is, not a
   * fatal certificate failure.
   */
  @ParameterizedTest
  @ValueSource(strings = {"server", "proxy"})
  void connectionClosedDuringTheHandshakeIsTransient(String who) throws Exception {
    ClientJob job;
    if (who.equals("server")) {
      try (ServerSocket server = acceptAndClose()) {
        job = start(JobSpec.builder("h"), URI.create("https://127.0.0.1:" + server.getLocalPort() + "/f"));
        assertThat(settle(job)).isEqualTo(JobState.TRANSIENT_ERROR);
      }
    } else {
      a.handler = (r, out) -> {
        ScriptServer.write(out, "HTTP/1.1 200 Connection established\r\n\r\n");
        return false;
      };
      job = start(viaProxy("h", a), URI.create("https://127.0.0.1:9/f"));
      assertThat(settle(job)).isEqualTo(JobState.TRANSIENT_ERROR);
    }
    assertThat(error(job).hresult()).isEqualTo(Hresult.BG_E_CONNECTION_CLOSED);
    assertThat(error(job).context()).isEqualTo(ErrorContext.GENERAL_TRANSPORT);
  }

  /** A server that speaks only TLS 1.0 (its ServerHello picks 1.0): a fatal secure failure. */
  @Test
  void tls10OnlyServerIsAFatalSecureFailure() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      Thread t = new Thread(() -> {
        try (Socket s = server.accept()) {
          s.getInputStream().read(new byte[16384]);
          // ServerHello: version 3.1, zero random, empty session id, TLS_RSA_WITH_AES_128_CBC_SHA, null compression
          byte[] hello = new byte[42];
          hello[0] = 2;
          hello[3] = 38;
          hello[4] = 3;
          hello[5] = 1;
          hello[40] = 0x2f;
          OutputStream out = s.getOutputStream();
          out.write(new byte[] {0x16, 3, 1, 0, (byte) hello.length});
          out.write(hello);
          out.flush();
          s.getInputStream().read(new byte[16384]);
        } catch (IOException e) {
          // over
        }
      }, "tls10-server");
      t.setDaemon(true);
      t.start();
      ClientJob job = start(JobSpec.builder("tls10"), URI.create("https://127.0.0.1:" + server.getLocalPort() + "/f"));
      assertThat(settle(job)).isEqualTo(JobState.ERROR);
      assertThat(error(job).hresult()).isEqualTo(Hresult.E_WINHTTP_SECURE_FAILURE);
    }
  }

  /** A loopback server that reads the ClientHello of each connection and closes it. */
  private static ServerSocket acceptAndClose() throws IOException {
    ServerSocket ss = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
    Thread t = new Thread(() -> {
      while (true) {
        try (Socket s = ss.accept()) {
          s.getInputStream().read(new byte[16384]);
        } catch (IOException e) {
          return;
        }
      }
    }, "closing-server");
    t.setDaemon(true);
    t.start();
    return ss;
  }

  /** The tunnel of a {@link #connectProxy}: the client's socket after the 200. */
  interface TunnelAction {
    void run(Socket tunnel) throws IOException;
  }

  /** A loopback proxy answering any CONNECT with 200 and then running the action on the socket. */
  private static ServerSocket connectProxy(TunnelAction action) throws IOException {
    ServerSocket ss = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
    Thread t = new Thread(() -> {
      while (true) {
        Socket s;
        try {
          s = ss.accept();
        } catch (IOException e) {
          return;
        }
        Thread conn = new Thread(() -> {
          try (s) {
            InputStream in = s.getInputStream();
            int matched = 0;
            while (matched < 4) { // up to the blank line ending the CONNECT head
              int ch = in.read();
              if (ch < 0) {
                return;
              }
              matched = ch == "\r\n\r\n".charAt(matched) ? matched + 1 : ch == '\r' ? 1 : 0;
            }
            s.getOutputStream().write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            action.run(s);
          } catch (IOException e) {
            // tunnel over
          }
        }, "connect-proxy-conn");
        conn.setDaemon(true);
        conn.start();
      }
    }, "connect-proxy");
    t.setDaemon(true);
    t.start();
    return ss;
  }
}
