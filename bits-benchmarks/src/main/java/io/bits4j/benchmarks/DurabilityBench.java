package io.bits4j.benchmarks;

import io.bits4j.ClientJob;
import io.bits4j.CompleteStatus;
import io.bits4j.JobSpec;
import io.bits4j.JobState;
import io.bits4j.client.portable.PortableBitsClient;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The portable client's download time for one URL under several durability periods, in one JVM
 * (so without the JVM start {@code bits get} pays): for each period, rounds of create job, resume,
 * wait for TRANSFERRED, {@code complete()}; the periods alternate within each round. A diagnostic
 * for {@code bench/get-bench.sh}: it shows how much of {@code bits get}'s time is the forced
 * writes. Serve the file with nginx or {@code bits serve} first.
 *
 * <pre>
 * java -cp bits-benchmarks/target/benchmarks.jar io.bits4j.benchmarks.DurabilityBench \
 *     http://127.0.0.1:8080/G/f /tmp/dest-dir [rounds=2] [periods-in-MiB=4,64]
 * </pre>
 */
public final class DurabilityBench {
  private DurabilityBench() {}

  /**
   * Runs the downloads and prints one line per download and a summary per period.
   *
   * @param args URL, destination directory, optional rounds, optional comma-separated MiB periods
   * @throws Exception if a download fails
   */
  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: DurabilityBench URL DEST_DIR [ROUNDS] [MIB,MIB...]");
      System.exit(2);
      return;
    }
    URI url = URI.create(args[0]);
    Path dir = Files.createDirectories(Path.of(args[1]).toAbsolutePath());
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    String[] periods = (args.length > 3 ? args[3] : "4,64").split(",");
    double[] seconds = new double[periods.length];
    long size = 0;
    for (int r = 1; r <= rounds; r++) {
      for (int p = 0; p < periods.length; p++) {
        long bytes = Long.parseLong(periods[p].trim()) << 20;
        Path state = Files.createTempDirectory(dir, "state");
        Path dest = dir.resolve("durability-bench.out");
        Files.deleteIfExists(dest);
        long t0 = System.nanoTime();
        try (PortableBitsClient client = PortableBitsClient.builder().stateDirectory(state)
            .durability(bytes, Duration.ofSeconds(1)).build()) {
          ClientJob job = client.createJob(JobSpec.builder("durability-bench").addFile(url, dest).start(true).build());
          JobState end = job.outcome().toCompletableFuture().get(10, TimeUnit.MINUTES);
          if (end != JobState.TRANSFERRED) {
            throw new IllegalStateException("job ended " + end + " " + job.error());
          }
          if (job.complete() != CompleteStatus.COMPLETE) {
            throw new IllegalStateException("complete() was partial");
          }
        }
        double s = (System.nanoTime() - t0) / 1e9;
        size = Files.size(dest);
        seconds[p] += s;
        System.out.printf(Locale.ROOT, "round %d  durability %3s MiB / 1 s: %.3f s  %.0f MB/s%n", r, periods[p].trim(), s,
            size / s / 1e6);
        Files.delete(dest);
        try (var files = Files.list(state)) {
          for (Path f : (Iterable<Path>) files::iterator) {
            Files.delete(f);
          }
        }
        Files.delete(state);
      }
    }
    for (int p = 0; p < periods.length; p++) {
      System.out.printf(Locale.ROOT, "durability %3s MiB / 1 s: %.0f MB/s over %d rounds%n", periods[p].trim(),
          size * rounds / seconds[p] / 1e6, rounds);
    }
  }
}
