package io.bits4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.bits4j.TlsIdentity;
import io.bits4j.UrlGroup;
import io.bits4j.UrlPrefix;
import io.bits4j.UserStore;
import io.bits4j.wsman.WsmanSession;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bits transfer} as a process against two {@code bits node} processes, interrupted
 * mid-transfer: the client node dies, or the controller gets SIGINT. The group is created
 * beforehand with a bandwidth limit so the download is still running when the test acts.
 */
class TransferProcessTest {
  private static final String PASSWORD = "s3cret-for-process-tests";

  @TempDir Path dir;
  private final List<Process> processes = new ArrayList<>();
  private Path[] pem;
  private String fingerprint;
  private Path users;
  private Path serve;
  private Path downloads;
  private URI serverNode;
  private URI clientNode;
  private String group;

  /** Starts a process this test stops in its clean-up. */
  private CliProcess running(ProcessBuilder pb) throws IOException {
    Process p = pb.start();
    processes.add(p);
    return new CliProcess(p);
  }

  @BeforeEach
  void setUp() throws Exception {
    TlsIdentity id = NodeCommandTest.loopbackIdentity();
    pem = NodeCommandTest.writePem(dir, id);
    fingerprint = DemoCommand.SelfSigned.sha256Fingerprint(id.certificate());
    users = dir.resolve("users.txt");
    UserStore.file(users).addUser("admin", PASSWORD.toCharArray(), Set.of(UserStore.ADMINISTRATORS), Set.of());
    serve = Files.createDirectories(dir.resolve("serve"));
    downloads = Files.createDirectories(dir.resolve("downloads"));
    serverNode = node("--server", "--serve-root", serve.toString());
    clientNode = node("--client", "--state-dir", dir.resolve("state").toString(), "--download-root", downloads.toString());
    group = "http://127.0.0.1:" + CliProcess.freePort() + "/G";
    try (WsmanSession s = session(serverNode)) {
      UrlGroup g = s.compactServer().createUrlGroup(UrlPrefix.parse(group));
      g.setBandwidthLimit(1 << 20);
    }
  }

  @AfterEach
  void stopProcesses() {
    for (Process p : processes) {
      p.destroyForcibly();
    }
  }

  private URI node(String... roles) throws Exception {
    List<String> args = new ArrayList<>(List.of("node", "--listen", "127.0.0.1:0", "--tls-cert", pem[0].toString(),
        "--tls-key", pem[1].toString(), "--users", users.toString()));
    args.addAll(List.of(roles));
    Matcher m = Pattern.compile("node: (\\S+)").matcher(
        running(CliProcess.command(args.toArray(new String[0]))).await(s -> s.contains("ready;")));
    assertThat(m.find()).isTrue();
    return URI.create(m.group(1));
  }

  private WsmanSession session(URI node) {
    return WsmanSession.builder(node).basic("admin", PASSWORD.toCharArray()).pinSha256(fingerprint).build();
  }

  /** Starts an 8 MiB transfer into the 1 MiB/s group and waits until a tenth of it has arrived. */
  private CliProcess transferUnderway() throws Exception {
    Path source = serve.resolve("big.bin");
    byte[] data = new byte[8 << 20];
    new Random(7).nextBytes(data);
    Files.write(source, data);
    ProcessBuilder pb = CliProcess.command("transfer", "--server-node", serverNode.toString(), "--client-node", clientNode.toString(),
        "--user", "admin", "--password-env", "ADMIN_PW", "--pin", fingerprint, "--progress", "lines",
        "--poll-interval-ms", "200", "--group", group, "--source", source.toString(), "--suffix", "big.bin",
        "--dest", downloads.resolve("big.bin").toString());
    pb.environment().put("ADMIN_PW", PASSWORD);
    CliProcess transfer = running(pb);
    transfer.await(s -> s.contains("(10%)"));
    return transfer;
  }

  @Test
  void clientNodeKilledMidTransferEndsWithAClearErrorAndNoStackTrace() throws Exception {
    CliProcess transfer = transferUnderway();
    Process client = processes.get(1);
    client.destroyForcibly();
    assertThat(transfer.exitCode()).as(transfer.output()).isEqualTo(BitsCli.EXIT_REFUSED);
    assertThat(transfer.output())
        .contains("FAILED")
        .contains("problem: cannot observe the job: 0x80072EFD: cannot connect to " + clientNode)
        // the killed node keeps its job in its state directory: a cancel it never got is reported
        .contains("cleanup: INCOMPLETE: job ")
        .contains("may be left on client client")
        .doesNotContain("\tat ")
        .doesNotContain("Caused by");
    try (WsmanSession s = session(serverNode)) {
      assertThat(s.compactServer().findUrlGroup(UrlPrefix.parse(group)).orElseThrow().files())
          .as("the URL is removed").isEmpty();
    }
  }

  @Test
  void sigintMidTransferCancelsTheJobAndRemovesTheUrl() throws Exception {
    CliProcess transfer = transferUnderway();
    transfer.signal("INT");
    assertThat(transfer.exitCode()).as(transfer.output()).isEqualTo(130);
    assertThat(transfer.output()).doesNotContain("\tat ");
    try (WsmanSession s = session(serverNode)) {
      assertThat(s.compactServer().findUrlGroup(UrlPrefix.parse(group)).orElseThrow().files())
          .as("the URL is removed").isEmpty();
    }
    try (WsmanSession s = session(clientNode)) {
      assertThat(s.bitsClient().jobs()).as("the job is cancelled").isEmpty();
    }
  }
}
