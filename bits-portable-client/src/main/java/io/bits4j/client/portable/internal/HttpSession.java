package io.bits4j.client.portable.internal;

import io.bits4j.AuthTarget;
import io.bits4j.ClientCertificate;
import io.bits4j.Credentials;
import io.bits4j.ErrorContext;
import io.bits4j.Hresult;
import io.bits4j.ProxySettings;
import io.bits4j.ProxyUsage;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.jspecify.annotations.Nullable;

/**
 * A blocking HTTP/1.1 client for one transfer attempt: one connection at a time (kept alive between
 * requests), redirects, Basic/Digest for server and proxy, proxies (HTTP forward, CONNECT tunnels
 * with Proxy-Authorization, SOCKS), TLS with an optional client certificate. Not thread-safe.
 */
final class HttpSession implements Closeable {
  static final int MAX_REDIRECTS = 10;
  /** Headers the session controls; custom headers with these names are ignored. */
  static final Set<String> RESERVED = Set.of("host", "range", "if-range", "connection", "content-length",
      "transfer-encoding", "accept-encoding", "authorization", "proxy-authorization", "te", "upgrade");

  /** Client-wide network settings. */
  record Net(ProxySelector proxySelector, TlsSupport tls, Duration connectTimeout, Duration readTimeout,
      String userAgent) {}

  /** Job-specific network settings, copied when the attempt starts. */
  record JobNet(List<Credentials> credentials, ClientCertificate.@Nullable FromKeyStore certificate,
      ProxySettings proxy, Map<String, String> headers) {}

  private final Net net;
  private final JobNet job;
  private final HttpAuth.State serverAuth = new HttpAuth.State();
  private final HttpAuth.State proxyAuth = new HttpAuth.State();
  /**
   * The origin whose challenge {@link #serverAuth} answered: credentials go to that origin only
   * (its protection space, RFC 9110 §11.5), not to another host a redirect or a later file of the job leads to.
   */
  private @Nullable String serverAuthOrigin;
  private @Nullable Connection conn;
  /** The socket being connected or handshaken, so that {@link #close()} can interrupt it. */
  private volatile @Nullable Socket connecting;
  private volatile boolean closed;

  HttpSession(Net net, JobNet job) {
    this.net = net;
    this.job = job;
  }

  /** A response whose body is still to be read (or discarded). */
  final class Exchange {
    final URI uri;
    final HttpResponse response;
    final InputStream body;
    private final Connection connection;
    private final boolean reusable;

    Exchange(URI uri, HttpResponse response, InputStream body, Connection connection, boolean reusable) {
      this.uri = uri;
      this.response = response;
      this.body = body;
      this.connection = connection;
      this.reusable = reusable;
    }

    HttpSession outer() {
      return HttpSession.this;
    }

    /** Reads and drops up to 64 KiB of the body, keeping the connection if it ends cleanly. */
    void discard() {
      try {
        byte[] buf = new byte[8192];
        int total = 0;
        while (total < 65536) {
          int n = body.read(buf);
          if (n < 0) {
            finished();
            return;
          }
          total += n;
        }
      } catch (IOException e) {
        // fall through: drop the connection
      }
      abandon();
    }

    /** The body was read to its end. */
    void finished() {
      // through a forward proxy every request gets its own connection: some proxies (tinyproxy)
      // relay a kept-alive client connection raw to the origin after the first request
      if (!reusable || !response.keepAlive() || connection.viaHttpProxy) {
        abandon();
      }
    }

    /** Drops the connection (the body was not read). */
    void abandon() {
      connection.closeQuietly();
      if (conn == connection) {
        conn = null;
      }
    }
  }

  /**
   * Sends a request, following redirects and answering authentication challenges.
   *
   * @throws TransferException for transport failures (transient), unanswerable 401/407 or bad
   *     redirects (fatal)
   */
  Exchange execute(String method, URI uri, Map<String, String> extra) throws TransferException {
    URI current = uri;
    int redirects = 0;
    int authRounds = 0;
    while (true) {
      if (closed) {
        throw TransferException.transientError(Hresult.BG_E_CONNECTION_CLOSED, ErrorContext.GENERAL_TRANSPORT,
            "session closed");
      }
      Connection c = connection(current);
      String target = c.viaHttpProxy ? current.toASCIIString() : requestTarget(current);
      HttpResponse resp;
      try {
        StringBuilder sb = new StringBuilder(256);
        sb.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        sb.append("Host: ").append(hostHeader(current)).append("\r\n");
        boolean ua = false;
        boolean accept = false;
        for (Map.Entry<String, String> h : job.headers().entrySet()) {
          String lower = h.getKey().toLowerCase(Locale.ROOT);
          if (RESERVED.contains(lower)) {
            continue;
          }
          ua |= lower.equals("user-agent");
          accept |= lower.equals("accept");
          sb.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
        }
        if (!ua) {
          sb.append("User-Agent: ").append(net.userAgent()).append("\r\n");
        }
        if (!accept) {
          sb.append("Accept: */*\r\n");
        }
        sb.append("Accept-Encoding: identity\r\n");
        sb.append("Connection: keep-alive\r\n");
        for (Map.Entry<String, String> h : extra.entrySet()) {
          sb.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
        }
        String uriForDigest = requestTarget(current);
        if (origin(current).equals(serverAuthOrigin)) {
          serverAuth.authorization(method, uriForDigest)
              .ifPresent(a -> sb.append("Authorization: ").append(a).append("\r\n"));
        }
        if (c.viaHttpProxy) {
          proxyAuth.authorization(method, target)
              .ifPresent(a -> sb.append("Proxy-Authorization: ").append(a).append("\r\n"));
        }
        sb.append("\r\n");
        c.out.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
        c.out.flush();
        resp = HttpResponse.read(c.in, net.readTimeout());
      } catch (IOException e) {
        IOException cause = c.fresh && c.socket instanceof SSLSocket ? alertBehind(c, e) : e;
        c.closeQuietly();
        conn = null;
        if (c.fresh) {
          throw transportError(cause, c);
        }
        // a kept-alive connection the server closed meanwhile: retry once on a new one
        continue;
      }
      c.fresh = false;
      Exchange ex = exchange(method, current, resp, c);
      if (resp.status == 407 && c.viaHttpProxy) {
        if (++authRounds <= 4 && proxyAuth.accept(resp.headers("Proxy-Authenticate"), credentials(AuthTarget.PROXY))) {
          ex.discard();
          continue;
        }
        ex.discard();
        throw TransferException.http(407, null);
      }
      if (c.viaHttpProxy) {
        proxyAuth.succeeded();
      }
      if (resp.status == 401) {
        if (++authRounds <= 4 && serverAuth.accept(resp.headers("WWW-Authenticate"), credentials(AuthTarget.SERVER))) {
          serverAuthOrigin = origin(current);
          ex.discard();
          continue;
        }
        ex.discard();
        throw TransferException.http(401, null);
      }
      serverAuth.succeeded();
      if (isRedirect(resp.status) && resp.header("Location").isPresent()) {
        ex.discard();
        URI next;
        try {
          next = current.resolve(new URI(resp.header("Location").get().strip()));
          if (next.getRawFragment() != null) {
            // a fragment is never sent, not even in a proxy's absolute-form target (RFC 9112 §3.2.2)
            String s = next.toString();
            next = new URI(s.substring(0, s.length() - next.getRawFragment().length() - 1));
          }
          if (next.getPort() > 65535) {
            throw new URISyntaxException(next.toString(), "port out of range");
          }
        } catch (URISyntaxException | IllegalArgumentException e) {
          throw TransferException.fatal(Hresult.httpError(resp.status), ErrorContext.REMOTE_FILE,
              "bad redirect Location: " + resp.header("Location").get());
        }
        String scheme = next.getScheme() == null ? "" : next.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || next.getHost() == null) {
          throw TransferException.fatal(Hresult.httpError(resp.status), ErrorContext.REMOTE_FILE,
              "redirect to a non-HTTP URL: " + next);
        }
        if ("https".equalsIgnoreCase(current.getScheme()) && scheme.equals("http")) {
          throw TransferException.fatal(Hresult.httpError(resp.status), ErrorContext.REMOTE_FILE,
              "redirect from HTTPS to HTTP refused: " + next);
        }
        if (++redirects > MAX_REDIRECTS) {
          throw TransferException.fatal(Hresult.httpError(resp.status), ErrorContext.REMOTE_FILE,
              "more than " + MAX_REDIRECTS + " redirects");
        }
        current = next;
        continue;
      }
      return ex;
    }
  }

  private Exchange exchange(String method, URI uri, HttpResponse resp, Connection c) throws TransferException {
    try {
      if (method.equals("HEAD") || resp.status == 204 || resp.status == 304 || resp.status < 200) {
        return new Exchange(uri, resp, InputStream.nullInputStream(), c, true);
      }
      if (resp.isChunked()) {
        return new Exchange(uri, resp, new BodyStreams.Chunked(c.in), c, true);
      }
      var len = resp.contentLength();
      if (len.isPresent()) {
        return new Exchange(uri, resp, new BodyStreams.Fixed(c.in, len.getAsLong()), c, true);
      }
      return new Exchange(uri, resp, c.in, c, false);
    } catch (IOException e) {
      c.closeQuietly();
      conn = null;
      throw TransferException.transientError(Hresult.BG_E_INVALID_SERVER_RESPONSE, ErrorContext.REMOTE_FILE,
          e.getMessage() == null ? "bad response" : e.getMessage(), e);
    }
  }

  /**
   * With TLS 1.3 a server rejects a client certificate (or its absence) only after the client's
   * handshake finished, so the first write may fail with a broken pipe while the server's alert
   * waits in the receive buffer: read it to report the real cause.
   */
  private static IOException alertBehind(Connection c, IOException e) {
    if (e instanceof SSLException) {
      return e;
    }
    try {
      c.socket.setSoTimeout(1000);
      c.in.read();
    } catch (SSLException alert) {
      return alert;
    } catch (IOException | RuntimeException ignored) {
      // no alert to find
    }
    return e;
  }

  /**
   * True for an alert the server sent about the certificate we presented (RFC 8446 §6.2: the
   * server judges only the client's certificate; a problem with its own is found here, locally,
   * with no alert received): one it does not trust, has expired, was revoked or it will not use;
   * and {@code internal_error} when we presented one, which OpenSSL-based servers send for a
   * certificate of a foreign CA.
   */
  private boolean refusedOurCertificate(String lowerMessage) {
    if (!lowerMessage.contains("received fatal alert")) {
      return false;
    }
    for (String alert : new String[] {"certificate_unknown", "unknown_ca", "certificate_expired",
        "certificate_revoked", "unsupported_certificate", "access_denied"}) {
      if (lowerMessage.contains(alert)) {
        return true;
      }
    }
    return lowerMessage.contains("internal_error") && job.certificate() != null;
  }

  static boolean isRedirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  }

  /** Maps an I/O failure of a request to BITS's transport errors. */
  TransferException transportError(IOException e, @Nullable Connection c) {
    String msg = String.valueOf(e.getMessage());
    if (e instanceof SSLHandshakeException || e instanceof SSLException) {
      String lower = msg.toLowerCase(Locale.ROOT);
      if (lower.contains("certificate_required") || lower.contains("bad_certificate") || refusedOurCertificate(lower)) {
        return TransferException.fatal(Hresult.E_WINHTTP_CLIENT_AUTH_CERT_NEEDED, ErrorContext.GENERAL_TRANSPORT,
            "the server refused the client certificate (or needs one): " + msg, e);
      }
      if (e instanceof SSLHandshakeException && endedByPeer(e)) {
        // no alert and no certificate problem: the connection just ended, as a reset would
        return TransferException.transientError(Hresult.BG_E_CONNECTION_CLOSED, ErrorContext.GENERAL_TRANSPORT,
            "connection closed during the TLS handshake: " + msg, e);
      }
      if (e instanceof SSLHandshakeException) {
        return TransferException.fatal(Hresult.E_WINHTTP_SECURE_FAILURE, ErrorContext.GENERAL_TRANSPORT,
            "TLS handshake failed: " + msg, e);
      }
    }
    if (e instanceof SocketTimeoutException) {
      return TransferException.transientError(Hresult.E_WINHTTP_TIMEOUT, ErrorContext.GENERAL_TRANSPORT,
          e instanceof HttpResponse.HeadTimeoutException ? e.getMessage()
              : "no data for " + net.readTimeout().toMillis() + " ms", e);
    }
    if (e instanceof java.io.EOFException || e instanceof java.net.SocketException) {
      return TransferException.transientError(Hresult.BG_E_CONNECTION_CLOSED, ErrorContext.GENERAL_TRANSPORT,
          "connection closed: " + msg, e);
    }
    if (c != null && e.getMessage() != null && e.getMessage().startsWith("bad")) {
      return TransferException.transientError(Hresult.BG_E_INVALID_SERVER_RESPONSE, ErrorContext.REMOTE_FILE,
          msg, e);
    }
    return TransferException.transientError(Hresult.BG_E_CONNECTION_CLOSED, ErrorContext.GENERAL_TRANSPORT,
        msg, e);
  }

  /** True if an exception was caused by the peer closing or resetting the connection. */
  private static boolean endedByPeer(Throwable e) {
    for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
      if (t instanceof java.io.EOFException || t instanceof java.net.SocketException) {
        return true;
      }
    }
    return false;
  }

  private List<Credentials> credentials(AuthTarget target) {
    List<Credentials> out = new ArrayList<>();
    for (Credentials c : job.credentials()) {
      if (c.target() == target) {
        out.add(c);
      }
    }
    return out;
  }

  static String requestTarget(URI uri) {
    String path = uri.getRawPath();
    if (path == null || path.isEmpty()) {
      path = "/";
    }
    return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
  }

  static int port(URI uri) {
    if (uri.getPort() > 0) {
      return uri.getPort();
    }
    return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
  }

  private static String hostHeader(URI uri) {
    String host = uri.getHost();
    if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    return uri.getPort() > 0 ? host + ":" + uri.getPort() : host;
  }

  /** The origin of an http(s) URI: scheme, host and port, lower-cased. */
  static String origin(URI uri) {
    return uri.getScheme().toLowerCase(Locale.ROOT) + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port(uri);
  }

  private Connection connection(URI uri) throws TransferException {
    boolean https = "https".equalsIgnoreCase(uri.getScheme());
    if (port(uri) > 65535) {
      throw TransferException.fatal(Hresult.E_INVALIDARG, ErrorContext.REMOTE_FILE, "port out of range: " + uri);
    }
    String key = origin(uri);
    Connection c = conn;
    if (c != null && c.key.equals(key)) {
      return c;
    }
    if (c != null) {
      c.closeQuietly();
      conn = null;
    }
    List<Proxy> proxies = proxies(uri);
    TransferException last = null;
    for (Proxy p : proxies) {
      try {
        c = open(uri, https, key, p);
        conn = c;
        return c;
      } catch (TransferException e) {
        last = e;
        if (!e.isTransient()) {
          throw e;
        }
      }
    }
    throw last != null ? last : TransferException.transientError(Hresult.BG_E_CONNECT_FAILURE,
        ErrorContext.GENERAL_TRANSPORT, "no route to " + uri.getHost());
  }

  /**
   * The proxies to try, in order ({@link Proxy#NO_PROXY} = direct).
   *
   * @throws TransferException BG_E_INVALID_PROXY_INFO (fatal) for a job proxy with a bad port
   */
  List<Proxy> proxies(URI uri) throws TransferException {
    ProxySettings ps = job.proxy();
    if (ps.usage() == ProxyUsage.NO_PROXY) {
      return List.of(Proxy.NO_PROXY);
    }
    if (ps.usage() == ProxyUsage.OVERRIDE) {
      if (bypassed(uri.getHost(), ps.bypass())) {
        return List.of(Proxy.NO_PROXY);
      }
      List<Proxy> out = new ArrayList<>();
      for (String entry : ps.proxies()) {
        out.add(new Proxy(Proxy.Type.HTTP, parseHostPort(entry)));
      }
      return out;
    }
    List<Proxy> selected;
    try {
      selected = net.proxySelector().select(uri);
    } catch (RuntimeException e) {
      selected = List.of(Proxy.NO_PROXY);
    }
    return selected == null || selected.isEmpty() ? List.of(Proxy.NO_PROXY) : selected;
  }

  static boolean bypassed(String host, List<String> bypass) {
    String h = host.toLowerCase(Locale.ROOT);
    for (String b : bypass) {
      String p = b.toLowerCase(Locale.ROOT);
      if (p.equals("<local>") && h.indexOf('.') < 0 && h.indexOf(':') < 0) {
        return true;
      }
      String regex = "\\Q" + p.replace("*", "\\E.*\\Q") + "\\E";
      if (h.matches(regex)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Parses a proxy list entry ({@code [scheme://]host[:port][/]}, port 80 by default).
   *
   * @throws TransferException BG_E_INVALID_PROXY_INFO (fatal) for a port outside 0–65535
   */
  static InetSocketAddress parseHostPort(String entry) throws TransferException {
    String e = entry;
    int scheme = e.indexOf("://");
    if (scheme >= 0) {
      e = e.substring(scheme + 3);
    }
    if (e.endsWith("/")) {
      e = e.substring(0, e.length() - 1);
    }
    int colon = e.lastIndexOf(':');
    String host = e;
    int port = 80;
    if (colon > 0 && e.indexOf(']') < colon) {
      host = e.substring(0, colon);
      try {
        port = Integer.parseInt(e.substring(colon + 1));
      } catch (NumberFormatException ex) {
        port = 80;
      }
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    if (port < 0 || port > 65535) {
      throw TransferException.fatal(Hresult.BG_E_INVALID_PROXY_INFO, ErrorContext.GENERAL_TRANSPORT,
          "proxy port out of range: " + entry);
    }
    return InetSocketAddress.createUnresolved(host, port);
  }

  /** Thrown by {@link #tunnel} when the proxy closed the connection after a 407 we can answer. */
  private static final class Reconnect extends Exception {
    private static final long serialVersionUID = 1L;

    Reconnect() {
      super("reconnect", null, false, false);
    }
  }

  private Connection open(URI uri, boolean https, String key, Proxy proxy) throws TransferException {
    for (int round = 0; ; round++) {
      try {
        return openOnce(uri, https, key, proxy);
      } catch (Reconnect r) {
        if (round >= 3) {
          throw TransferException.http(407, null);
        }
      }
    }
  }

  private Connection openOnce(URI uri, boolean https, String key, Proxy proxy) throws TransferException, Reconnect {
    String host = uri.getHost();
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port = port(uri);
    Socket socket = null;
    try {
      boolean httpProxy = proxy.type() == Proxy.Type.HTTP;
      socket = proxy.type() == Proxy.Type.SOCKS ? new Socket(proxy) : new Socket();
      // the options first: setting one creates the socket's descriptor, and only then may another
      // thread's close() (a cancel) see it: Socket.close() racing the lazy creation of the
      // descriptor marks the socket closed without closing the descriptor, which then stays open
      // until the garbage collector finds the socket
      socket.setTcpNoDelay(true);
      socket.setReceiveBufferSize(1 << 20);
      connecting = socket;
      if (closed) {
        socket.close();
      }
      InetSocketAddress target;
      if (httpProxy) {
        InetSocketAddress pa = (InetSocketAddress) proxy.address();
        target = new InetSocketAddress(pa.getHostString(), pa.getPort());
      } else if (proxy.type() == Proxy.Type.SOCKS) {
        target = InetSocketAddress.createUnresolved(host, port);
      } else {
        target = new InetSocketAddress(host, port);
      }
      if (target.isUnresolved() && proxy.type() != Proxy.Type.SOCKS) {
        throw TransferException.transientError(Hresult.BG_E_CONNECT_FAILURE, ErrorContext.GENERAL_TRANSPORT,
            "cannot resolve " + target.getHostString());
      }
      try {
        socket.connect(target, (int) Math.min(Integer.MAX_VALUE, net.connectTimeout().toMillis()));
      } catch (IOException e) {
        throw TransferException.transientError(Hresult.BG_E_CONNECT_FAILURE, ErrorContext.GENERAL_TRANSPORT,
            "cannot connect to " + target + ": " + e.getMessage(), e);
      }
      socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, net.readTimeout().toMillis()));
      Connection c;
      if (https) {
        if (httpProxy) {
          tunnel(socket, host, port);
        }
        SSLSocket ssl = (SSLSocket) net.tls().factory(job.certificate()).createSocket(socket, host, port, true);
        SSLParameters params = ssl.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        ssl.setSSLParameters(params);
        socket = ssl;
        try {
          ssl.startHandshake();
        } catch (IOException e) {
          throw transportError(e, null);
        }
        c = new Connection(key, ssl, false);
      } else {
        c = new Connection(key, socket, httpProxy);
      }
      return c;
    } catch (TransferException | Reconnect e) {
      closeQuietly(socket);
      throw e;
    } catch (IOException e) {
      closeQuietly(socket);
      throw transportError(e, null);
    }
  }

  /** Opens a CONNECT tunnel through an HTTP proxy, answering 407 challenges. */
  private void tunnel(Socket socket, String host, int port) throws IOException, TransferException, Reconnect {
    // The proxy sends nothing after its CONNECT response until our TLS ClientHello, so buffering
    // the response here cannot swallow TLS bytes.
    InputStream in = new BufferedInputStream(socket.getInputStream(), 8192);
    OutputStream out = socket.getOutputStream();
    String authority = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    for (int round = 0; round < 4; round++) {
      StringBuilder sb = new StringBuilder();
      sb.append("CONNECT ").append(authority).append(" HTTP/1.1\r\n");
      sb.append("Host: ").append(authority).append("\r\n");
      sb.append("User-Agent: ").append(net.userAgent()).append("\r\n");
      proxyAuth.authorization("CONNECT", authority)
          .ifPresent(a -> sb.append("Proxy-Authorization: ").append(a).append("\r\n"));
      sb.append("\r\n");
      out.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      HttpResponse resp = HttpResponse.read(in, net.readTimeout());
      if (resp.status / 100 == 2) {
        proxyAuth.succeeded();
        return;
      }
      // drain a small body
      var len = resp.contentLength();
      boolean reusable = resp.keepAlive() && len.isPresent() && len.getAsLong() <= 65536;
      if (reusable) {
        in.readNBytes((int) len.getAsLong());
      }
      if (resp.status == 407
          && proxyAuth.accept(resp.headers("Proxy-Authenticate"), credentials(AuthTarget.PROXY))) {
        if (reusable) {
          continue;
        }
        throw new Reconnect();
      }
      throw TransferException.http(resp.status, null);
    }
    throw TransferException.http(407, null);
  }

  /** Parses a Retry-After value (seconds or HTTP-date) relative to now. */
  static @Nullable Duration retryAfter(HttpResponse r, Instant now) {
    String v = r.header("Retry-After").orElse(null);
    if (v == null) {
      return null;
    }
    v = v.strip();
    if (!v.isEmpty() && v.chars().allMatch(ch -> ch >= '0' && ch <= '9') && v.length() < 10) {
      return Duration.ofSeconds(Long.parseLong(v));
    }
    try {
      Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration d = Duration.between(now, at);
      return d.isNegative() ? Duration.ZERO : d;
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** Closes the current connection; unblocks a thread reading from it. */
  @Override
  public void close() {
    closed = true;
    closeQuietly(connecting);
    Connection c = conn;
    if (c != null) {
      c.closeQuietly();
    }
  }

  private static void closeQuietly(@Nullable Socket s) {
    if (s != null) {
      try {
        s.close();
      } catch (IOException e) {
        // ignore
      }
    }
  }

  static final class Connection {
    final String key;
    final Socket socket;
    final InputStream in;
    final OutputStream out;
    final boolean viaHttpProxy;
    boolean fresh = true;

    Connection(String key, Socket socket, boolean viaHttpProxy) throws IOException {
      this.key = key;
      this.socket = socket;
      this.in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
      this.out = new BufferedOutputStream(socket.getOutputStream(), 8192);
      this.viaHttpProxy = viaHttpProxy;
    }

    void closeQuietly() {
      HttpSession.closeQuietly(socket);
    }
  }
}
