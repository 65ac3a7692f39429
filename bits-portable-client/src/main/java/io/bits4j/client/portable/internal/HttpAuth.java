package io.bits4j.client.portable.internal;

import io.bits4j.CredentialScheme;
import io.bits4j.Credentials;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * HTTP authentication for server (401) and proxy (407): challenge parsing (RFC 9110 §11), Basic
 * (RFC 7617) and Digest (RFC 7616: MD5, MD5-sess, SHA-256, SHA-256-sess; qop auth or none).
 */
final class HttpAuth {
  private static final SecureRandom RANDOM = new SecureRandom();

  /** One challenge: a scheme and its parameters (keys lower-cased). */
  record Challenge(String scheme, Map<String, String> params) {
    String param(String name) {
      return params.getOrDefault(name, "");
    }
  }

  /**
   * The state of one authentication exchange with a server or proxy; after a challenge was
   * answered, later requests carry the header preemptively (Basic) or with an incremented nonce
   * count (Digest).
   */
  static final class State {
    private @Nullable Credentials credentials;
    private @Nullable Challenge challenge;
    private int nonceCount;
    private boolean answeredSinceLastSuccess;

    /**
     * Chooses a challenge to answer from a 401/407 response. Returns false if the challenge cannot
     * be answered (no matching credentials, or the same credentials were just rejected).
     */
    boolean accept(List<String> headerValues, List<Credentials> available) {
      List<Challenge> challenges = new ArrayList<>();
      for (String v : headerValues) {
        challenges.addAll(parse(v));
      }
      Challenge best = null;
      Credentials bestCreds = null;
      int bestRank = -1;
      for (Challenge c : challenges) {
        String s = c.scheme().toLowerCase(Locale.ROOT);
        for (Credentials cr : available) {
          int rank = -1;
          if (s.equals("digest") && cr.scheme() == CredentialScheme.DIGEST && digestAlgorithm(c) != null) {
            rank = "SHA-256".equals(digestAlgorithm(c)) ? 3 : 2;
          } else if (s.equals("basic") && cr.scheme() == CredentialScheme.BASIC) {
            rank = 1;
          }
          if (rank > bestRank) {
            best = c;
            bestCreds = cr;
            bestRank = rank;
          }
        }
      }
      if (best == null || bestCreds == null) {
        return false;
      }
      boolean stale = "true".equalsIgnoreCase(best.param("stale"));
      if (answeredSinceLastSuccess && !stale) {
        return false; // the credentials were rejected
      }
      this.challenge = best;
      this.credentials = bestCreds;
      this.nonceCount = 0;
      this.answeredSinceLastSuccess = true;
      return true;
    }

    /** Marks a request as accepted (not 401/407). */
    void succeeded() {
      answeredSinceLastSuccess = false;
    }

    /** The header value for a request, if a challenge was accepted. */
    Optional<String> authorization(String method, String requestTarget) {
      Challenge c = challenge;
      Credentials cr = credentials;
      if (c == null || cr == null) {
        return Optional.empty();
      }
      if (c.scheme().equalsIgnoreCase("basic")) {
        return Optional.of(basic(cr.userName(), cr.password()));
      }
      nonceCount++;
      return Optional.of(digest(c, cr.userName(), cr.password(), method, requestTarget, nonceCount,
          HexFormat.of().formatHex(randomBytes(16))));
    }
  }

  static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString(
        (user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  /** The Java digest algorithm for a challenge, or null if unsupported. */
  static @Nullable String digestAlgorithm(Challenge c) {
    String a = c.param("algorithm").toUpperCase(Locale.ROOT);
    if (a.isEmpty() || a.equals("MD5") || a.equals("MD5-SESS")) {
      return "MD5";
    }
    if (a.equals("SHA-256") || a.equals("SHA-256-SESS")) {
      return "SHA-256";
    }
    return null;
  }

  static String digest(Challenge c, String user, String password, String method, String uri,
      int nc, String cnonce) {
    String alg = digestAlgorithm(c);
    if (alg == null) {
      throw new IllegalArgumentException("unsupported digest algorithm");
    }
    boolean sess = c.param("algorithm").toLowerCase(Locale.ROOT).endsWith("-sess");
    String realm = c.param("realm");
    String nonce = c.param("nonce");
    String qop = null;
    for (String q : c.param("qop").split(",")) {
      if (q.strip().equalsIgnoreCase("auth")) {
        qop = "auth";
      }
    }
    String ha1 = hash(alg, user + ":" + realm + ":" + password);
    if (sess) {
      ha1 = hash(alg, ha1 + ":" + nonce + ":" + cnonce);
    }
    String ha2 = hash(alg, method + ":" + uri);
    String ncHex = String.format(Locale.ROOT, "%08x", nc);
    String response = qop == null
        ? hash(alg, ha1 + ":" + nonce + ":" + ha2)
        : hash(alg, ha1 + ":" + nonce + ":" + ncHex + ":" + cnonce + ":" + qop + ":" + ha2);
    StringBuilder sb = new StringBuilder("Digest ");
    sb.append("username=").append(quote(user))
        .append(", realm=").append(quote(realm))
        .append(", nonce=").append(quote(nonce))
        .append(", uri=").append(quote(uri));
    if (!c.param("algorithm").isEmpty()) {
      sb.append(", algorithm=").append(c.param("algorithm"));
    }
    if (qop != null) {
      sb.append(", qop=").append(qop).append(", nc=").append(ncHex)
          .append(", cnonce=").append(quote(cnonce));
    }
    sb.append(", response=").append(quote(response));
    if (c.params().containsKey("opaque")) {
      sb.append(", opaque=").append(quote(c.param("opaque")));
    }
    return sb.toString();
  }

  static String hash(String alg, String s) {
    try {
      return HexFormat.of().formatHex(
          MessageDigest.getInstance(alg).digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /** Parses one WWW-Authenticate / Proxy-Authenticate value into its challenges. */
  static List<Challenge> parse(String header) {
    List<Challenge> out = new ArrayList<>();
    int i = 0;
    int n = header.length();
    String scheme = null;
    Map<String, String> params = new LinkedHashMap<>();
    while (i < n) {
      while (i < n && (header.charAt(i) == ' ' || header.charAt(i) == ',' || header.charAt(i) == '\t')) {
        i++;
      }
      if (i >= n) {
        break;
      }
      int start = i;
      while (i < n && isTokenChar(header.charAt(i))) {
        i++;
      }
      String token = header.substring(start, i);
      if (token.isEmpty()) {
        i++; // skip junk
        continue;
      }
      int j = i;
      while (j < n && (header.charAt(j) == ' ' || header.charAt(j) == '\t')) {
        j++;
      }
      if (j < n && header.charAt(j) == '=' && scheme != null) {
        // auth-param (token68 values ending in '=' are rare for Basic/Digest and ignored)
        j++;
        while (j < n && (header.charAt(j) == ' ' || header.charAt(j) == '\t')) {
          j++;
        }
        String value;
        if (j < n && header.charAt(j) == '"') {
          StringBuilder sb = new StringBuilder();
          j++;
          while (j < n && header.charAt(j) != '"') {
            char ch = header.charAt(j);
            if (ch == '\\' && j + 1 < n) {
              j++;
              ch = header.charAt(j);
            }
            sb.append(ch);
            j++;
          }
          j++; // closing quote
          value = sb.toString();
        } else {
          int vs = j;
          while (j < n && header.charAt(j) != ',' && header.charAt(j) != ' ') {
            j++;
          }
          value = header.substring(vs, j);
        }
        params.put(token.toLowerCase(Locale.ROOT), value);
        i = j;
      } else {
        if (scheme != null) {
          out.add(new Challenge(scheme, Map.copyOf(params)));
        }
        scheme = token;
        params = new LinkedHashMap<>();
        i = j;
        // a token68 after the scheme (e.g. "Negotiate abc==") is skipped
        if (i < n && header.charAt(i) != ',') {
          int k = i;
          while (k < n && header.charAt(k) != ',' && header.charAt(k) != ' ' && header.charAt(k) != '=') {
            k++;
          }
          int eq = k;
          while (eq < n && header.charAt(eq) == '=') {
            eq++;
          }
          if (eq > k && (eq >= n || header.charAt(eq) == ',' || header.charAt(eq) == ' ')) {
            i = eq;
          }
        }
      }
    }
    if (scheme != null) {
      out.add(new Challenge(scheme, Map.copyOf(params)));
    }
    return out;
  }

  private static boolean isTokenChar(char c) {
    return c > 32 && c < 127 && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0;
  }

  private HttpAuth() {}
}
