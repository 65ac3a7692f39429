package io.bits4j.client.portable;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/** External programs for integration tests: skipped when missing, a failure when CI=true. */
final class External {
  private External() {}

  /** The program's path; aborts (skips) the test when missing, fails it on CI. */
  static Path require(String program, String debianPackage) {
    List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
    dirs.add("/usr/sbin");
    dirs.add("/usr/bin");
    for (String d : dirs) {
      if (d.isEmpty()) {
        continue;
      }
      Path p = Path.of(d, program);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    String msg = program + " not found: install the Debian package '" + debianPackage + "'";
    if ("true".equals(System.getenv("CI"))) {
      Assertions.fail(msg + " (CI=true: missing programs fail)");
    }
    Assumptions.abort(msg);
    throw new AssertionError("unreachable");
  }

  /** A loopback port that was free a moment ago. */
  static int freePort() {
    return io.bits4j.testkit.LoopbackPorts.next(); // never the same port twice in this JVM
  }

  /** Waits (bounded) until something accepts connections on a loopback port. */
  static void awaitListening(int port, Process p, Path log) {
    TestFiles.await("port " + port + " listening", Duration.ofSeconds(15), () -> {
      if (!p.isAlive()) {
        String out;
        try {
          out = Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
          out = e.toString();
        }
        throw new AssertionError("process exited with " + p.exitValue() + ": " + out);
      }
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
        return s.isConnected();
      } catch (IOException e) {
        return false;
      }
    });
  }

  /** Stops a process started by a test. */
  static void stop(Process p) throws InterruptedException {
    p.destroy();
    if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
    }
  }
}
