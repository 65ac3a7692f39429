package io.bits4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bits4j.AccessPolicy;
import io.bits4j.AuthScheme;
import io.bits4j.BitsException;
import io.bits4j.HostedFile;
import io.bits4j.Hresult;
import io.bits4j.TlsIdentity;
import io.bits4j.UrlGroup;
import io.bits4j.UrlPrefix;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Behaviour of the fake server beyond the contract: recording, scripted failures, resolution. */
class FakeCompactServerTest {
  private static final UrlPrefix P = UrlPrefix.parse("http://127.0.0.1:8080/Carmine");

  @TempDir Path tmp;
  private final FakeCompactServer server = new FakeCompactServer();

  @Test
  void operationsAreRecordedIncludingFailures() throws Exception {
    Path src = Files.writeString(tmp.resolve("f"), "x");
    UrlGroup g = server.createUrlGroup(P);
    server.createUrlGroup(P);
    g.host("a", src, AccessPolicy.NONE);
    assertThatThrownBy(() -> g.host("a", src, AccessPolicy.NONE)).isInstanceOf(BitsException.class);
    g.remove("a");
    server.deleteUrlGroup(P);
    assertThat(server.operations()).containsExactly(
        "createUrlGroup " + P, "createUrlGroup " + P,
        "host " + P + " a " + src, "host " + P + " a " + src + " FAILED",
        "remove " + P + " a", "deleteUrlGroup " + P);
    assertThat(server.groupsCreated()).isEqualTo(1);
  }

  @Test
  void scriptedFailuresFireOnceOrAlways() throws Exception {
    Path src = Files.writeString(tmp.resolve("f"), "x");
    UrlGroup g = server.createUrlGroup(P);
    g.host("a", src, AccessPolicy.NONE);
    BitsException denied = new BitsException(Hresult.E_ACCESSDENIED, "scripted");
    server.failNextRemove(denied);
    assertThatThrownBy(() -> g.remove("a")).isSameAs(denied);
    assertThat(g.contains("a")).as("a failed operation changes nothing").isTrue();
    assertThat(g.remove("a")).isTrue();

    server.failRemovals(denied);
    HostedFile b = g.host("b", src, AccessPolicy.NONE);
    assertThatThrownBy(b::remove).isSameAs(denied);
    assertThatThrownBy(() -> g.remove("b")).isSameAs(denied);
    server.clearFailures();
    assertThat(b.remove()).isTrue();

    server.failNext(FakeCompactServer.Op.CREATE_GROUP, new IllegalStateException("down"));
    assertThatThrownBy(() -> server.createUrlGroup(UrlPrefix.parse("http://127.0.0.1:8080/Other")))
        .hasMessage("down");
    assertThat(server.urlGroups()).hasSize(1);
  }

  @Test
  void checksListWhatIsLeft() throws Exception {
    server.checkNoUrlGroups();
    UrlGroup g = server.createUrlGroup(P);
    server.checkNoHostedFiles();
    g.host("left.bin", Files.writeString(tmp.resolve("f"), "x"), AccessPolicy.NONE);
    assertThatThrownBy(server::checkNoHostedFiles).isInstanceOf(AssertionError.class).hasMessageContaining("left.bin");
    assertThatThrownBy(server::checkNoUrlGroups).isInstanceOf(AssertionError.class).hasMessageContaining("Carmine");
  }

  @Test
  void resolveMatchesSchemePortGroupAndSuffix() throws Exception {
    Path src = Files.writeString(tmp.resolve("f"), "x");
    server.createUrlGroup(P).host("dir/file.bin", src, AccessPolicy.NONE);
    server.createUrlGroup(UrlPrefix.parse("https://+:8443/Secure")).host("s.bin", src, AccessPolicy.NONE);
    assertThat(server.resolve(URI.create("http://127.0.0.1:8080/Carmine/dir/file.bin"))).isPresent();
    assertThat(server.resolve(URI.create("http://127.0.0.1:8080/CARMINE/DIR/FILE.BIN"))).isPresent();
    assertThat(server.resolve(URI.create("http://localhost:8080/Carmine/dir/file.bin"))).as("explicit host").isEmpty();
    assertThat(server.resolve(URI.create("http://127.0.0.1:8081/Carmine/dir/file.bin"))).isEmpty();
    assertThat(server.resolve(URI.create("https://127.0.0.1:8080/Carmine/dir/file.bin"))).isEmpty();
    assertThat(server.resolve(URI.create("https://any.example:8443/Secure/s.bin"))).as("wildcard host").isPresent();
    assertThat(server.resolve(URI.create("http://127.0.0.1:8080/Carmine"))).isEmpty();
  }

  @Test
  void clientCertificateGroupsCannotShareAPort() {
    UrlGroup a = server.createUrlGroup(UrlPrefix.parse("https://127.0.0.1:8443/A"));
    a.setAuthentication(AuthScheme.CLIENT_CERTIFICATE, true);
    assertThatThrownBy(() -> server.createUrlGroup(UrlPrefix.parse("https://127.0.0.1:8443/B")))
        .isInstanceOfSatisfying(BitsException.class, e -> assertThat(e.hresult()).isEqualTo(Hresult.E_INVALIDARG));
    a.setAuthentication(AuthScheme.CLIENT_CERTIFICATE, false);
    UrlGroup b = server.createUrlGroup(UrlPrefix.parse("https://127.0.0.1:8443/B"));
    assertThatThrownBy(() -> b.setAuthentication(AuthScheme.CLIENT_CERTIFICATE, true))
        .isInstanceOfSatisfying(BitsException.class, e -> assertThat(e.hresult()).isEqualTo(Hresult.E_INVALIDARG));
  }

  @Test
  void storeCertificatesAreFoundByThumbprint() throws Exception {
    TlsIdentity id = TestCertificates.selfSigned(tmp);
    assertThatThrownBy(() -> server.setSslCertificate(8443, "MY", id.thumbprint()))
        .isInstanceOfSatisfying(BitsException.class, e -> assertThat(e.hresult()).isEqualTo(Hresult.E_NOT_FOUND));
    server.addStoreCertificate("MY", id.thumbprint());
    server.setSslCertificate(8443, "my", id.thumbprint());
    assertThat(server.sslCertificate(8443)).hasValueSatisfying(b -> {
      assertThat(b.thumbprintHex()).isEqualTo(id.thumbprintHex());
      assertThat(b.storeName()).isEqualTo("my");
    });
    assertThatThrownBy(() -> server.setSslCertificate(8443, "MY", new byte[3]))
        .isInstanceOfSatisfying(BitsException.class, e -> assertThat(e.hresult()).isEqualTo(Hresult.E_INVALIDARG));
    assertThatThrownBy(() -> server.sslCertificate(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void closedServerForgetsEverythingAndRefusesUse() {
    UrlGroup g = server.createUrlGroup(P);
    server.close();
    server.close();
    assertThatThrownBy(() -> server.createUrlGroup(P)).isInstanceOf(IllegalStateException.class);
    // close() ends every group: a handle from before answers as for a deleted group, as on Netty
    assertThatThrownBy(g::files).isInstanceOfSatisfying(BitsException.class,
        e -> assertThat(e.hresult()).isEqualTo(Hresult.E_NOT_FOUND));
    // the test helpers keep answering after close()
    server.checkNoUrlGroups();
    assertThat(server.operations()).endsWith("close");
  }
}
