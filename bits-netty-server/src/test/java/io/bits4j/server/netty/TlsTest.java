package io.bits4j.server.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bits4j.AccessPolicy;
import io.bits4j.BitsException;
import io.bits4j.Hresult;
import io.bits4j.SslBinding;
import io.bits4j.UrlPrefix;
import io.netty.handler.ssl.OpenSsl;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** HTTPS: per-port certificates, TLS 1.2 and 1.3, JDK and OpenSSL, the certificate store. */
class TlsTest {
  @TempDir
  Path dir;

  static List<Object[]> providersAndProtocols() {
    List<Object[]> out = new ArrayList<>();
    List<NettyCompactServer.TlsProvider> providers = new ArrayList<>(List.of(NettyCompactServer.TlsProvider.JDK));
    if (OpenSsl.isAvailable()) {
      providers.add(NettyCompactServer.TlsProvider.OPENSSL);
    }
    for (NettyCompactServer.TlsProvider p : providers) {
      out.add(new Object[] {p, "TLSv1.2"});
      out.add(new Object[] {p, "TLSv1.3"});
    }
    return out;
  }

  @Test
  void openSslLoadsOnThisPlatform() {
    // netty-tcnative-boringssl-static ships linux-x86_64; on that platform it must load
    if (System.getProperty("os.name").startsWith("Linux") && System.getProperty("os.arch").equals("amd64")) {
      assertThat(OpenSsl.isAvailable()).as("OpenSSL unavailable: %s", OpenSsl.unavailabilityCause()).isTrue();
    }
    try (NettyCompactServer s = NettyCompactServer.builder().build()) {
      assertThat(s.tlsImplementation()).isEqualTo(OpenSsl.isAvailable() ? "openssl" : "jdk");
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("providersAndProtocols")
  void handshakeAndDownload(NettyCompactServer.TlsProvider provider, String protocol) throws Exception {
    Path f = TestSupport.file(dir, "f.bin", 300_000);
    int port = TestSupport.freePort();
    try (NettyCompactServer s = NettyCompactServer.builder().tlsProvider(provider).workerThreads(1).build()) {
      s.setSslCertificate(port, TestSupport.pki().serverIdentity());
      s.createUrlGroup(UrlPrefix.parse("https://127.0.0.1:" + port + "/T")).host("f.bin", f, AccessPolicy.NONE);
      try (RawHttp c = new RawHttp(port, TestSupport.pki().clientContext(false, "TLS"), new String[] {protocol})) {
        assertThat(((SSLSocket) c.socket).getSession().getProtocol()).isEqualTo(protocol);
        RawHttp.Response r = c.request("GET", "/T/f.bin");
        assertThat(r.body()).isEqualTo(Files.readAllBytes(f));
        RawHttp.Response part = c.request("GET", "/T/f.bin", "Range: bytes=100000-");
        assertThat(part.body()).isEqualTo(TestSupport.read(f, 100000, 299_999));
      }
    }
  }

  @Test
  void tls11AndPlainHttpOnTheTlsPortAreRefused() throws Exception {
    Path f = TestSupport.file(dir, "f.bin", 10);
    int port = TestSupport.freePort();
    try (NettyCompactServer s = NettyCompactServer.builder().workerThreads(1).build()) {
      s.setSslCertificate(port, TestSupport.pki().serverIdentity());
      s.createUrlGroup(UrlPrefix.parse("https://127.0.0.1:" + port + "/T")).host("f.bin", f, AccessPolicy.NONE);
      assertThatThrownBy(() -> new RawHttp(port, TestSupport.pki().clientContext(false, "TLS"), new String[] {"TLSv1.1"}))
          .isInstanceOf(IOException.class);
      try (java.net.Socket raw = new java.net.Socket("127.0.0.1", port)) {
        raw.setSoTimeout(10_000);
        OutputStream out = raw.getOutputStream();
        out.write("GET /T/f.bin HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        byte[] got = raw.getInputStream().readAllBytes();
        assertThat(new String(got, StandardCharsets.ISO_8859_1)).doesNotContain("HTTP/1.1 200");
      } catch (java.net.SocketException reset) {
        // closed with a reset: refused as well
      }
    }
  }

  /** TLS 1.2 with forward secrecy and AEAD only (RFC 9325 §4.1, §4.2): static RSA and CBC-SHA1 are refused. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void onlyForwardSecretAeadSuitesAreOffered(NettyCompactServer.TlsProvider provider) throws Exception {
    Path f = TestSupport.file(dir, "f.bin", 10);
    int port = TestSupport.freePort();
    // an RSA certificate: static RSA key exchange is possible with it, and must not be offered
    io.netty.pkitesting.X509Bundle rsa = new io.netty.pkitesting.CertificateBuilder().subject("CN=localhost")
        .addSanIpAddress("127.0.0.1").addExtendedKeyUsageServerAuth().rsa2048().buildIssuedBy(TestSupport.pki().ca);
    try (NettyCompactServer s = NettyCompactServer.builder().tlsProvider(provider).workerThreads(1).build()) {
      s.setSslCertificate(port, io.bits4j.TlsIdentity.of(rsa.getKeyPair().getPrivate(), rsa.getCertificatePathList()));
      s.createUrlGroup(UrlPrefix.parse("https://127.0.0.1:" + port + "/T")).host("f.bin", f, AccessPolicy.NONE);
      for (String weak : new String[] {"TLS_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_128_CBC_SHA",
          "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"}) {
        assertThatThrownBy(() -> handshake(port, weak)).as(weak).isInstanceOf(IOException.class);
      }
      assertThat(handshake(port, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")).isEqualTo("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
    }
  }

  /** A TLS 1.2 handshake offering one cipher suite; the suite agreed. */
  private static String handshake(int port, String suite) throws Exception {
    try (java.net.Socket plain = new java.net.Socket("127.0.0.1", port)) {
      plain.setSoTimeout(10_000);
      SSLSocket ssl = (SSLSocket) TestSupport.pki().clientContext(false, "TLS").getSocketFactory()
          .createSocket(plain, "127.0.0.1", port, true);
      ssl.setEnabledProtocols(new String[] {"TLSv1.2"});
      ssl.setEnabledCipherSuites(new String[] {suite});
      ssl.startHandshake();
      return ssl.getSession().getCipherSuite();
    }
  }

  @Test
  void bindingsArePerPortAndReportedByThumbprint() throws Exception {
    int port = TestSupport.freePort();
    try (NettyCompactServer s = NettyCompactServer.builder().workerThreads(1).build()) {
      assertThat(s.sslCertificate(port)).isEmpty();
      s.setSslCertificate(port, TestSupport.pki().serverIdentity());
      SslBinding b = s.sslCertificate(port).orElseThrow();
      assertThat(b.port()).isEqualTo(port);
      assertThat(b.storeName()).isEqualTo("MY");
      assertThat(b.thumbprint()).isEqualTo(TestSupport.pki().serverIdentity().thumbprint());
      assertThat(s.removeSslCertificate(port)).isTrue();
      assertThat(s.removeSslCertificate(port)).isFalse();
    }
  }

  @Test
  void httpsGroupWithoutCertificateClosesConnections() throws Exception {
    Path f = TestSupport.file(dir, "f.bin", 10);
    int port = TestSupport.freePort();
    try (NettyCompactServer s = NettyCompactServer.builder().workerThreads(1).build()) {
      s.createUrlGroup(UrlPrefix.parse("https://127.0.0.1:" + port + "/T")).host("f.bin", f, AccessPolicy.NONE);
      assertThatThrownBy(() -> new RawHttp(port, TestSupport.pki().clientContext(false, "TLS")))
          .isInstanceOf(IOException.class);
    }
  }

  @Test
  void certificateStoreByThumbprintPemAndPkcs12() throws Exception {
    TestSupport.Pki pki = TestSupport.pki();
    Path store = dir.resolve("certs");
    Path my = Files.createDirectories(store.resolve("MY"));
    Files.writeString(my.resolve("server.pem"), pki.server.getCertificatePathPEM());
    Files.writeString(my.resolve("server.key"), pki.server.getPrivateKeyPEM());
    Path other = Files.createDirectories(store.resolve("Other"));
    char[] pw = "changeit".toCharArray();
    try (OutputStream out = Files.newOutputStream(other.resolve("client.p12"))) {
      pki.client.toKeyStore(pw).store(out, pw);
    }
    Files.writeString(my.resolve("junk.pem"), "not a certificate");
    Path f = TestSupport.file(dir, "f.bin", 10);
    int port = TestSupport.freePort();
    int port2 = TestSupport.freePort();
    try (NettyCompactServer s = NettyCompactServer.builder().certificateStore(store).certificateStorePassword(pw)
        .workerThreads(1).build()) {
      s.setSslCertificate(port, "MY", pki.serverIdentity().thumbprint());
      assertThat(s.sslCertificate(port).orElseThrow().storeName()).isEqualTo("MY");
      s.createUrlGroup(UrlPrefix.parse("https://127.0.0.1:" + port + "/T")).host("f.bin", f, AccessPolicy.NONE);
      HttpClient client = HttpClient.newBuilder().sslContext(pki.clientContext(false, "TLS")).build();
      HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/T/f.bin")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      byte[] clientThumb = io.bits4j.TlsIdentity.sha1(pki.client.getCertificate());
      s.setSslCertificate(port2, "other", clientThumb); // PKCS#12, store name case-insensitive
      assertThat(HexFormat.of().formatHex(s.sslCertificate(port2).orElseThrow().thumbprint()))
          .isEqualTo(HexFormat.of().formatHex(clientThumb));
      assertThatThrownBy(() -> s.setSslCertificate(port, "MY", new byte[20]))
          .isInstanceOfSatisfying(BitsException.class, e -> assertThat(e.hresult()).isEqualTo(Hresult.E_NOT_FOUND));
      assertThatThrownBy(() -> s.setSslCertificate(port, "Nope", clientThumb))
          .isInstanceOfSatisfying(BitsException.class, e -> assertThat(e.hresult()).isEqualTo(Hresult.E_NOT_FOUND));
    }
    try (NettyCompactServer s = NettyCompactServer.builder().workerThreads(1).build()) {
      assertThatThrownBy(() -> s.setSslCertificate(port, "MY", pki.serverIdentity().thumbprint()))
          .isInstanceOfSatisfying(BitsException.class, e -> assertThat(e.hresult()).isEqualTo(Hresult.E_NOTIMPL));
    }
  }

  static List<NettyCompactServer.TlsProvider> providers() {
    List<NettyCompactServer.TlsProvider> out = new ArrayList<>(List.of(NettyCompactServer.TlsProvider.JDK));
    if (OpenSsl.isAvailable()) {
      out.add(NettyCompactServer.TlsProvider.OPENSSL);
    }
    return out;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void renegotiationIsRefusedAndTls13KeyUpdatesAreNot(NettyCompactServer.TlsProvider provider) throws Exception {
    Path f = TestSupport.file(dir, "f.bin", 10);
    int port = TestSupport.freePort();
    try (NettyCompactServer s = NettyCompactServer.builder().tlsProvider(provider).workerThreads(1).build()) {
      s.setSslCertificate(port, TestSupport.pki().serverIdentity());
      s.createUrlGroup(UrlPrefix.parse("https://127.0.0.1:" + port + "/T")).host("f.bin", f, AccessPolicy.NONE);
      try (RawHttp c = new RawHttp(port, TestSupport.pki().clientContext(false, "TLS"), new String[] {"TLSv1.2"})) {
        SSLSocket ssl = (SSLSocket) c.socket;
        assertThat(c.request("GET", "/T/f.bin").status()).isEqualTo(200);
        ssl.getSession().invalidate(); // a full handshake, not a resumption
        ssl.startHandshake(); // TLS 1.2: a renegotiation
        assertThatThrownBy(() -> c.request("GET", "/T/f.bin")).isInstanceOf(IOException.class);
      }
      try (RawHttp c = new RawHttp(port, TestSupport.pki().clientContext(false, "TLS"), new String[] {"TLSv1.3"})) {
        assertThat(c.request("GET", "/T/f.bin").status()).isEqualTo(200);
        ((SSLSocket) c.socket).startHandshake(); // TLS 1.3: a KeyUpdate, which is no renegotiation
        assertThat(c.request("GET", "/T/f.bin").status()).isEqualTo(200);
      }
    }
  }
}
