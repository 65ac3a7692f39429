package io.bits4j.wsman.internal;

import io.bits4j.Principal;
import io.bits4j.Scheduler;
import java.net.SocketAddress;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One management request from bytes to reply, outside Netty: authentication (password attempts
 * throttled per peer by a {@link LoginThrottle}: 429 with {@code Retry-After} while locked out), the
 * unauthenticated Identify, admin-only authorisation, the per-user concurrency quota, the operation timeout (on
 * the injected {@link Scheduler}) and the audit log ({@code io.bits4j.wsman.audit}: one line per
 * request — refusals at WARN, changes and faults at INFO, successful reads at DEBUG). Thread-safe; {@link #process} blocks (password hashing, the node's
 * operations) — run it on a worker thread.
 */
public final class Processor {
  private static final Logger AUDIT = LoggerFactory.getLogger("io.bits4j.wsman.audit");

  /** Longest operation timeout a client may ask for (MaxTimeoutms). */
  public static final Duration MAX_TIMEOUT = Duration.ofSeconds(60);

  /**
   * What to send back.
   *
   * @param challenge whether to add the {@code WWW-Authenticate} challenge
   * @param retryAfterSeconds a {@code Retry-After} value, or 0 for none
   */
  public record HttpReply(int status, byte @Nullable [] body, boolean challenge, long retryAfterSeconds) {
    public HttpReply(int status, byte @Nullable [] body, boolean challenge) {
      this(status, body, challenge, 0);
    }
  }

  private final NodeService service;
  private final Authenticator authenticator;
  private final LoginThrottle throttle;
  private final Scheduler scheduler;
  private final int perUserQuota;
  private final Duration defaultTimeout;
  private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();

  public Processor(NodeService service, Authenticator authenticator, LoginThrottle throttle, Scheduler scheduler,
      int perUserQuota, Duration operationTimeout) {
    this.service = service;
    this.authenticator = authenticator;
    this.throttle = throttle;
    this.scheduler = scheduler;
    this.perUserQuota = perUserQuota;
    this.defaultTimeout = operationTimeout.compareTo(MAX_TIMEOUT) > 0 ? MAX_TIMEOUT : operationTimeout;
  }

  /**
   * Processes a request; {@code reply} is called exactly once, from this thread or (on timeout)
   * from the scheduler's.
   */
  public void process(byte[] body, @Nullable String authorization, boolean identifyUnauthenticated,
      @Nullable X509Certificate clientCertificate, SocketAddress remote, Consumer<HttpReply> reply) {
    AtomicBoolean done = new AtomicBoolean();
    Consumer<HttpReply> once = r -> {
      if (done.compareAndSet(false, true)) {
        reply.accept(r);
      }
    };
    if (identifyUnauthenticated && authorization == null) {
      Envelope env;
      try {
        env = Envelope.parse(body);
      } catch (WsmanFault f) {
        AUDIT.warn("refused remote={} user=- reason=unauthenticated-bad-request", remote);
        once.accept(new HttpReply(401, null, true));
        return;
      }
      if (env.isIdentify()) {
        AUDIT.info("ok remote={} user=- action=Identify(unauthenticated)", remote);
        once.accept(new HttpReply(200, service.identify(false).body(), false));
      } else {
        AUDIT.warn("refused remote={} user=- reason=unauthenticated", remote);
        once.accept(new HttpReply(401, null, true));
      }
      return;
    }
    // password attempts are throttled per peer; a throttled attempt is refused before any hashing,
    // whether its password is right or wrong (no oracle), with 429 rather than 401: the credentials
    // were not judged, and a client told "wrong password" would wrongly blame them
    String peer = PeerKey.of(remote);
    boolean password = authorization != null && Authenticator.isBasic(authorization);
    if (password) {
      LoginThrottle.Refusal refusal = throttle.check(peer, scheduler.now()).orElse(null);
      if (refusal != null) {
        if (refusal.worthLogging()) {
          AUDIT.warn("refused remote={} user={} reason=throttled refusals={} retry-after={}", remote,
              claimedUser(authorization), refusal.refusals(), refusal.retryAfterSeconds());
        }
        once.accept(new HttpReply(429, null, false, refusal.retryAfterSeconds()));
        return;
      }
    }
    Authenticator.Result auth;
    try {
      auth = authenticator.authenticate(authorization, clientCertificate).orElse(null);
    } catch (RuntimeException e) {
      if (password) {
        throttle.released(peer);
      }
      throw e;
    }
    if (auth == null) {
      AUDIT.warn("refused remote={} user={} reason=bad-credentials", remote, claimedUser(authorization));
      if (password) {
        throttle.failed(peer, scheduler.now()).ifPresent(l -> AUDIT.warn(
            "throttled remote={} peer={} lockout={}s lockouts={} reason=failed-logins", remote, peer,
            l.duration().toSeconds(), l.lockouts()));
      }
      once.accept(new HttpReply(401, null, true));
      return;
    }
    Principal who = auth.principal();
    if (password) {
      // only an administrator's login clears the address's failures: a non-administrator's own
      // valid password between guesses at an administrator's must not reset the lockout count
      if (who.isAdministrator()) {
        throttle.succeeded(peer);
      } else {
        throttle.released(peer);
      }
    }
    Envelope env;
    try {
      env = Envelope.parse(body);
    } catch (WsmanFault f) {
      AUDIT.warn("fault remote={} user={} fault={} reason={}", remote, who.name(), f.subcode(),
          loggable(f.getMessage()));
      once.accept(faultReply(NodeService.fault(f, null)));
      return;
    }
    if (env.isIdentify()) {
      AUDIT.info("ok remote={} user={} auth={} action=Identify", remote, who.name(), auth.method());
      once.accept(new HttpReply(200, service.identify(true).body(), false));
      return;
    }
    String action = loggable(env.action());
    String resource = loggable(env.resourceUri());
    if (!who.isAdministrator()) {
      AUDIT.warn("refused remote={} user={} auth={} action={} resource={} reason=not-an-administrator",
          remote, who.name(), auth.method(), action, resource);
      once.accept(faultReply(NodeService.fault(
          WsmanFault.accessDenied("Access is denied: only administrators may manage this node"), env)));
      return;
    }
    String userKey = who.name().toLowerCase(Locale.ROOT);
    AtomicInteger count = inFlight.computeIfAbsent(userKey, k -> new AtomicInteger());
    if (count.incrementAndGet() > perUserQuota) {
      count.decrementAndGet();
      AUDIT.warn("refused remote={} user={} action={} reason=quota", remote, who.name(), action);
      once.accept(faultReply(NodeService.fault(WsmanFault.quotaLimit(
          "The user has " + perUserQuota + " operations in progress; retry later"), env)));
      return;
    }
    Duration timeout = env.operationTimeout().filter(t -> t.compareTo(defaultTimeout) < 0).orElse(defaultTimeout);
    Scheduler.Task timer = scheduler.schedule(timeout, () -> {
      if (!done.get()) {
        AUDIT.warn("fault remote={} user={} action={} fault=TimedOut", remote, who.name(), action);
        once.accept(faultReply(NodeService.fault(WsmanFault.timedOut(
            "The operation did not finish within " + timeout.toMillis() + " ms"), env)));
      }
    });
    try {
      NodeService.Reply r = service.handle(env, who.name());
      if (!done.get()) {
        // reads (Get, Enumerate, Pull, Release) at DEBUG: controllers poll; changes and faults at INFO
        boolean read = action.startsWith(Ns.WSEN) || action.equals(Ns.ACTION_GET);
        String fmt = "{} remote={} user={} auth={} action={} resource={} selectors={}";
        Object[] args = {r.fault() ? "fault" : "ok", remote, who.name(), auth.method(), action, resource,
            loggable(env.selectors().toString())};
        if (read && !r.fault()) {
          AUDIT.debug(fmt, args);
        } else {
          AUDIT.info(fmt, args);
        }
      }
      once.accept(r.fault() ? faultReply(r) : new HttpReply(200, r.body(), false));
    } catch (RuntimeException e) {
      AUDIT.warn("fault remote={} user={} action={} fault=InternalError", remote, who.name(), action);
      LoggerFactory.getLogger(Processor.class).error("management operation failed", e);
      once.accept(faultReply(NodeService.fault(WsmanFault.wsman(false, "InternalError",
          "The operation failed inside the node", 0x80004005L, null), env)));
    } finally {
      timer.cancel();
      count.decrementAndGet();
    }
  }

  /** Longest client-supplied value written to the audit log. */
  static final int MAX_LOGGED = 256;

  /**
   * A client-supplied value as one bounded audit-log field: control characters (CR, LF…) become
   * {@code ?}, so a request cannot forge audit lines, and long values are cut.
   */
  static String loggable(@Nullable String value) {
    String v = String.valueOf(value);
    StringBuilder b = new StringBuilder(Math.min(v.length(), MAX_LOGGED + 1));
    for (int i = 0; i < v.length() && i < MAX_LOGGED; i++) {
      char c = v.charAt(i);
      b.append(Character.isISOControl(c) || c == '\u2028' || c == '\u2029' ? '?' : c);
    }
    if (v.length() > MAX_LOGGED) {
      b.append('\u2026');
    }
    return b.toString();
  }

  private static HttpReply faultReply(NodeService.Reply r) {
    return new HttpReply(500, r.body(), false);
  }

  private static String claimedUser(@Nullable String authorization) {
    if (authorization == null) {
      return "-";
    }
    if (!authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
      String scheme = authorization.split(" ", 2)[0];
      return "-(" + (scheme.length() > 20 ? scheme.substring(0, 20) : scheme) + ")";
    }
    try {
      String s = new String(java.util.Base64.getDecoder().decode(authorization.substring(6).strip()),
          java.nio.charset.StandardCharsets.UTF_8);
      int c = s.indexOf(':');
      String u = c < 0 ? "?" : s.substring(0, c);
      u = u.replaceAll("[^\\p{Alnum}._@\\\\-]", "?");
      return u.length() > 64 ? u.substring(0, 64) : u;
    } catch (IllegalArgumentException e) {
      return "?";
    }
  }
}
