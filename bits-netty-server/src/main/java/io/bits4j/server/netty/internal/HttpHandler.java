package io.bits4j.server.netty.internal;

import io.bits4j.Principal;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's request handling: validation, routing, authentication, access check,
 * connection limit, then the range engine's plan written with zero-copy regions (plain HTTP) or
 * chunked reads (TLS, bandwidth limits). Requests are answered strictly in order; while an
 * authentication runs off the event loop, later pipelined requests wait. Per connection, event
 * loop only.
 */
final class HttpHandler extends ChannelInboundHandlerAdapter {
  private static final Logger ACCESS = LoggerFactory.getLogger("io.bits4j.server.access");
  private static final Set<String> KNOWN_METHODS =
      Set.of("POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT");
  private static final int TLS_CHUNK = 64 * 1024;
  /** Responses (each holding an open file) queued on one connection before later requests wait unopened. */
  static final int MAX_IN_FLIGHT = 8;
  /**
   * Most bytes one {@code sendfile} may move. A reader that drains its socket as fast as the
   * kernel fills it (loopback, fast LANs) would otherwise keep one call, and the event loop with
   * all its other connections, busy for a whole large file; nginx caps its calls the same way
   * ({@code sendfile_max_chunk 2m}). Bodies with more file bytes (one range or several) go as a
   * chain of steps of at most this many, each written when the one before it has been sent.
   */
  static final long SENDFILE_CHUNK = 2L << 20;
  /**
   * Pipelined requests a connection may have waiting. A client that sends more without reading
   * gets those answered, the last with {@code Connection: close}; the requests after it are read
   * and dropped, unanswered (RFC 9112, section 9.3.2: it retries them on a new connection).
   */
  static final int MAX_WAITING = 256;
  /**
   * The request headers the range engine asks for, as Netty's names: an {@link AsciiString}
   * carries its case-insensitive hash, a {@code String} name is hashed again on every lookup.
   */
  private static final Map<String, AsciiString> ENGINE_HEADERS = Map.of(
      "If-Match", HttpHeaderNames.IF_MATCH,
      "If-None-Match", HttpHeaderNames.IF_NONE_MATCH,
      "If-Modified-Since", HttpHeaderNames.IF_MODIFIED_SINCE,
      "If-Unmodified-Since", HttpHeaderNames.IF_UNMODIFIED_SINCE,
      "Unless-Modified-Since", AsciiString.cached("unless-modified-since"),
      "Range", HttpHeaderNames.RANGE,
      "If-Range", HttpHeaderNames.IF_RANGE);

  private final ServerCore core;
  private final int port;
  private final boolean secure;
  /** Whether the handshake of this connection required a client certificate. */
  private final boolean clientCertificate;
  private final RequestTimer timer;
  private final ArrayDeque<HttpRequest> waiting = new ArrayDeque<>();
  private boolean suspended;
  /** A chained zero-copy body is being sent: later requests wait, or their heads would land in it. */
  private boolean streaming;
  /** The file of a chain whose next step is scheduled (null otherwise), and that chain's end. */
  private @Nullable SharedFile chainFile;
  private @Nullable Consumer<ChannelFuture> chainFinish;
  private boolean draining;
  private boolean closing;
  /**
   * The last request this connection answers, once the client pipelined past {@link #MAX_WAITING}:
   * it is answered with {@code Connection: close}, the requests read after it are dropped.
   */
  private @Nullable HttpRequest lastRequest;
  /** A request body could not be parsed: the codec drops all later bytes, so no request follows. */
  private boolean inputBroken;
  private int inFlight;

  HttpHandler(ServerCore core, int port, boolean secure, boolean clientCertificate, RequestTimer timer) {
    this.core = core;
    this.port = port;
    this.secure = secure;
    this.clientCertificate = clientCertificate;
    this.timer = timer;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof HttpRequest req) {
        timer.headersComplete();
        if (closing || lastRequest != null) {
          return;
        }
        if (suspended || streaming || inFlight >= MAX_IN_FLIGHT || !waiting.isEmpty()) {
          if (waiting.size() >= MAX_WAITING) {
            // no more requests taken: those waiting are answered, then the connection closes;
            // until then what the client sends is read and dropped, not buffered
            ServerCore.LOG.debug("closing {} after the waiting responses: more than {} pipelined requests",
                ctx.channel(), MAX_WAITING);
            lastRequest = waiting.peekLast();
            ctx.channel().config().setAutoRead(true);
            return;
          }
          waiting.add(req);
          ctx.channel().config().setAutoRead(false);
          return;
        }
        handle(ctx, req);
      } else if (msg instanceof HttpContent c && c.decoderResult().isFailure() && lastRequest == null) {
        malformedBody(ctx, c.decoderResult());
      }
      // request bodies (HttpContent) are otherwise read and dropped: GET and HEAD need none
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  /**
   * A request body the codec could not parse (a bad chunk size or trailer): the codec drops all
   * later bytes, so nothing more can be framed on this connection. The request it belongs to, if
   * still waiting, is answered as malformed (400, or 431 for a trailer too large) and the
   * connection closed; if it was answered already, the connection closes once the responses under
   * way have ended (RFC 9112, section 2.2).
   */
  private void malformedBody(ChannelHandlerContext ctx, DecoderResult result) {
    if (closing) {
      return;
    }
    HttpRequest owner = waiting.peekLast();
    if (owner != null) {
      owner.setDecoderResult(result);
      return;
    }
    inputBroken = true;
    drain(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    SharedFile f = chainFile;
    Consumer<ChannelFuture> fin = chainFinish;
    if (f != null && fin != null) {
      chainFile = null;
      chainFinish = null;
      abandonChain(ctx, f, fin);
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // TLS garbage, resets, file errors mid-send: never answered with a trace, just closed
    ServerCore.LOG.debug("closing {}: {}", ctx.channel(), cause.toString());
    ctx.close();
  }

  /** Per-request context. */
  private final class Exchange {
    final HttpRequest req;
    /** For the access log's duration; 0 (not taken) while that log is off. */
    final long startNanos = ACCESS.isInfoEnabled() ? System.nanoTime() : 0;
    final boolean keepAlive;
    final boolean head;
    @Nullable GroupImpl group;
    String suffix = "";
    Principal principal = Principal.ANONYMOUS;
    boolean counted;

    Exchange(HttpRequest req) {
      this.req = req;
      this.keepAlive = HttpUtil.isKeepAlive(req) && req != lastRequest;
      this.head = req.method().equals(HttpMethod.HEAD);
    }
  }

  private void handle(ChannelHandlerContext ctx, HttpRequest req) {
    Exchange ex = new Exchange(req);
    DecoderResult dr = req.decoderResult();
    if (dr.isFailure()) {
      Throwable c = dr.cause();
      if (c instanceof TooLongHttpLineException) {
        error(ctx, ex, HttpResponseStatus.REQUEST_URI_TOO_LONG, true);
      } else if (c instanceof TooLongHttpHeaderException) {
        error(ctx, ex, HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, true);
      } else {
        error(ctx, ex, HttpResponseStatus.BAD_REQUEST, true);
      }
      return;
    }
    HttpVersion v = req.protocolVersion();
    if (v.majorVersion() != 1) {
      // another major version (HTTP/2.0 spoken as text, HTTP/3.0): RFC 9110 section 15.6.6; a later
      // 1.x minor version is read as 1.1 (section 2.5)
      error(ctx, ex, HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED, true);
      return;
    }
    String method = req.method().name();
    if (!method.equals("GET") && !method.equals("HEAD")) {
      HttpResponseStatus s = KNOWN_METHODS.contains(method)
          ? HttpResponseStatus.METHOD_NOT_ALLOWED : HttpResponseStatus.NOT_IMPLEMENTED;
      boolean hasBody = HttpUtil.isTransferEncodingChunked(req) || HttpUtil.getContentLength(req, 0L) > 0;
      send(ctx, ex, s, hasBody || !ex.keepAlive, List.of(Map.entry("Allow", "GET, HEAD")));
      return;
    }
    List<String> hosts = req.headers().getAll(HttpHeaderNames.HOST);
    if (hosts.size() > 1 || (v.minorVersion() >= 1 && hosts.isEmpty())) {
      error(ctx, ex, HttpResponseStatus.BAD_REQUEST, true);
      return;
    }
    String host = hosts.isEmpty() ? null : Routes.hostOf(hosts.get(0));
    if (!hosts.isEmpty() && host == null) {
      error(ctx, ex, HttpResponseStatus.BAD_REQUEST, true);
      return;
    }
    var target = RequestPath.parse(req.uri());
    if (target.isEmpty()) {
      error(ctx, ex, HttpResponseStatus.BAD_REQUEST, true);
      return;
    }
    String authority = RequestPath.authority(req.uri());
    if (authority != null) {
      // absolute form: its host, not the Host header, names the host (RFC 9112, section 3.2.2)
      host = Routes.hostOf(authority);
      if (host == null) {
        error(ctx, ex, HttpResponseStatus.BAD_REQUEST, true);
        return;
      }
    }
    InetSocketAddress local = (InetSocketAddress) ctx.channel().localAddress();
    Routes routes = core.routes();
    Routes.Port rp = routes.port(port);
    if (rp != null && (rp.secure() != secure || (rp.clientCertificate() && !clientCertificate))) {
      // the port was re-created with other security since this connection was accepted
      closing = true;
      ctx.close();
      return;
    }
    GroupImpl g = routes.route(port, host, local.getAddress(), target.get().group());
    if (g == null) {
      error(ctx, ex, HttpResponseStatus.NOT_FOUND, false);
      return;
    }
    ex.group = g;
    ex.suffix = target.get().suffix();
    HostedFileImpl file = g.lookup(ex.suffix);
    if (g.schemes().isEmpty()) {
      if (file == null) {
        error(ctx, ex, HttpResponseStatus.NOT_FOUND, false);
        return;
      }
      authorized(ctx, ex, file, Principal.ANONYMOUS);
      return;
    }
    // a group with authentication answers 404 only to an authenticated client (as HTTP.SYS
    // challenges before the application sees the path): 401 for every suffix, hosted or not, so an
    // unauthenticated client cannot probe which suffixes exist
    var future = core.authenticator.authenticate(g, req, ctx.channel(), secure);
    if (future.isDone()) {
      afterAuth(ctx, ex, file, future.join());
      return;
    }
    suspended = true;
    timer.working = true; // not idle: the server owes this request an answer
    ctx.channel().config().setAutoRead(false);
    future.whenComplete((r, t) -> ctx.executor().execute(() -> {
      Authenticator.Result res = r != null ? r : new Authenticator.Result(null, List.of(), true);
      timer.working = false;
      afterAuth(ctx, ex, file, res);
      suspended = false;
      drain(ctx);
    }));
  }

  /**
   * Handles waiting requests while nothing blocks them; reading resumes when none wait, or, after
   * a malformed body, the connection closes when no response is under way either.
   */
  private void drain(ChannelHandlerContext ctx) {
    if (draining) {
      return; // a response completed inside handle(): the outer loop goes on
    }
    draining = true;
    try {
      while (!suspended && !streaming && !closing && inFlight < MAX_IN_FLIGHT && !waiting.isEmpty()
          && ctx.channel().isActive()) {
        handle(ctx, waiting.poll());
      }
    } finally {
      draining = false;
    }
    if (!suspended && !streaming && waiting.isEmpty() && !closing) {
      if (inputBroken && inFlight == 0) {
        closing = true;
        StagedClose.close(ctx.channel(), timer.lingerNanos());
      } else {
        ctx.channel().config().setAutoRead(true);
      }
    }
  }

  private void afterAuth(ChannelHandlerContext ctx, Exchange ex, @Nullable HostedFileImpl file,
      Authenticator.Result r) {
    if (!ctx.channel().isActive()) {
      return;
    }
    if (r.overloaded()) {
      send(ctx, ex, HttpResponseStatus.SERVICE_UNAVAILABLE, !ex.keepAlive, List.of(Map.entry("Retry-After", "1")));
      return;
    }
    Principal principal = r.principal();
    if (principal == null) {
      List<String> challenges = r.challenges();
      if (challenges.isEmpty()) {
        // only client certificates are enabled and none was accepted
        error(ctx, ex, HttpResponseStatus.FORBIDDEN, false);
        return;
      }
      List<Map.Entry<String, String>> extra = new java.util.ArrayList<>(challenges.size());
      for (String c : challenges) {
        extra.add(Map.entry("WWW-Authenticate", c));
      }
      send(ctx, ex, HttpResponseStatus.UNAUTHORIZED, !ex.keepAlive, extra);
      return;
    }
    if (file == null) {
      error(ctx, ex, HttpResponseStatus.NOT_FOUND, false);
      return;
    }
    authorized(ctx, ex, file, principal);
  }

  private void authorized(ChannelHandlerContext ctx, Exchange ex, HostedFileImpl file, Principal principal) {
    ex.principal = principal;
    if (!file.access().allowsDownload(principal)) {
      error(ctx, ex, HttpResponseStatus.FORBIDDEN, false);
      return;
    }
    GroupImpl g = Objects.requireNonNull(ex.group);
    int limit = g.connectionLimitRaw();
    if (limit > 0) {
      if (g.active.incrementAndGet() > limit) {
        g.active.decrementAndGet();
        send(ctx, ex, HttpResponseStatus.SERVICE_UNAVAILABLE, !ex.keepAlive, List.of(Map.entry("Retry-After", "1")));
        return;
      }
    } else {
      g.active.incrementAndGet();
    }
    boolean released = false;
    try {
      released = serve(ctx, ex, file);
    } finally {
      if (!released) {
        g.active.decrementAndGet();
      }
    }
  }

  /** Writes the file response; true if the response's completion will release the group slot. */
  private boolean serve(ChannelHandlerContext ctx, Exchange ex, HostedFileImpl file) {
    GroupImpl g = Objects.requireNonNull(ex.group);
    OpenFileCache.Acquired opened;
    try {
      opened = file.acquire();
    } catch (NoSuchFileException e) {
      ServerCore.LOG.warn("hosted file {} of {} is gone: {}", file.suffix(), g.prefix(), file.source());
      error(ctx, ex, HttpResponseStatus.NOT_FOUND, false);
      return false;
    } catch (AccessDeniedException e) {
      ServerCore.LOG.warn("hosted file {} of {} cannot be read: {}", file.suffix(), g.prefix(), file.source());
      error(ctx, ex, HttpResponseStatus.NOT_FOUND, false);
      return false;
    } catch (IOException e) {
      ServerCore.LOG.warn("hosted file {} of {} cannot be opened: {}", file.suffix(), g.prefix(), e.toString());
      error(ctx, ex, HttpResponseStatus.NOT_FOUND, false);
      return false;
    }
    HttpHeaders reqHeaders = ex.req.headers();
    RangeEngine.Plan plan;
    ResponseHead head;
    try { // a bug below must not keep the descriptor open for good
      // most requests carry none of the conditional headers: no list is made for an absent one
      plan = RangeEngine.plan(ex.head, name -> {
        CharSequence n = ENGINE_HEADERS.get(name);
        if (n == null) {
          n = name;
        }
        return reqHeaders.contains(n) ? reqHeaders.getAll(n) : List.of();
      }, opened.rep(), HttpHandler::boundary);
      head = new ResponseHead(ctx.alloc(), plan.status());
      for (Map.Entry<String, String> h : plan.headers()) {
        head.add(h.getKey(), h.getValue());
      }
    } catch (RuntimeException e) {
      opened.file().release();
      throw e;
    }
    inFlight++;
    timer.responding = true;
    boolean body = plan.sendBody() && !ex.head && plan.contentLength() > 0;
    TokenBucket bucket = g.bucket();
    ChannelFuture last = ctx.write(head.end(System.currentTimeMillis() / 1000, ex.keepAlive));
    long bytes = body ? plan.contentLength() : 0;
    if (!body) {
      opened.file().release();
    } else if (!secure && bucket == null && fileBytes(plan.body()) > SENDFILE_CHUNK) {
      // zero-copy regions holding the descriptor (native sendfile with epoll), in pieces
      streaming = true; // requests read meanwhile wait (and stop reading) as behind a busy response
      // Nagle's algorithm on while a long body streams, as nginx has it on a connection's first
      // response (its tcp_nodelay applies from keep-alive on): about 5 % fewer segments per GiB,
      // and a single whole-file download on loopback 2.7 % faster ([0.8, 4.7] %, 300 alternating
      // pairs, twice). endChain turns it off again once the last piece is in the socket.
      noDelay(ctx.channel(), false);
      sendChain(ctx, g, opened.file(), plan.body(), 0, 0,
          f -> finish(ctx, ex, g, plan.status(), plan.ranges(), bytes, f));
      if (!ex.keepAlive) {
        closing = true;
      }
      return true;
    } else if (!secure && bucket == null && plan.body().size() == 1
        && plan.body().get(0) instanceof RangeEngine.FileSlice s) {
      // the common case: one zero-copy region holding the descriptor
      last = ctx.write(new SharedFileRegion(opened.file(), s.offset(), s.length()));
    } else {
      SharedFile sf = opened.file();
      ChannelHandlerContext chunkedCtx = secure || bucket != null ? chunkedWriter(ctx) : ctx;
      try {
        for (RangeEngine.Segment seg : plan.body()) {
          // a failed piece (file shrank) must cut the connection, never let the next one finish it short
          last.addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
          if (seg instanceof RangeEngine.Bytes b) {
            last = ctx.write(Unpooled.wrappedBuffer(b.data()));
          } else if (seg instanceof RangeEngine.FileSlice s) {
            if (!secure && bucket == null) {
              last = ctx.write(new SliceRegion(sf, s.offset(), s.length()));
            } else {
              last = ctx.write(new SliceInput(sf, s.offset(), s.length(), TLS_CHUNK, g::bucket, chunkedCtx));
            }
          }
        }
      } finally {
        sf.release();
      }
    }
    ctx.flush();
    finish(ctx, ex, g, plan.status(), plan.ranges(), bytes, last);
    if (!ex.keepAlive) {
      closing = true;
    }
    return true;
  }

  /**
   * Sends {@code body} from its segment {@code index}, of which {@code done} bytes are sent
   * already, as a chain of steps of at most {@link #SENDFILE_CHUNK} file bytes (with the multipart
   * framing between them), then hands the last piece's future to {@code finish}. Each step after
   * the first is written on the event loop's next turn after the one before it has gone out, so
   * the loop polls its other connections in between (written from the completion listener, the
   * next step would go out in the same flush, and Netty's re-queued flushes would keep the loop in
   * its task queue for up to a second). Before each step after the first: a file written in place
   * since the response began cuts the connection (the client must not get a mix of two versions;
   * it resumes with {@code If-Range} and gets the new one whole), and a bandwidth limit set on the
   * group since then takes over the rest, read in chunks through its bucket. Takes over the
   * caller's reference to {@code file}.
   *
   * <p>One range goes as {@link SharedFileRegion}s (a {@code DefaultFileRegion}: native sendfile
   * with epoll); the slices of a multipart body as {@link SliceRegion}s, as when the body is
   * written at once, which look for a file written in place after their last byte too.
   */
  private void sendChain(ChannelHandlerContext ctx, GroupImpl g, SharedFile file, List<RangeEngine.Segment> body,
      int index, long done, Consumer<ChannelFuture> finish) {
    boolean multipart = body.size() > 1;
    long budget = SENDFILE_CHUNK;
    ChannelFuture last = null;
    int i = index;
    long d = done;
    while (i < body.size()) {
      RangeEngine.Segment seg = body.get(i);
      if (seg instanceof RangeEngine.Bytes b) { // framing goes with the step before it, the close delimiter too
        last = writeAfter(ctx, last, Unpooled.wrappedBuffer(b.data()));
        i++;
        continue;
      }
      RangeEngine.FileSlice s = (RangeEngine.FileSlice) seg;
      if (budget == 0) {
        break;
      }
      long n = Math.min(budget, s.length() - d);
      if (multipart) {
        last = writeAfter(ctx, last, new SliceRegion(file, s.offset() + d, n));
      } else {
        file.retain(); // the region takes it over; the chain keeps its own until its end
        last = writeAfter(ctx, last, new SharedFileRegion(file, s.offset() + d, n));
      }
      budget -= n;
      d += n;
      if (d < s.length()) {
        break;
      }
      i++;
      d = 0;
    }
    ctx.flush();
    ChannelFuture step = Objects.requireNonNull(last); // a step writes at least one file byte
    if (i == body.size()) {
      file.release();
      endChain(ctx, finish, step);
      return;
    }
    int nextIndex = i;
    long nextDone = d;
    step.addListener((ChannelFutureListener) f -> {
      if (!f.isSuccess()) {
        abandonChain(ctx, file, finish);
        return;
      }
      // until the next step is written, channelInactive ends the chain if the connection goes
      // (a server shutting down may cancel the scheduled task: the reference must not leak)
      chainFile = file;
      chainFinish = finish;
      try {
        ctx.executor().schedule(() -> {
          if (chainFile != file) {
            return; // already ended by channelInactive
          }
          chainFile = null;
          chainFinish = null;
          if (!ctx.channel().isActive() || !stillTheVersionPlanned(file)) {
            abandonChain(ctx, file, finish);
          } else if (g.bucket() != null) {
            // paced chunks go out as they come, as in responses that start under a limit
            noDelay(ctx.channel(), true);
            ChannelFuture rest = sendLimited(ctx, g, file, body, nextIndex, nextDone);
            file.release(); // the slices hold their own references
            endChain(ctx, finish, rest);
          } else {
            sendChain(ctx, g, file, body, nextIndex, nextDone, finish);
          }
        }, 0, TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        chainFile = null;
        chainFinish = null;
        abandonChain(ctx, file, finish); // the server is closing
      }
    });
  }

  /**
   * The rest of a chain under a bandwidth limit: its slices read in chunks through the group's
   * bucket, looked up for every chunk, so a limit changed later applies too. A limit removed
   * again leaves the rest on this path, in unthrottled chunks (as fast as TLS responses go), not
   * back to zero-copy: a response switches at most once however often the limit is toggled, the
   * copies end with the responses that were under way, and a response that starts under a limit
   * takes this path whole as well.
   *
   * @return the future of the last piece, written and flushed
   */
  private ChannelFuture sendLimited(ChannelHandlerContext ctx, GroupImpl g, SharedFile file,
      List<RangeEngine.Segment> body, int index, long done) {
    ChannelHandlerContext chunkedCtx = chunkedWriter(ctx);
    ChannelFuture last = null;
    long d = done;
    for (int i = index; i < body.size(); i++) {
      RangeEngine.Segment seg = body.get(i);
      if (seg instanceof RangeEngine.Bytes b) {
        last = writeAfter(ctx, last, Unpooled.wrappedBuffer(b.data()));
      } else if (seg instanceof RangeEngine.FileSlice s) {
        last = writeAfter(ctx, last, new SliceInput(file, s.offset() + d, s.length() - d, TLS_CHUNK, g::bucket,
            chunkedCtx));
        d = 0;
      }
    }
    ctx.flush();
    return Objects.requireNonNull(last);
  }

  /**
   * Writes {@code msg} after {@code before}: a failed piece (file shrank) must cut the connection,
   * never let the next one finish the body short.
   */
  private static ChannelFuture writeAfter(ChannelHandlerContext ctx, @Nullable ChannelFuture before, Object msg) {
    if (before != null) {
      before.addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    }
    return ctx.write(msg);
  }

  /** The file bytes of a body (its slices without the multipart framing). */
  private static long fileBytes(List<RangeEngine.Segment> body) {
    long n = 0;
    for (int i = 0; i < body.size(); i++) { // no iterator on the per-request path
      if (body.get(i) instanceof RangeEngine.FileSlice s) {
        n += s.length();
      }
    }
    return n;
  }

  private static boolean stillTheVersionPlanned(SharedFile file) {
    try {
      file.requireNotWrittenInPlace();
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** A chain that cannot go on: the connection is closed and the response ends as aborted. */
  private void abandonChain(ChannelHandlerContext ctx, SharedFile file, Consumer<ChannelFuture> finish) {
    file.release();
    ctx.channel().close();
    endChain(ctx, finish, ctx.newFailedFuture(new ClosedChannelException()));
  }

  /**
   * Sets {@code TCP_NODELAY} on a connection; one the peer has just closed (the option cannot be
   * set on a closed socket) is left as it is: it is going anyway.
   */
  private static void noDelay(Channel ch, boolean on) {
    try {
      if (ch.isActive()) {
        ch.config().setOption(ChannelOption.TCP_NODELAY, on);
      }
    } catch (ChannelException closedMeanwhile) {
      ServerCore.LOG.debug("TCP_NODELAY not set on {}: {}", ch, closedMeanwhile.toString());
    }
  }

  /**
   * Ends a chain whose last piece is {@code last}: once that is in the socket, {@code TCP_NODELAY}
   * is set again, which also sends at once a last segment Nagle's algorithm holds, so neither the
   * body's end nor the next response waits for an acknowledgement.
   */
  private void endChain(ChannelHandlerContext ctx, Consumer<ChannelFuture> finish, ChannelFuture last) {
    last.addListener((ChannelFutureListener) f -> noDelay(f.channel(), true));
    streaming = false;
    finish.accept(last);
    drain(ctx);
  }

  /**
   * Ends a response once its last piece ({@code last}, written and flushed) has been sent: the
   * group slot, counters, log line.
   */
  private void finish(ChannelHandlerContext ctx, Exchange ex, GroupImpl g, int status, List<long[]> ranges, long bytes,
      ChannelFuture last) {
    last.addListener((ChannelFutureListener) f -> {
      g.active.decrementAndGet();
      inFlight--;
      timer.responding = inFlight > 0;
      drain(ctx);
      g.count(status, f.isSuccess() ? bytes : 0);
      log(ex, status, ranges, f.isSuccess() ? bytes : -1);
      if (!f.isSuccess()) {
        ServerCore.LOG.debug("response aborted on {}: {}", f.channel(), String.valueOf(f.cause()));
        f.channel().close();
      } else if (!ex.keepAlive) {
        StagedClose.close(f.channel(), timer.lingerNanos());
      }
    });
  }

  /**
   * The pipeline's {@link ChunkedWriteHandler}, added in front of this handler the first time a
   * response needs chunked reads (TLS, bandwidth limits): zero-copy responses, the common case
   * on plain HTTP, then do not pass through it.
   */
  private static ChannelHandlerContext chunkedWriter(ChannelHandlerContext ctx) {
    ChannelHandlerContext c = ctx.pipeline().context(ChunkedWriteHandler.class);
    if (c == null) {
      ctx.pipeline().addBefore(ctx.name(), "chunked", new ChunkedWriteHandler());
      c = Objects.requireNonNull(ctx.pipeline().context(ChunkedWriteHandler.class));
    }
    return c;
  }

  private static String boundary() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return "bits4j" + Long.toHexString(r.nextLong() | Long.MIN_VALUE) + Long.toHexString(r.nextLong() | Long.MIN_VALUE);
  }

  private void error(ChannelHandlerContext ctx, Exchange ex, HttpResponseStatus status, boolean close) {
    send(ctx, ex, status, close || !ex.keepAlive, List.of());
  }

  /**
   * A response of the server's own: status, a one-line text body ("404 Not Found"; none for
   * HEAD, which still gets its Content-Length), {@code extra} headers.
   */
  private void send(ChannelHandlerContext ctx, Exchange ex, HttpResponseStatus status, boolean close,
      List<Map.Entry<String, String>> extra) {
    byte[] text = (status.code() + " " + status.reasonPhrase() + "\n").getBytes(StandardCharsets.US_ASCII);
    ResponseHead head = new ResponseHead(ctx.alloc(), status.code())
        .add("Content-Type", "text/plain; charset=US-ASCII")
        .add("Content-Length", Integer.toString(text.length));
    for (Map.Entry<String, String> e : extra) {
      head.add(e.getKey(), e.getValue());
    }
    ByteBuf resp = head.end(System.currentTimeMillis() / 1000, !close);
    if (!ex.head) {
      resp.writeBytes(text);
    }
    GroupImpl g = ex.group;
    if (g != null) {
      g.count(status.code(), 0);
    }
    log(ex, status.code(), List.of(), 0);
    inFlight++;
    timer.responding = true;
    ChannelFuture f = ctx.writeAndFlush(resp);
    f.addListener((ChannelFutureListener) x -> {
      inFlight--;
      timer.responding = inFlight > 0;
      drain(ctx);
    });
    if (close) {
      closing = true;
      waiting.clear();
      f.addListener(StagedClose.after(timer.lingerNanos()));
    }
  }

  private void log(Exchange ex, int status, List<long[]> ranges, long bytes) {
    if (!ACCESS.isInfoEnabled()) {
      return;
    }
    StringBuilder r = new StringBuilder();
    for (long[] x : ranges) {
      if (r.length() > 0) {
        r.append(',');
      }
      if (r.length() > 200) {
        r.append("...");
        break;
      }
      r.append(x[0]).append('-').append(x[1]);
    }
    long ms = ex.startNanos == 0 ? -1 : (System.nanoTime() - ex.startNanos) / 1_000_000; // -1: logging began mid-request
    ACCESS.info("{} {} {} {} {} range={} bytes={} ms={}", ex.group == null ? "-" : ex.group.prefix(),
        ex.req.method().name(), ex.suffix.isEmpty() ? "-" : ex.suffix, ex.principal, status,
        r.length() == 0 ? "-" : r, bytes, ms);
  }
}
