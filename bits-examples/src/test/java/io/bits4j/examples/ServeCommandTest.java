package io.bits4j.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bits4j.BitsException;
import io.bits4j.CompactServer;
import io.bits4j.UserStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ServeCommandTest {
  @TempDir Path dir;
  private final HttpClient http = HttpClient.newHttpClient();

  private static int freePort() {
    return CliProcess.freePort();
  }

  private static ServeCommand parse(String... args) {
    ServeCommand cmd = new ServeCommand();
    new CommandLine(cmd).parseArgs(args);
    return cmd;
  }

  @Test
  void hostsEachFileInTheGroupGivenBeforeItAndPrintsTheUrls() throws Exception {
    Path a = Files.write(dir.resolve("a.bin"), new byte[] {1, 2, 3, 4, 5});
    Path b = Files.write(dir.resolve("b.bin"), new byte[] {9, 8, 7});
    int port = freePort();
    StringWriter out = new StringWriter();
    ServeCommand cmd = parse("--group", "http://127.0.0.1:" + port + "/One", "--file", "x/a.bin=" + a,
        "--group", "http://127.0.0.1:" + port + "/Two", "--file", "b=" + b);
    try (CompactServer server = cmd.start(new PrintWriter(out, true))) {
      assertThat(out.toString())
          .contains("serving http://127.0.0.1:" + port + "/One/x/a.bin")
          .contains("serving http://127.0.0.1:" + port + "/Two/b")
          .contains("ready: 2 group(s)");
      HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/One/x/a.bin"))
          .header("Range", "bytes=1-2").build(), HttpResponse.BodyHandlers.ofByteArray());
      assertThat(r.statusCode()).isEqualTo(206);
      assertThat(r.body()).containsExactly(2, 3);
      HttpResponse<byte[]> missing = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/One/b")).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertThat(missing.statusCode()).isEqualTo(404);
      assertThat(server.urlGroups()).hasSize(2);
    }
  }

  /** Three groups or more: each keeps its own files (picocli shared one list between the 2nd and 3rd). */
  @Test
  void everyGroupKeepsItsOwnFilesWithThreeOrMoreGroups() throws Exception {
    Path f = Files.write(dir.resolve("f.bin"), new byte[] {1});
    int port = freePort();
    String base = "http://127.0.0.1:" + port + "/";
    ServeCommand cmd = parse("--group", base + "A", "--file", "x=" + f, "--group", base + "B", "--file", "y=" + f,
        "--group", base + "C", "--file", "z=" + f, "--group", base + "D", "--group", base + "E", "--file", "y=" + f);
    StringWriter out = new StringWriter();
    try (CompactServer server = cmd.start(new PrintWriter(out, true))) {
      assertThat(out.toString().lines().filter(l -> l.startsWith("serving ")).map(l -> l.substring(8, l.indexOf(' ', 8))))
          .containsExactlyInAnyOrder(base + "A/x", base + "B/y", base + "C/z", base + "E/y");
      for (String[] probe : new String[][] {{"A/x", "200"}, {"B/y", "200"}, {"C/z", "200"}, {"E/y", "200"},
          {"B/z", "404"}, {"C/y", "404"}, {"D/y", "404"}, {"D/z", "404"}}) {
        assertThat(http.send(HttpRequest.newBuilder(URI.create(base + probe[0])).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode()).as(probe[0]).isEqualTo(Integer.parseInt(probe[1]));
      }
      assertThat(server.urlGroups()).hasSize(5);
    }
  }

  @Test
  void appliesAuthenticationAndSddlFromTheUsersFile() throws Exception {
    Path users = dir.resolve("users.txt");
    UserStore.file(users).addUser("alice", "pw".toCharArray(), Set.of(), Set.of());
    Path a = Files.write(dir.resolve("a.bin"), new byte[] {1});
    int port = freePort();
    ServeCommand cmd = parse("--group", "http://127.0.0.1:" + port + "/G", "--file", "a=" + a,
        "--users", users.toString(), "--auth", "basic", "--allow-basic-over-http", "--sddl", "D:(A;;GR;;;AU)");
    try (CompactServer server = cmd.start(new PrintWriter(new StringWriter(), true))) {
      URI url = URI.create("http://127.0.0.1:" + port + "/G/a");
      assertThat(http.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.discarding()).statusCode())
          .isEqualTo(401);
      String basic = "Basic " + Base64.getEncoder().encodeToString("alice:pw".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      assertThat(http.send(HttpRequest.newBuilder(url).header("Authorization", basic).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
      assertThat(server.urlGroups()).hasSize(1);
    }
  }

  @Test
  void refusesInconsistentOptions() {
    assertThatThrownBy(() -> parse("--file", "a=/x")).isInstanceOf(CommandLine.ParameterException.class);
    // A --file before the first --group has no group to be hosted in (picocli would give it the next one).
    assertThatThrownBy(() -> parse("--file", "a=/x", "--group", "http://127.0.0.1:1/G").start(new PrintWriter(new StringWriter())))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("before any --group");
    assertThatThrownBy(() -> parse("--group", "http://127.0.0.1:1/G", "--file", "noequals").start(new PrintWriter(new StringWriter())))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SUFFIX=PATH");
    assertThatThrownBy(() -> parse("--group", "http://127.0.0.1:1/G/H").start(new PrintWriter(new StringWriter())))
        .isInstanceOfSatisfying(BitsException.class, e -> assertThat(e.hresult()).isEqualTo(io.bits4j.Hresult.E_INVALIDARG));
    assertThatThrownBy(() -> parse("--group", "https://127.0.0.1:1/G").start(new PrintWriter(new StringWriter())))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--tls-cert");
    assertThatThrownBy(() -> parse("--group", "http://127.0.0.1:1/G", "--auth", "basic").start(new PrintWriter(new StringWriter())))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--users");
    assertThatThrownBy(() -> parse("--group", "http://127.0.0.1:1/G", "--auth", "ntlm", "--users", "/tmp/x").start(new PrintWriter(new StringWriter())))
        .isInstanceOf(IllegalArgumentException.class);
    // the flags to give, not the Java builder methods behind them
    assertThatThrownBy(() -> parse("--group", "http://127.0.0.1:1/G", "--auth", "basic", "--users", "/tmp/x")
        .start(new PrintWriter(new StringWriter())))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--allow-basic-over-http")
        .hasMessageNotContaining("Builder");
    assertThatThrownBy(() -> parse("--group", "http://127.0.0.1:1/G", "--auth", "client-cert")
        .start(new PrintWriter(new StringWriter())))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--client-ca PEM")
        .hasMessageNotContaining("Builder");
  }

  @Test
  void digestWithNobodyWhoCanUseItWarns() throws Exception {
    Path users = dir.resolve("users.txt");
    UserStore.file(users).addUser("alice", "pw".toCharArray(), Set.of(), Set.of()); // no Digest realm
    assertThat(startAndStop("--group", "http://127.0.0.1:" + freePort() + "/G", "--users", users.toString(),
        "--auth", "digest"))
        .contains("warning: no user in " + users).contains("realm 'bits4j'").contains("--digest-realm bits4j");
    UserStore.file(users).addUser("bob", "pw".toCharArray(), Set.of(), Set.of("bits4j"));
    assertThat(startAndStop("--group", "http://127.0.0.1:" + freePort() + "/G", "--users", users.toString(),
        "--auth", "digest")).isEmpty();
  }

  /** Starts {@code bits serve} with these arguments, closes it, and returns what it wrote to stderr. */
  private static String startAndStop(String... args) {
    StringWriter err = new StringWriter();
    ServeCommand cmd = new ServeCommand();
    CommandLine cl = new CommandLine(cmd);
    cl.setErr(new PrintWriter(err, true));
    cl.parseArgs(args);
    cmd.start(new PrintWriter(new StringWriter(), true)).close();
    return err.toString();
  }

  @Test
  void usageErrorsExitWith2() {
    StringWriter err = new StringWriter();
    int code = BitsCli.run(new String[] {"serve", "--group", "http://+:80/a/b"}, new PrintWriter(new StringWriter()), new PrintWriter(err, true));
    assertThat(code).isEqualTo(BitsCli.EXIT_USAGE);
    assertThat(err.toString()).contains("E_INVALIDARG");
    StringWriter err2 = new StringWriter();
    assertThat(BitsCli.run(new String[] {"serve", "--file", "a=/x", "--group", "http://127.0.0.1:1/G"},
        new PrintWriter(new StringWriter()), new PrintWriter(err2, true))).isEqualTo(BitsCli.EXIT_USAGE);
    assertThat(err2.toString()).startsWith("bits: --file comes before any --group");
  }

  @Test
  void aUsersFileThatDoesNotExistIsAUsageErrorNotAServerThatRefusesEveryone() throws Exception {
    Path missing = dir.resolve("user.txt");
    ServeCommand cmd = parse("--group", "http://127.0.0.1:" + freePort() + "/G", "--users", missing.toString(),
        "--auth", "digest");
    assertThatThrownBy(() -> cmd.start(new PrintWriter(new StringWriter())).close())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(missing.toString()).hasMessageContaining("bits users add");
    assertThat(missing).doesNotExist();
  }

  @Test
  void theAccessLogHasATimestampAndNoThreadName() throws Exception {
    Path a = Files.write(dir.resolve("a.bin"), new byte[] {1, 2, 3});
    int port = freePort();
    CliProcess p = CliProcess.start("serve", "--group", "http://127.0.0.1:" + port + "/G", "--file", "a=" + a);
    try {
      p.await(s -> s.contains("ready:"));
      http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/G/a")).build(),
          HttpResponse.BodyHandlers.discarding());
      String line = p.await(s -> s.contains(" GET a ")).lines().filter(l -> l.contains(" GET a ")).findFirst().orElseThrow();
      assertThat(line).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d.*").doesNotContain("EventLoop")
          .doesNotContain("[");
    } finally {
      p.process.destroyForcibly();
    }
  }
}
