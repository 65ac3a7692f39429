package io.bits4j.wsman.internal;

import io.bits4j.Scheduler;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Open enumeration contexts: the keys still to be pulled, their owner, and an idle timer (60 s by
 * default, on the injected {@link Scheduler}) after which the context is dropped. Bounded per user
 * and in total. Thread-safe.
 */
public final class Enumerations {
  /** Contexts one user may hold open. */
  public static final int MAX_PER_USER = 100;
  /** Contexts held open in total. */
  public static final int MAX_TOTAL = 1500;

  /** One open context. */
  public static final class Context {
    final String id;
    final String owner;
    final String resourceUri;
    final Deque<String> remaining;
    final String mode;
    Scheduler.Task expiry;

    Context(String id, String owner, String resourceUri, List<String> keys, String mode) {
      this.id = id;
      this.owner = owner;
      this.resourceUri = resourceUri;
      this.remaining = new ArrayDeque<>(keys);
      this.mode = mode;
    }

    /** The WS-Man EnumerationMode: empty (objects), {@code EnumerateEPR} or {@code EnumerateObjectAndEPR}. */
    public String mode() {
      return mode;
    }

    public String resourceUri() {
      return resourceUri;
    }

    /** Takes the next key, if any. Call only while holding the context (see {@link #take}). */
    public Optional<String> next() {
      return Optional.ofNullable(remaining.pollFirst());
    }

    /** Puts a key back at the front (it did not fit this batch). */
    public void pushBack(String key) {
      remaining.addFirst(key);
    }

    public boolean isEmpty() {
      return remaining.isEmpty();
    }
  }

  private final Scheduler scheduler;
  private final Duration idleTimeout;
  private final Map<String, Context> contexts = new HashMap<>();
  private final Map<String, Integer> perUser = new HashMap<>();

  public Enumerations(Scheduler scheduler, Duration idleTimeout) {
    this.scheduler = scheduler;
    this.idleTimeout = idleTimeout;
  }

  /**
   * Opens a context.
   *
   * @throws WsmanFault QuotaLimit when the user or the endpoint holds too many
   */
  public synchronized Context open(String owner, String resourceUri, List<String> keys, String mode)
      throws WsmanFault {
    String user = owner.toLowerCase(java.util.Locale.ROOT);
    int n = perUser.getOrDefault(user, 0);
    if (n >= MAX_PER_USER || contexts.size() >= MAX_TOTAL) {
      throw WsmanFault.quotaLimit("Too many open enumeration contexts; release some or wait 60 s");
    }
    String id = "uuid:" + UUID.randomUUID().toString().toUpperCase(java.util.Locale.ROOT);
    Context c = new Context(id, user, resourceUri, keys, mode);
    contexts.put(id, c);
    perUser.put(user, n + 1);
    arm(c);
    return c;
  }

  private void arm(Context c) {
    c.expiry = scheduler.schedule(idleTimeout, () -> expire(c));
  }

  private synchronized void expire(Context c) {
    if (contexts.get(c.id) == c) {
      remove(c);
    }
  }

  /**
   * Takes a context out for a Pull (another Pull of the same context meanwhile fails); give it back
   * with {@link #putBack} or drop it with {@link #close}.
   *
   * @throws WsmanFault InvalidEnumerationContext for an unknown, expired or foreign context
   */
  public synchronized Context take(String owner, String id) throws WsmanFault {
    Context c = contexts.get(id.strip());
    if (c == null || !c.owner.equals(owner.toLowerCase(java.util.Locale.ROOT))) {
      throw invalid();
    }
    c.expiry.cancel();
    remove(c);
    return c;
  }

  /** Returns a context after a Pull; its idle timer restarts. */
  public synchronized void putBack(Context c) {
    contexts.put(c.id, c);
    perUser.merge(c.owner, 1, Integer::sum);
    arm(c);
  }

  /** The context's id. */
  public static String id(Context c) {
    return c.id;
  }

  public synchronized int size() {
    return contexts.size();
  }

  /** Drops every context (endpoint close). */
  public synchronized void clear() {
    for (Context c : contexts.values()) {
      c.expiry.cancel();
    }
    contexts.clear();
    perUser.clear();
  }

  private void remove(Context c) {
    contexts.remove(c.id);
    perUser.computeIfPresent(c.owner, (k, v) -> v <= 1 ? null : v - 1);
  }

  static WsmanFault invalid() {
    return WsmanFault.wsman(true, "InvalidEnumerationContext", "The enumeration context is unknown or has expired",
        WsmanFault.ENUMERATION_INVALID, null).withSubcodeNs(Ns.WSEN);
  }
}
