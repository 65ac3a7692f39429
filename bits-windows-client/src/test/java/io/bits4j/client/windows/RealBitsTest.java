package io.bits4j.client.windows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link WindowsSideTests} inside {@code mvn verify} on a real Windows x64 machine, against the
 * installed BITS service, with a minimal loopback HTTP/1.1 server (HEAD, GET, one byte range).
 * Skipped elsewhere: Linux CI runs the same tests under Wine through {@code wine-test.sh}.
 */
class RealBitsTest {
  private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");

  @Test
  void theWindowsSideTestsPassAgainstTheInstalledBits(@TempDir Path dir) throws Exception {
    assumeTrue(WindowsBitsClient.isSupported(), "needs Windows x64 and its BITS service");
    Path src = Files.createDirectories(dir.resolve("src"));
    Path out = Files.createDirectories(dir.resolve("out"));
    Random random = new Random(1);
    byte[] small = new byte[65_536];
    byte[] big = new byte[4 << 20];
    random.nextBytes(small);
    random.nextBytes(big);
    Files.write(src.resolve("small.bin"), small);
    Files.write(src.resolve("big.bin"), big);
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread acceptor = new Thread(() -> serve(server, src), "test-http");
      acceptor.setDaemon(true);
      acceptor.start();
      URI http = URI.create("http://127.0.0.1:" + server.getLocalPort() + "/");
      WindowsSideTests.Outcome result = WindowsSideTests.run(http, src, out);
      assertThat(result.failures()).isEmpty();
      assertThat(result.passed()).isPositive();
    }
  }

  private static void serve(ServerSocket server, Path root) {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        Thread t = new Thread(() -> handle(s, root), "test-http-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private static void handle(Socket socket, Path root) {
    try (socket) {
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
      OutputStream os = socket.getOutputStream();
      while (true) {
        String request = in.readLine();
        if (request == null || request.isEmpty()) {
          return;
        }
        String range = null;
        for (String h = in.readLine(); h != null && !h.isEmpty(); h = in.readLine()) {
          if (h.toLowerCase(Locale.ROOT).startsWith("range:")) {
            range = h.substring(6).strip();
          }
        }
        String[] parts = request.split(" ");
        boolean head = parts[0].equals("HEAD");
        Path file = root.resolve(parts[1].substring(1)).normalize();
        if (!file.startsWith(root) || !Files.isRegularFile(file)) {
          os.write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
          os.flush();
          continue;
        }
        byte[] body = Files.readAllBytes(file);
        int from = 0;
        int to = body.length - 1;
        String status = "200 OK";
        String extra = "";
        Matcher m = range == null ? null : RANGE.matcher(range);
        if (m != null && m.matches()) {
          from = Integer.parseInt(m.group(1));
          to = m.group(2).isEmpty() ? body.length - 1 : Math.min(body.length - 1, Integer.parseInt(m.group(2)));
          status = "206 Partial Content";
          extra = "Content-Range: bytes " + from + "-" + to + "/" + body.length + "\r\n";
        }
        int length = to - from + 1;
        String headers = "HTTP/1.1 " + status + "\r\nContent-Length: " + length + "\r\nAccept-Ranges: bytes\r\n"
            + "ETag: \"" + body.length + "\"\r\nLast-Modified: Wed, 25 Nov 2026 00:00:00 GMT\r\n" + extra + "\r\n";
        os.write(headers.getBytes(StandardCharsets.ISO_8859_1));
        if (!head) {
          os.write(body, from, length);
        }
        os.flush();
      }
    } catch (IOException | RuntimeException e) {
      // the client went away
    }
  }
}
