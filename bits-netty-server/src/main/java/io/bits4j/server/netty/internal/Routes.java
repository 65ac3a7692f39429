package io.bits4j.server.netty.internal;

import io.bits4j.AuthScheme;
import io.bits4j.UrlPrefix;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The immutable routing snapshot: per port, the URL groups in HTTP.SYS precedence (strong
 * wildcard {@code +}, then explicit host, then weak wildcard {@code *}). Replaced as a whole when
 * groups change; request threads read it without locking.
 */
final class Routes {
  static final Routes EMPTY = new Routes(Map.of(), List.of());

  /** One port's groups. */
  record Port(boolean secure, boolean clientCertificate, List<GroupImpl> strong, List<GroupImpl> explicit,
      List<GroupImpl> weak) {}

  private final Map<Integer, Port> ports;
  private final List<GroupImpl> groups;

  private Routes(Map<Integer, Port> ports, List<GroupImpl> groups) {
    this.ports = ports;
    this.groups = groups;
  }

  static Routes of(Collection<GroupImpl> groups) {
    Map<Integer, List<GroupImpl>> byPort = new HashMap<>();
    for (GroupImpl g : groups) {
      byPort.computeIfAbsent(g.prefix().port(), k -> new ArrayList<>()).add(g);
    }
    Map<Integer, Port> ports = new HashMap<>();
    byPort.forEach((port, list) -> {
      List<GroupImpl> strong = new ArrayList<>();
      List<GroupImpl> explicit = new ArrayList<>();
      List<GroupImpl> weak = new ArrayList<>();
      boolean cc = false;
      for (GroupImpl g : list) {
        switch (g.prefix().hostKind()) {
          case STRONG_WILDCARD -> strong.add(g);
          case WEAK_WILDCARD -> weak.add(g);
          default -> explicit.add(g);
        }
        cc |= g.schemes().contains(AuthScheme.CLIENT_CERTIFICATE);
      }
      ports.put(port, new Port(list.get(0).prefix().isSecure(), cc, List.copyOf(strong), List.copyOf(explicit),
          List.copyOf(weak)));
    });
    return new Routes(Map.copyOf(ports), List.copyOf(groups));
  }

  /** Every group of this snapshot, on all ports. */
  List<GroupImpl> groups() {
    return groups;
  }

  @Nullable Port port(int port) {
    return ports.get(port);
  }

  /**
   * The group for a request.
   *
   * @param port the local port the request came in on
   * @param host the Host header's host part, or null
   * @param local the local address of the connection
   * @param segment the first path segment, decoded
   */
  @Nullable GroupImpl route(int port, @Nullable String host, InetAddress local, String segment) {
    Port p = ports.get(port);
    if (p == null) {
      return null;
    }
    for (GroupImpl g : p.strong()) {
      if (g.prefix().path().equalsIgnoreCase(segment)) {
        return g;
      }
    }
    for (GroupImpl g : p.explicit()) {
      if (g.prefix().path().equalsIgnoreCase(segment) && hostMatches(g.prefix(), host, local)) {
        return g;
      }
    }
    for (GroupImpl g : p.weak()) {
      if (g.prefix().path().equalsIgnoreCase(segment)) {
        return g;
      }
    }
    return null;
  }

  private static boolean hostMatches(UrlPrefix prefix, @Nullable String host, InetAddress local) {
    String ph = prefix.host();
    if (host != null && ph.equalsIgnoreCase(host)) {
      return true;
    }
    UrlPrefix.HostKind kind = prefix.hostKind();
    if (kind == UrlPrefix.HostKind.IPV4 || kind == UrlPrefix.HostKind.IPV6) {
      InetAddress a = literal(ph);
      if (a == null) {
        return false;
      }
      if (a.equals(local)) {
        return true; // connected to the prefix's address: whatever name the client used
      }
      if (host != null) {
        InetAddress h = literal(host);
        return h != null && h.equals(a);
      }
      return false;
    }
    return false;
  }

  /**
   * Parses an IP literal (dotted-quad IPv4; IPv6 with or without brackets) without any name
   * lookup. {@code InetAddress.getByName} is not used: it resolves any string that is not a
   * literal in its own lenient sense (such as {@code 1.2.3.4.5}), which would block the event
   * loop on DNS for a Host value the peer chooses.
   */
  static @Nullable InetAddress literal(String text) {
    String s = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
    if (s.indexOf('%') >= 0) {
      return null; // a zone id names an interface of the client's host, not an address of ours
    }
    byte[] bytes = NetUtil.createByteArrayFromIpAddressString(s);
    if (bytes == null) {
      return null;
    }
    try {
      return InetAddress.getByAddress(bytes); // raw bytes: never a lookup
    } catch (UnknownHostException e) {
      return null; // not 4 or 16 bytes: cannot happen
    }
  }

  /**
   * The host part of a Host header value ({@code uri-host [ ":" port ]}, RFC 9110 section 7.2),
   * lower case, or null if the value does not match that grammar (RFC 9112, section 3.2: 400).
   */
  static @Nullable String hostOf(String hostHeader) {
    String h = hostHeader.strip();
    if (h.isEmpty()) {
      return null;
    }
    int end;
    if (h.startsWith("[")) {
      int close = h.indexOf(']');
      if (close < 0 || !ipLiteral(h.substring(1, close))) {
        return null;
      }
      end = close + 1;
    } else {
      end = h.indexOf(':');
      if (end < 0) {
        end = h.length();
      }
      if (!regName(h, 0, end)) {
        return null;
      }
    }
    if (end < h.length() && (h.charAt(end) != ':' || !digits(h, end + 1, h.length()))) {
      return null;
    }
    return h.substring(0, end).toLowerCase(Locale.ROOT);
  }

  /** {@code IPv6address / IPvFuture} between the brackets of an IP-literal (RFC 3986, section 3.2.2). */
  private static boolean ipLiteral(String s) {
    if (s.length() > 1 && (s.charAt(0) == 'v' || s.charAt(0) == 'V')) {
      int dot = s.indexOf('.');
      if (dot < 2 || dot == s.length() - 1) {
        return false;
      }
      for (int i = 1; i < dot; i++) {
        if (Character.digit(s.charAt(i), 16) < 0) {
          return false;
        }
      }
      for (int i = dot + 1; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c != ':' && !unreservedOrSubDelim(c)) {
          return false;
        }
      }
      return true;
    }
    return s.indexOf(':') >= 0 && literal(s) != null; // IPv6 syntax (an IPv4-mapped one parses as IPv4)
  }

  /** {@code reg-name} (which IPv4 addresses also match): unreserved, sub-delims, pct-encoded. */
  private static boolean regName(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= to || Character.digit(s.charAt(i + 1), 16) < 0 || Character.digit(s.charAt(i + 2), 16) < 0) {
          return false;
        }
        i += 2;
      } else if (!unreservedOrSubDelim(c)) {
        return false;
      }
    }
    return true;
  }

  private static boolean unreservedOrSubDelim(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || "-._~!$&'()*+,;=".indexOf(c) >= 0;
  }

  private static boolean digits(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }
}
