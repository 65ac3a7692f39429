package io.bits4j.server.netty.internal;

import java.util.function.LongSupplier;

/**
 * A token bucket: {@code rate} bytes per second, holding at most {@code burst} bytes. Shared by
 * all responses of a URL group. The clock is injectable ({@code System::nanoTime} in production,
 * a manual clock in tests). Thread-safe (a short monitor; only throttled groups use it).
 */
public final class TokenBucket {
  private final long rate;
  private final long burst;
  private final LongSupplier nanoClock;
  private long tokens;
  private long lastNanos;

  /**
   * A bucket that starts full.
   *
   * @param rate bytes per second, at least 1
   * @param nanoClock monotonic nanoseconds
   */
  public TokenBucket(long rate, LongSupplier nanoClock) {
    if (rate < 1) {
      throw new IllegalArgumentException("rate must be positive: " + rate);
    }
    this.rate = rate;
    this.burst = burstFor(rate);
    this.nanoClock = nanoClock;
    this.tokens = burst;
    this.lastNanos = nanoClock.getAsLong();
  }

  /** The burst size for a rate: a quarter second's worth, between 1 KiB and 256 KiB. */
  public static long burstFor(long rate) {
    return Math.max(1024, Math.min(256 * 1024, rate / 4));
  }

  /** Bytes per second. */
  public long rate() {
    return rate;
  }

  /** The most bytes one take can grant. */
  public long burst() {
    return burst;
  }

  /**
   * Takes up to {@code wanted} bytes.
   *
   * @return the bytes granted, 0 if the bucket is empty now
   */
  public synchronized long take(long wanted) {
    refill();
    long granted = Math.min(wanted, tokens);
    tokens -= granted;
    return Math.max(0, granted);
  }

  /** Nanoseconds until at least {@code n} (capped at the burst) bytes are available; 0 if now. */
  public synchronized long nanosUntil(long n) {
    refill();
    long need = Math.min(n, burst) - tokens;
    if (need <= 0) {
      return 0;
    }
    return Math.max(1, (long) Math.ceil(need * 1_000_000_000.0 / rate));
  }

  private void refill() {
    long now = nanoClock.getAsLong();
    long elapsed = now - lastNanos;
    if (elapsed <= 0) {
      return;
    }
    long add = (long) (elapsed / 1_000_000_000.0 * rate);
    if (add > 0) {
      tokens = Math.min(burst, tokens + add);
      // advance the clock only by the time the added tokens account for, to keep the remainder
      lastNanos = tokens == burst ? now : lastNanos + (long) (add * 1_000_000_000.0 / rate);
    }
  }
}
