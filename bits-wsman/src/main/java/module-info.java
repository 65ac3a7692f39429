/**
 * bits4j remote management over WS-Management, in the BITS WMI provider's dialect: the node-side
 * {@link io.bits4j.wsman.ManagementEndpoint} and the controller-side {@link
 * io.bits4j.wsman.WsmanSession} with its {@link io.bits4j.wsman.RemoteCompactServer} and {@link
 * io.bits4j.wsman.RemoteBitsClient}.
 */
module io.bits4j.wsman {
  requires transitive io.bits4j;
  requires static org.jspecify;
  requires java.xml;
  requires java.net.http;
  requires org.slf4j;
  requires io.netty.common;
  requires io.netty.buffer;
  requires io.netty.transport;
  requires io.netty.handler;
  requires io.netty.codec;
  requires io.netty.codec.http;

  exports io.bits4j.wsman;
}
