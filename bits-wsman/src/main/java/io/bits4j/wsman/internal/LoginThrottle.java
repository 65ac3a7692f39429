package io.bits4j.wsman.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Slows password guessing down, per peer ({@link PeerKey}): after {@code maxFailures} failed
 * logins within {@code window}, the peer is locked out — its password attempts are refused
 * without being verified (no PBKDF2 hash) — for {@code window}, then twice as long at each
 * further lockout, at most {@code maxLockout}. A successful login forgets the peer; a peer quiet
 * for {@code maxLockout} after its window or lockout is forgotten too.
 *
 * <pre>{@code
 * if (throttle.check(peer, now).isPresent()) → refuse (429 + Retry-After)
 * verify the password → throttle.succeeded(peer) or throttle.failed(peer, now)
 * }</pre>
 *
 * <p>Each {@link #check} that lets an attempt through must be followed by exactly one of {@link
 * #succeeded}, {@link #failed} or {@link #released}. For a peer that already has failures on
 * record, attempts under way count against its allowance, so parallel connections cannot race
 * more guesses past the limit; a peer with a clean record is never held back (a controller's
 * first parallel calls all carry a password).
 *
 * <p>The table holds at most {@code capacity} peers (about 100 bytes each): when it is full, the
 * least recently seen peer is forgotten, so an attacker with many source addresses cannot grow
 * it. Only failures add peers. Thread-safe (one lock; every method is O(1) amortised).
 */
public final class LoginThrottle {
  /** Peers remembered at most, by default. */
  public static final int DEFAULT_CAPACITY = 10_000;

  private final int maxFailures;
  private final Duration window;
  private final Duration maxLockout;
  private final int capacity;
  private final LinkedHashMap<String, Peer> peers = new LinkedHashMap<>(64, 0.75f, true); // eldest = least recently seen

  private static final class Peer {
    int failures; // in the window starting at windowStart
    Instant windowStart;
    int pending; // attempts let through and not yet decided
    int lockouts; // lockouts so far: the next lasts window × 2^lockouts, at most maxLockout
    Instant lockedUntil = Instant.MIN;
    Instant lastFailure;
    long refused; // attempts refused since the last lockout began

    Peer(Instant now) {
      this.windowStart = now;
      this.lastFailure = now;
    }
  }

  /**
   * An attempt refused: how long the peer must still wait (whole seconds, at least 1) and how many
   * attempts it has had refused since its lockout began (this one included).
   */
  public record Refusal(long retryAfterSeconds, long refusals) {
    /** True for the 1st, 2nd, 4th, 8th… refusal: a flood of probes logs a logarithmic number of lines. */
    public boolean worthLogging() {
      return Long.bitCount(refusals) == 1;
    }
  }

  /** A lockout that a failure has just started: its length and how many lockouts the peer has had. */
  public record Lockout(Duration duration, int lockouts) {}

  /**
   * @param maxFailures failed logins allowed within {@code window}; the next one locks the peer out
   * @param window the counting window, and the first lockout's length
   * @param maxLockout the longest lockout
   * @param capacity peers remembered at most
   */
  public LoginThrottle(int maxFailures, Duration window, Duration maxLockout, int capacity) {
    if (maxFailures < 1 || capacity < 1 || window.isNegative() || window.isZero() || maxLockout.isNegative()
        || maxLockout.isZero()) {
      throw new IllegalArgumentException("bad throttle: " + maxFailures + " per " + window + ", lockout up to "
          + maxLockout + ", " + capacity + " peers");
    }
    this.maxFailures = maxFailures;
    this.window = window;
    this.maxLockout = maxLockout;
    this.capacity = capacity;
  }

  /**
   * Asks whether a peer may try a password now.
   *
   * @return empty if it may (then report the outcome), or the refusal to answer without verifying
   */
  public synchronized Optional<Refusal> check(String peer, Instant now) {
    Peer p = peers.get(peer);
    if (p == null) {
      return Optional.empty();
    }
    if (expired(p, now)) {
      peers.remove(peer);
      return Optional.empty();
    }
    if (now.isBefore(p.lockedUntil)) {
      return Optional.of(new Refusal(ceilSeconds(Duration.between(now, p.lockedUntil)), ++p.refused));
    }
    if (!now.isBefore(p.windowStart.plus(window))) {
      p.failures = 0;
      p.windowStart = now;
    }
    if (p.failures + p.pending >= maxFailures) {
      return Optional.of(new Refusal(1, ++p.refused)); // the allowance is taken by attempts under way
    }
    p.pending++;
    return Optional.empty();
  }

  /**
   * Records a failed login.
   *
   * @return the lockout this failure starts, if it does
   */
  public synchronized Optional<Lockout> failed(String peer, Instant now) {
    Peer p = peers.get(peer);
    if (p != null && expired(p, now)) {
      peers.remove(peer);
      p = null;
    }
    if (p == null) {
      evictFor(now);
      p = new Peer(now);
      peers.put(peer, p);
    } else if (p.pending > 0) {
      p.pending--;
    }
    p.lastFailure = now;
    if (now.isBefore(p.lockedUntil)) {
      return Optional.empty(); // let through before the lockout began
    }
    if (!now.isBefore(p.windowStart.plus(window))) {
      p.failures = 0;
      p.windowStart = now;
    }
    if (++p.failures < maxFailures) {
      return Optional.empty();
    }
    Duration d = lockout(p.lockouts);
    p.lockouts++;
    p.lockedUntil = now.plus(d);
    p.failures = 0;
    p.windowStart = p.lockedUntil;
    p.refused = 0;
    return Optional.of(new Lockout(d, p.lockouts));
  }

  /** Records a successful login: the peer's record is forgotten. */
  public synchronized void succeeded(String peer) {
    peers.remove(peer);
  }

  /** Records an attempt let through whose credentials could not be judged (an error, an interrupt). */
  public synchronized void released(String peer) {
    Peer p = peers.get(peer);
    if (p != null && p.pending > 0) {
      p.pending--;
    }
  }

  /** Peers on record now (expired ones included until they are next touched or evicted). */
  public synchronized int size() {
    return peers.size();
  }

  private Duration lockout(int previous) {
    Duration d = window;
    for (int i = 0; i < previous && d.compareTo(maxLockout) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(maxLockout) > 0 ? maxLockout : d;
  }

  /** Forgotten once quiet for {@code maxLockout} after both its window and its lockout ended. */
  private boolean expired(Peer p, Instant now) {
    Instant windowEnd = p.lastFailure.plus(window);
    Instant quietFrom = windowEnd.isAfter(p.lockedUntil) ? windowEnd : p.lockedUntil;
    return !now.isBefore(quietFrom.plus(maxLockout));
  }

  /** Makes room for one more peer: expired peers first (from the least recently seen), else the eldest. */
  private void evictFor(Instant now) {
    if (peers.size() < capacity) {
      return;
    }
    Iterator<Map.Entry<String, Peer>> it = peers.entrySet().iterator();
    while (it.hasNext() && peers.size() >= capacity) {
      Map.Entry<String, Peer> e = it.next();
      if (expired(e.getValue(), now)) {
        it.remove();
      } else {
        break; // the rest were seen more recently: evict by age
      }
    }
    it = peers.entrySet().iterator();
    while (peers.size() >= capacity && it.hasNext()) {
      it.next();
      it.remove();
    }
  }

  private static long ceilSeconds(Duration d) {
    long s = d.getSeconds() + (d.getNano() > 0 ? 1 : 0);
    return Math.max(1, s);
  }
}
