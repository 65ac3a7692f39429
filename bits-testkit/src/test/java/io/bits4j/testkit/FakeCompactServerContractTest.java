package io.bits4j.testkit;

import io.bits4j.CompactServer;
import io.bits4j.TlsIdentity;
import io.bits4j.UrlPrefix;
import io.bits4j.testkit.contract.CompactServerContract;
import java.util.Optional;

/** The server contract, run against the fake. */
class FakeCompactServerContractTest extends CompactServerContract {
  @Override
  protected CompactServer newServer() {
    return new FakeCompactServer();
  }

  @Override
  protected UrlPrefix prefixFor(String name) {
    return UrlPrefix.parse("http://127.0.0.1:8080/" + name);
  }

  @Override
  protected Optional<TlsIdentity> tlsIdentity() {
    try {
      return Optional.of(TestCertificates.selfSigned(tempDir));
    } catch (Exception e) {
      throw new AssertionError("cannot make a test certificate", e);
    }
  }
}
