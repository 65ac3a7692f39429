package io.bits4j.wsman;

import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bits4j.CompactServer;
import io.bits4j.UrlPrefix;
import io.bits4j.testkit.FakeCompactServer;
import io.bits4j.testkit.contract.CompactServerContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The CompactServer contract, run against RemoteCompactServer over a real endpoint fronting the fake. */
class RemoteCompactServerContractTest extends CompactServerContract {
  private RemoteContractSupport node;
  private FakeCompactServer target;

  @Override
  protected CompactServer newServer() {
    target = new FakeCompactServer();
    node = new RemoteContractSupport(target, null, tempDir);
    return node.session.compactServer();
  }

  @Override
  protected UrlPrefix prefixFor(String name) {
    return UrlPrefix.parse("http://127.0.0.1:18080/" + name);
  }

  /** Closing the proxy releases the proxy only: the node keeps its groups. */
  @Override
  protected boolean closeEndsGroups() {
    return false;
  }

  @Test
  void closingTheProxyLeavesTheNodesGroupsAndTheSessionHandsOutAFreshProxy() {
    UrlPrefix p = prefixFor("Carmine");
    server.createUrlGroup(p);
    assertSame(server, node.session.compactServer(), "one proxy per session while it is open");
    server.close();
    assertTrue(target.findUrlGroup(p).isPresent(), "the node keeps its group");
    CompactServer again = node.session.compactServer();
    assertNotSame(server, again, "a closed proxy is not handed out again");
    assertTrue(again.findUrlGroup(p).isPresent());
    again.deleteUrlGroup(p);
  }

  @AfterEach
  @Override
  protected void closeServer() {
    super.closeServer();
    node.close();
  }
}
