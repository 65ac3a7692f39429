package io.bits4j.wsman.internal;

import io.bits4j.Principal;
import io.bits4j.Scheduler;
import io.bits4j.UserStore;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * Authenticates management requests: HTTP Basic against the {@link UserStore}, or a TLS client
 * certificate mapped (by SHA-256 fingerprint) to a user of the store.
 *
 * <p>Verified Basic credentials are cached for at most 60 s under an HMAC of user and password
 * (random per-process key; the password itself is never kept), at most 1,024 entries, so a
 * client sending Basic on every request costs one PBKDF2 hash a minute. Concurrent PBKDF2
 * verifications are bounded (4), so bad logins cannot exhaust the CPU. Failures are not cached.
 * Thread-safe; {@link #authenticate} may block (hashing) — never call it on an event loop.
 */
public final class Authenticator {
  private static final int CACHE_SIZE = 1024;
  private static final int MAX_HASHING = 4;

  private final UserStore users;
  private final Map<String, String> certificateUsers;
  private final Scheduler scheduler;
  private final Duration ttl;
  private final SecretKeySpec key;
  private final Semaphore hashing = new Semaphore(MAX_HASHING);
  private final Map<String, Cached> cache = new LinkedHashMap<>(64, 0.75f, true) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
      return size() > CACHE_SIZE;
    }
  };

  private record Cached(String user, Instant expires) {}

  /** The outcome: who, by which means. */
  public record Result(Principal principal, String method) {}

  /**
   * @param certificateUsers SHA-256 fingerprint (lower-case hex) of a client certificate → user name
   * @param ttl how long verified Basic credentials stay cached (at most 60 s)
   */
  public Authenticator(UserStore users, Map<String, String> certificateUsers, Scheduler scheduler, Duration ttl) {
    this.users = users;
    this.certificateUsers = Map.copyOf(certificateUsers);
    this.scheduler = scheduler;
    this.ttl = ttl.compareTo(Duration.ofSeconds(60)) > 0 ? Duration.ofSeconds(60) : ttl;
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    this.key = new SecretKeySpec(k, "HmacSHA256");
  }

  /** The lower-case hex SHA-256 fingerprint of a certificate. */
  public static String fingerprint(X509Certificate c) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot hash certificate", e);
    }
  }

  /** True if an {@code Authorization} header carries HTTP Basic credentials (a password attempt). */
  public static boolean isBasic(String authorization) {
    return authorization.regionMatches(true, 0, "Basic ", 0, 6);
  }

  /**
   * Authenticates a request.
   *
   * @param authorization the {@code Authorization} header, if any
   * @param clientCertificate the TLS client's leaf certificate, if any
   * @return empty for missing or bad credentials (answer 401)
   */
  public Optional<Result> authenticate(@Nullable String authorization, @Nullable X509Certificate clientCertificate) {
    if (authorization != null && isBasic(authorization)) {
      return basic(authorization.substring(6).strip()).map(p -> new Result(p, "basic"));
    }
    if (clientCertificate != null) {
      String user = certificateUsers.get(fingerprint(clientCertificate));
      if (user != null && isValidNow(clientCertificate)) {
        return users.principal(user).map(p -> new Result(p, "certificate"));
      }
    }
    return Optional.empty();
  }

  /**
   * A mapped certificate authenticates only within its validity period, as WinRM's certificate
   * mapping requires (the handshake checked nothing: any certificate may complete it).
   */
  private static boolean isValidNow(X509Certificate c) {
    try {
      c.checkValidity();
      return true;
    } catch (java.security.cert.CertificateExpiredException | java.security.cert.CertificateNotYetValidException e) {
      return false;
    }
  }

  private Optional<Principal> basic(String token) {
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(token);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    char[] chars;
    try {
      CharBuffer cb = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(raw));
      chars = new char[cb.remaining()];
      cb.get(chars);
    } catch (CharacterCodingException e) {
      return Optional.empty();
    } finally {
      Arrays.fill(raw, (byte) 0);
    }
    int colon = -1;
    for (int i = 0; i < chars.length; i++) {
      if (chars[i] == ':') {
        colon = i;
        break;
      }
    }
    if (colon <= 0) {
      Arrays.fill(chars, '\0');
      return Optional.empty();
    }
    String user = new String(chars, 0, colon);
    char[] password = Arrays.copyOfRange(chars, colon + 1, chars.length);
    Arrays.fill(chars, '\0');
    try {
      String cacheKey = hmac(user, password);
      Instant now = scheduler.now();
      synchronized (cache) {
        Cached c = cache.get(cacheKey);
        if (c != null && now.isBefore(c.expires())) {
          // the user's groups may have changed: re-read them (cheap, no hash)
          Optional<Principal> p = users.principal(c.user());
          if (p.isPresent()) {
            return p;
          }
        }
        if (c != null) {
          cache.remove(cacheKey);
        }
      }
      if (!hashing.tryAcquire(30, TimeUnit.SECONDS)) {
        return Optional.empty();
      }
      Optional<Principal> p;
      try {
        p = users.authenticate(user, password);
      } finally {
        hashing.release();
      }
      if (p.isPresent()) {
        synchronized (cache) {
          cache.put(cacheKey, new Cached(user.toLowerCase(Locale.ROOT), now.plus(ttl)));
        }
      }
      return p;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } finally {
      Arrays.fill(password, '\0');
    }
  }

  private String hmac(String user, char[] password) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      mac.update(user.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
      mac.update((byte) 0);
      ByteBuffer pw = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
      byte[] b = new byte[pw.remaining()];
      pw.get(b);
      mac.update(b);
      Arrays.fill(b, (byte) 0);
      return HexFormat.of().formatHex(mac.doFinal());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing", e);
    }
  }
}
