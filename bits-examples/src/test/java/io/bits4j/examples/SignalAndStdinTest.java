package io.bits4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.bits4j.AccessPolicy;
import io.bits4j.UrlGroup;
import io.bits4j.UrlPrefix;
import io.bits4j.server.netty.NettyCompactServer;
import io.bits4j.testkit.TcpFaultProxy;
import io.bits4j.testkit.TcpFaultProxy.Fault;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line run as a process: termination signals during transfers, and passwords from a
 * closed standard input or an empty environment variable.
 */
class SignalAndStdinTest {
  @TempDir Path dir;

  private static String sha256(Path file) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static Path randomFile(Path file, int size) throws IOException {
    byte[] content = new byte[size];
    new Random(11).nextBytes(content);
    return Files.write(file, content);
  }

  @Test
  void serveExitsCleanlyOnSigtermAndSigintWhileADownloadIsInProgress() throws Exception {
    Path file = randomFile(dir.resolve("big.bin"), 32 << 20);
    for (String signal : new String[] {"TERM", "INT"}) {
      int port = CliProcess.freePort();
      Process p = CliProcess.command("serve", "--group", "http://127.0.0.1:" + port + "/G", "--file", "big.bin=" + file).start();
      try {
        CliProcess out = new CliProcess(p);
        out.await(s -> s.contains("ready: 1 group(s)"));
        try (Socket s = new Socket()) {
          s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
          s.setSoTimeout(30_000);
          OutputStream os = s.getOutputStream();
          os.write(("GET /G/big.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
          os.flush();
          InputStream in = s.getInputStream();
          byte[] buf = new byte[1 << 16];
          long read = 0;
          while (read < 1 << 20) {
            int n = in.read(buf);
            assertThat(n).isPositive();
            read += n;
          }
          // The download is in progress: the rest waits in the socket buffers, unread.
          out.signal(signal);
          assertThat(p.waitFor(30, TimeUnit.SECONDS)).as(signal).isTrue();
        }
        assertThat(p.exitValue()).as(signal).isEqualTo(signal.equals("TERM") ? 143 : 130);
        assertThat(out.all()).as(signal).doesNotContain("\tat ").doesNotContain("Exception");
      } finally {
        p.destroyForcibly();
      }
    }
  }

  @Test
  void getKeepsThePartialDownloadOnSigtermAndARerunResumesIt() throws Exception {
    int size = 32 << 20;
    Path src = randomFile(dir.resolve("src.bin"), size);
    int port = CliProcess.freePort();
    try (NettyCompactServer server = NettyCompactServer.builder().build();
        TcpFaultProxy proxy = TcpFaultProxy.builder(new InetSocketAddress("127.0.0.1", port))
            .fault(Fault.trickle(64 << 10, Duration.ofMillis(10))).start()) {
      UrlGroup g = server.createUrlGroup(UrlPrefix.parse("http://127.0.0.1:" + port + "/G"));
      g.host("src.bin", src, AccessPolicy.NONE);
      URI url = URI.create("http://127.0.0.1:" + proxy.port() + "/G/src.bin");
      Path dest = dir.resolve("dest.bin");
      Path state = dir.resolve("state");
      Process p = CliProcess.command("get", url.toString(), dest.toString(), "--state-dir", state.toString(), "--progress", "lines").start();
      try {
        CliProcess out = new CliProcess(p);
        Pattern line = Pattern.compile("([\\d,]+)/([\\d,]+) bytes");
        out.await(s -> {
          Matcher m = line.matcher(s);
          long done = 0;
          while (m.find()) {
            done = Long.parseLong(m.group(1).replace(",", ""));
          }
          return done >= 8 << 20;
        });
        out.signal("TERM");
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(143);
        assertThat(out.all()).doesNotContain("\tat ").doesNotContain("Exception").doesNotContain("complete:");
      } finally {
        p.destroyForcibly();
      }
      assertThat(dest).doesNotExist();
      try (Stream<Path> files = Files.list(dir)) {
        assertThat(files.filter(f -> f.getFileName().toString().startsWith(".dest.bin.")))
            .as("the partial download is kept").isNotEmpty();
      }

      proxy.setFault(Fault.passThrough());
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int code = BitsCli.run(new String[] {"get", url.toString(), dest.toString(), "--state-dir", state.toString(),
          "--progress", "none"}, new PrintWriter(out, true), new PrintWriter(err, true));
      assertThat(code).as(err.toString()).isZero();
      Matcher resumed = Pattern.compile("resuming job \\{[^}]+\\} \\(\\w+, (\\d+)/" + size + " bytes").matcher(out.toString());
      assertThat(resumed.find()).as(out.toString()).isTrue();
      assertThat(Long.parseLong(resumed.group(1))).as("resumed from the persisted offset").isPositive();
      assertThat(sha256(dest)).isEqualTo(sha256(src));
    }
  }

  @Test
  void usersAddWithStandardInputClosedSavesNoUser() throws Exception {
    Path users = dir.resolve("users.txt");
    // '<&-': no file descriptor 0 at all, so the JVM's first opened file takes its place.
    ProcessBuilder pb = CliProcess.command();
    List<String> cmd = new ArrayList<>(List.of("sh", "-c", "exec \"$@\" users add alice --users \"$USERS\" <&-", "sh"));
    cmd.addAll(pb.command());
    pb.command(cmd);
    pb.environment().remove("BITS_PASSWORD");
    pb.environment().put("USERS", users.toString());
    Process p = pb.start();
    try {
      CliProcess out = new CliProcess(p);
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      String printed = out.all();
      assertThat(p.exitValue()).as(printed).isEqualTo(BitsCli.EXIT_USAGE);
      assertThat(printed).contains("bits: no password").doesNotContain("\tat ");
      assertThat(users).doesNotExist();
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void usersAddRefusesAnEmptyBitsPassword() throws Exception {
    Path users = dir.resolve("users.txt");
    ProcessBuilder pb = CliProcess.command("users", "add", "alice", "--users", users.toString());
    pb.environment().put("BITS_PASSWORD", "");
    Process p = pb.start();
    try {
      p.getOutputStream().close();
      CliProcess out = new CliProcess(p);
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      String printed = out.all();
      assertThat(p.exitValue()).as(printed).isEqualTo(BitsCli.EXIT_USAGE);
      assertThat(printed).contains("bits: no password: BITS_PASSWORD is empty");
      assertThat(users).doesNotExist();
    } finally {
      p.destroyForcibly();
    }
  }
}
