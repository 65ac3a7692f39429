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
    long granted = Math.max(0, Math.min(wanted, tokens)); // none while reservations hold it in debt
    tokens -= granted;
    return granted;
  }

  /**
   * Reserves {@code n} bytes (capped at the burst) for a sender that waits its turn: the bucket
   * may go into debt, and the bytes may be sent from the returned time on, when the refill has
   * paid the debt back. Reservations are served in the order they are made, so senders that
   * reserve their next chunk only after sending the one before take turns. ({@link #take} grants
   * whoever looks first after a refill: senders that look at fixed phases after another one get
   * crumbs, or nothing.)
   *
   * @return the time of the bucket's clock (nanoseconds) from which the bytes may be sent
   */
  public synchronized long reserve(long n) {
    long now = refill();
    tokens -= Math.min(n, burst);
    return tokens >= 0 ? now : now + (long) Math.ceil(-tokens * 1_000_000_000.0 / rate);
  }

  /** The time of the bucket's clock, in nanoseconds (see {@link #reserve}). */
  public long now() {
    return nanoClock.getAsLong();
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

  /** Adds the tokens earned since the last refill; returns the clock's time it read. */
  private long refill() {
    long now = nanoClock.getAsLong();
    long elapsed = now - lastNanos;
    if (elapsed <= 0) {
      return now;
    }
    long add = (long) (elapsed / 1_000_000_000.0 * rate);
    if (add > 0) {
      tokens = Math.min(burst, tokens + add);
      // advance the clock only by the time the added tokens account for, to keep the remainder
      lastNanos = tokens == burst ? now : lastNanos + (long) (add * 1_000_000_000.0 / rate);
    }
    return now;
  }
}
