package io.bits4j.server.netty;

import java.time.Duration;
import java.util.Objects;

/**
 * Server-wide protocol limits of a {@link NettyCompactServer}. Per-group limits (connections in
 * flight, bandwidth) live on {@link io.bits4j.UrlGroup}.
 *
 * <pre>{@code
 * ServerLimits limits = ServerLimits.DEFAULTS.withIdleTimeout(Duration.ofSeconds(30));
 * NettyCompactServer server = NettyCompactServer.builder().limits(limits).build();
 * }</pre>
 *
 * @param maxRequestLineBytes longest request line accepted; longer gets 414 (default 4 KiB)
 * @param maxHeaderBytes largest header block accepted; larger gets 431 (default 16 KiB)
 * @param idleTimeout a keep-alive connection with no request for this long is closed (default 60 s)
 * @param headerTimeout a request whose header block has not arrived completely this long after
 *     its first byte gets 408 and the connection is closed (default 15 s)
 * @param maxConnections open connections the server accepts at once, over all ports; more are
 *     closed at once (default 10,000)
 */
public record ServerLimits(int maxRequestLineBytes, int maxHeaderBytes, Duration idleTimeout,
    Duration headerTimeout, int maxConnections) {

  /** The defaults: 4 KiB line, 16 KiB headers, 60 s idle, 15 s header timeout, 10,000 connections. */
  public static final ServerLimits DEFAULTS =
      new ServerLimits(4096, 16384, Duration.ofSeconds(60), Duration.ofSeconds(15), 10_000);

  /**
   * Validates.
   *
   * @throws IllegalArgumentException if a size or count is below 256 / 1, or a timeout is not positive
   */
  public ServerLimits {
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    Objects.requireNonNull(headerTimeout, "headerTimeout");
    if (maxRequestLineBytes < 256 || maxHeaderBytes < 256) {
      throw new IllegalArgumentException("line and header limits must be at least 256 bytes");
    }
    if (maxConnections < 1) {
      throw new IllegalArgumentException("maxConnections must be positive: " + maxConnections);
    }
    if (idleTimeout.isNegative() || idleTimeout.isZero() || headerTimeout.isNegative() || headerTimeout.isZero()) {
      throw new IllegalArgumentException("timeouts must be positive");
    }
  }

  /** A copy with another idle timeout. */
  public ServerLimits withIdleTimeout(Duration timeout) {
    return new ServerLimits(maxRequestLineBytes, maxHeaderBytes, timeout, headerTimeout, maxConnections);
  }

  /** A copy with another header timeout. */
  public ServerLimits withHeaderTimeout(Duration timeout) {
    return new ServerLimits(maxRequestLineBytes, maxHeaderBytes, idleTimeout, timeout, maxConnections);
  }

  /** A copy with another connection cap. */
  public ServerLimits withMaxConnections(int max) {
    return new ServerLimits(maxRequestLineBytes, maxHeaderBytes, idleTimeout, headerTimeout, max);
  }

  /** A copy with other line and header size limits. */
  public ServerLimits withSizes(int requestLineBytes, int headerBytes) {
    return new ServerLimits(requestLineBytes, headerBytes, idleTimeout, headerTimeout, maxConnections);
  }
}
