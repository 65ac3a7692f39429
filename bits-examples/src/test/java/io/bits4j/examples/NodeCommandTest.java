package io.bits4j.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bits4j.AccessPolicy;
import io.bits4j.BitsException;
import io.bits4j.Hresult;
import io.bits4j.TlsIdentity;
import io.bits4j.UrlGroup;
import io.bits4j.UrlPrefix;
import io.bits4j.UserStore;
import io.bits4j.wsman.WsmanSession;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class NodeCommandTest {
  @TempDir Path dir;

  /** A self-signed loopback identity written as PEM files: {cert, key}. */
  static Path[] writePem(Path dir, TlsIdentity id) throws Exception {
    Base64.Encoder b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
    Path cert = Files.writeString(dir.resolve("node.crt"), "-----BEGIN CERTIFICATE-----\n"
        + b64.encodeToString(id.certificate().getEncoded()) + "\n-----END CERTIFICATE-----\n");
    Path key = Files.writeString(dir.resolve("node.key"), "-----BEGIN PRIVATE KEY-----\n"
        + b64.encodeToString(id.privateKey().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
    return new Path[] {cert, key};
  }

  static TlsIdentity loopbackIdentity() throws Exception {
    return DemoCommand.SelfSigned.create("localhost", List.of("localhost"),
        List.of(InetAddress.getByName("127.0.0.1")), Duration.ofDays(1));
  }

  static NodeCommand parse(String... args) {
    NodeCommand cmd = new NodeCommand();
    new CommandLine(cmd).parseArgs(args);
    return cmd;
  }

  static String printedFingerprint(String out) {
    Matcher m = Pattern.compile("tls certificate sha256: ([0-9A-F:]{95})").matcher(out);
    assertThat(m.find()).as(out).isTrue();
    return m.group(1);
  }

  @Test
  void selfSignedIdentityIsAValidLoopbackServerCertificate() throws Exception {
    TlsIdentity id = loopbackIdentity();
    X509Certificate c = id.certificate();
    c.checkValidity();
    c.verify(c.getPublicKey());
    assertThat(c.getVersion()).isEqualTo(3);
    List<Object> sans = new java.util.ArrayList<>();
    c.getSubjectAlternativeNames().forEach(l -> sans.add(l.get(1)));
    assertThat(sans).containsExactlyInAnyOrder("localhost", "127.0.0.1");
    assertThat(c.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
    assertThat(c.getBasicConstraints()).isEqualTo(-1);
    assertThat(DemoCommand.SelfSigned.sha256Fingerprint(c)).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
    assertThat(loopbackIdentity().certificate().getSerialNumber()).isNotEqualTo(c.getSerialNumber());
  }

  @Test
  void runsAManageableNodeWithinItsFileRootsAndClosesEverything() throws Exception {
    TlsIdentity id = loopbackIdentity();
    Path[] pem = writePem(dir, id);
    Path users = dir.resolve("users.txt");
    UserStore.file(users).addUser("admin", "pw".toCharArray(), Set.of(UserStore.ADMINISTRATORS), Set.of());
    Path serve = Files.createDirectories(dir.resolve("serve"));
    Path downloads = Files.createDirectories(dir.resolve("downloads"));
    Path inside = Files.write(serve.resolve("a.bin"), new byte[] {1, 2, 3});
    Path outside = Files.write(dir.resolve("secret.bin"), new byte[] {4});
    StringWriter out = new StringWriter();
    NodeCommand cmd = parse("--listen", "127.0.0.1:0", "--tls-cert", pem[0].toString(), "--tls-key", pem[1].toString(),
        "--users", users.toString(), "--server", "--client", "--state-dir", dir.resolve("state").toString(),
        "--serve-root", serve.toString(), "--download-root", downloads.toString());
    NodeCommand.Node node = cmd.start(new PrintWriter(out, true));
    URI uri = node.uri();
    try {
      assertThat(uri.getScheme()).isEqualTo("https");
      assertThat(out.toString()).contains("node: " + uri + " (compact server + portable client)").contains("ready");
      String fp = printedFingerprint(out.toString());
      assertThat(fp).isEqualTo(DemoCommand.SelfSigned.sha256Fingerprint(id.certificate()));
      try (WsmanSession s = WsmanSession.builder(uri).basic("admin", "pw".toCharArray()).pinSha256(fp).build()) {
        assertThat(s.identify().isBits4j()).isTrue();
        UrlGroup g = s.compactServer().createUrlGroup(UrlPrefix.parse("http://127.0.0.1:" + DemoCommand.freePort() + "/G"));
        assertThat(g.host("a", inside, AccessPolicy.parse("")).suffix()).isEqualTo("a");
        assertThatThrownBy(() -> g.host("s", outside, AccessPolicy.parse("")))
            .isInstanceOfSatisfying(BitsException.class, e -> assertThat(e.hresult()).isEqualTo(Hresult.E_ACCESSDENIED));
        s.compactServer().deleteUrlGroup(g.prefix());
        assertThat(s.bitsClient().jobs()).isEmpty();
      }
      // A pin of another certificate is refused before any credentials are sent.
      String otherPin = DemoCommand.SelfSigned.sha256Fingerprint(loopbackIdentity().certificate());
      try (WsmanSession s = WsmanSession.builder(uri).basic("admin", "pw".toCharArray()).pinSha256(otherPin).build()) {
        assertThatThrownBy(s::identify).isInstanceOf(BitsException.class);
      }
      try (WsmanSession s = WsmanSession.builder(uri).basic("admin", "wrong".toCharArray()).pinSha256(fp).build()) {
        assertThatThrownBy(s::identify)
            .isInstanceOfSatisfying(BitsException.class, e -> assertThat(e.hresult()).isEqualTo(Hresult.E_ACCESSDENIED));
      }
    } finally {
      node.close();
    }
    node.close(); // idempotent
    assertThatThrownBy(() -> {
      try (Socket sock = new Socket()) {
        sock.connect(new InetSocketAddress("127.0.0.1", uri.getPort()), 2000);
      }
    }).isInstanceOf(IOException.class);
  }

  @Test
  void plainHttpOnlyOnLoopback() throws Exception {
    Path users = dir.resolve("users.txt");
    UserStore.file(users).addUser("admin", "pw".toCharArray(), Set.of(UserStore.ADMINISTRATORS), Set.of());
    StringWriter out = new StringWriter();
    try (NodeCommand.Node node = parse("--listen", "127.0.0.1:0", "--plain-http", "--users", users.toString(), "--server")
        .start(new PrintWriter(out, true));
        WsmanSession s = WsmanSession.builder(node.uri()).basic("admin", "pw".toCharArray()).build()) {
      assertThat(node.uri().getScheme()).isEqualTo("http");
      assertThat(out.toString()).contains("tls certificate sha256: none (plain HTTP)").contains("(compact server)");
      assertThat(s.compactServer().urlGroups()).isEmpty();
    }
    assertThatThrownBy(() -> parse("--listen", "0.0.0.0:0", "--plain-http", "--users", users.toString(), "--server")
        .start(new PrintWriter(new StringWriter()))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("loopback");
  }

  @Test
  void theLoginThrottleIsSetFromTheCommandLine() throws Exception {
    Path users = dir.resolve("users.txt");
    UserStore.file(users).addUser("admin", "pw".toCharArray(), Set.of(UserStore.ADMINISTRATORS), Set.of());
    try (NodeCommand.Node node = parse("--listen", "127.0.0.1:0", "--plain-http", "--users", users.toString(),
        "--server", "--login-throttle", "2/60", "--max-login-lockout", "30").start(new PrintWriter(new StringWriter()))) {
      List<String> answers = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        answers.add(wrongPassword(node.uri()));
      }
      // two failures allowed, then refused unverified: for the window (60 s), cut to the longest lockout (30 s)
      assertThat(answers.subList(0, 2)).containsExactly("401", "401");
      assertThat(answers.get(2)).startsWith("429 retry-after ");
      assertThat(Integer.parseInt(answers.get(2).substring("429 retry-after ".length()))).isBetween(1, 30);
    }
  }

  /** One request with a wrong password: the HTTP status, and Retry-After if there is one. */
  private static String wrongPassword(URI uri) throws Exception {
    HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
    try {
      c.setRequestMethod("POST");
      c.setDoOutput(true);
      c.setRequestProperty("Content-Type", "application/soap+xml;charset=UTF-8");
      c.setRequestProperty("Authorization", "Basic "
          + Base64.getEncoder().encodeToString("admin:wrong".getBytes(StandardCharsets.UTF_8)));
      try (OutputStream o = c.getOutputStream()) {
        o.write("<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"><s:Header/><s:Body/></s:Envelope>"
            .getBytes(StandardCharsets.UTF_8));
      }
      int status = c.getResponseCode();
      String retry = c.getHeaderField("Retry-After");
      return status + (retry == null ? "" : " retry-after " + retry);
    } finally {
      c.disconnect();
    }
  }

  @Test
  void usageErrorsExitWith2() throws Exception {
    Path[] pem = writePem(dir, loopbackIdentity());
    String users = dir.resolve("users.txt").toString();
    String[][] cases = {
        {"--listen", "127.0.0.1:0", "--plain-http", "--users", users},
        {"--listen", "127.0.0.1:0", "--plain-http", "--users", users, "--client"},
        {"--listen", "127.0.0.1:0", "--users", users, "--server"},
        {"--listen", "127.0.0.1:0", "--tls-cert", pem[0].toString(), "--users", users, "--server"},
        {"--listen", "127.0.0.1", "--plain-http", "--users", users, "--server"},
        {"--listen", "127.0.0.1:99999", "--plain-http", "--users", users, "--server"},
        {"--listen", "::1:0", "--plain-http", "--users", users, "--server"},
        {"--listen", "127.0.0.1:0", "--plain-http", "--users", users, "--server", "--serve-root", dir.resolve("none").toString()},
        {"--listen", "127.0.0.1:0", "--tls-cert", pem[0].toString(), "--tls-key", pem[0].toString(), "--users", users, "--server"},
        {"--users", users, "--server"},
        {"--listen", "127.0.0.1:0", "--plain-http", "--users", users, "--server", "--login-throttle", "5"},
        {"--listen", "127.0.0.1:0", "--plain-http", "--users", users, "--server", "--login-throttle", "0/60"},
        {"--listen", "127.0.0.1:0", "--plain-http", "--users", users, "--server", "--login-throttle", "5/7200"},
        {"--listen", "127.0.0.1:0", "--plain-http", "--users", users, "--server", "--max-login-lockout", "0"},
    };
    for (String[] c : cases) {
      StringWriter err = new StringWriter();
      String[] args = new String[c.length + 1];
      args[0] = "node";
      System.arraycopy(c, 0, args, 1, c.length);
      assertThat(BitsCli.run(args, new PrintWriter(new StringWriter()), new PrintWriter(err, true)))
          .as(String.join(" ", c) + " -> " + err).isEqualTo(BitsCli.EXIT_USAGE);
      assertThat(err.toString()).isNotBlank().doesNotContain("\tat ");
    }
  }

  @Test
  void aTerminationSignalClosesTheNodeThroughTheShutdownHook() throws Exception {
    Path users = dir.resolve("users.txt");
    UserStore.file(users).addUser("admin", "pw".toCharArray(), Set.of(UserStore.ADMINISTRATORS), Set.of());
    Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p = new ProcessBuilder(javaBin.toString(), "-cp", System.getProperty("java.class.path"),
        BitsCli.class.getName(), "node", "--listen", "127.0.0.1:0", "--plain-http", "--users", users.toString(), "--server")
        .redirectErrorStream(true).start();
    try {
      java.util.concurrent.CompletableFuture<String> ready = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
        StringBuilder seen = new StringBuilder();
        try (java.io.BufferedReader r = new java.io.BufferedReader(
            new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line; (line = r.readLine()) != null; ) {
            seen.append(line).append('\n');
            if (line.startsWith("ready")) {
              return seen.toString();
            }
          }
        } catch (IOException e) {
          seen.append(e);
        }
        return seen.toString();
      });
      String printed = ready.get(60, java.util.concurrent.TimeUnit.SECONDS);
      Matcher m = Pattern.compile("node: http://127\\.0\\.0\\.1:(\\d+)/wsman").matcher(printed);
      assertThat(m.find()).as(printed).isTrue();
      int port = Integer.parseInt(m.group(1));
      try (Socket sock = new Socket()) {
        sock.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      }
      p.destroy(); // SIGTERM: the JVM runs the shutdown hook, which closes the node
      assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isEqualTo(143);
      assertThatThrownBy(() -> {
        try (Socket sock = new Socket()) {
          sock.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        }
      }).isInstanceOf(IOException.class);
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void listenAcceptsBracketedIpv6() {
    InetSocketAddress a = NodeCommand.parseListen("[::1]:5986");
    assertThat(a.getAddress().isLoopbackAddress()).isTrue();
    assertThat(a.getPort()).isEqualTo(5986);
    assertThat(NodeCommand.parseListen("127.0.0.1:0").getPort()).isZero();
  }
}
