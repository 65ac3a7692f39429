package io.bits4j;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;

/**
 * A URL group's namespace: an HTTP.SYS url-prefix string with exactly one path segment, such as
 * {@code http://+:80/Carmine} or {@code https://127.0.0.1:8443/Images}.
 *
 * <p>Rules (HTTP.SYS "UrlPrefix Strings", restricted as the BITS Compact Server restricts them):
 *
 * <ul>
 *   <li>scheme {@code http} or {@code https} (any case; kept lower case);
 *   <li>host {@code +} (strong wildcard: every name, wins over everything), {@code *} (weak
 *       wildcard: only what no other prefix takes), a DNS name, an IPv4 address, or an IPv6
 *       address in brackets;
 *   <li>an explicit port 1–65535 (no wildcard, no default);
 *   <li>exactly one path segment ({@code http://+:80/Carmine/Sub} is refused: URL groups are one
 *       level deep), optionally followed by {@code /}.
 * </ul>
 *
 * <p>Host and path compare case-insensitively ({@code equals}, {@code hashCode}), as HTTP.SYS
 * does; the spelling given is kept for display. {@link #toString()} gives the canonical form
 * without a trailing slash, which {@link #parse} accepts back.
 *
 * <pre>{@code
 * UrlPrefix p = UrlPrefix.parse("http://+:8080/Carmine");
 * URI url = p.url("server1.example", "disk.vhd");   // http://server1.example:8080/Carmine/disk.vhd
 * }</pre>
 *
 * @param scheme {@code http} or {@code https}
 * @param host {@code +}, {@code *}, a DNS name, an IPv4 address or a bracketed IPv6 address
 * @param port 1–65535
 * @param path the one path segment, without slashes
 */
public record UrlPrefix(String scheme, String host, int port, String path) {

  /** What the host of a prefix is. */
  public enum HostKind {
    /** {@code +}: every host name; takes precedence over all other prefixes. */
    STRONG_WILDCARD,
    /** {@code *}: every host name that no other prefix takes. */
    WEAK_WILDCARD,
    /** A DNS name. */
    NAME,
    /** An IPv4 address. */
    IPV4,
    /** An IPv6 address (written in brackets). */
    IPV6
  }

  /**
   * Validates the parts; the same rules as {@link #parse}.
   *
   * @throws BitsException E_INVALIDARG if a part breaks a rule
   */
  public UrlPrefix {
    Objects.requireNonNull(scheme, "scheme");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(path, "path");
    scheme = scheme.toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw invalid("scheme must be http or https", scheme);
    }
    hostKind(host); // validates
    if (port < 1 || port > 65535) {
      throw invalid("port must be 1-65535", Integer.toString(port));
    }
    checkSegment(path, "URL group path");
  }

  /**
   * Parses a url-prefix string.
   *
   * @throws BitsException E_INVALIDARG (0x80070057) naming what is wrong
   */
  public static UrlPrefix parse(String text) {
    Objects.requireNonNull(text, "text");
    int sep = text.indexOf("://");
    if (sep <= 0) {
      throw invalid("expected scheme://host:port/name", text);
    }
    String scheme = text.substring(0, sep);
    String rest = text.substring(sep + 3);
    int slash = rest.indexOf('/');
    if (slash < 0) {
      throw invalid("a URL group needs a path segment (scheme://host:port/name)", text);
    }
    String authority = rest.substring(0, slash);
    String path = rest.substring(slash + 1);
    if (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    if (path.isEmpty()) {
      throw invalid("a URL group needs exactly one path segment", text);
    }
    if (path.indexOf('/') >= 0) {
      throw invalid("URL groups are one level deep; more than one path segment", text);
    }
    int colon = authority.lastIndexOf(':');
    if (colon < 0 || authority.endsWith("]")) {
      throw invalid("an explicit port is required", text);
    }
    String host = authority.substring(0, colon);
    String portText = authority.substring(colon + 1);
    if (portText.isEmpty() || portText.length() > 5 || !portText.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw invalid("port must be 1-65535", text);
    }
    return new UrlPrefix(scheme, host, Integer.parseInt(portText), path);
  }

  /** What kind of host this prefix has. */
  public HostKind hostKind() {
    return hostKind(host);
  }

  /** True for {@code +} and {@code *}: the prefix listens on every interface. */
  public boolean isWildcard() {
    HostKind k = hostKind();
    return k == HostKind.STRONG_WILDCARD || k == HostKind.WEAK_WILDCARD;
  }

  /** True for {@code https}. */
  public boolean isSecure() {
    return scheme.equals("https");
  }

  /**
   * The URL a client uses for a file hosted under {@code suffix}: {@code
   * scheme://hostName:port/path/suffix}, each segment percent-encoded where needed.
   *
   * @param hostName the name or address clients reach the server by (an IPv6 address with or
   *     without brackets); needed because {@code +} and {@code *} are not host names
   * @throws BitsException E_INVALIDARG for a bad suffix or host name
   */
  public URI url(String hostName, String suffix) {
    Objects.requireNonNull(hostName, "hostName");
    checkSuffix(suffix);
    String h = hostName;
    if (h.indexOf(':') >= 0 && !h.startsWith("[")) {
      h = "[" + h + "]";
    }
    HostKind kind = hostKind(h);
    if (kind == HostKind.STRONG_WILDCARD || kind == HostKind.WEAK_WILDCARD) {
      throw invalid("a client URL needs a real host name, not a wildcard", hostName);
    }
    try {
      return new URI(scheme, null, h, port, "/" + path + "/" + suffix, null, null);
    } catch (URISyntaxException e) {
      throw invalid("cannot form a URL", hostName + " " + suffix);
    }
  }

  /**
   * Checks a URL suffix: one or more non-empty segments separated by {@code /}, none of them
   * {@code .} or {@code ..}, of at most 1,024 characters in all, made of letters, digits and
   * {@code -._~!$&'()*+,;=:@}.
   *
   * @return the suffix
   * @throws BitsException E_INVALIDARG naming the offending character or segment
   */
  public static String checkSuffix(String suffix) {
    Objects.requireNonNull(suffix, "suffix");
    if (suffix.isEmpty() || suffix.length() > 1024) {
      throw invalid("a URL suffix has 1-1024 characters", suffix);
    }
    for (String segment : suffix.split("/", -1)) {
      checkSegment(segment, "URL suffix");
    }
    return suffix;
  }

  /** The canonical form, e.g. {@code http://+:80/Carmine}. */
  @Override
  public String toString() {
    return scheme + "://" + host + ":" + port + "/" + path;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof UrlPrefix p
        && p.scheme.equals(scheme)
        && p.port == port
        && p.host.equalsIgnoreCase(host)
        && p.path.equalsIgnoreCase(path);
  }

  @Override
  public int hashCode() {
    return Objects.hash(scheme, host.toLowerCase(Locale.ROOT), port, path.toLowerCase(Locale.ROOT));
  }

  private static void checkSegment(String segment, String what) {
    if (segment.isEmpty()) {
      throw invalid(what + " has an empty segment", segment);
    }
    if (segment.equals(".") || segment.equals("..")) {
      throw invalid(what + " must not have '.' or '..' segments", segment);
    }
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || "-._~!$&'()*+,;=:@".indexOf(c) >= 0;
      if (!ok) {
        throw invalid(what + " has a character not allowed at position " + i
            + " (" + describeChar(c) + ")", segment);
      }
    }
  }

  private static String describeChar(char c) {
    return c < 32 || c == 127 ? String.format(Locale.ROOT, "U+%04X", (int) c) : "'" + c + "'";
  }

  private static HostKind hostKind(String host) {
    if (host.equals("+")) {
      return HostKind.STRONG_WILDCARD;
    }
    if (host.equals("*")) {
      return HostKind.WEAK_WILDCARD;
    }
    if (host.startsWith("[")) {
      if (!host.endsWith("]") || !isIpv6(host.substring(1, host.length() - 1))) {
        throw invalid("not an IPv6 address in brackets", host);
      }
      return HostKind.IPV6;
    }
    if (host.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.')) {
      if (!isIpv4(host)) {
        throw invalid("not an IPv4 address", host);
      }
      return HostKind.IPV4;
    }
    if (!isDnsName(host)) {
      throw invalid("not a host name, IP address, + or *", host);
    }
    return HostKind.NAME;
  }

  private static boolean isIpv4(String s) {
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) {
      return false;
    }
    for (String p : parts) {
      if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0')
          || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
        return false;
      }
      if (Integer.parseInt(p) > 255) {
        return false;
      }
    }
    return true;
  }

  private static boolean isDnsName(String s) {
    if (s.isEmpty() || s.length() > 253) {
      return false;
    }
    String name = s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    for (String label : name.split("\\.", -1)) {
      if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")) {
        return false;
      }
      for (int i = 0; i < label.length(); i++) {
        char c = label.charAt(i);
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')) {
          return false;
        }
      }
    }
    return true;
  }

  /** Checks IPv6 text form (RFC 4291 §2.2), with an optional embedded IPv4 tail; no zone ids. */
  private static boolean isIpv6(String s) {
    if (s.isEmpty() || s.length() > 45) {
      return false;
    }
    int dbl = s.indexOf("::");
    if (dbl >= 0 && s.indexOf("::", dbl + 1) >= 0) {
      return false;
    }
    String[] halves = dbl >= 0 ? new String[] {s.substring(0, dbl), s.substring(dbl + 2)} : new String[] {s};
    int groups = 0;
    for (int h = 0; h < halves.length; h++) {
      String half = halves[h];
      if (half.isEmpty()) {
        continue;
      }
      String[] parts = half.split(":", -1);
      for (int i = 0; i < parts.length; i++) {
        String p = parts[i];
        boolean last = h == halves.length - 1 && i == parts.length - 1;
        if (last && p.indexOf('.') >= 0) {
          if (!isIpv4(p)) {
            return false;
          }
          groups += 2;
          continue;
        }
        if (p.isEmpty() || p.length() > 4 || !p.chars().allMatch(UrlPrefix::isAsciiHexDigit)) {
          return false;
        }
        groups++;
      }
    }
    return dbl >= 0 ? groups <= 7 : groups == 8;
  }

  /** {@code 0-9a-fA-F} only: {@link Character#digit} would also take other scripts' digits. */
  private static boolean isAsciiHexDigit(int c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  private static BitsException invalid(String why, String text) {
    return new BitsException(Hresult.E_INVALIDARG, "invalid URL prefix: " + why + ": '" + text + "'");
  }
}
