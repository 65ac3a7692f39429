package io.bits4j.server.netty.internal;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The Digest nonces in use and their highest nonce count (RFC 7616, section 3.4: a request whose
 * count does not exceed the last one is a replay), bounded in memory.
 *
 * <p>A nonce is fresh from its issue time for the nonce lifetime, and only if it was issued at or
 * after the <em>watermark</em>. When the table is full of fresh nonces (one user with valid
 * credentials can fill it, taking one challenge per entry), the watermark rises to forget the
 * older half: those nonces turn stale, so a client still using one is asked again with {@code
 * stale=true} (one more round trip, no password prompt) and a forgotten nonce can never be
 * replayed, since a stale nonce is refused before its count is looked at. Nobody is locked out,
 * and the work of a full table is one sort per {@code max / 2} new nonces. Thread-safe.
 */
final class NonceTable {
  /** What {@link #use} decided. */
  enum Verdict {
    /** A fresh nonce with a count above its last one: the request may go on. */
    ACCEPTED,
    /** The count did not increase: a replayed (or reordered) request. */
    REPLAYED,
    /** Expired, or forgotten to make room: the client should retry with a new nonce. */
    STALE
  }

  private record Entry(long issued, AtomicLong count) {}

  private final int max;
  private final LongSupplier clock;
  private final long lifetimeNanos;
  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
  private final Object pruneLock = new Object();
  /** Nonces issued before this (nano clock) are stale; only rises. */
  private volatile long watermark;

  NonceTable(int max, LongSupplier clock, Duration lifetime) {
    if (max < 2) {
      throw new IllegalArgumentException("max < 2: " + max);
    }
    this.max = max;
    this.clock = clock;
    this.lifetimeNanos = lifetime.toNanos();
    this.watermark = clock.getAsLong() - lifetimeNanos; // nothing fresh is below it yet
  }

  /** True if a nonce issued at {@code issued} (nano clock) may still be used. */
  boolean isFresh(long issued) {
    long age = clock.getAsLong() - issued;
    return age >= 0 && age <= lifetimeNanos && issued - watermark >= 0;
  }

  /**
   * Records one use of a nonce this server signed, issued at {@code issued}, with nonce count
   * {@code count}.
   */
  Verdict use(String nonce, long issued, long count) {
    if (!isFresh(issued)) {
      return Verdict.STALE;
    }
    Entry e = entries.get(nonce);
    if (e == null) {
      if (entries.size() >= max) {
        prune();
        if (!isFresh(issued) || entries.size() >= max) {
          return Verdict.STALE;
        }
      }
      e = entries.computeIfAbsent(nonce, k -> new Entry(issued, new AtomicLong()));
    }
    AtomicLong last = e.count();
    while (true) {
      long prev = last.get();
      if (count <= prev) {
        return Verdict.REPLAYED;
      }
      if (last.compareAndSet(prev, count)) {
        return Verdict.ACCEPTED;
      }
    }
  }

  /** How many nonces are remembered (for tests). */
  int size() {
    return entries.size();
  }

  /**
   * Drops the expired nonces; if more than half the table is still fresh, raises the watermark so
   * that the younger half alone stays. A clock that has not moved since every nonce was issued
   * (a test's) frees nothing: new nonces are then stale until it moves.
   */
  private void prune() {
    synchronized (pruneLock) {
      if (entries.size() < max) {
        return; // another thread pruned meanwhile
      }
      entries.values().removeIf(e -> !isFresh(e.issued()));
      int keep = max / 2;
      if (entries.size() <= keep) {
        return;
      }
      long now = clock.getAsLong();
      long[] ages = entries.values().stream().mapToLong(e -> now - e.issued()).toArray();
      Arrays.sort(ages);
      long cutoff = now - ages[Math.min(keep, ages.length) - 1]; // the youngest `keep` were issued at or after it
      if (cutoff - watermark > 0) {
        watermark = cutoff;
      }
      entries.values().removeIf(e -> !isFresh(e.issued()));
    }
  }
}
