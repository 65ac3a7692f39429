package io.bits4j.benchmarks;

import io.bits4j.BitsClient;
import io.bits4j.ClientJob;
import io.bits4j.CompactServer;
import io.bits4j.JobSpec;
import io.bits4j.UrlPrefix;
import io.bits4j.client.portable.PortableBitsClient;
import io.bits4j.server.netty.NettyCompactServer;
import io.bits4j.testkit.FakeBitsClient;
import io.bits4j.testkit.FakeCompactServer;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Remote management on loopback, timed from the controller's side: the round trip of one WS-Man
 * Invoke ({@code CreateUrlGroup} of an existing group: idempotent, so every call is the same
 * request) through {@code RemoteCompactServer}, and 1,000 jobs created through {@code
 * RemoteBitsClient} (one {@code CreateJob} Invoke each, jobs left suspended) then enumerated
 * ({@code jobs()}: Enumerate + Pulls). The endpoint is a {@code ManagementEndpoint} over HTTPS
 * (TLS, Basic, administrator) fronting the testkit's fakes or the real server/client.
 *
 * <pre>
 * java -cp bits-benchmarks/target/benchmarks.jar io.bits4j.benchmarks.WsmanBench \
 *     [--invokes 2000] [--warmup 500] [--jobs 1000] [--server fake|netty] [--client fake|portable]
 * </pre>
 *
 * <p>Requests are sequential (one controller thread), as a controller drives a node.
 */
public final class WsmanBench {
  private WsmanBench() {}

  /**
   * Runs the benchmark and prints the table; exit code 2 on a usage error.
   *
   * @param args see the class comment
   * @throws Exception if the node cannot start or a check fails
   */
  public static void main(String[] args) throws Exception {
    int invokes = 2000;
    int warmup = 500;
    int jobs = 1000;
    String serverKind = "fake";
    String clientKind = "fake";
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String v = i + 1 < args.length ? args[i + 1] : "";
      switch (a) {
        case "--invokes" -> invokes = Integer.parseInt(v);
        case "--warmup" -> warmup = Integer.parseInt(v);
        case "--jobs" -> jobs = Integer.parseInt(v);
        case "--server" -> serverKind = v;
        case "--client" -> clientKind = v;
        default -> {
          System.err.println("usage: WsmanBench [--invokes N] [--warmup N] [--jobs N] [--server fake|netty]"
              + " [--client fake|portable]");
          System.exit(2);
          return;
        }
      }
      i++;
    }
    if (invokes < 1 || warmup < 0 || jobs < 1) {
      throw new IllegalArgumentException("--invokes and --jobs must be positive, --warmup not negative");
    }
    PrintStream out = System.out;
    Path tmp = Files.createTempDirectory("wsman-bench");
    try (CompactServer server = serverKind.equals("netty") ? NettyCompactServer.builder().build()
            : new FakeCompactServer();
        BitsClient client = clientKind.equals("portable")
            ? PortableBitsClient.builder().stateDirectory(tmp.resolve("state")).build()
            : FakeBitsClient.builder().build();
        LoopbackNode node = LoopbackNode.start(server, client, tmp)) {
      out.printf(Locale.ROOT, "wsman-bench  %s  nproc=%d  java %s%n", Instant.now(),
          Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
      out.printf(Locale.ROOT, "endpoint %s (TLS, Basic, admin) fronting %s and %s%n", node.endpoint.uri(),
          server.getClass().getSimpleName(), client.getClass().getSimpleName());

      // ---- Invoke round trip ----
      CompactServer remote = node.session.compactServer();
      UrlPrefix prefix = UrlPrefix.parse("http://127.0.0.1:" + freePort() + "/Bench");
      remote.createUrlGroup(prefix);
      for (int i = 0; i < warmup; i++) {
        remote.createUrlGroup(prefix);
      }
      long[] t = new long[invokes];
      long start = System.nanoTime();
      for (int i = 0; i < invokes; i++) {
        long t0 = System.nanoTime();
        remote.createUrlGroup(prefix);
        t[i] = System.nanoTime() - t0;
      }
      long wall = System.nanoTime() - start;
      Percentiles inv = new Percentiles(t);
      out.printf(Locale.ROOT, "Invoke CreateUrlGroup round trip (after %d warm-up): %s%n", warmup, inv.line());
      out.printf(Locale.ROOT, "  %d sequential Invokes in %s ms = %.0f Invokes/s%n", invokes, Percentiles.ms(wall),
          invokes / (wall / 1e9));

      // ---- 1,000 jobs created, then enumerated ----
      BitsClient remoteClient = node.session.bitsClient();
      Path dl = Files.createDirectories(tmp.resolve("dl"));
      int before = remoteClient.jobs().size();
      long[] c = new long[jobs];
      start = System.nanoTime();
      for (int i = 0; i < jobs; i++) {
        JobSpec spec = JobSpec.builder("bench-" + i)
            .addFile(URI.create("http://127.0.0.1:9/Bench/f" + i), dl.resolve("f" + i))
            .start(false).build();
        long t0 = System.nanoTime();
        remoteClient.createJob(spec);
        c[i] = System.nanoTime() - t0;
      }
      long createWall = System.nanoTime() - start;
      out.printf(Locale.ROOT, "CreateJob x %d: total %s ms; per job %s%n", jobs, Percentiles.ms(createWall),
          new Percentiles(c).line());
      for (int round = 1; round <= 3; round++) {
        long t0 = System.nanoTime();
        List<ClientJob> listed = remoteClient.jobs();
        long took = System.nanoTime() - t0;
        if (listed.size() != before + jobs) {
          throw new IllegalStateException("enumerated " + listed.size() + " jobs, expected " + (before + jobs));
        }
        out.printf(Locale.ROOT, "Enumerate %d jobs (round %d): %s ms%n", listed.size(), round, Percentiles.ms(took));
      }
    } finally {
      deleteTree(tmp);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }
}
