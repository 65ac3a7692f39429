package io.bits4j.client.portable;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tiny HTTP/1.1 range server on loopback for tests: HEAD, GET with single ranges and If-Range,
 * strong ETags, and scripted misbehaviour (statuses, cuts, stalls, no range support, auth).
 */
final class TestServer implements AutoCloseable {
  /** One request seen by the server. */
  record Request(String method, String target, Map<String, String> headers) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  /** A scripted answer for the next GET (consumed once). */
  record Fault(int status, long cutAfter, boolean stall, String retryAfter) {
    static Fault cut(long afterBytes) {
      return new Fault(0, afterBytes, false, null);
    }

    static Fault stall(long afterBytes) {
      return new Fault(0, afterBytes, true, null);
    }

    static Fault status(int status, String retryAfter) {
      return new Fault(status, -1, false, retryAfter);
    }
  }

  private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");

  private final ServerSocket server;
  private final Thread acceptor;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  final List<Request> requests = new CopyOnWriteArrayList<>();
  final ConcurrentLinkedQueue<Fault> faults = new ConcurrentLinkedQueue<>();
  final AtomicLong bodyBytes = new AtomicLong();
  /** GET bodies being sent now, and the most sent at once. */
  final java.util.concurrent.atomic.AtomicInteger activeBodies = new java.util.concurrent.atomic.AtomicInteger();
  final java.util.concurrent.atomic.AtomicInteger maxActiveBodies = new java.util.concurrent.atomic.AtomicInteger();
  private volatile Path file;
  private volatile int version = 1;
  volatile boolean rangeSupport = true;
  volatile boolean ifRangeSupport = true;
  volatile boolean headContentLength = true;
  volatile boolean sendValidators = true;
  volatile int headStatus = 200;
  volatile String contentEncoding;
  volatile long bytesPerSecond;
  /** Basic credentials "user:password" required, if set. */
  volatile String basicAuth;
  /** Digest (SHA-256, qop=auth) credentials "user:password" required, if set. */
  volatile String digestAuth;

  private boolean digestOk(Request req) {
    String h = req.header("authorization");
    if (h == null || !h.startsWith("Digest ")) {
      return false;
    }
    Map<String, String> p = new TreeMap<>();
    Matcher m = Pattern.compile("(\\w+)=(?:\"([^\"]*)\"|([^,\\s]*))").matcher(h.substring(7));
    while (m.find()) {
      p.put(m.group(1), m.group(2) != null ? m.group(2) : m.group(3));
    }
    String[] up = digestAuth.split(":", 2);
    String ha1 = sha256(up[0] + ":bits4j:" + up[1]);
    String ha2 = sha256(req.method() + ":" + p.get("uri"));
    String expected = sha256(ha1 + ":abc123:" + p.get("nc") + ":" + p.get("cnonce") + ":auth:" + ha2);
    return up[0].equals(p.get("username")) && expected.equals(p.get("response")) && "xyz".equals(p.get("opaque"))
        && req.target().equals(p.get("uri"));
  }

  private static String sha256(String s) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
          .digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Extra routes: target → handler writing a raw response. */
  final Map<String, Function<Request, String>> raw = Collections.synchronizedMap(new TreeMap<>());
  private volatile boolean closed;
  private final java.util.concurrent.CountDownLatch closedLatch = new java.util.concurrent.CountDownLatch(1);

  private final boolean tls;

  TestServer(Path file) throws IOException {
    this(file, null, false);
  }

  /** A server; with a context it speaks HTTPS, and with needClientAuth it requires a certificate. */
  TestServer(Path file, javax.net.ssl.SSLContext ssl, boolean needClientAuth) throws IOException {
    this.file = file;
    this.tls = ssl != null;
    if (ssl != null) {
      javax.net.ssl.SSLServerSocket ss = (javax.net.ssl.SSLServerSocket) ssl.getServerSocketFactory()
          .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
      ss.setNeedClientAuth(needClientAuth);
      this.server = ss;
    } else {
      this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }
    this.acceptor = new Thread(this::accept, "test-server");
    this.acceptor.setDaemon(true);
    this.acceptor.start();
  }

  URI uri(String path) {
    return URI.create((tls ? "https" : "http") + "://127.0.0.1:" + server.getLocalPort() + path);
  }

  int port() {
    return server.getLocalPort();
  }

  private volatile String staleHead;

  /** Replaces the file, but HEAD keeps answering for the old version (a stale cache in front). */
  void replaceBehindStaleHead(Path newFile) throws IOException {
    staleHead = "HTTP/1.1 200 OK\r\nETag: " + etag() + "\r\nLast-Modified: " + lastModified()
        + "\r\nContent-Length: " + java.nio.file.Files.size(file) + "\r\n\r\n";
    replace(newFile);
  }

  /** Serves another file as a new version (new ETag and Last-Modified). */
  void replace(Path newFile) {
    this.file = newFile;
    this.version++;
  }

  String etag() {
    return "\"v" + version + "\"";
  }

  String lastModified() {
    return "Thu, 0" + Math.min(version, 9) + " Jan 2026 00:00:00 GMT";
  }

  List<Request> gets() {
    List<Request> out = new ArrayList<>();
    for (Request r : requests) {
      if (r.method.equals("GET")) {
        out.add(r);
      }
    }
    return out;
  }

  private void accept() {
    acceptLoop(server, sockets, () -> closed, this::serve, "test-server-conn");
  }

  /**
   * Accepts connections until {@code closed} or the listener closes, each served on its own
   * daemon thread and kept in {@code open} (for closing them all).
   */
  static void acceptLoop(java.net.ServerSocket listener, List<Socket> open, java.util.function.BooleanSupplier closed,
      java.util.function.Consumer<Socket> serve, String threadName) {
    while (!closed.getAsBoolean()) {
      try {
        Socket s = listener.accept();
        open.add(s);
        Thread t = new Thread(() -> serve.accept(s), threadName);
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      InputStream in = new BufferedInputStream(s.getInputStream());
      OutputStream out = new BufferedOutputStream(s.getOutputStream(), 65536);
      while (true) {
        Request req = readRequest(in);
        if (req == null) {
          return;
        }
        requests.add(req);
        if (!handle(req, out)) {
          return;
        }
      }
    } catch (IOException e) {
      // connection over
    } finally {
      sockets.remove(s);
    }
  }

  private boolean handle(Request req, OutputStream out) throws IOException {
    Function<Request, String> r = raw.get(req.target());
    if (r != null) {
      out.write(r.apply(req).getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      return true;
    }
    if (digestAuth != null && !digestOk(req)) {
      write(out, "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Digest realm=\"bits4j\", qop=\"auth\", "
          + "algorithm=SHA-256, nonce=\"abc123\", opaque=\"xyz\"\r\nWWW-Authenticate: Basic realm=\"bits4j\"\r\n"
          + "Content-Length: 0\r\n\r\n");
      return true;
    }
    if (basicAuth != null) {
      String expected = "Basic " + Base64.getEncoder().encodeToString(basicAuth.getBytes(StandardCharsets.UTF_8));
      if (!expected.equals(req.header("authorization"))) {
        write(out, "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"test\"\r\n"
            + "Content-Length: 0\r\n\r\n");
        return true;
      }
    }
    Path f = file;
    long size;
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
      size = ch.size();
      String validators = sendValidators
          ? "ETag: " + etag() + "\r\nLast-Modified: " + lastModified() + "\r\n" : "";
      if (req.method().equals("HEAD") && staleHead != null) {
        write(out, staleHead);
        return true;
      }
      if (req.method().equals("HEAD")) {
        if (headStatus != 200) {
          write(out, "HTTP/1.1 " + headStatus + " X\r\nContent-Length: 0\r\n\r\n");
          return true;
        }
        write(out, "HTTP/1.1 200 OK\r\n" + validators + "Accept-Ranges: bytes\r\n"
            + (headContentLength ? "Content-Length: " + size + "\r\n" : "Transfer-Encoding: chunked\r\n")
            + "\r\n");
        return true;
      }
      Fault fault = faults.poll();
      if (fault != null && fault.status() > 0) {
        write(out, "HTTP/1.1 " + fault.status() + " X\r\n"
            + (fault.retryAfter() != null ? "Retry-After: " + fault.retryAfter() + "\r\n" : "")
            + "Content-Length: 5\r\n\r\nerror");
        return true;
      }
      long start = 0;
      long end = size - 1;
      boolean partial = false;
      String range = req.header("range");
      if (range != null && rangeSupport) {
        String ifRange = req.header("if-range");
        boolean ok = ifRange == null || !ifRangeSupport || ifRange.equals(etag()) || ifRange.equals(lastModified());
        Matcher m = RANGE.matcher(range);
        if (ok && m.matches()) {
          start = Long.parseLong(m.group(1));
          if (!m.group(2).isEmpty()) {
            end = Math.min(end, Long.parseLong(m.group(2)));
          }
          if (start >= size) {
            write(out, "HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: bytes */" + size
                + "\r\nContent-Length: 0\r\n\r\n");
            return true;
          }
          partial = true;
        }
      }
      long len = end - start + 1;
      write(out, (partial ? "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes " + start + "-" + end + "/" + size
          + "\r\n" : "HTTP/1.1 200 OK\r\n") + validators
          + (contentEncoding != null ? "Content-Encoding: " + contentEncoding + "\r\n" : "")
          + "Content-Length: " + len + "\r\n\r\n");
      long limit = fault == null ? Long.MAX_VALUE : fault.cutAfter();
      ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
      long pos = start;
      long sent = 0;
      long t0 = System.nanoTime();
      maxActiveBodies.accumulateAndGet(activeBodies.incrementAndGet(), Math::max);
      try {
      while (pos <= end) {
        buf.clear();
        long max = Math.min(buf.capacity(), Math.min(end - pos + 1, limit - sent));
        if (max <= 0) {
          break;
        }
        buf.limit((int) max);
        int n = ch.read(buf, pos);
        if (n <= 0) {
          break;
        }
        out.write(buf.array(), 0, n);
        pos += n;
        sent += n;
        bodyBytes.addAndGet(n);
        long bps = bytesPerSecond;
        if (bps > 0) {
          out.flush();
          long due = t0 + sent * 1_000_000_000L / bps;
          long wait = due - System.nanoTime();
          if (wait > 0) {
            try {
              Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              return false;
            }
          }
        }
      }
      out.flush();
      } finally {
        activeBodies.decrementAndGet();
      }
      if (fault != null && sent >= limit) {
        if (fault.stall()) {
          // hold the connection open without sending anything until the client gives up
          try {
            closedLatch.await();
          } catch (InterruptedException e) {
            return false;
          }
        }
        return false; // cut
      }
      return true;
    }
  }

  private static void write(OutputStream out, String s) throws IOException {
    out.write(s.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  /** Reads a request head (its line and header fields); null at the end of the connection. */
  static Request readRequest(InputStream in) throws IOException {
    String line = readLine(in);
    if (line == null || line.isEmpty()) {
      return null;
    }
    String[] parts = line.split(" ");
    Map<String, String> headers = new TreeMap<>();
    String h;
    while ((h = readLine(in)) != null && !h.isEmpty()) {
      int c = h.indexOf(':');
      headers.put(h.substring(0, c).strip().toLowerCase(Locale.ROOT), h.substring(c + 1).strip());
    }
    return new Request(parts[0], parts[1], headers);
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    while (true) {
      int c = in.read();
      if (c < 0) {
        return sb.length() == 0 ? null : sb.toString();
      }
      if (c == '\n') {
        int n = sb.length();
        if (n > 0 && sb.charAt(n - 1) == '\r') {
          sb.setLength(n - 1);
        }
        return sb.toString();
      }
      sb.append((char) c);
    }
  }

  /** Closes every open connection (a server crash, as seen by the client). */
  void dropConnections() {
    for (Socket s : sockets) {
      try {
        s.close();
      } catch (IOException e) {
        // ignore
      }
    }
  }

  InetSocketAddress address() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
  }

  @Override
  public void close() throws IOException {
    closed = true;
    closedLatch.countDown();
    server.close();
    dropConnections();
  }
}
