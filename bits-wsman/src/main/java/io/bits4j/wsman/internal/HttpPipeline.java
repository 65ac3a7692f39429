package io.bits4j.wsman.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.AttributeKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The endpoint's Netty pipeline: [TLS] → connection caps (in all, and per peer: {@link PeerKey}) →
 * request receive timeout (from the
 * request's first byte, headers included) → HTTP codec with bounded lines and headers → 500 KB
 * aggregator (413 before any XML is parsed) → flow control → keep-alive → {@link Handler} (POST
 * {@code /wsman} only, SOAP content type), which hands the body to the {@link Processor} on a worker
 * pool and never blocks the event loop. A connection has at most one request in progress: reading
 * stops until its answer is written, so pipelined requests are answered in order and one connection
 * cannot occupy the worker pool.
 *
 * <p>Pipelining is bounded: the codec holds at most {@link #MAX_PIPELINED} requests received and not
 * yet answered. A client that sends more without waiting for answers gets the answer to the request
 * in progress (with {@code Connection: close} when it is not yet on its way), then the connection is
 * closed: the requests still waiting are not processed, so no operation runs whose answer would be
 * lost. WS-Management clients send one request at a time.
 */
public final class HttpPipeline extends ChannelInitializer<Channel> {
  /** Largest request accepted (MaxEnvelopeSizekb 500). */
  public static final int MAX_REQUEST = 500 * 1024;

  /** Requests a connection may have received and not yet had answered (Netty's default depth). */
  public static final int MAX_PIPELINED = 128;

  private static final Logger AUDIT = LoggerFactory.getLogger("io.bits4j.wsman.audit");

  private static final AttributeKey<String> PEER = AttributeKey.valueOf(HttpPipeline.class, "peer");
  private static final AttributeKey<Long> OPENED = AttributeKey.valueOf(HttpPipeline.class, "opened");

  /** The most a request may take before its connection can give way to a newcomer at a cap. */
  static final long MAX_STALL_NANOS = TimeUnit.SECONDS.toNanos(5);

  private final @Nullable SslContext ssl;
  private final Processor processor;
  private final ExecutorService workers;
  private final int maxConnections;
  private final int maxConnectionsPerPeer;
  private final long receiveTimeoutMillis;
  private final long idleTimeoutMillis;
  /** Silent or receiving for this long, a connection may give way at a cap (min(5 s, receive timeout / 24)). */
  private final long stallNanos;
  private final AtomicInteger connections = new AtomicInteger();
  private final Map<String, Integer> perPeer = new ConcurrentHashMap<>(); // peer → its open connections, none at 0
  private final Set<Channel> open = ConcurrentHashMap.newKeySet();
  private final ConnectionCap cap = new ConnectionCap();

  public HttpPipeline(@Nullable SslContext ssl, Processor processor, ExecutorService workers, int maxConnections,
      int maxConnectionsPerPeer, long receiveTimeoutMillis, long idleTimeoutMillis) {
    this.ssl = ssl;
    this.processor = processor;
    this.workers = workers;
    this.maxConnections = maxConnections;
    this.maxConnectionsPerPeer = maxConnectionsPerPeer;
    this.receiveTimeoutMillis = receiveTimeoutMillis;
    this.idleTimeoutMillis = idleTimeoutMillis;
    this.stallNanos = Math.min(MAX_STALL_NANOS, TimeUnit.MILLISECONDS.toNanos(receiveTimeoutMillis) / 24);
  }

  /** Connections open now. */
  public int connections() {
    return connections.get();
  }

  /**
   * Closes every open connection (idle or with an operation in flight) and waits for them to be
   * closed, at most {@code timeoutMillis}. Shutting the event loop down alone does not reliably close
   * the accepted channels: a connection could stay established, its client waiting for a reply until
   * its own timeout, and its socket never closed.
   */
  public void closeConnections(long timeoutMillis) {
    List<ChannelFuture> closing = new ArrayList<>();
    for (Channel ch : open) {
      closing.add(ch.close());
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    for (ChannelFuture f : closing) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || !f.awaitUninterruptibly(TimeUnit.NANOSECONDS.toMillis(left) + 1)) {
        break;
      }
    }
  }

  @Override
  protected void initChannel(Channel ch) {
    if (ssl != null) {
      SslHandler tls = ssl.newHandler(ch.alloc());
      ch.pipeline().addLast("no-renegotiation", new RenegotiationGuard(tls)); // the JDK's TLS 1.2 would accept it
      ch.pipeline().addLast("tls", tls);
    }
    ch.pipeline().addLast("cap", cap);
    ch.pipeline().addLast("idle", new IdleStateHandler(0, 0, idleTimeoutMillis, TimeUnit.MILLISECONDS));
    ReceiveTimeout receive = new ReceiveTimeout(receiveTimeoutMillis);
    ch.pipeline().addLast("receive", receive);
    ch.pipeline().addLast("http", new HttpServerCodec(new HttpDecoderConfig().setMaxInitialLineLength(4096)
        .setMaxHeaderSize(16 * 1024).setMaxChunkSize(64 * 1024), MAX_PIPELINED));
    ch.pipeline().addLast("received", receive.end());
    ch.pipeline().addLast("aggregate", new HttpObjectAggregator(MAX_REQUEST));
    ch.pipeline().addLast("flow", new FlowControlHandler());
    ch.pipeline().addLast("keepalive", new HttpServerKeepAliveHandler());
    ch.pipeline().addLast("wsman", new Handler(processor, workers));
  }

  @ChannelHandler.Sharable
  private final class ConnectionCap extends ChannelInboundHandlerAdapter {
    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
      open.add(ctx.channel());
      ctx.channel().attr(OPENED).set(System.nanoTime());
      String peer = PeerKey.of(ctx.channel().remoteAddress());
      ctx.channel().attr(PEER).set(peer);
      int mine = perPeer.merge(peer, 1, Integer::sum);
      // beyond either cap: closed at once, before TLS or HTTP (the refused connection counts until it is closed)
      int all = connections.incrementAndGet();
      if (all > maxConnections || mine > maxConnectionsPerPeer) {
        // unless a connection gives way: at the peer's own cap one of that peer's, at the total cap
        // anyone's. A connection idle between requests always may (a client that kept connections
        // of closed sessions in its pool — the JDK 17 HTTP client does until garbage collection —
        // must not be locked out by them); one silent since it opened, or still receiving its
        // request, once that has taken longer than a request should (otherwise a few addresses
        // trickling bytes would hold every connection for the receive timeout and lock the
        // administrators out)
        if (!closeOneGivingWay(mine > maxConnectionsPerPeer ? peer : null, ctx.channel())) {
          ctx.close();
          return;
        }
      }
      super.channelActive(ctx);
    }

    /**
     * Closes the connection that gives way to {@code newcomer}: of {@code peer} only unless null,
     * never one whose request is with the processor or that has bytes left to write; of those, one
     * idle between requests (it answered at least one and has read nothing of the next), one
     * silent since it opened, or one receiving a request, the last two only after {@link
     * #stallNanos}; the one waiting longest. Event loop only (the endpoint has one: the other
     * channels' handlers are read on their own thread).
     *
     * @return false if none may give way
     */
    private boolean closeOneGivingWay(@Nullable String peer, Channel newcomer) {
      long now = System.nanoTime();
      Channel oldest = null;
      long oldestSince = 0;
      for (Channel ch : open) {
        if (ch == newcomer || (peer != null && !peer.equals(ch.attr(PEER).get())) || !ch.eventLoop().inEventLoop()) {
          continue;
        }
        Handler h = ch.pipeline().get(Handler.class);
        ReceiveTimeout r = ch.pipeline().get(ReceiveTimeout.class);
        Long opened = ch.attr(OPENED).get();
        io.netty.channel.ChannelOutboundBuffer out = ch.unsafe().outboundBuffer();
        if (h == null || r == null || opened == null || h.busy || (out != null && !out.isEmpty())) {
          continue;
        }
        long since;
        if (r.timer != null) {
          since = r.receivingSince; // receiving a request
        } else if (h.answered > 0) {
          since = h.answeredAt - stallNanos; // idle between requests: gives way at once
        } else {
          since = opened; // silent since it opened
        }
        if (now - since >= stallNanos && (oldest == null || since - oldestSince < 0)) {
          oldest = ch;
          oldestSince = since;
        }
      }
      if (oldest == null) {
        return false;
      }
      AUDIT.info("closed remote={} reason=gave-way-to-new-connection stalled-ms={}", oldest.remoteAddress(),
          TimeUnit.NANOSECONDS.toMillis(now - oldestSince));
      oldest.close();
      return true;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      open.remove(ctx.channel());
      connections.decrementAndGet();
      String peer = ctx.channel().attr(PEER).getAndSet(null);
      if (peer != null) {
        perPeer.computeIfPresent(peer, (k, n) -> n > 1 ? n - 1 : null);
      }
      super.channelInactive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (evt instanceof IdleStateEvent) {
        ctx.close();
        return;
      }
      super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close(); // TLS garbage (plain HTTP on the TLS port), resets: close quietly
    }
  }

  /**
   * Closes a connection that takes longer than the limit to deliver one whole request, headers
   * included (slow loris): the clock starts at the request's first byte (this handler sits before
   * the HTTP codec) and stops when the codec has decoded the request's end ({@link #end()}, after
   * the codec).
   */
  private static final class ReceiveTimeout extends ChannelInboundHandlerAdapter {
    private final long millis;
    private @Nullable ScheduledFuture<?> timer;
    /** When the request being received began (nano time; meaningful while {@link #timer} is set). */
    private long receivingSince;

    ReceiveTimeout(long millis) {
      this.millis = millis;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
      if (timer == null && msg instanceof ByteBuf && ((ByteBuf) msg).isReadable()) {
        Channel ch = ctx.channel();
        receivingSince = System.nanoTime();
        timer = ctx.executor().schedule(() -> {
          FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.REQUEST_TIMEOUT);
          r.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0).set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
          ch.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE); // through the HTTP encoder
        }, millis, TimeUnit.MILLISECONDS);
      }
      super.channelRead(ctx, msg);
    }

    /** The handler after the codec that stops the clock when a request has been received whole. */
    ChannelInboundHandlerAdapter end() {
      return new ChannelInboundHandlerAdapter() {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
          if (msg instanceof LastHttpContent && timer != null) {
            timer.cancel(false);
            timer = null;
          }
          super.channelRead(ctx, msg);
        }
      };
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      if (timer != null) {
        timer.cancel(false);
        timer = null;
      }
      super.channelInactive(ctx);
    }
  }

  /** Routes {@code POST /wsman} to the processor on a worker thread. */
  private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final Processor processor;
    private final ExecutorService workers;
    private boolean busy; // a request is with the processor (event loop only)
    private int answered; // requests the processor answered on this connection (event loop only)
    private long answeredAt; // nano time of the last answer (event loop only)
    private volatile boolean draining; // pipelined too deep: answer the request in progress, then close

    Handler(Processor processor, ExecutorService workers) {
      this.processor = processor;
      this.workers = workers;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
      if (draining) {
        return; // received before the connection was condemned: not processed, never answered
      }
      boolean keepAlive = HttpUtil.isKeepAlive(req);
      if (req.decoderResult().isFailure()) {
        send(ctx.channel(), refusal(req.decoderResult().cause()), null, false, false);
        return;
      }
      if (req.protocolVersion().majorVersion() != 1) {
        send(ctx.channel(), HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED, null, false, false);
        return;
      }
      List<String> hosts = req.headers().getAll(HttpHeaderNames.HOST);
      if (hosts.size() > 1 || (hosts.size() == 1 && !HOST.matcher(hosts.get(0).strip()).matches())
          || (hosts.isEmpty() && req.protocolVersion().minorVersion() >= 1)) {
        send(ctx.channel(), HttpResponseStatus.BAD_REQUEST, null, false, false); // RFC 9112, section 3.2
        return;
      }
      String path = path(req.uri());
      if (path == null) {
        send(ctx.channel(), HttpResponseStatus.BAD_REQUEST, null, false, false);
        return;
      }
      if (!path.equalsIgnoreCase("/wsman") && !path.equalsIgnoreCase("/wsman/")) {
        send(ctx.channel(), HttpResponseStatus.NOT_FOUND, null, keepAlive, false);
        return;
      }
      if (!req.method().equals(HttpMethod.POST)) {
        FullHttpResponse r = response(HttpResponseStatus.METHOD_NOT_ALLOWED, null, keepAlive);
        r.headers().set(HttpHeaderNames.ALLOW, "POST");
        write(ctx.channel(), r, keepAlive);
        return;
      }
      String type = req.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
      int semicolon = type.indexOf(';');
      if (!(semicolon < 0 ? type : type.substring(0, semicolon)).strip().equalsIgnoreCase("application/soap+xml")) {
        send(ctx.channel(), HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, null, keepAlive, false);
        return;
      }
      byte[] body = ByteBufUtil.getBytes(req.content());
      String authorization = req.headers().get(HttpHeaderNames.AUTHORIZATION);
      boolean unauthenticatedIdentify = "unauthenticated".equalsIgnoreCase(
          req.headers().get("WSMANIDENTIFY", "").strip());
      X509Certificate cert = peerCertificate(ctx.channel());
      Channel ch = ctx.channel();
      // one request in progress per connection: read the next only once this one is answered
      ch.config().setAutoRead(false);
      busy = true;
      try {
        workers.execute(() -> processor.process(body, authorization, unauthenticatedIdentify, cert,
            ch.remoteAddress(), r -> {
              boolean persist = keepAlive && !draining;
              FullHttpResponse resp = response(HttpResponseStatus.valueOf(r.status()), r.body(), persist);
              if (r.challenge()) {
                resp.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Basic realm=\"WSMAN\"");
              }
              if (r.retryAfterSeconds() > 0) {
                resp.headers().set(HttpHeaderNames.RETRY_AFTER, r.retryAfterSeconds());
              }
              write(ch, resp, persist).addListener(f -> answered(ch));
            }));
      } catch (RejectedExecutionException e) {
        busy = false;
        ch.config().setAutoRead(true);
        FullHttpResponse r = response(HttpResponseStatus.SERVICE_UNAVAILABLE, null, keepAlive);
        r.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
        write(ch, r, keepAlive);
      }
    }

    /** The answer to the request in progress is written (or the connection is gone): on to the next. */
    private void answered(Channel ch) {
      if (!ch.eventLoop().inEventLoop()) {
        try {
          ch.eventLoop().execute(() -> answered(ch)); // a write to a closed channel completes at once
        } catch (RejectedExecutionException e) {
          // the endpoint is shutting down: nothing more to read
        }
        return;
      }
      busy = false;
      if (draining) {
        ch.close();
      } else {
        answered++;
        answeredAt = System.nanoTime();
        ch.config().setAutoRead(true);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (pipelinedTooDeep(cause)) {
        // the codec has stopped decoding this connection; the request in progress is still answered
        if (!draining) {
          draining = true;
          AUDIT.warn("refused remote={} user=- reason=pipelined-too-deep limit={}", ctx.channel().remoteAddress(),
              MAX_PIPELINED);
        }
        if (!busy) {
          ctx.close();
        }
        return;
      }
      ctx.close();
    }

    /** A Host value: uri-host with an optional port (RFC 9110, section 7.2); empty is allowed. */
    private static final java.util.regex.Pattern HOST =
        java.util.regex.Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9._~!$&'()*+,;=%-]*)(:[0-9]*)?");

    /**
     * The path of a request target in origin form ({@code /wsman?x}) or absolute form ({@code
     * http://host:port/wsman}, which a server must accept: RFC 9112, section 3.2.2); null for
     * anything else (authority form, asterisk form, a malformed URI).
     */
    static @Nullable String path(String target) {
      String t = target;
      if (t.regionMatches(true, 0, "http://", 0, 7) || t.regionMatches(true, 0, "https://", 0, 8)) {
        try {
          String p = new java.net.URI(t).getRawPath();
          t = p == null || p.isEmpty() ? "/" : p;
        } catch (java.net.URISyntaxException e) {
          return null;
        }
      } else if (!t.startsWith("/")) {
        return null;
      }
      int q = t.indexOf('?');
      return q >= 0 ? t.substring(0, q) : t;
    }

    /**
     * The status for a request the codec could not decode: 414 for a request line beyond 4 KiB, 431
     * for headers beyond 16 KiB (RFC 9110 section 15.5.15, RFC 6585 section 5), 400 for the rest.
     */
    static HttpResponseStatus refusal(@Nullable Throwable cause) {
      if (cause instanceof TooLongHttpLineException) {
        return HttpResponseStatus.REQUEST_URI_TOO_LONG;
      }
      if (cause instanceof TooLongHttpHeaderException) {
        return HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
      }
      return HttpResponseStatus.BAD_REQUEST;
    }

    /** Netty's HTTP server codec refuses a request beyond its pipelining depth with this exception. */
    private static boolean pipelinedTooDeep(Throwable cause) {
      return cause instanceof DecoderException && cause.getCause() instanceof IllegalStateException
          && String.valueOf(cause.getCause().getMessage()).startsWith("maxPipelineDepth exceeded");
    }

    private static @Nullable X509Certificate peerCertificate(Channel ch) {
      SslHandler tls = ch.pipeline().get(SslHandler.class);
      if (tls == null) {
        return null;
      }
      try {
        Certificate[] certs = tls.engine().getSession().getPeerCertificates();
        return certs.length > 0 && certs[0] instanceof X509Certificate ? (X509Certificate) certs[0] : null;
      } catch (SSLPeerUnverifiedException e) {
        return null;
      }
    }

    private static FullHttpResponse response(HttpResponseStatus status, byte @Nullable [] body, boolean keepAlive) {
      FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
          body == null ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
      r.headers().set(HttpHeaderNames.CONTENT_LENGTH, body == null ? 0 : body.length);
      if (body != null) {
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/soap+xml;charset=UTF-8");
      }
      r.headers().set(HttpHeaderNames.SERVER, "bits4j-wsman");
      HttpUtil.setKeepAlive(r, keepAlive);
      return r;
    }

    private static void send(Channel ch, HttpResponseStatus status, byte @Nullable [] body, boolean keepAlive,
        boolean challenge) {
      FullHttpResponse r = response(status, body, keepAlive);
      if (challenge) {
        r.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Basic realm=\"WSMAN\"");
      }
      write(ch, r, keepAlive);
    }

    private static ChannelFuture write(Channel ch, FullHttpResponse r, boolean keepAlive) {
      if (!ch.isActive()) {
        r.release();
        return ch.newSucceededFuture();
      }
      if (keepAlive) {
        return ch.writeAndFlush(r);
      }
      return ch.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
    }
  }
}
