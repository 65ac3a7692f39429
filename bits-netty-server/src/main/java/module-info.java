/**
 * The bits4j compact server: {@code NettyCompactServer}, an HTTP/HTTPS range server on Netty
 * implementing {@link io.bits4j.CompactServer}.
 */
module io.bits4j.server.netty {
  requires transitive io.bits4j;
  requires static org.jspecify;
  requires io.netty.buffer;
  requires io.netty.codec;
  requires io.netty.codec.http;
  requires java.naming;
  requires io.netty.common;
  requires io.netty.handler;
  requires io.netty.transport;
  requires io.netty.transport.classes.epoll;
  requires org.slf4j;

  exports io.bits4j.server.netty;
}
