package io.bits4j.benchmarks;

import io.bits4j.BitsClient;
import io.bits4j.CompactServer;
import io.bits4j.TlsIdentity;
import io.bits4j.UserStore;
import io.bits4j.wsman.ManagementEndpoint;
import io.bits4j.wsman.WsmanSession;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A management endpoint over HTTPS on an ephemeral loopback port, fronting the given compact
 * server and BITS client, and a controller session to it (Basic, administrator, the endpoint's
 * certificate trusted through a throw-away CA). Closing closes the session and the endpoint, not
 * the server or client.
 */
final class LoopbackNode implements AutoCloseable {
  private static final String USER = "bench-admin";
  private static final char[] PASSWORD = "bench-password".toCharArray();

  final ManagementEndpoint endpoint;
  final WsmanSession session;

  private LoopbackNode(ManagementEndpoint endpoint, WsmanSession session) {
    this.endpoint = endpoint;
    this.session = session;
  }

  static LoopbackNode start(CompactServer server, BitsClient client, Path root) {
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(client, "client");
    X509Bundle ca;
    X509Bundle leaf;
    try {
      ca = new CertificateBuilder().subject("CN=bits4j bench CA").setIsCertificateAuthority(true).ecp256()
          .buildSelfSigned();
      leaf = new CertificateBuilder().subject("CN=localhost").addSanDnsName("localhost")
          .addSanIpAddress("127.0.0.1").ecp256().addExtendedKeyUsageServerAuth().buildIssuedBy(ca);
    } catch (Exception e) {
      throw new IllegalStateException("cannot make loopback certificates: " + e, e);
    }
    UserStore users = UserStore.inMemory();
    users.addUser(USER, PASSWORD, Set.of(UserStore.ADMINISTRATORS), Set.of());
    ManagementEndpoint ep = ManagementEndpoint.builder()
        .compactServer(server)
        .bitsClient(client)
        .users(users)
        .tls(TlsIdentity.of(leaf.getKeyPair().getPrivate(), List.of(leaf.getCertificatePath())))
        .bind(new InetSocketAddress("127.0.0.1", 0))
        .serveRoot(root)
        .downloadRoot(root)
        .build();
    try {
      WsmanSession s = WsmanSession.builder(ep.uri()).basic(USER, PASSWORD)
          .trustCertificates(List.of(ca.getCertificate())).build();
      return new LoopbackNode(ep, s);
    } catch (RuntimeException e) {
      ep.close();
      throw e;
    }
  }

  @Override
  public void close() {
    session.close();
    endpoint.close();
  }
}
