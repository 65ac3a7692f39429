package io.bits4j.wsman;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bits4j.AccessPolicy;
import io.bits4j.UrlGroup;
import io.bits4j.UrlPrefix;
import io.bits4j.UserStore;
import io.bits4j.testkit.FakeCompactServer;
import io.bits4j.wsman.internal.Ns;
import io.bits4j.wsman.internal.WsmanClient;
import io.bits4j.wsman.internal.XmlElement;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Envelope size limits on responses, and failures inside the node. */
class LimitsTest {
  @Test
  void responsesRespectMaxEnvelopeSize(@TempDir Path tmp) throws Exception {
    UserStore users = UserStore.inMemory();
    users.addUser("admin", "pw".toCharArray(), Set.of(UserStore.ADMINISTRATORS), Set.of());
    FakeCompactServer server = new FakeCompactServer();
    Path src = Files.writeString(tmp.resolve("f.bin"), "x");
    for (int g = 0; g < 10; g++) {
      UrlGroup group = server.createUrlGroup(UrlPrefix.parse("http://127.0.0.1:" + (22000 + g) + "/G" + g));
      for (int f = 0; f < 12; f++) {
        group.host("a-rather-long-suffix-to-fill-the-envelope-" + f, src, AccessPolicy.NONE);
      }
    }
    UrlGroup big = server.createUrlGroup(UrlPrefix.parse("http://127.0.0.1:22100/Big"));
    for (int f = 0; f < 200; f++) {
      big.host("file-number-" + f + "-with-a-long-name", src, AccessPolicy.NONE);
    }
    try (ManagementEndpoint ep = ManagementEndpoint.builder().compactServer(server).users(users)
        .tls(TestPki.identity(TestPki.SERVER)).bind(new InetSocketAddress("127.0.0.1", 0)).serveRoot(tmp).build()) {
      WsmanClient small = new WsmanClient(Http.CLIENT, ep.uri(), Http.basic("admin", "pw"), Duration.ofSeconds(30), 8192);
      // one instance bigger than the envelope: EncodingLimit
      assertThatThrownBy(() -> small.get(Ns.URL_GROUP_URI, Map.of("UrlGroup", "http://127.0.0.1:22100/Big")))
          .isInstanceOfSatisfying(WsmanClient.FaultException.class, e -> {
            assertThat(e.subcode()).isEqualTo("EncodingLimit");
            assertThat(e.wsmanCode()).isEqualTo(2150858824L);
          });
      // the group alone fits a bigger envelope
      WsmanClient large = Http.wsman(ep.uri(), "admin", "pw");
      assertThat(large.get(Ns.URL_GROUP_URI, Map.of("UrlGroup", "http://127.0.0.1:22100/Big")).allNamed("bits4j_Url"))
          .hasSize(200);
      server.deleteUrlGroup(UrlPrefix.parse("http://127.0.0.1:22100/Big"));
      // enumeration: batches are cut to fit 8 KB, and every group still arrives
      List<XmlElement> all = small.enumerate(Ns.URL_GROUP_URI);
      assertThat(all).hasSize(10);
      assertThat(ep.openEnumerations()).isZero();
    }
  }

  @Test
  void enumerateWhoseFirstItemDoesNotFitLeavesNoContext(@TempDir Path tmp) throws Exception {
    UserStore users = UserStore.inMemory();
    users.addUser("admin", "pw".toCharArray(), Set.of(UserStore.ADMINISTRATORS), Set.of());
    FakeCompactServer server = new FakeCompactServer();
    Path src = Files.writeString(tmp.resolve("f.bin"), "x");
    UrlGroup big = server.createUrlGroup(UrlPrefix.parse("http://127.0.0.1:22300/Big"));
    for (int f = 0; f < 200; f++) {
      big.host("file-number-" + f + "-with-a-long-name", src, AccessPolicy.NONE);
    }
    try (ManagementEndpoint ep = ManagementEndpoint.builder().compactServer(server).users(users)
        .tls(TestPki.identity(TestPki.SERVER)).bind(new InetSocketAddress("127.0.0.1", 0)).serveRoot(tmp).build()) {
      WsmanClient small = new WsmanClient(Http.CLIENT, ep.uri(), Http.basic("admin", "pw"), Duration.ofSeconds(30), 8192);
      assertThatThrownBy(() -> small.enumerate(Ns.URL_GROUP_URI))
          .isInstanceOfSatisfying(WsmanClient.FaultException.class, e -> assertThat(e.subcode()).isEqualTo("EncodingLimit"));
      // the client never saw a context: none may stay open (it would count against the user's 100)
      assertThat(ep.openEnumerations()).isZero();
    }
  }

  @Test
  void unexpectedFailureInsideTheNodeIsAnInternalErrorWithoutDetails() {
    UserStore users = UserStore.inMemory();
    users.addUser("admin", "pw".toCharArray(), Set.of(UserStore.ADMINISTRATORS), Set.of());
    FakeCompactServer server = new FakeCompactServer();
    server.failNext(FakeCompactServer.Op.CREATE_GROUP, new UnsupportedOperationException("secret internals"));
    try (ManagementEndpoint ep = ManagementEndpoint.builder().compactServer(server).users(users)
        .tls(TestPki.identity(TestPki.SERVER)).bind(new InetSocketAddress("127.0.0.1", 0)).build()) {
      WsmanClient c = Http.wsman(ep.uri(), "admin", "pw");
      assertThatThrownBy(() -> c.invoke(Ns.URL_GROUP_URI, "CreateUrlGroup", Map.of(),
          Map.of("UrlGroup", "http://127.0.0.1:22200/X")))
          .isInstanceOfSatisfying(WsmanClient.FaultException.class, e -> {
            assertThat(e.subcode()).isEqualTo("InternalError");
            assertThat(e.getMessage()).doesNotContain("secret").doesNotContain("UnsupportedOperation");
          });
      // the endpoint carries on
      assertThat(c.invoke(Ns.URL_GROUP_URI, "CreateUrlGroup", Map.of(), Map.of("UrlGroup", "http://127.0.0.1:22200/X"))
          .returnValue()).isZero();
    }
  }
}
