package io.bits4j.wsman;

import io.bits4j.BitsClient;
import io.bits4j.CompactServer;
import io.bits4j.UserStore;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/** One node (endpoint on loopback) and one controller session, for the contract suites. */
final class RemoteContractSupport implements AutoCloseable {
  private static final UserStore USERS = users();

  final ManagementEndpoint endpoint;
  final WsmanSession session;

  private static UserStore users() {
    UserStore u = UserStore.inMemory();
    u.addUser("admin", "contract".toCharArray(), Set.of(UserStore.ADMINISTRATORS), Set.of());
    return u;
  }

  RemoteContractSupport(CompactServer server, BitsClient client, Path root) {
    ManagementEndpoint.Builder b = ManagementEndpoint.builder().users(USERS).tls(TestPki.identity(TestPki.SERVER))
        .bind(new InetSocketAddress("127.0.0.1", 0)).serveRoot(root).downloadRoot(root);
    if (server != null) {
      b.compactServer(server);
    }
    if (client != null) {
      b.bitsClient(client);
    }
    endpoint = b.build();
    session = WsmanSession.builder(endpoint.uri()).basic("admin", "contract".toCharArray())
        .trustCertificates(List.of(TestPki.CA.getCertificate())).pollInterval(Duration.ofMillis(50)).build();
  }

  @Override
  public void close() {
    session.close();
    endpoint.close();
  }
}
