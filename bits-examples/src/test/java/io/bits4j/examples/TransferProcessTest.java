package io.bits4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.bits4j.TlsIdentity;
import io.bits4j.UrlGroup;
import io.bits4j.UrlPrefix;
import io.bits4j.UserStore;
import io.bits4j.wsman.WsmanSession;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
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
  private static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(60);
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

  private static ProcessBuilder bits(String... args) {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), BitsCli.class.getName()));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectErrorStream(true);
  }

  /** A started process whose merged output a thread collects; {@link #await} polls it with a deadline. */
  private final class Running {
    private final Process process;
    private final StringBuilder text = new StringBuilder();

    Running(ProcessBuilder pb) throws IOException {
      process = pb.start();
      processes.add(process);
      Thread reader = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line; (line = r.readLine()) != null; ) {
            synchronized (text) {
              text.append(line).append('\n');
              text.notifyAll();
            }
          }
        } catch (IOException e) {
          synchronized (text) {
            text.append(e).append('\n');
          }
        }
      }, "bits-output");
      reader.setDaemon(true);
      reader.start();
    }

    String await(Predicate<String> until) throws InterruptedException {
      long end = System.nanoTime() + DEADLINE_NANOS;
      synchronized (text) {
        while (!until.test(text.toString())) {
          long left = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime());
          assertThat(left).as("waiting; output so far:%n%s", text).isPositive();
          text.wait(left);
        }
        return text.toString();
      }
    }

    int exitCode() throws InterruptedException {
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exited; output:%n%s", output()).isTrue();
      return process.exitValue();
    }

    String output() {
      synchronized (text) {
        return text.toString();
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
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
    group = "http://127.0.0.1:" + freePort() + "/G";
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
        new Running(bits(args.toArray(new String[0]))).await(s -> s.contains("ready;")));
    assertThat(m.find()).isTrue();
    return URI.create(m.group(1));
  }

  private WsmanSession session(URI node) {
    return WsmanSession.builder(node).basic("admin", PASSWORD.toCharArray()).pinSha256(fingerprint).build();
  }

  /** Starts an 8 MiB transfer into the 1 MiB/s group and waits until a tenth of it has arrived. */
  private Running transferUnderway() throws Exception {
    Path source = serve.resolve("big.bin");
    byte[] data = new byte[8 << 20];
    new Random(7).nextBytes(data);
    Files.write(source, data);
    ProcessBuilder pb = bits("transfer", "--server-node", serverNode.toString(), "--client-node", clientNode.toString(),
        "--user", "admin", "--password-env", "ADMIN_PW", "--pin", fingerprint, "--progress", "lines",
        "--poll-interval-ms", "200", "--group", group, "--source", source.toString(), "--suffix", "big.bin",
        "--dest", downloads.resolve("big.bin").toString());
    pb.environment().put("ADMIN_PW", PASSWORD);
    Running transfer = new Running(pb);
    transfer.await(s -> s.contains("(10%)"));
    return transfer;
  }

  @Test
  void clientNodeKilledMidTransferEndsWithAClearErrorAndNoStackTrace() throws Exception {
    Running transfer = transferUnderway();
    Process client = processes.get(1);
    client.destroyForcibly();
    assertThat(transfer.exitCode()).as(transfer.output()).isEqualTo(BitsCli.EXIT_REFUSED);
    assertThat(transfer.output())
        .contains("FAILED")
        .contains("problem: cannot observe the job: 0x80072EFD: cannot connect to " + clientNode)
        .contains("cleanup: clean")
        .doesNotContain("\tat ")
        .doesNotContain("Caused by");
    try (WsmanSession s = session(serverNode)) {
      assertThat(s.compactServer().findUrlGroup(UrlPrefix.parse(group)).orElseThrow().files())
          .as("the URL is removed").isEmpty();
    }
  }

  @Test
  void sigintMidTransferCancelsTheJobAndRemovesTheUrl() throws Exception {
    Running transfer = transferUnderway();
    Process kill = new ProcessBuilder("sh", "-c", "kill -INT " + transfer.process.pid()).inheritIO().start();
    assertThat(kill.waitFor(30, TimeUnit.SECONDS)).isTrue();
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
