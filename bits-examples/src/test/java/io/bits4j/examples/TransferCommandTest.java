package io.bits4j.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.bits4j.TlsIdentity;
import io.bits4j.UserStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bits transfer} against two in-process nodes started as {@code bits node} would. The
 * password comes from {@code BITS_TEST_PASSWORD}, which the module's surefire configuration sets.
 */
class TransferCommandTest {
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private NodeCommand.Node serverNode;
  private NodeCommand.Node clientNode;
  private Path serve;
  private Path downloads;
  private Path[] pem;
  private String fingerprint;
  private TlsIdentity hosting;

  @BeforeEach
  void startNodes() throws Exception {
    String password = System.getenv("BITS_TEST_PASSWORD");
    assumeThat(password).as("BITS_TEST_PASSWORD is set by the bits-examples surefire configuration").isNotNull();
    TlsIdentity id = NodeCommandTest.loopbackIdentity();
    pem = NodeCommandTest.writePem(dir, id);
    Path users = dir.resolve("users.txt");
    UserStore.file(users).addUser("admin", password.toCharArray(), Set.of(UserStore.ADMINISTRATORS), Set.of());
    serve = Files.createDirectories(dir.resolve("serve"));
    downloads = Files.createDirectories(dir.resolve("downloads"));
    // The server node's certificate store holds the hosting certificate; the client node trusts it.
    hosting = NodeCommandTest.loopbackIdentity();
    Path my = Files.createDirectories(dir.resolve("certs/MY"));
    NodeCommandTest.writePem(my, hosting);
    StringWriter nodeOut = new StringWriter();
    serverNode = NodeCommandTest.parse("--listen", "127.0.0.1:0", "--tls-cert", pem[0].toString(), "--tls-key",
        pem[1].toString(), "--users", users.toString(), "--server", "--serve-root", serve.toString(),
        "--cert-store", dir.resolve("certs").toString())
        .start(new PrintWriter(nodeOut, true));
    clientNode = NodeCommandTest.parse("--listen", "127.0.0.1:0", "--tls-cert", pem[0].toString(), "--tls-key",
        pem[1].toString(), "--users", users.toString(), "--client", "--state-dir", dir.resolve("state").toString(),
        "--download-root", downloads.toString(), "--client-trust", my.resolve("node.crt").toString())
        .start(new PrintWriter(nodeOut, true));
    fingerprint = NodeCommandTest.printedFingerprint(nodeOut.toString());
  }

  @AfterEach
  void stopNodes() {
    if (clientNode != null) {
      clientNode.close();
    }
    if (serverNode != null) {
      serverNode.close();
    }
  }

  private int transfer(String... extra) {
    List<String> args = new ArrayList<>(List.of("transfer",
        "--server-node", serverNode.uri().toString(), "--client-node", clientNode.uri().toString(),
        "--user", "admin", "--poll-interval-ms", "100", "--deadline", "60"));
    args.addAll(Arrays.asList(extra));
    return BitsCli.run(args.toArray(new String[0]), new PrintWriter(out, true), new PrintWriter(err, true));
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    new Random(42).nextBytes(b);
    return b;
  }

  @Test
  void transfersAFileBetweenTwoNodesAndCleansUp() throws Exception {
    byte[] data = randomBytes(3 << 20);
    Path source = Files.write(serve.resolve("image.vhd"), data);
    Path dest = downloads.resolve("copy.vhd");
    int code = transfer("--password-env", "BITS_TEST_PASSWORD", "--pin", fingerprint,
        "--group", "http://127.0.0.1:" + DemoCommand.freePort() + "/Carmine", "--source", source.toString(),
        "--suffix", "image.vhd", "--dest", dest.toString());
    assertThat(code).as(out + "\n" + err).isZero();
    assertThat(Files.readAllBytes(dest)).isEqualTo(data);
    assertThat(out.toString())
        .contains("SUCCEEDED")
        .containsPattern("url: http://127\\.0\\.0\\.1:\\d+/Carmine/image\\.vhd")
        .contains("client -> " + dest + ": COMPLETED (3.0 MiB transferred")
        .contains("cleanup: clean")
        .contains("transfer: 3.0 MiB of 3.0 MiB (100%)");
  }

  @Test
  void trustsThePemFileWithHostNameCheck() throws Exception {
    Path source = Files.write(serve.resolve("small.bin"), randomBytes(1000));
    Path dest = downloads.resolve("small.bin");
    int code = transfer("--password-env", "BITS_TEST_PASSWORD", "--trust", pem[0].toString(),
        "--group", "http://127.0.0.1:" + DemoCommand.freePort() + "/Trusted", "--source", source.toString(),
        "--dest", dest.toString());
    assertThat(code).as(out + "\n" + err).isZero();
    assertThat(Files.readAllBytes(dest)).isEqualTo(Files.readAllBytes(source));
    // the default suffix carries the transfer id
    assertThat(out.toString()).containsPattern("url: http://127\\.0\\.0\\.1:\\d+/Trusted/[0-9a-f-]{36}/small\\.bin");
  }

  @Test
  void seedsOverHttpsWithACertificateFromTheServerNodesStore() throws Exception {
    byte[] data = randomBytes(200_000);
    Path source = Files.write(serve.resolve("tls.bin"), data);
    Path dest = downloads.resolve("tls.bin");
    int port = DemoCommand.freePort();
    int code = transfer("--password-env", "BITS_TEST_PASSWORD", "--pin", fingerprint,
        "--group", "https://127.0.0.1:" + port + "/Secure", "--ssl-cert-hash", hosting.thumbprintHex().toUpperCase(java.util.Locale.ROOT),
        "--source", source.toString(), "--suffix", "tls.bin", "--dest", dest.toString());
    assertThat(code).as(out + "\n" + err).isZero();
    assertThat(Files.readAllBytes(dest)).isEqualTo(data);
    assertThat(out.toString())
        .contains("bound certificate " + hosting.thumbprintHex() + " (MY) to port " + port)
        .contains("url: https://127.0.0.1:" + port + "/Secure/tls.bin")
        .contains("SUCCEEDED")
        .contains("unbound the certificate from port " + port);
  }

  @Test
  void anHttpsGroupOnAPortWithoutCertificateIsRefusedUpFront() throws Exception {
    Path source = Files.write(serve.resolve("nocert.bin"), randomBytes(1000));
    int port = DemoCommand.freePort();
    int code = transfer("--password-env", "BITS_TEST_PASSWORD", "--pin", fingerprint,
        "--group", "https://127.0.0.1:" + port + "/Secure", "--source", source.toString(),
        "--dest", downloads.resolve("nocert.bin").toString());
    assertThat(code).as(out + "\n" + err).isEqualTo(BitsCli.EXIT_USAGE);
    assertThat(err.toString()).contains("no TLS certificate is bound to port " + port).contains("--ssl-cert-hash");
    assertThat(out.toString()).doesNotContain("transfer:"); // nothing was started
  }

  @Test
  void aJobThatFailsExitsWith3() throws Exception {
    // Digest is enabled on the group but the admin has no Digest realm: every request gets 401.
    Path source = Files.write(serve.resolve("a.bin"), randomBytes(1000));
    Path dest = downloads.resolve("a.bin");
    int code = transfer("--password-env", "BITS_TEST_PASSWORD", "--pin", fingerprint, "--auth", "digest",
        "--group", "http://127.0.0.1:" + DemoCommand.freePort() + "/Locked", "--source", source.toString(),
        "--dest", dest.toString());
    assertThat(code).as(out + "\n" + err).isEqualTo(BitsCli.EXIT_JOB_ERROR);
    assertThat(out.toString()).contains("FAILED").contains("error:").contains("cleanup: clean");
    assertThat(dest).doesNotExist();
  }

  @Test
  void aSourceOutsideTheServeRootIsRefusedWithExit1() throws Exception {
    Path outside = Files.write(dir.resolve("secret.bin"), randomBytes(10));
    int code = transfer("--password-env", "BITS_TEST_PASSWORD", "--pin", fingerprint,
        "--group", "http://127.0.0.1:" + DemoCommand.freePort() + "/G", "--source", outside.toString(),
        "--dest", downloads.resolve("s.bin").toString());
    assertThat(code).as(out + "\n" + err).isEqualTo(BitsCli.EXIT_REFUSED);
    assertThat(out.toString()).contains("FAILED").contains("(never published)").contains("E_ACCESSDENIED")
        .contains("cleanup: clean").contains("hint: a node publishes only files under its --serve-root");
  }

  @Test
  void wrongPasswordOrUntrustedNodeIsRefusedWithExit1() throws Exception {
    Path source = Files.write(serve.resolve("a.bin"), randomBytes(10));
    String group = "http://127.0.0.1:" + DemoCommand.freePort() + "/G";
    assertThat(transfer("--password-env", "BITS_TEST_WRONG_PASSWORD", "--pin", fingerprint, "--group", group,
        "--source", source.toString(), "--dest", downloads.resolve("a.bin").toString()))
        .as(out + "\n" + err).isEqualTo(BitsCli.EXIT_REFUSED);
    assertThat(err.toString()).contains("E_ACCESSDENIED");
    String otherPin = DemoCommand.SelfSigned.sha256Fingerprint(NodeCommandTest.loopbackIdentity().certificate());
    assertThat(transfer("--password-env", "BITS_TEST_PASSWORD", "--pin", otherPin, "--group", group,
        "--source", source.toString(), "--dest", downloads.resolve("a.bin").toString()))
        .as(out + "\n" + err).isEqualTo(BitsCli.EXIT_REFUSED);
    assertThat(err.toString()).doesNotContain("\tat ");
  }

  @Test
  void usageErrorsExitWith2() throws Exception {
    Path source = Files.write(serve.resolve("a.bin"), randomBytes(10));
    String group = "http://127.0.0.1:" + DemoCommand.freePort() + "/G";
    String dest = downloads.resolve("a.bin").toString();
    String[][] cases = {
        {"--password-env", "BITS_TEST_SURELY_UNSET_VARIABLE", "--group", group, "--source", source.toString(), "--dest", dest},
        {"--password-env", "BITS_TEST_PASSWORD", "--pin", fingerprint, "--trust", pem[0].toString(),
            "--group", group, "--source", source.toString(), "--dest", dest},
        {"--password-env", "BITS_TEST_PASSWORD", "--pin", "abc", "--group", group, "--source", source.toString(), "--dest", dest},
        {"--password-env", "BITS_TEST_PASSWORD", "--pin", fingerprint, "--group", "http://127.0.0.1:1/a/b",
            "--source", source.toString(), "--dest", dest},
        {"--password-env", "BITS_TEST_PASSWORD", "--pin", fingerprint, "--group", group, "--source", source.toString(),
            "--dest", "relative/a.bin"},
        {"--password-env", "BITS_TEST_PASSWORD", "--pin", fingerprint, "--group", "http://+:1/G",
            "--source", source.toString(), "--dest", dest},
        {"--password-env", "BITS_TEST_PASSWORD", "--pin", fingerprint, "--group", group, "--auth", "ntlm",
            "--source", source.toString(), "--dest", dest},
        {"--password-env", "BITS_TEST_PASSWORD", "--group", group, "--source", source.toString()},
        {"--password-env", "BITS_TEST_PASSWORD", "--pin", fingerprint, "--group", group, "--progress", "fancy",
            "--source", source.toString(), "--dest", dest},
        {"--password-env", "BITS_TEST_PASSWORD", "--pin", fingerprint, "--group", group, "--ssl-cert-hash", hosting.thumbprintHex(),
            "--source", source.toString(), "--dest", dest},
        {"--password-env", "BITS_TEST_PASSWORD", "--pin", fingerprint, "--group", "https://127.0.0.1:1/G",
            "--ssl-cert-hash", "12ab", "--source", source.toString(), "--dest", dest},
    };
    for (String[] c : cases) {
      StringWriter caseErr = new StringWriter();
      List<String> args = new ArrayList<>(List.of("transfer", "--server-node", serverNode.uri().toString(),
          "--client-node", clientNode.uri().toString(), "--user", "admin", "--deadline", "10"));
      args.addAll(Arrays.asList(c));
      assertThat(BitsCli.run(args.toArray(new String[0]), new PrintWriter(new StringWriter()), new PrintWriter(caseErr, true)))
          .as(String.join(" ", c) + " -> " + caseErr).isEqualTo(BitsCli.EXIT_USAGE);
      assertThat(caseErr.toString()).isNotBlank().doesNotContain("\tat ");
    }
    assertThat(serverNode.uri()).isNotNull();
  }
}
