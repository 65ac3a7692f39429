package io.bits4j.benchmarks;

import io.bits4j.BitsClient;
import io.bits4j.ClientJob;
import io.bits4j.CompactServer;
import io.bits4j.JobSpec;
import io.bits4j.UrlGroup;
import io.bits4j.UrlPrefix;
import io.bits4j.testkit.FakeBitsClient;
import io.bits4j.testkit.FakeCompactServer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: WS-Man over HTTPS on loopback through a {@code ManagementEndpoint} fronting the testkit's
 * fakes. {@code invoke} is one {@code CreateUrlGroup} Invoke (idempotent) — run in sample mode, so
 * JMH prints p0.50/p0.99; {@code enumerate1000} lists 1,000 suspended jobs through {@code
 * RemoteBitsClient.jobs()}.
 *
 * <pre>
 * java -jar bits-benchmarks/target/benchmarks.jar WsmanBenchmark
 * </pre>
 */
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class WsmanBenchmark {
  /** A node with an empty fake server and client. */
  @State(Scope.Benchmark)
  public static class Node {
    Path tmp = Path.of("");
    CompactServer server = new FakeCompactServer();
    BitsClient client = FakeBitsClient.builder().build();
    LoopbackNode node;
    CompactServer remote;
    UrlPrefix prefix = UrlPrefix.parse("http://127.0.0.1:18080/Bench");

    /** Starts the endpoint and creates the group the Invokes re-create. */
    @Setup(Level.Trial)
    public void start() throws IOException {
      tmp = Files.createTempDirectory("wsman-jmh");
      node = LoopbackNode.start(server, client, tmp);
      remote = node.session.compactServer();
      remote.createUrlGroup(prefix);
    }

    /** Stops everything. */
    @TearDown(Level.Trial)
    public void stop() throws IOException {
      node.close();
      client.close();
      server.close();
      Files.deleteIfExists(tmp);
    }
  }

  /** A node whose client holds {@value #JOBS} suspended jobs created through the remote client. */
  @State(Scope.Benchmark)
  public static class NodeWithJobs extends Node {
    static final int JOBS = 1000;
    BitsClient remoteClient;

    /** Creates the jobs. */
    @Setup(Level.Trial)
    public void createJobs() {
      remoteClient = node.session.bitsClient();
      for (int i = 0; i < JOBS; i++) {
        remoteClient.createJob(JobSpec.builder("bench-" + i)
            .addFile(URI.create("http://127.0.0.1:9/Bench/f" + i), tmp.resolve("f" + i)).start(false).build());
      }
    }
  }

  /** One Invoke round trip. */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public UrlGroup invoke(Node n) {
    return n.remote.createUrlGroup(n.prefix);
  }

  /** Enumerating 1,000 jobs. */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public List<ClientJob> enumerate1000(NodeWithJobs n) {
    List<ClientJob> jobs = n.remoteClient.jobs();
    if (jobs.size() != NodeWithJobs.JOBS) {
      throw new IllegalStateException("enumerated " + jobs.size() + " jobs");
    }
    return jobs;
  }
}
