package io.bits4j.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Loopback TCP ports for tests that must name a port before something listens on it (a URL
 * group's prefix, a command line): {@link #next()} asks the system for a port free right now and
 * never hands out the same port twice in one JVM. Asking the system twice in a row can give the
 * same port back (the first one was closed again), which made two URL groups meant for two
 * listeners land on one port. Another process may still take a port before the test binds it:
 * that race is the caller's.
 */
public final class LoopbackPorts {
  /** How many times the system is asked for a port not handed out before. */
  private static final int ATTEMPTS = 100;
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  private LoopbackPorts() {}

  /**
   * A TCP port free on the loopback address when asked, not returned by an earlier call in this
   * JVM.
   *
   * @throws UncheckedIOException if no port can be bound, or none not handed out before comes
   *     back in 100 attempts
   */
  public static int next() {
    for (int i = 0; i < ATTEMPTS; i++) {
      int port;
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        port = s.getLocalPort();
      } catch (IOException e) {
        throw new UncheckedIOException("no free loopback port", e);
      }
      if (HANDED_OUT.add(port)) {
        return port;
      }
    }
    throw new UncheckedIOException(new IOException("every port the system offered in " + ATTEMPTS
        + " attempts was handed out before"));
  }
}
