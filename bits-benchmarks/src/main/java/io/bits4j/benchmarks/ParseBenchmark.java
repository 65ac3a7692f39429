package io.bits4j.benchmarks;

import io.bits4j.AccessPolicy;
import io.bits4j.Principal;
import io.bits4j.UrlPrefix;
import io.bits4j.server.netty.internal.RangeEngine;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: the per-request parsing a compact server does — URL prefixes and SDDL (parsed when hosting,
 * checked per request) and the range engine's plan for common Range headers. No I/O.
 *
 * <pre>
 * java -jar bits-benchmarks/target/benchmarks.jar ParseBenchmark
 * </pre>
 */
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class ParseBenchmark {
  private static final long LENGTH = 1L << 30;
  private static final String ETAG = "\"5f3a-40000000-18c9e3b2a10\"";

  String prefix = "https://+:8443/Carmine";
  String sddl = "D:(D;;GA;;;AN)(A;;GR;;;AU)(A;;FA;;;BA)";
  AccessPolicy policy = AccessPolicy.parse(sddl);
  Principal alice = Principal.user("alice", Set.of(), false);
  RangeEngine.Representation rep = new RangeEngine.Representation(LENGTH, 1_700_000_000L, ETAG);
  RangeEngine.Headers oneRange = RangeEngine.Headers.of(Map.of("range", List.of("bytes=524288000-525336575")));
  RangeEngine.Headers suffix = RangeEngine.Headers.of(Map.of("range", List.of("bytes=-65536")));
  RangeEngine.Headers ifRange = RangeEngine.Headers.of(Map.of("range", List.of("bytes=1048576-"),
      "if-range", List.of(ETAG)));
  RangeEngine.Headers threeRanges = RangeEngine.Headers.of(Map.of("range",
      List.of("bytes=0-99,1048576-2097151,-500")));

  /** Makes sure every range case takes the 206 path it is named after (else the numbers mean nothing). */
  @Setup
  public void check() {
    for (RangeEngine.Plan p : List.of(rangeOne(), rangeSuffix(), rangeIfRange(), rangeThree())) {
      if (p.status() != 206) {
        throw new IllegalStateException("expected 206, planned " + p.status() + " " + p.headers());
      }
    }
    if (!sddlCheck() || rangeThree().body().size() < 4) {
      throw new IllegalStateException("unexpected access check or multipart plan");
    }
  }

  /** {@code UrlPrefix.parse} of an https strong-wildcard prefix. */
  @Benchmark
  public UrlPrefix urlPrefixParse() {
    return UrlPrefix.parse(prefix);
  }

  /** {@code AccessPolicy.parse} of a three-entry DACL. */
  @Benchmark
  public AccessPolicy sddlParse() {
    return AccessPolicy.parse(sddl);
  }

  /** The per-request access check of an authenticated user against that DACL. */
  @Benchmark
  public boolean sddlCheck() {
    return policy.allowsDownload(alice);
  }

  /** A 1 MiB range in the middle of a 1 GiB file. */
  @Benchmark
  public RangeEngine.Plan rangeOne() {
    return RangeEngine.plan(false, oneRange, rep, "b");
  }

  /** The last 64 KiB (suffix range). */
  @Benchmark
  public RangeEngine.Plan rangeSuffix() {
    return RangeEngine.plan(false, suffix, rep, "b");
  }

  /** A resume: open-ended range with a matching If-Range. */
  @Benchmark
  public RangeEngine.Plan rangeIfRange() {
    return RangeEngine.plan(false, ifRange, rep, "b");
  }

  /** Three ranges (a multipart/byteranges plan). */
  @Benchmark
  public RangeEngine.Plan rangeThree() {
    return RangeEngine.plan(false, threeRanges, rep, "3d6b6a416f9b5");
  }
}
