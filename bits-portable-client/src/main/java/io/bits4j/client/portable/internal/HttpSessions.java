package io.bits4j.client.portable.internal;

import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Factory for the network settings of an engine (keeps {@link HttpSession} package-private). */
public final class HttpSessions {
  /** The User-Agent the client sends. */
  public static final String USER_AGENT = "bits4j/0.1 (BITS-compatible)";

  /** Network settings for an {@link Engine.Config}. */
  public static HttpSession.Net net(@Nullable ProxySelector selector, TlsSupport tls, Duration connectTimeout,
      Duration readTimeout) {
    ProxySelector ps = selector != null ? selector : new ProxySelector() {
      @Override
      public List<Proxy> select(URI uri) {
        return List.of(Proxy.NO_PROXY);
      }

      @Override
      public void connectFailed(URI uri, SocketAddress sa, java.io.IOException ioe) {}
    };
    return new HttpSession.Net(ps, tls, connectTimeout, readTimeout, USER_AGENT);
  }

  private HttpSessions() {}
}
