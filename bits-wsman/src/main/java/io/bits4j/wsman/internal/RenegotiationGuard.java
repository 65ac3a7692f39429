package io.bits4j.wsman.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;

/**
 * Refuses TLS renegotiation, which the JDK's TLS 1.2 accepts from clients (OpenSSL refuses it
 * itself): it sits in front of the {@link SslHandler}, follows the TLS record headers, and closes
 * the connection when a handshake record (content type 22) arrives after the handshake completed.
 * Renegotiation lets a client make the server repeat the costly handshake at will on one
 * connection and change the certificate the connection authenticated with. TLS 1.3 sends its
 * post-handshake messages in application data records, so there such a record is never
 * legitimate either. One per connection; event loop only. (The compact server has the same guard;
 * the two modules share no Netty code.)
 */
final class RenegotiationGuard extends ChannelInboundHandlerAdapter {
  private static final int HANDSHAKE = 22;

  private final SslHandler ssl;
  private final byte[] header = new byte[5];
  private int headerBytes;
  private int bodyLeft;

  RenegotiationGuard(SslHandler ssl) {
    this.ssl = ssl;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf buf && renegotiates(buf)) {
      buf.release();
      ctx.close();
      return;
    }
    ctx.fireChannelRead(msg);
  }

  /** Walks the record headers in {@code buf}; true at a handshake record after the handshake. */
  private boolean renegotiates(ByteBuf buf) {
    int i = buf.readerIndex();
    int end = buf.writerIndex();
    while (i < end) {
      if (bodyLeft > 0) {
        int skip = Math.min(bodyLeft, end - i);
        bodyLeft -= skip;
        i += skip;
        continue;
      }
      header[headerBytes++] = buf.getByte(i++);
      if (headerBytes == header.length) {
        headerBytes = 0;
        bodyLeft = (header[3] & 0xFF) << 8 | (header[4] & 0xFF);
        if (header[0] == HANDSHAKE && ssl.handshakeFuture().isSuccess()) {
          return true;
        }
      }
    }
    return false;
  }
}
