package io.bits4j.server.netty.internal;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Splits a request-target into the URL group segment and the suffix, refusing anything that
 * could reach beyond a registered suffix: encoded slashes or backslashes, NUL and control
 * characters, {@code .} and {@code ..} segments (also percent-encoded), double encoding ({@code
 * %25}), empty segments, bad UTF-8. Only the decoded strings are looked up in the routing
 * table; the file system never sees them. Pure Java; thread-safe.
 */
public final class RequestPath {
  private RequestPath() {}

  /**
   * A decoded target.
   *
   * @param group the first path segment
   * @param suffix the rest after the first {@code /} (may be empty)
   */
  public record Target(String group, String suffix) {}

  /** Parses an origin-form or absolute-form target; empty means 400 Bad Request. */
  public static Optional<Target> parse(String uri) {
    String path = uri;
    if (!path.startsWith("/")) {
      int scheme = path.indexOf("://");
      if (scheme <= 0) {
        return Optional.empty();
      }
      String s = path.substring(0, scheme);
      if (!s.equalsIgnoreCase("http") && !s.equalsIgnoreCase("https")) {
        return Optional.empty();
      }
      int end = authorityEnd(path, scheme + 3);
      path = end < path.length() && path.charAt(end) == '/' ? path.substring(end) : "/" + path.substring(end);
    }
    int q = path.indexOf('?');
    if (q >= 0) {
      path = path.substring(0, q);
    }
    int hash = path.indexOf('#');
    if (hash >= 0) {
      return Optional.empty();
    }
    if (path.length() > 8192) {
      return Optional.empty();
    }
    String[] raw = path.substring(1).split("/", -1);
    StringBuilder suffix = new StringBuilder();
    String group = "";
    for (int i = 0; i < raw.length; i++) {
      String seg = decode(raw[i]);
      if (seg == null || seg.equals(".") || seg.equals("..")) {
        return Optional.empty();
      }
      if (i == 0) {
        group = seg;
      } else {
        if (i > 1) {
          suffix.append('/');
        }
        suffix.append(seg); // empty segments never match a registered suffix: 404
      }
    }
    return Optional.of(new Target(group, suffix.toString()));
  }

  /**
   * The authority ({@code host[:port]}) of an absolute-form target, which names the host in place
   * of the Host header (RFC 9112, section 3.2.2); null for any other form.
   */
  public static @Nullable String authority(String uri) {
    if (uri.startsWith("/")) {
      return null;
    }
    int scheme = uri.indexOf("://");
    if (scheme <= 0) {
      return null;
    }
    return uri.substring(scheme + 3, authorityEnd(uri, scheme + 3));
  }

  /** Where the authority that starts at {@code from} ends: the first {@code /}, {@code ?} or {@code #}. */
  private static int authorityEnd(String uri, int from) {
    int i = from;
    while (i < uri.length() && "/?#".indexOf(uri.charAt(i)) < 0) {
      i++;
    }
    return i;
  }

  /** Percent-decodes one segment; null if it is not acceptable. */
  static @Nullable String decode(String seg) {
    int n = seg.length();
    int i = 0;
    while (i < n && plain(seg.charAt(i))) {
      i++;
    }
    if (i == n) {
      return seg; // nothing encoded, nothing refused: the common case, without copies
    }
    return decodeEncoded(seg);
  }

  /** A character that stands for itself: visible ASCII other than '%' and '\\'. */
  private static boolean plain(char c) {
    return c > 0x20 && c < 0x7F && c != '%' && c != '\\';
  }

  static @Nullable String decodeEncoded(String seg) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(seg.length());
    for (int i = 0; i < seg.length(); i++) {
      char c = seg.charAt(i);
      if (c == '%') {
        if (i + 2 >= seg.length()) {
          return null;
        }
        int hi = Character.digit(seg.charAt(i + 1), 16);
        int lo = Character.digit(seg.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          return null;
        }
        int b = hi * 16 + lo;
        if (b == '/' || b == '\\' || b == '%' || b < 0x20 || b == 0x7F) {
          return null;
        }
        out.write(b);
        i += 2;
      } else if (c < 0x21 || c == 0x7F || c == '\\' || c > 0x7E) {
        return null;
      } else {
        out.write(c);
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(out.toByteArray())).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
