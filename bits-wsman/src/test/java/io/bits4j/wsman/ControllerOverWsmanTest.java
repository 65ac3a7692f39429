package io.bits4j.wsman;

import static org.assertj.core.api.Assertions.assertThat;

import io.bits4j.Controller;
import io.bits4j.TransferPlan;
import io.bits4j.TransferReport;
import io.bits4j.UrlPrefix;
import io.bits4j.UserStore;
import io.bits4j.testkit.FakeBitsClient;
import io.bits4j.testkit.FakeCompactServer;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed flow with the default Controller unchanged, over WS-Man: a server node and a client
 * node (each a management endpoint on loopback fronting a testkit fake) driven remotely.
 */
class ControllerOverWsmanTest {
  @Test
  void controllerRunsUnchangedAgainstRemoteNodes(@TempDir Path tmp) throws Exception {
    UserStore users = UserStore.inMemory();
    users.addUser("admin", "pw".toCharArray(), Set.of(UserStore.ADMINISTRATORS), Set.of());
    Path serve = Files.createDirectories(tmp.resolve("serve"));
    Path downloads = Files.createDirectories(tmp.resolve("downloads"));
    Path source = Files.writeString(serve.resolve("image.vhd"), "disk image ".repeat(1000));
    FakeCompactServer fakeServer = new FakeCompactServer();
    FakeBitsClient fakeClient = FakeBitsClient.builder().server(fakeServer).tick(Duration.ofMillis(10)).build();
    try (ManagementEndpoint serverNode = node(users, tmp).compactServer(fakeServer).serveRoot(serve).build();
        ManagementEndpoint clientNode = node(users, tmp).bitsClient(fakeClient).downloadRoot(downloads).build();
        WsmanSession s1 = session(serverNode);
        WsmanSession s2 = session(clientNode);
        Controller controller = Controller.builder().server(s1.compactServer()).client("client1", s2.bitsClient())
            .pollInterval(Duration.ofMillis(100)).build()) {
      TransferPlan plan = TransferPlan.builder(source, UrlPrefix.parse("http://127.0.0.1:18300/Carmine"))
          .hostName("127.0.0.1").target("client1", downloads.resolve("image.vhd")).build();
      TransferReport report = controller.start(plan).result().toCompletableFuture().get(60, TimeUnit.SECONDS);
      assertThat(report.isSuccess()).as(report.toString()).isTrue();
      assertThat(report.isClean()).as(report.toString()).isTrue();
      assertThat(Files.readString(downloads.resolve("image.vhd"))).isEqualTo(Files.readString(source));
      fakeServer.checkNoUrlGroups();
      fakeClient.checkNoActiveJobs();
    }
  }

  static ManagementEndpoint.Builder node(UserStore users, Path tmp) {
    return ManagementEndpoint.builder().users(users).tls(TestPki.identity(TestPki.SERVER))
        .bind(new InetSocketAddress("127.0.0.1", 0));
  }

  static WsmanSession session(ManagementEndpoint ep) {
    return WsmanSession.builder(ep.uri()).basic("admin", "pw".toCharArray())
        .trustCertificates(List.of(TestPki.CA.getCertificate())).pollInterval(Duration.ofMillis(100)).build();
  }
}
