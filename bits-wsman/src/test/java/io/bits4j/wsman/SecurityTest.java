package io.bits4j.wsman;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bits4j.UserStore;
import io.bits4j.wsman.internal.Ns;
import io.bits4j.wsman.internal.WsmanClient;
import io.netty.pkitesting.X509Bundle;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Quotas, limits, client certificates and the rules about plain HTTP. */
class SecurityTest {
  static final UserStore USERS = UserStore.inMemory();

  @BeforeAll
  static void users() {
    USERS.addUser("admin", "s3cret".toCharArray(), Set.of(UserStore.ADMINISTRATORS), Set.of());
  }

  static ManagementEndpoint.Builder base(TinyServer server) {
    return ManagementEndpoint.builder().compactServer(server).users(USERS)
        .tls(TestPki.identity(TestPki.SERVER)).bind(new InetSocketAddress("127.0.0.1", 0));
  }

  /** TLS 1.2 with forward secrecy and AEAD only (RFC 9325 §4.1, §4.2): static RSA and CBC-SHA1 are refused. */
  @Test
  void onlyForwardSecretAeadSuitesAreOffered() throws Exception {
    io.netty.pkitesting.X509Bundle rsa = new io.netty.pkitesting.CertificateBuilder().subject("CN=localhost")
        .addSanIpAddress("127.0.0.1").addExtendedKeyUsageServerAuth().rsa2048().buildIssuedBy(TestPki.CA);
    try (ManagementEndpoint ep = ManagementEndpoint.builder().compactServer(new TinyServer()).users(USERS)
        .tls(TestPki.identity(rsa)).bind(new InetSocketAddress("127.0.0.1", 0)).build()) {
      int port = ep.address().getPort();
      for (String weak : new String[] {"TLS_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_128_CBC_SHA",
          "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"}) {
        assertThatThrownBy(() -> handshake(port, weak)).as(weak).isInstanceOf(java.io.IOException.class);
      }
      assertThat(handshake(port, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")).isEqualTo("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
    }
  }

  /**
   * TLS 1.2 renegotiation, which the JDK's TLS (the endpoint's provider without netty-tcnative)
   * accepts from clients, closes the connection: a client could make the endpoint repeat the
   * handshake at will, or swap the certificate it authenticated with.
   */
  @Test
  void renegotiationClosesTheConnection() throws Exception {
    try (ManagementEndpoint ep = base(new TinyServer()).build()) {
      javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
      ctx.init(null, TestPki.CA.toTrustManagerFactory().getTrustManagers(), null);
      int port = ep.address().getPort();
      try (java.net.Socket plain = new java.net.Socket("127.0.0.1", port)) {
        plain.setSoTimeout(10_000);
        javax.net.ssl.SSLSocket ssl = (javax.net.ssl.SSLSocket) ctx.getSocketFactory().createSocket(plain, "127.0.0.1", port, true);
        ssl.setEnabledProtocols(new String[] {"TLSv1.2"});
        ssl.startHandshake();
        byte[] request = HostileInputTest.http(new byte[0], null);
        ssl.getOutputStream().write(request);
        assertThat(ThrottlingTest.readResponse(ssl.getInputStream()).status()).isEqualTo(401);
        ssl.getSession().invalidate(); // a full handshake, not a resumption
        assertThatThrownBy(() -> {
          ssl.startHandshake(); // a renegotiation
          ssl.getOutputStream().write(request);
          if (ssl.getInputStream().read() < 0) {
            throw new java.io.EOFException("closed");
          }
        }).isInstanceOf(java.io.IOException.class);
      }
    }
  }

  /** A TLS 1.2 handshake offering one cipher suite; the suite agreed. */
  private static String handshake(int port, String suite) throws Exception {
    javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
    ctx.init(null, TestPki.CA.toTrustManagerFactory().getTrustManagers(), null);
    try (java.net.Socket plain = new java.net.Socket("127.0.0.1", port)) {
      plain.setSoTimeout(10_000);
      javax.net.ssl.SSLSocket ssl = (javax.net.ssl.SSLSocket) ctx.getSocketFactory().createSocket(plain, "127.0.0.1", port, true);
      ssl.setEnabledProtocols(new String[] {"TLSv1.2"});
      ssl.setEnabledCipherSuites(new String[] {suite});
      ssl.startHandshake();
      return ssl.getSession().getCipherSuite();
    }
  }

  @Test
  void perUserQuotaRefusesTheSixteenthConcurrentOperation() throws Exception {
    TinyServer server = new TinyServer();
    CountDownLatch release = new CountDownLatch(1);
    server.entered = new CountDownLatch(15);
    server.block = release;
    try (ManagementEndpoint ep = base(server).build()) {
      WsmanClient c = Http.wsman(ep.uri(), "admin", "s3cret");
      List<CompletableFuture<WsmanClient.Output>> calls = new ArrayList<>();
      for (int i = 0; i < 15; i++) {
        String prefix = "http://127.0.0.1:" + (20000 + i) + "/Q";
        calls.add(CompletableFuture.supplyAsync(
            () -> c.invoke(Ns.URL_GROUP_URI, "CreateUrlGroup", Map.of(), Map.of("UrlGroup", prefix))));
      }
      assertThat(server.entered.await(20, TimeUnit.SECONDS)).isTrue();
      assertThatThrownBy(() -> c.invoke(Ns.URL_GROUP_URI, "CreateUrlGroup", Map.of(),
          Map.of("UrlGroup", "http://127.0.0.1:20099/Q")))
          .isInstanceOfSatisfying(WsmanClient.FaultException.class, e -> assertThat(e.subcode()).isEqualTo("QuotaLimit"));
      release.countDown();
      for (CompletableFuture<WsmanClient.Output> f : calls) {
        assertThat(f.get(20, TimeUnit.SECONDS).returnValue()).isZero();
      }
      // the quota is free again
      assertThat(c.invoke(Ns.URL_GROUP_URI, "CreateUrlGroup", Map.of(), Map.of("UrlGroup", "http://127.0.0.1:20099/Q"))
          .returnValue()).isZero();
    } finally {
      release.countDown();
    }
  }

  @Test
  void mappedClientCertificateAuthenticates() throws Exception {
    X509Bundle adminCert = TestPki.client("admin-cert");
    X509Bundle stranger = TestPki.client("stranger");
    try (ManagementEndpoint ep = base(new TinyServer()).mapClientCertificate(adminCert.getCertificate(), "admin").build()) {
      WsmanClient viaCert = new WsmanClient(clientWith(adminCert), ep.uri(),
          "http://schemas.dmtf.org/wbem/wsman/1/wsman/secprofile/https/mutual", Duration.ofSeconds(30), 153600);
      assertThat(viaCert.invoke(Ns.URL_GROUP_URI, "CreateUrlGroup", Map.of(),
          Map.of("UrlGroup", "http://127.0.0.1:20200/C")).returnValue()).isZero();
      WsmanClient unmapped = new WsmanClient(clientWith(stranger), ep.uri(),
          "http://schemas.dmtf.org/wbem/wsman/1/wsman/secprofile/https/mutual", Duration.ofSeconds(30), 153600);
      assertThatThrownBy(() -> unmapped.invoke(Ns.URL_GROUP_URI, "CreateUrlGroup", Map.of(),
          Map.of("UrlGroup", "http://127.0.0.1:20201/C")))
          .hasMessageContaining("401");
      // password clients still work alongside
      assertThat(Http.wsman(ep.uri(), "admin", "s3cret").identify(false)).isNotNull();
    }
  }

  /** A mapped certificate out of its validity period authenticates nobody (WinRM's mapping requires a valid one). */
  @Test
  void anExpiredMappedClientCertificateIsRefused() throws Exception {
    java.time.Instant now = java.time.Instant.now();
    X509Bundle expired = new io.netty.pkitesting.CertificateBuilder().subject("CN=expired-admin").ecp256()
        .addExtendedKeyUsageClientAuth().notBefore(now.minus(Duration.ofDays(30))).notAfter(now.minus(Duration.ofDays(1)))
        .buildIssuedBy(TestPki.CA);
    try (ManagementEndpoint ep = base(new TinyServer()).mapClientCertificate(expired.getCertificate(), "admin").build()) {
      WsmanClient viaCert = new WsmanClient(clientWith(expired), ep.uri(),
          "http://schemas.dmtf.org/wbem/wsman/1/wsman/secprofile/https/mutual", Duration.ofSeconds(30), 153600);
      assertThatThrownBy(() -> viaCert.invoke(Ns.URL_GROUP_URI, "CreateUrlGroup", Map.of(),
          Map.of("UrlGroup", "http://127.0.0.1:20202/C"))).hasMessageContaining("401");
    }
  }

  static HttpClient clientWith(X509Bundle cert) throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(cert.toKeyManagerFactory().getKeyManagers(), TestPki.CA.toTrustManagerFactory().getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(ctx).version(HttpClient.Version.HTTP_1_1).build();
  }

  @Test
  void connectionCapClosesExtraConnections() throws Exception {
    try (ManagementEndpoint ep = base(new TinyServer()).maxConnections(2).build()) {
      int port = ep.address().getPort();
      try (Socket a = new Socket("127.0.0.1", port); Socket b = new Socket("127.0.0.1", port)) {
        assertThat(a.isConnected() && b.isConnected()).isTrue();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (ep.openConnections() < 2 && System.nanoTime() < deadline) {
          Thread.onSpinWait();
        }
        assertThat(ep.openConnections()).isEqualTo(2);
        try (Socket c = new Socket("127.0.0.1", port)) {
          c.setSoTimeout(10_000);
          assertThat(c.getInputStream().read()).isEqualTo(-1); // closed at once
        }
      }
    }
  }

  @Test
  void slowRequestIsCutOff() throws Exception {
    TinyServer server = new TinyServer();
    try (ManagementEndpoint ep = ManagementEndpoint.builder().compactServer(server).users(USERS).allowPlainHttp(true)
        .bind(new InetSocketAddress("127.0.0.1", 0)).receiveTimeout(Duration.ofMillis(300)).build();
        Socket s = new Socket("127.0.0.1", ep.address().getPort())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write("POST /wsman HTTP/1.1\r\nHost: x\r\nContent-Type: application/soap+xml\r\nContent-Length: 100\r\n\r\n<s:"
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      String head = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
      assertThat(head).isEqualTo("HTTP/1.1 408");
    }
  }

  @Test
  void plainHttpOnlyWhenAllowedAndOnLoopback() {
    assertThatThrownBy(() -> ManagementEndpoint.builder().compactServer(new TinyServer()).users(USERS)
        .bind(new InetSocketAddress("127.0.0.1", 0)).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("TLS");
    assertThatThrownBy(() -> ManagementEndpoint.builder().compactServer(new TinyServer()).users(USERS)
        .allowPlainHttp(true).bind(new InetSocketAddress("0.0.0.0", 0)).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("loopback");
    assertThatThrownBy(() -> ManagementEndpoint.builder().users(USERS).tls(TestPki.identity(TestPki.SERVER)).build())
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> ManagementEndpoint.builder().compactServer(new TinyServer())
        .tls(TestPki.identity(TestPki.SERVER)).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("UserStore");
  }

  @Test
  void sessionRefusesBasicOverPlainHttpExceptLoopback() {
    assertThatThrownBy(() -> WsmanSession.builder(URI.create("http://node1.example:5985/wsman"))
        .basic("admin", "x".toCharArray()).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("plain HTTP");
    assertThatThrownBy(() -> WsmanSession.builder(URI.create("http://10.0.0.1:5985/wsman"))
        .basic("admin", "x".toCharArray()).build())
        .isInstanceOf(IllegalArgumentException.class);
    WsmanSession.builder(URI.create("http://127.0.0.1:5985/wsman")).basic("admin", "x".toCharArray()).build().close();
    WsmanSession.builder(URI.create("http://[::1]:5985/wsman")).basic("admin", "x".toCharArray()).build().close();
    WsmanSession.builder(URI.create("http://localhost:5985/wsman")).basic("admin", "x".toCharArray()).build().close();
    assertThatThrownBy(() -> WsmanSession.builder(URI.create("ftp://h/wsman"))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void verifiedCredentialsAreCachedForAtMostAMinute() {
    TestScheduler clock = new TestScheduler();
    io.bits4j.wsman.internal.Authenticator auth = new io.bits4j.wsman.internal.Authenticator(
        USERS, Map.of(), clock, Duration.ofMinutes(5));
    String header = Http.basic("admin", "s3cret");
    assertThat(auth.authenticate(header, null)).isPresent();
    long t0 = System.nanoTime();
    for (int i = 0; i < 50; i++) {
      assertThat(auth.authenticate(header, null)).isPresent();
    }
    // 50 cached checks cost far less than one PBKDF2 hash each (~0.1 s)
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
    assertThat(auth.authenticate(Http.basic("admin", "wrong"), null)).isEmpty();
    // the user's password changes: within the TTL the old one is still cached, after 60 s it is not
    USERS.addUser("temp", "one".toCharArray(), Set.of(UserStore.ADMINISTRATORS), Set.of());
    assertThat(auth.authenticate(Http.basic("temp", "one"), null)).isPresent();
    USERS.addUser("temp", "two".toCharArray(), Set.of(UserStore.ADMINISTRATORS), Set.of());
    clock.advance(Duration.ofSeconds(61));
    assertThat(auth.authenticate(Http.basic("temp", "one"), null)).isEmpty();
    assertThat(auth.authenticate(Http.basic("temp", "two"), null)).isPresent();
    // a removed user is refused even while cached
    USERS.removeUser("temp");
    assertThat(auth.authenticate(Http.basic("temp", "two"), null)).isEmpty();
  }
}
