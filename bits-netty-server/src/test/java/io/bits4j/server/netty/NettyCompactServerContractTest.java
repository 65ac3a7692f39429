package io.bits4j.server.netty;

import io.bits4j.CompactServer;
import io.bits4j.TlsIdentity;
import io.bits4j.UrlPrefix;
import io.bits4j.UserStore;
import io.bits4j.testkit.contract.CompactServerContract;
import java.util.Optional;

/** The testkit's server contract against the Netty server (real listeners on loopback). */
class NettyCompactServerContractTest extends CompactServerContract {
  private final int port = TestSupport.freePort();
  private final int sslPort = TestSupport.freePort();

  @Override
  protected CompactServer newServer() {
    return NettyCompactServer.builder().users(UserStore.inMemory()).allowBasicOverHttp(true).workerThreads(1).build();
  }

  @Override
  protected UrlPrefix prefixFor(String name) {
    return UrlPrefix.parse("http://127.0.0.1:" + port + "/" + name);
  }

  @Override
  protected Optional<TlsIdentity> tlsIdentity() {
    return Optional.of(TestSupport.pki().serverIdentity());
  }

  @Override
  protected int sslPort() {
    return sslPort;
  }
}
