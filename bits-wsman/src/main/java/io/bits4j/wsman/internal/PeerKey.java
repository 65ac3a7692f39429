package io.bits4j.wsman.internal;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.jspecify.annotations.Nullable;

/**
 * The key under which the endpoint counts a peer's connections and failed logins: an IPv4 address
 * as such, an IPv6 address by its /64 network (one host usually holds a whole /64, so counting
 * single IPv6 addresses would let one attacker appear as billions of peers), except loopback and
 * link-local IPv6 addresses, which are counted one by one (every link-local address shares the
 * prefix {@code fe80::/64}). The port never counts.
 */
public final class PeerKey {
  private PeerKey() {}

  /** The key of a remote address ({@code String.valueOf} of anything but an IP socket address). */
  public static String of(@Nullable SocketAddress remote) {
    if (!(remote instanceof InetSocketAddress) || ((InetSocketAddress) remote).getAddress() == null) {
      return String.valueOf(remote);
    }
    InetAddress a = ((InetSocketAddress) remote).getAddress();
    if (a instanceof Inet6Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
      byte[] b = a.getAddress();
      return String.format("%x:%x:%x:%x::/64", word(b, 0), word(b, 2), word(b, 4), word(b, 6));
    }
    return a.getHostAddress();
  }

  private static int word(byte[] b, int i) {
    return ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
  }
}
