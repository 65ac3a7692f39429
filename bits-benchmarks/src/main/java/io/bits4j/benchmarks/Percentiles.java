package io.bits4j.benchmarks;

import java.util.Arrays;
import java.util.Locale;

/** Nearest-rank percentiles of a set of durations in nanoseconds. */
final class Percentiles {
  private final long[] sorted;
  private final long total;

  Percentiles(long[] nanos) {
    if (nanos.length == 0) {
      throw new IllegalArgumentException("no samples");
    }
    this.sorted = nanos.clone();
    Arrays.sort(sorted);
    long t = 0;
    for (long n : sorted) {
      t += n;
    }
    this.total = t;
  }

  /** The nearest-rank percentile {@code p} (0 < p <= 100), in nanoseconds. */
  long at(double p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
  }

  long totalNanos() {
    return total;
  }

  int count() {
    return sorted.length;
  }

  /** One line: count, p50, p90, p99, p99.9, max, mean, in milliseconds. */
  String line() {
    return String.format(Locale.ROOT, "n=%d  p50 %s  p90 %s  p99 %s  p99.9 %s  max %s  mean %s ms",
        sorted.length, ms(at(50)), ms(at(90)), ms(at(99)), ms(at(99.9)), ms(sorted[sorted.length - 1]),
        ms(total / sorted.length));
  }

  static String ms(long nanos) {
    return String.format(Locale.ROOT, "%.3f", nanos / 1e6);
  }
}
