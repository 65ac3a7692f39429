/**
 * The bits4j compact server: {@code NettyCompactServer}, an HTTP/HTTPS range server on Netty implementing {@link io.bits4j.CompactServer}.
 */
module io.bits4j.server.netty {
  requires transitive io.bits4j;
  requires static org.jspecify;

  // exports io.bits4j.server.netty; -- added when the implementation lands (javac refuses to export an empty package)
}
