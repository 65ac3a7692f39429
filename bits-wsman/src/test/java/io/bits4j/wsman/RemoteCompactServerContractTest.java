package io.bits4j.wsman;

import io.bits4j.CompactServer;
import io.bits4j.UrlPrefix;
import io.bits4j.testkit.FakeCompactServer;
import io.bits4j.testkit.contract.CompactServerContract;
import org.junit.jupiter.api.AfterEach;

/** The CompactServer contract, run against RemoteCompactServer over a real endpoint fronting the fake. */
class RemoteCompactServerContractTest extends CompactServerContract {
  private RemoteContractSupport node;

  @Override
  protected CompactServer newServer() {
    node = new RemoteContractSupport(new FakeCompactServer(), null, tempDir);
    return node.session.compactServer();
  }

  @Override
  protected UrlPrefix prefixFor(String name) {
    return UrlPrefix.parse("http://127.0.0.1:18080/" + name);
  }

  @AfterEach
  @Override
  protected void closeServer() {
    super.closeServer();
    node.close();
  }
}
