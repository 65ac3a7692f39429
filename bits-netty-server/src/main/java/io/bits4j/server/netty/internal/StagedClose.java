package io.bits4j.server.netty.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The server's side of closing a connection after its last response (RFC 9112, section 9.6):
 * the write side first ({@code close_notify} on TLS, then the TCP FIN, which leaves after every
 * byte still queued), then whatever the client still sends is read and dropped until it closes
 * too or the linger bound passes. Closing the socket at once while the client's bytes still
 * arrive (the rest of a refused upload or of an oversized header, requests pipelined behind the
 * last one) makes the kernel answer with a reset, which throws away the response bytes not yet
 * transmitted, and Windows clients discard what they had received but not yet read too.
 *
 * <p>From the start of the close no byte read reaches TLS or the HTTP decoder, and the request
 * timer is gone: the linger bound (the idle timeout, at most {@link #MAX_LINGER_NANOS}) is the
 * only timer. Event loop only.
 */
final class StagedClose extends ChannelInboundHandlerAdapter {
  /** Longest a connection lingers, reading and dropping, after its write side has closed. */
  static final long MAX_LINGER_NANOS = TimeUnit.SECONDS.toNanos(5);
  private static final String NAME = "staged-close";

  /**
   * Closes a connection in stages, lingering up to {@code lingerNanos}, once the write this
   * listens to (the last response) has succeeded; at once if that write failed.
   */
  static ChannelFutureListener after(long lingerNanos) {
    return f -> {
      if (f.isSuccess()) {
        close(f.channel(), lingerNanos);
      } else {
        f.channel().close();
      }
    };
  }

  private StagedClose() {}

  /**
   * Closes {@code ch} in stages: call once its last response is written (the write side closes
   * behind every byte queued); the connection is closed for good when the client closes its side
   * or {@code lingerNanos} have passed. A second call, or one on a connection already closed, does
   * nothing more.
   */
  static void close(Channel ch, long lingerNanos) {
    if (!ch.isActive()) {
      ch.close();
      return;
    }
    ChannelPipeline p = ch.pipeline();
    if (p.get(NAME) != null) {
      return;
    }
    if (!(ch instanceof DuplexChannel duplex)) {
      ch.close();
      return;
    }
    p.addFirst(NAME, new StagedClose());
    if (p.get("timer") != null) {
      p.remove("timer");
    }
    ScheduledFuture<?> bound = ch.eventLoop().schedule(() -> ch.close(), lingerNanos, TimeUnit.NANOSECONDS);
    ch.closeFuture().addListener(f -> bound.cancel(false));
    ch.config().setAutoRead(true);
    SslHandler ssl = p.get(SslHandler.class);
    ChannelFuture notified = ssl != null ? ssl.closeOutbound() : ch.newSucceededFuture();
    notified.addListener(f -> duplex.shutdownOutput().addListener(ChannelFutureListener.CLOSE_ON_FAILURE));
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ReferenceCountUtil.release(msg); // the client's bytes after the last response: read, dropped
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    // nothing to pass on
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ServerCore.LOG.debug("closing {} while lingering: {}", ctx.channel(), cause.toString());
    ctx.close();
  }
}
