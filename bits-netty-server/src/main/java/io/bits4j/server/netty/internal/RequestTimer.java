package io.bits4j.server.netty.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Slow-header and idle guard, placed before the HTTP codec. The first bytes of a request set a
 * deadline that the complete header block clears ({@link #headersComplete()}); past it the
 * connection gets a bare 408 (if no response is being written) and is closed. A connection that
 * neither reads nor makes progress writing for the idle timeout is closed, unless the server is
 * still working on one of its requests ({@link #working}).
 *
 * <p>One timer per connection, re-armed when it fires, never per request: it wakes at the
 * earliest deadline but at least once per header timeout, which is as soon as any request
 * started since can expire. Writing progress is observed at those wakes from the channel's
 * outbound buffer (a response crawling to a slow reader keeps the connection; one its reader
 * stopped taking does not), so no listener is added to any write. Per connection; event loop
 * only.
 */
final class RequestTimer extends ChannelInboundHandlerAdapter {
  private static final String TIMEOUT_BODY = "408 Request Timeout\n";
  private static final byte[] TIMEOUT = ("HTTP/1.1 408 Request Timeout\r\nContent-Type: text/plain; charset=US-ASCII\r\n"
      + "Content-Length: " + TIMEOUT_BODY.length() + "\r\nConnection: close\r\n\r\n" + TIMEOUT_BODY)
      .getBytes(StandardCharsets.US_ASCII);

  private final long headerNanos;
  private final long idleNanos;
  private @Nullable ChannelHandlerContext ctx;
  private @Nullable ScheduledFuture<?> wake;
  /** When the request whose head is arriving must be complete; only while {@link #awaiting}. */
  private long headerDeadline;
  private boolean awaiting;
  private long lastActivity;
  private @Nullable Object outCurrent;
  private long outProgress;
  private long outPending;
  /** A response is being written: an expired header timer then closes without a 408. */
  boolean responding;
  /**
   * The server is working on a request (verifying its credentials) and has nothing to write yet:
   * the connection is not idle, however long that takes.
   */
  boolean working;

  RequestTimer(long headerNanos, long idleNanos) {
    if (headerNanos <= 0 || idleNanos <= 0) {
      throw new IllegalArgumentException("timeouts must be positive");
    }
    this.headerNanos = headerNanos;
    this.idleNanos = idleNanos;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext c) {
    this.ctx = c;
    if (c.channel().isActive() && c.channel().isRegistered()) {
      start(c);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext c) {
    start(c);
    c.fireChannelActive();
  }

  private void start(ChannelHandlerContext c) {
    if (wake == null) {
      lastActivity = System.nanoTime();
      arm(c, lastActivity);
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext c, Object msg) {
    long now = System.nanoTime();
    lastActivity = now;
    if (!awaiting && msg instanceof ByteBuf b && b.isReadable()) {
      awaiting = true;
      headerDeadline = now + headerNanos; // never before the wake already armed (see arm)
    }
    c.fireChannelRead(msg);
  }

  /**
   * How long a connection closing in stages waits for its client to close: the idle timeout, at
   * most {@link StagedClose#MAX_LINGER_NANOS}.
   */
  long lingerNanos() {
    return Math.min(idleNanos, StagedClose.MAX_LINGER_NANOS);
  }

  /** The codec produced a request head: no deadline until the next request starts. */
  void headersComplete() {
    awaiting = false;
  }

  @Override
  public void channelInactive(ChannelHandlerContext c) {
    awaiting = false;
    stop();
    c.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext c) {
    stop();
  }

  private void stop() {
    ScheduledFuture<?> w = wake;
    if (w != null) {
      wake = null;
      w.cancel(false);
    }
  }

  /** Schedules the next wake: the earliest deadline, and no later than one header timeout from now. */
  private void arm(ChannelHandlerContext c, long now) {
    long next = now + Math.min(headerNanos, idleNanos);
    if (awaiting && headerDeadline - next < 0) {
      next = headerDeadline;
    }
    long idleAt = lastActivity + idleNanos;
    if (idleAt - next < 0) {
      next = idleAt;
    }
    wake = c.executor().schedule(this::check, Math.max(0, next - now), TimeUnit.NANOSECONDS);
  }

  private void check() {
    wake = null;
    ChannelHandlerContext c = ctx;
    if (c == null || !c.channel().isActive()) {
      return;
    }
    long now = System.nanoTime();
    if (awaiting && now - headerDeadline >= 0) {
      awaiting = false;
      ServerCore.LOG.debug("closing {}: request headers incomplete after {} ms", c.channel(), headerNanos / 1_000_000);
      if (responding) {
        c.close();
      } else {
        c.writeAndFlush(Unpooled.wrappedBuffer(TIMEOUT)).addListener(StagedClose.after(lingerNanos()));
      }
      return;
    }
    if (outputMoved(c) || working) {
      lastActivity = now;
    }
    if (now - lastActivity >= idleNanos) {
      ServerCore.LOG.debug("closing {}: idle for {} ms", c.channel(), idleNanos / 1_000_000);
      c.close();
      return;
    }
    arm(c, now);
  }

  /** Whether the outbound buffer changed since the last wake (bytes written or added). */
  private boolean outputMoved(ChannelHandlerContext c) {
    ChannelOutboundBuffer buf = c.channel().unsafe().outboundBuffer();
    if (buf == null) {
      return false;
    }
    Object current = buf.current();
    long progress = buf.currentProgress();
    long pending = buf.totalPendingWriteBytes();
    boolean moved = current != outCurrent || progress != outProgress || pending != outPending;
    outCurrent = current;
    outProgress = progress;
    outPending = pending;
    return moved;
  }
}
