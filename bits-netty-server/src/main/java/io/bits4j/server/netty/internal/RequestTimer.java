package io.bits4j.server.netty.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Slow-header guard, placed before the HTTP codec: the first bytes of a request start a timer
 * that the complete header block stops ({@link #headersComplete()}). On expiry the connection
 * gets a bare 408 (if no response is being written) and is closed. Per connection; event loop
 * only.
 */
final class RequestTimer extends ChannelDuplexHandler {
  private static final String TIMEOUT_BODY = "408 Request Timeout\n";
  private static final byte[] TIMEOUT = ("HTTP/1.1 408 Request Timeout\r\nContent-Type: text/plain; charset=US-ASCII\r\n"
      + "Content-Length: " + TIMEOUT_BODY.length() + "\r\nConnection: close\r\n\r\n" + TIMEOUT_BODY)
      .getBytes(StandardCharsets.US_ASCII);

  private final long timeoutNanos;
  private @Nullable ChannelHandlerContext ctx;
  private @Nullable ScheduledFuture<?> timer;
  private boolean awaitingHeaders = true;
  boolean responding;

  RequestTimer(long timeoutNanos) {
    this.timeoutNanos = timeoutNanos;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext c) {
    this.ctx = c;
  }

  @Override
  public void channelRead(ChannelHandlerContext c, Object msg) {
    if (awaitingHeaders && timer == null && msg instanceof ByteBuf b && b.isReadable()) {
      timer = c.executor().schedule(this::expired, timeoutNanos, TimeUnit.NANOSECONDS);
    }
    c.fireChannelRead(msg);
  }

  /** The codec produced a request head: stop the timer until the next request starts. */
  void headersComplete() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext c) {
    headersComplete();
    c.fireChannelInactive();
  }

  private void expired() {
    timer = null;
    ChannelHandlerContext c = ctx;
    if (c == null || !c.channel().isActive()) {
      return;
    }
    ServerCore.LOG.debug("closing {}: request headers incomplete after {} ms", c.channel(), timeoutNanos / 1_000_000);
    if (responding) {
      c.close();
    } else {
      c.writeAndFlush(Unpooled.wrappedBuffer(TIMEOUT)).addListener(ChannelFutureListener.CLOSE);
    }
  }
}
