package io.bits4j.client.portable.internal;

import io.bits4j.Scheduler;
import java.time.Duration;
import java.time.Instant;

/**
 * A token bucket shared by all transfers of a client, timed by the client's {@link Scheduler} so
 * that tests can drive it with a manual clock. Thread-safe.
 */
public final class BandwidthLimiter {
  private final Scheduler scheduler;
  private final long bytesPerSecond;
  private final long burst;
  private double tokens;
  private Instant last;

  /** A limiter of {@code bytesPerSecond} (≥ 1). */
  public BandwidthLimiter(Scheduler scheduler, long bytesPerSecond) {
    if (bytesPerSecond < 1) {
      throw new IllegalArgumentException("bytesPerSecond must be >= 1: " + bytesPerSecond);
    }
    this.scheduler = scheduler;
    this.bytesPerSecond = bytesPerSecond;
    this.burst = Math.max(1024, bytesPerSecond / 8);
    this.tokens = burst;
    this.last = scheduler.now();
  }

  /** The rate in bytes per second. */
  public long bytesPerSecond() {
    return bytesPerSecond;
  }

  /** A read size that keeps waits short at this rate. */
  public int chunkSize(int max) {
    return (int) Math.max(1024, Math.min(max, bytesPerSecond / 8));
  }

  /**
   * Takes {@code n} bytes from the bucket (it may go into debt) and returns how long the caller must
   * wait before using them; zero if no wait is needed.
   */
  public synchronized Duration take(long n) {
    Instant now = scheduler.now();
    long nanos = Duration.between(last, now).toNanos();
    if (nanos > 0) {
      tokens = Math.min(burst, tokens + nanos * (double) bytesPerSecond / 1e9);
      last = now;
    }
    tokens -= n;
    if (tokens >= 0) {
      return Duration.ZERO;
    }
    return Duration.ofNanos((long) Math.ceil(-tokens * 1e9 / bytesPerSecond));
  }
}
