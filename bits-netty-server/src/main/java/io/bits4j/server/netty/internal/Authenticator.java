package io.bits4j.server.netty.internal;

import io.bits4j.AuthScheme;
import io.bits4j.Principal;
import io.bits4j.UserStore;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.ssl.SslHandler;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.jspecify.annotations.Nullable;

/**
 * Authentication of requests to a URL group: Basic (with a verification cache and PBKDF2 off the
 * event loop), Digest (RFC 7616, SHA-256 and MD5, qop=auth, expiring HMAC-signed nonces,
 * replay refused by strictly increasing nonce counts) and TLS client certificates. Thread-safe.
 */
final class Authenticator {
  /** The outcome: a principal, or none (then a 401 with {@code challenges}). */
  record Result(@Nullable Principal principal, List<String> challenges, boolean overloaded) {
    static Result of(Principal p) {
      return new Result(p, List.of(), false);
    }
  }

  static final long BASIC_TTL_NANOS = 60_000_000_000L;
  static final int BASIC_CACHE_MAX = 10_000;
  private static final int NONCE_TABLE_MAX = 100_000;

  private final ServerCore core;
  private final ExecutorService hashExecutor;
  private final byte[] secret = new byte[32];
  private final SecureRandom random = new SecureRandom();
  private final ConcurrentHashMap<String, CachedLogin> basicCache = new ConcurrentHashMap<>();
  private final NonceTable nonces;
  /** Count of PBKDF2 verifications run (for tests and diagnostics). */
  final AtomicLong hashesRun = new AtomicLong();

  private record CachedLogin(Principal principal, long expiresNanos) {}

  Authenticator(ServerCore core, ExecutorService hashExecutor) {
    this.core = core;
    this.hashExecutor = hashExecutor;
    this.nonces = new NonceTable(NONCE_TABLE_MAX, core.nanoClock(), core.cfg.digestNonceLifetime());
    random.nextBytes(secret);
  }

  /** Authenticates a request for a group with at least one scheme enabled. */
  CompletableFuture<Result> authenticate(GroupImpl group, HttpRequest req, Channel ch, boolean secure) {
    Set<AuthScheme> schemes = group.schemes();
    if (schemes.contains(AuthScheme.CLIENT_CERTIFICATE)) {
      Principal p = certificatePrincipal(ch);
      if (p != null) {
        return CompletableFuture.completedFuture(Result.of(p));
      }
    }
    String auth = req.headers().get(HttpHeaderNames.AUTHORIZATION);
    boolean basicUsable = schemes.contains(AuthScheme.BASIC) && (secure || core.cfg.allowBasicOverHttp());
    if (auth != null) {
      String a = auth.strip();
      if (basicUsable && a.regionMatches(true, 0, "Basic ", 0, 6)) {
        return basic(a.substring(6).strip(), group, secure);
      }
      if (schemes.contains(AuthScheme.DIGEST) && a.regionMatches(true, 0, "Digest ", 0, 7)) {
        DigestCheck d = digest(a.substring(7), req.method().name(), req.uri());
        if (d.principal != null) {
          return CompletableFuture.completedFuture(Result.of(d.principal));
        }
        return CompletableFuture.completedFuture(new Result(null, challenges(group, secure, d.stale), false));
      }
    }
    return CompletableFuture.completedFuture(new Result(null, challenges(group, secure, false), false));
  }

  List<String> challenges(GroupImpl group, boolean secure, boolean stale) {
    List<String> out = new ArrayList<>();
    Set<AuthScheme> schemes = group.schemes();
    String realm = core.cfg.digestRealm();
    if (schemes.contains(AuthScheme.DIGEST)) {
      String nonce = newNonce();
      String opaque = HexFormat.of().formatHex(hmac(("opaque:" + realm).getBytes(StandardCharsets.UTF_8)), 0, 8);
      for (UserStore.DigestAlgorithm a : core.cfg.digestAlgorithms()) {
        out.add("Digest realm=\"" + realm + "\", qop=\"auth\", algorithm=" + a.token() + ", nonce=\"" + nonce
            + "\", opaque=\"" + opaque + "\"" + (stale ? ", stale=true" : ""));
      }
    }
    if (schemes.contains(AuthScheme.BASIC) && (secure || core.cfg.allowBasicOverHttp())) {
      out.add("Basic realm=\"" + realm + "\", charset=\"UTF-8\"");
    }
    return out;
  }

  // ---- client certificates

  private @Nullable Principal certificatePrincipal(Channel ch) {
    SslHandler ssl = ch.pipeline().get(SslHandler.class);
    if (ssl == null) {
      return null;
    }
    try {
      Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
      if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
        return null;
      }
      String cn = commonName(leaf);
      String thumbprint = HexFormat.of().formatHex(io.bits4j.TlsIdentity.sha1(leaf));
      // a CN that reads as a thumbprint names nobody: a store user named by a thumbprint belongs to
      // that one certificate, not to any other certificate whose subject claims its name
      boolean cnIsAThumbprint = cn.length() == 40 && cn.chars().allMatch(c -> Character.digit(c, 16) >= 0);
      String name = cnIsAThumbprint ? thumbprint : cn;
      UserStore users = core.cfg.users();
      if (users != null) {
        // a store user named by the SHA-1 thumbprint (40 hex digits) wins over one named by the CN
        Optional<Principal> known = users.principal(thumbprint).or(() -> users.principal(name));
        if (known.isPresent()) {
          return known.get();
        }
      }
      return Principal.user(name, Set.of(), false);
    } catch (SSLPeerUnverifiedException e) {
      return null;
    }
  }

  static String commonName(X509Certificate cert) {
    String dn = cert.getSubjectX500Principal().getName();
    try {
      for (Rdn rdn : new LdapName(dn).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          return rdn.getValue().toString();
        }
      }
    } catch (InvalidNameException e) {
      // fall through to the full DN
    }
    return dn;
  }

  // ---- Basic

  private CompletableFuture<Result> basic(String token, GroupImpl group, boolean secure) {
    UserStore users = core.cfg.users();
    byte[] decoded;
    try {
      decoded = Base64.getDecoder().decode(token);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(new Result(null, challenges(group, secure, false), false));
    }
    char[] chars;
    try {
      CharBuffer cb = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(decoded));
      chars = new char[cb.remaining()];
      cb.get(chars);
    } catch (CharacterCodingException e) {
      return CompletableFuture.completedFuture(new Result(null, challenges(group, secure, false), false));
    } finally {
      Arrays.fill(decoded, (byte) 0);
    }
    int colon = -1;
    for (int i = 0; i < chars.length; i++) {
      if (chars[i] == ':') {
        colon = i;
        break;
      }
    }
    if (colon <= 0 || users == null) {
      Arrays.fill(chars, '\0');
      return CompletableFuture.completedFuture(new Result(null, challenges(group, secure, false), false));
    }
    String user = new String(chars, 0, colon);
    char[] password = Arrays.copyOfRange(chars, colon + 1, chars.length);
    String cacheKey = cacheKey(chars);
    Arrays.fill(chars, '\0');
    long now = core.nanoClock().getAsLong();
    CachedLogin hit = basicCache.get(cacheKey);
    if (hit != null && now - hit.expiresNanos < 0) {
      Arrays.fill(password, '\0');
      // the store's current view of the user: a removed user is refused at once, and changed
      // groups apply at once (only a changed password waits for the entry to expire)
      Optional<Principal> current = users.principal(user);
      if (current.isPresent()) {
        return CompletableFuture.completedFuture(Result.of(current.get()));
      }
      basicCache.remove(cacheKey, hit);
      return CompletableFuture.completedFuture(new Result(null, challenges(group, secure, false), false));
    }
    CompletableFuture<Result> out = new CompletableFuture<>();
    try {
      hashExecutor.execute(() -> {
        try {
          hashesRun.incrementAndGet();
          Optional<Principal> p = users.authenticate(user, password);
          if (p.isPresent()) {
            if (basicCache.size() >= BASIC_CACHE_MAX) {
              basicCache.clear();
            }
            basicCache.put(cacheKey, new CachedLogin(p.get(), core.nanoClock().getAsLong() + BASIC_TTL_NANOS));
            out.complete(Result.of(p.get()));
          } else {
            out.complete(new Result(null, challenges(group, secure, false), false));
          }
        } catch (RuntimeException e) {
          ServerCore.LOG.warn("user store failed to check a password: {}", e.toString());
          out.complete(new Result(null, challenges(group, secure, false), false));
        } finally {
          Arrays.fill(password, '\0');
        }
      });
    } catch (RejectedExecutionException e) {
      Arrays.fill(password, '\0');
      out.complete(new Result(null, List.of(), true));
    }
    return out;
  }

  private String cacheKey(char[] userColonPassword) {
    ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(userColonPassword));
    // the encoded bytes only: the buffer's array has zero-filled spare room, which would give
    // passwords differing by trailing NULs the same key
    byte[] b = Arrays.copyOf(encoded.array(), encoded.limit());
    Arrays.fill(encoded.array(), (byte) 0);
    try {
      return Base64.getEncoder().encodeToString(hmac(b));
    } finally {
      Arrays.fill(b, (byte) 0);
    }
  }

  private byte[] hmac(byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing", e);
    }
  }

  // ---- Digest

  private record DigestCheck(@Nullable Principal principal, boolean stale) {}

  String newNonce() {
    ByteBuffer b = ByteBuffer.allocate(16);
    b.putLong(core.nanoClock().getAsLong());
    byte[] r = new byte[8];
    random.nextBytes(r);
    b.put(r);
    byte[] body = b.array();
    byte[] mac = hmac(body);
    byte[] all = new byte[32];
    System.arraycopy(body, 0, all, 0, 16);
    System.arraycopy(mac, 0, all, 16, 16);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(all);
  }

  /** The issue time (nano clock) of a nonce this server signed; null for any other string. */
  private @Nullable Long nonceIssued(String nonce) {
    byte[] all;
    try {
      all = Base64.getUrlDecoder().decode(nonce);
    } catch (IllegalArgumentException e) {
      return null;
    }
    if (all.length != 32) {
      return null;
    }
    byte[] body = Arrays.copyOfRange(all, 0, 16);
    byte[] mac = Arrays.copyOfRange(hmac(body), 0, 16);
    if (!MessageDigest.isEqual(mac, Arrays.copyOfRange(all, 16, 32))) {
      return null;
    }
    return ByteBuffer.wrap(body).getLong();
  }

  private DigestCheck digest(String params, String method, String requestUri) {
    Map<String, String> p = parseParams(params);
    UserStore users = core.cfg.users();
    String user = digestUsername(p);
    String realm = p.get("realm");
    String nonce = p.get("nonce");
    String uri = p.get("uri");
    String response = p.get("response");
    String qop = p.get("qop");
    String nc = p.get("nc");
    String cnonce = p.get("cnonce");
    String algName = p.getOrDefault("algorithm", "MD5");
    if (users == null || user == null || realm == null || nonce == null || uri == null || response == null
        || qop == null || nc == null || cnonce == null || !qop.equalsIgnoreCase("auth")
        || !realm.equals(core.cfg.digestRealm()) || "true".equalsIgnoreCase(p.get("userhash"))) {
      return new DigestCheck(null, false);
    }
    if (!uri.equals(requestUri)
        && !(RequestPath.parse(uri).isPresent() && RequestPath.parse(uri).equals(RequestPath.parse(requestUri)))) {
      return new DigestCheck(null, false); // credentials computed for another resource
    }
    Optional<UserStore.DigestAlgorithm> alg = UserStore.DigestAlgorithm.ofToken(algName);
    if (alg.isEmpty() || !core.cfg.digestAlgorithms().contains(alg.get())) {
      return new DigestCheck(null, false);
    }
    Long issued = nonceIssued(nonce);
    if (issued == null) {
      return new DigestCheck(null, false);
    }
    long count;
    try {
      count = Long.parseLong(nc, 16);
    } catch (NumberFormatException e) {
      return new DigestCheck(null, false);
    }
    Optional<String> ha1 = users.digestHa1(user, realm, alg.get());
    if (ha1.isEmpty()) {
      return new DigestCheck(null, false);
    }
    String ha2 = hex(alg.get(), method + ":" + uri);
    String expected = hex(alg.get(), ha1.get() + ":" + nonce + ":" + nc + ":" + cnonce + ":" + qop + ":" + ha2);
    if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
        response.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII))) {
      return new DigestCheck(null, false);
    }
    NonceTable.Verdict v = nonces.use(nonce, issued, count);
    if (v != NonceTable.Verdict.ACCEPTED) {
      // right password with an old (or forgotten) nonce: ask again with stale=true; a replay: refuse
      return new DigestCheck(null, v == NonceTable.Verdict.STALE);
    }
    return new DigestCheck(users.principal(user).orElse(null), false);
  }

  /**
   * The user name of Digest credentials: {@code username}, whose octets are read as UTF-8 when
   * they are valid UTF-8 (the store's names and hashes are UTF-8) and as ISO-8859-1 otherwise, or
   * {@code username*} in RFC 8187's encoding (RFC 7616, section 3.4); null when neither or both are
   * present or {@code username*} is malformed.
   */
  static @Nullable String digestUsername(Map<String, String> params) {
    String plain = params.get("username");
    String extended = params.get("username*");
    if (plain != null && extended != null) {
      return null; // RFC 7616, section 3.4: both at once MUST be treated as an error
    }
    if (extended != null) {
      return extValue(extended);
    }
    if (plain == null || plain.chars().allMatch(c -> c < 0x80) || plain.chars().anyMatch(c -> c > 0xFF)) {
      return plain;
    }
    // header fields arrive as ISO-8859-1 characters, one per octet
    String utf8 = strictUtf8(plain.getBytes(StandardCharsets.ISO_8859_1));
    return utf8 != null ? utf8 : plain;
  }

  /** Decodes an RFC 8187 ext-value in UTF-8 ({@code UTF-8'lang'pct-encoded}); null if malformed. */
  private static @Nullable String extValue(String v) {
    int q1 = v.indexOf('\'');
    int q2 = q1 < 0 ? -1 : v.indexOf('\'', q1 + 1);
    if (q2 < 0 || !v.substring(0, q1).equalsIgnoreCase("UTF-8")) {
      return null;
    }
    byte[] out = new byte[v.length()];
    int n = 0;
    for (int i = q2 + 1; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c == '%') {
        int hi = i + 2 < v.length() ? Character.digit(v.charAt(i + 1), 16) : -1;
        int lo = hi < 0 ? -1 : Character.digit(v.charAt(i + 2), 16);
        if (lo < 0) {
          return null;
        }
        out[n++] = (byte) (hi << 4 | lo);
        i += 2;
      } else if (c < 0x80 && (Character.isLetterOrDigit(c) || "!#$&+-.^_`|~".indexOf(c) >= 0)) {
        out[n++] = (byte) c;
      } else {
        return null;
      }
    }
    return strictUtf8(Arrays.copyOf(out, n));
  }

  private static @Nullable String strictUtf8(byte[] b) {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  static String hex(UserStore.DigestAlgorithm alg, String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance(alg.token()).digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(alg.token() + " is missing", e);
    }
  }

  /** Parses {@code k=v, k="v"} auth-params (quoted-string escapes honoured). */
  static Map<String, String> parseParams(String s) {
    Map<String, String> out = new LinkedHashMap<>();
    int i = 0;
    int n = s.length();
    while (i < n) {
      while (i < n && (s.charAt(i) == ' ' || s.charAt(i) == ',' || s.charAt(i) == '\t')) {
        i++;
      }
      int eq = s.indexOf('=', i);
      if (eq < 0) {
        break;
      }
      String key = s.substring(i, eq).strip().toLowerCase(Locale.ROOT);
      i = eq + 1;
      while (i < n && s.charAt(i) == ' ') {
        i++;
      }
      StringBuilder v = new StringBuilder();
      if (i < n && s.charAt(i) == '"') {
        i++;
        while (i < n && s.charAt(i) != '"') {
          if (s.charAt(i) == '\\' && i + 1 < n) {
            i++;
          }
          v.append(s.charAt(i++));
        }
        i++;
      } else {
        while (i < n && s.charAt(i) != ',') {
          v.append(s.charAt(i++));
        }
      }
      out.putIfAbsent(key, v.toString().strip());
    }
    return out;
  }
}
