package io.bits4j.wsman;

import static org.assertj.core.api.Assertions.assertThat;

import io.bits4j.Controller;
import io.bits4j.TransferPlan;
import io.bits4j.TransferReport;
import io.bits4j.TransferReport.Outcome;
import io.bits4j.TransferReport.TargetOutcome;
import io.bits4j.UrlPrefix;
import io.bits4j.UserStore;
import io.bits4j.testkit.FakeBitsClient;
import io.bits4j.testkit.FakeCompactServer;
import io.bits4j.testkit.TcpFaultProxy;
import io.bits4j.testkit.TcpFaultProxy.Fault;
import io.bits4j.wsman.internal.WsmanClient;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default Controller driving two nodes over WS-Man when the client node's network fails: the
 * transfer ends within the operation timeouts with the failure in its report, cleans the server
 * node up, reports what it could not clean, and leaves no controller or session thread running.
 */
class ControllerNetworkFaultTest {
  @TempDir Path tmp;
  Path serve;
  Path downloads;
  Path source;
  FakeCompactServer fakeServer;
  FakeBitsClient fakeClient;
  ManagementEndpoint serverNode;
  ManagementEndpoint clientNode;

  @BeforeEach
  void start() throws Exception {
    UserStore users = UserStore.inMemory();
    users.addUser("admin", "pw".toCharArray(), Set.of(UserStore.ADMINISTRATORS), Set.of());
    serve = Files.createDirectories(tmp.resolve("serve"));
    downloads = Files.createDirectories(tmp.resolve("downloads"));
    source = Files.writeString(serve.resolve("image.vhd"), "disk image ".repeat(100));
    fakeServer = new FakeCompactServer();
    fakeClient = FakeBitsClient.builder().server(fakeServer).tick(Duration.ofMillis(10)).build();
    serverNode = node(users).compactServer(fakeServer).serveRoot(serve).build();
    clientNode = node(users).bitsClient(fakeClient).downloadRoot(downloads).build();
  }

  @AfterEach
  void stop() {
    serverNode.close();
    clientNode.close();
  }

  static ManagementEndpoint.Builder node(UserStore users) {
    return ManagementEndpoint.builder().users(users).allowPlainHttp(true).bind(new InetSocketAddress("127.0.0.1", 0));
  }

  static WsmanSession session(URI uri) {
    return WsmanSession.builder(uri).basic("admin", "pw".toCharArray()).operationTimeout(Duration.ofSeconds(1))
        .pollInterval(Duration.ofMillis(100)).build();
  }

  TransferReport run(URI clientUri) throws Exception {
    TransferReport report;
    try (WsmanSession s1 = session(serverNode.uri()); WsmanSession s2 = session(clientUri);
        Controller controller = Controller.builder().server(s1.compactServer()).client("client1", s2.bitsClient())
            .pollInterval(Duration.ofMillis(100)).build()) {
      TransferPlan plan = TransferPlan.builder(source, UrlPrefix.parse("http://127.0.0.1:18301/Carmine"))
          .hostName("127.0.0.1").suffix("image.vhd").target("client1", downloads.resolve("image.vhd")).build();
      // each remote call ends within 1 s + 5 s; the transfer makes a handful
      report = controller.start(plan).result().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
    fakeServer.checkNoUrlGroups();
    assertThat(ConnectionLifecycleTest.eventually(10, () -> ConnectionLifecycleTest.liveThreads("bits4j-controller").isEmpty()
        && ConnectionLifecycleTest.liveThreads("bits4j-wsman-http").isEmpty()
        && ConnectionLifecycleTest.liveThreads("bits4j-wsman-notify").isEmpty()))
        .as("threads left: %s", ConnectionLifecycleTest.liveThreads("bits4j-")).isTrue();
    return report;
  }

  @Test
  void clientNodeRefusingConnections() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    TransferReport r = run(URI.create("http://127.0.0.1:" + port + "/wsman"));
    assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(r.targets().get(0).outcome()).isEqualTo(TargetOutcome.REFUSED);
    assertThat(r.targets().get(0).problem()).hasValueSatisfying(p -> assertThat(p).contains("0x80072EFD"));
    assertThat(r.isClean()).as(r.toString()).isTrue();
  }

  @Test
  void clientNodeLosingTheCreateJobReply() throws Exception {
    try (TcpFaultProxy proxy = TcpFaultProxy.builder(clientNode.address()).fault(Fault.resetAfter(1)).start()) {
      // the job is created on the node, its reply lost; then the node is reachable again
      proxy.nextFaults(Fault.resetAfter(1));
      proxy.setFault(Fault.passThrough());
      TransferReport r = run(URI.create("http://127.0.0.1:" + proxy.port() + "/wsman"));
      assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
      assertThat(r.targets().get(0).problem()).hasValueSatisfying(p -> assertThat(p).contains("0x80072EFE")
          .contains("cancelled the job the lost reply had created"));
      assertThat(r.isClean()).as(r.toString()).isTrue();
      fakeClient.checkNoActiveJobs();
    }
  }

  @Test
  void clientNodeStalled() throws Exception {
    try (TcpFaultProxy proxy = TcpFaultProxy.builder(clientNode.address()).fault(Fault.stallAfter(0)).start()) {
      TransferReport r = run(URI.create("http://127.0.0.1:" + proxy.port() + "/wsman"));
      assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
      assertThat(r.targets().get(0).problem()).hasValueSatisfying(p -> assertThat(p)
          .contains(String.format("0x%08X", WsmanClient.TIMEOUT)));
      // the job was created on the node but could not be found again: the report says so
      assertThat(r.cleanupProblems()).anySatisfy(p -> assertThat(p).contains("may be left on client client1"));
    }
  }
}
