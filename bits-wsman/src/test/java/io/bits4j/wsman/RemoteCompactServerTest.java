package io.bits4j.wsman;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bits4j.AccessPolicy;
import io.bits4j.AuthScheme;
import io.bits4j.BitsException;
import io.bits4j.CompactServer;
import io.bits4j.HostedFile;
import io.bits4j.Hresult;
import io.bits4j.TlsIdentity;
import io.bits4j.UrlGroup;
import io.bits4j.UrlPrefix;
import io.bits4j.UserStore;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RemoteCompactServer over a real endpoint on loopback, against the in-memory server. */
class RemoteCompactServerTest {
  static final TinyServer SERVER = new TinyServer();
  @TempDir static Path tmp;
  static Path serve;
  static Path store;
  static ManagementEndpoint endpoint;
  static WsmanSession session;
  static UserStore users = UserStore.inMemory();

  @BeforeAll
  static void start() throws Exception {
    users.addUser("admin", "pw".toCharArray(), Set.of(UserStore.ADMINISTRATORS), Set.of());
    serve = Files.createDirectories(tmp.resolve("serve"));
    Files.writeString(serve.resolve("disk.vhd"), "disk");
    store = Files.createDirectories(tmp.resolve("certs/MY"));
    Files.writeString(store.resolve("other.pem"),
        TestPki.OTHER_SERVER.getCertificatePathPEM() + TestPki.OTHER_SERVER.getPrivateKeyPEM());
    endpoint = ManagementEndpoint.builder().compactServer(SERVER).users(users)
        .tls(TestPki.identity(TestPki.SERVER)).bind(new InetSocketAddress("127.0.0.1", 0))
        .serveRoot(serve).certificateStore(tmp.resolve("certs")).build();
    session = WsmanSession.builder(endpoint.uri()).basic("admin", "pw".toCharArray())
        .trustCertificates(java.util.List.of(TestPki.CA.getCertificate())).build();
  }

  @AfterAll
  static void stop() {
    session.close();
    endpoint.close();
  }

  @Test
  void identifiesAsBits4j() {
    assertThat(session.identify().isBits4j()).isTrue();
    assertThat(session.identifyUnauthenticated().productVersion()).contains("0.0.0");
  }

  @Test
  void groupLifecycle() {
    CompactServer server = session.compactServer();
    UrlPrefix prefix = UrlPrefix.parse("http://127.0.0.1:21000/Carmine");
    UrlGroup g = server.createUrlGroup(prefix);
    assertThat(server.findUrlGroup(prefix)).isPresent();
    assertThat(server.urlGroups()).extracting(UrlGroup::prefix).contains(prefix);
    HostedFile f = g.host("disk.vhd", serve.resolve("disk.vhd"), AccessPolicy.parse("D:(A;;GR;;;AU)"));
    assertThat(f.url("server1").toString()).isEqualTo("http://server1:21000/Carmine/disk.vhd");
    assertThat(g.contains("DISK.VHD")).isTrue();
    assertThat(g.find("disk.vhd")).hasValueSatisfying(h -> {
      assertThat(h.source()).isEqualTo(serve.resolve("disk.vhd"));
      assertThat(h.access().sddl()).isEqualTo("D:(A;;GR;;;AU)");
    });
    assertThat(g.files()).hasSize(1);
    assertThatThrownBy(() -> g.host("x", tmp.resolve("nope"), AccessPolicy.NONE))
        .isInstanceOfSatisfying(BitsException.class, e -> assertThat(e.hresult()).isEqualTo(Hresult.E_ACCESSDENIED));
    assertThatThrownBy(() -> g.host("disk.vhd", serve.resolve("disk.vhd"), AccessPolicy.NONE))
        .isInstanceOfSatisfying(BitsException.class, e -> assertThat(e.hresult()).isEqualTo(Hresult.E_ALREADY_EXISTS));
    g.setAuthentication(AuthScheme.BASIC, true);
    assertThat(g.authentication()).containsExactly(AuthScheme.BASIC);
    assertThatThrownBy(() -> g.setAuthentication(AuthScheme.NEGOTIATE, true))
        .isInstanceOfSatisfying(BitsException.class, e -> assertThat(e.hresult()).isEqualTo(Hresult.E_NOTIMPL));
    g.setBandwidthLimit(2048);
    g.setConnectionLimit(3);
    assertThat(g.bandwidthLimit()).isEqualTo(2048);
    assertThat(g.connectionLimit()).isEqualTo(3);
    assertThatThrownBy(() -> g.setBandwidthLimit(5)).isInstanceOf(BitsException.class);
    assertThat(g.stats().statuses()).containsEntry(404, 1L);
    assertThat(f.remove()).isTrue();
    assertThat(f.remove()).isFalse();
    g.delete();
    g.delete(); // idempotent
    assertThat(server.findUrlGroup(prefix)).isEmpty();
    assertThat(server.deleteUrlGroup(prefix)).isFalse();
    assertThatThrownBy(() -> g.contains("disk.vhd"))
        .isInstanceOfSatisfying(BitsException.class, e -> assertThat(e.hresult()).isEqualTo(Hresult.E_NOT_FOUND));
    assertThatThrownBy(() -> server.createUrlGroup(UrlPrefix.parse("http://+:1/x")).host("..", serve, AccessPolicy.NONE))
        .isInstanceOf(BitsException.class);
  }

  @Test
  void groupDeletedElsewhereIsNotFound() {
    UrlPrefix prefix = UrlPrefix.parse("http://127.0.0.1:21001/Gone");
    UrlGroup g = session.compactServer().createUrlGroup(prefix);
    SERVER.deleteUrlGroup(prefix);
    assertThatThrownBy(g::connectionLimit)
        .isInstanceOfSatisfying(BitsException.class, e -> assertThat(e.hresult()).isEqualTo(Hresult.E_NOT_FOUND));
  }

  @Test
  void sslCertificateFromTheNodesStore() throws Exception {
    CompactServer server = session.compactServer();
    TlsIdentity other = TestPki.identity(TestPki.OTHER_SERVER);
    assertThatThrownBy(() -> server.setSslCertificate(21443, other))
        .isInstanceOfSatisfying(BitsException.class, e -> assertThat(e.hresult()).isEqualTo(Hresult.E_NOTIMPL));
    assertThatThrownBy(() -> server.setSslCertificate(21443, "MY", new byte[20]))
        .isInstanceOfSatisfying(BitsException.class, e -> assertThat(e.hresult()).isEqualTo(Hresult.E_NOT_FOUND));
    assertThatThrownBy(() -> server.setSslCertificate(21443, "../etc", other.thumbprint()))
        .isInstanceOfSatisfying(BitsException.class, e -> assertThat(e.hresult()).isEqualTo(Hresult.E_INVALIDARG));
    server.setSslCertificate(21443, "my", other.thumbprint());
    assertThat(SERVER.sslCertificate(21443)).hasValueSatisfying(b -> assertThat(b.thumbprint()).isEqualTo(other.thumbprint()));
    assertThat(server.sslCertificate(21443)).hasValueSatisfying(b -> {
      assertThat(b.thumbprint()).isEqualTo(other.thumbprint());
      assertThat(b.storeName()).isEqualTo("my");
    });
    assertThat(server.removeSslCertificate(21443)).isTrue();
    assertThat(server.removeSslCertificate(21443)).isFalse();
    assertThat(server.sslCertificate(21443)).isEmpty();
  }

  @Test
  void trustIsChecked() throws Exception {
    // pinned fingerprint: right pin works, wrong pin fails the TLS handshake
    String pin = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
        .digest(TestPki.SERVER.getCertificate().getEncoded()));
    try (WsmanSession pinned = WsmanSession.builder(endpoint.uri()).basic("admin", "pw".toCharArray())
        .pinSha256(pin).build()) {
      assertThat(pinned.identify().isBits4j()).isTrue();
    }
    try (WsmanSession wrong = WsmanSession.builder(endpoint.uri()).basic("admin", "pw".toCharArray())
        .pinSha256("00".repeat(32)).build()) {
      assertThatThrownBy(wrong::identify).isInstanceOfSatisfying(BitsException.class,
          e -> assertThat(e.hresult()).isEqualTo(0x80072F8F));
    }
    // the system trust store does not know the test CA
    try (WsmanSession system = WsmanSession.builder(endpoint.uri()).basic("admin", "pw".toCharArray()).build()) {
      assertThatThrownBy(system::identify).isInstanceOf(BitsException.class);
    }
    // a PEM file with the CA
    Path pem = tmp.resolve("ca.pem");
    Files.writeString(pem, TestPki.CA.getCertificatePEM());
    try (WsmanSession viaPem = WsmanSession.builder(endpoint.uri()).basic("admin", "pw".toCharArray()).trustPem(pem).build()) {
      assertThat(viaPem.identify().isBits4j()).isTrue();
    }
    // the node's own certificate as the trust anchor, expired: refused, as BITS refuses it (PKIX
    // does not check an anchor's dates)
    java.time.Instant now = java.time.Instant.now();
    io.netty.pkitesting.X509Bundle expired = new io.netty.pkitesting.CertificateBuilder().subject("CN=localhost")
        .addSanIpAddress("127.0.0.1").ecp256().addExtendedKeyUsageServerAuth()
        .notBefore(now.minus(java.time.Duration.ofDays(30))).notAfter(now.minus(java.time.Duration.ofDays(1)))
        .setIsCertificateAuthority(true).buildSelfSigned(); // the test PKI builds self-signed only as a CA
    Path expiredPem = tmp.resolve("expired.pem");
    Files.writeString(expiredPem, expired.getCertificatePEM());
    try (ManagementEndpoint old = ManagementEndpoint.builder().compactServer(new io.bits4j.testkit.FakeCompactServer()).users(users)
        .tls(TestPki.identity(expired)).bind(new java.net.InetSocketAddress("127.0.0.1", 0)).build();
        WsmanSession viaExpired = WsmanSession.builder(old.uri()).basic("admin", "pw".toCharArray())
            .trustPem(expiredPem).build()) {
      assertThatThrownBy(viaExpired::identify).isInstanceOfSatisfying(BitsException.class,
          e -> assertThat(e.hresult()).isEqualTo(0x80072F8F));
    }
    // wrong password and a closed port
    try (WsmanSession bad = WsmanSession.builder(endpoint.uri()).basic("admin", "nope".toCharArray()).pinSha256(pin).build()) {
      assertThatThrownBy(() -> bad.compactServer().urlGroups()).isInstanceOfSatisfying(BitsException.class,
          e -> assertThat(e.hresult()).isEqualTo(Hresult.E_ACCESSDENIED));
    }
  }
}
