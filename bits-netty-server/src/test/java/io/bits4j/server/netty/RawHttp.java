package io.bits4j.server.netty;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/** A strict little HTTP/1.1 client over a socket (plain or TLS), for byte-exact tests. */
final class RawHttp implements AutoCloseable {
  final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  record Response(int status, String statusLine, Map<String, List<String>> headers, byte[] body) {
    Optional<String> header(String name) {
      List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
      return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
    }

    List<String> all(String name) {
      return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
    }

    String text() {
      return new String(body, StandardCharsets.ISO_8859_1);
    }
  }

  RawHttp(int port, SSLContext tls) throws IOException {
    this(port, tls, null);
  }

  RawHttp(int port, SSLContext tls, String[] protocols) throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    s.setSoTimeout(20_000);
    if (tls != null) {
      SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(s, "127.0.0.1", port, true);
      if (protocols != null) {
        ssl.setEnabledProtocols(protocols);
      }
      ssl.startHandshake();
      s = ssl;
    }
    this.socket = s;
    this.in = s.getInputStream();
    this.out = s.getOutputStream();
  }

  /** Over a plain socket already connected (for sockets set up before connecting). */
  RawHttp(Socket connected) throws IOException {
    this.socket = connected;
    this.in = connected.getInputStream();
    this.out = connected.getOutputStream();
  }

  static RawHttp plain(int port) throws IOException {
    return new RawHttp(port, null);
  }

  void sendRaw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** Sends {@code METHOD path} with Host and extra header lines ("Name: value"), reads the response. */
  Response request(String method, String path, String... headerLines) throws IOException {
    StringBuilder sb = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for (String h : headerLines) {
      sb.append(h).append("\r\n");
    }
    sb.append("\r\n");
    sendRaw(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
    return read(method.equals("HEAD"));
  }

  Response read(boolean head) throws IOException {
    String statusLine = line();
    if (statusLine == null) {
      throw new IOException("connection closed before a response");
    }
    Map<String, List<String>> headers = new LinkedHashMap<>();
    String l;
    while ((l = line()) != null && !l.isEmpty()) {
      int c = l.indexOf(':');
      headers.computeIfAbsent(l.substring(0, c).toLowerCase(Locale.ROOT), k -> new ArrayList<>())
          .add(l.substring(c + 1).strip());
    }
    int status = Integer.parseInt(statusLine.split(" ")[1]);
    if (headers.containsKey("transfer-encoding")) {
      throw new AssertionError("chunked response: " + headers);
    }
    byte[] body;
    if (head || status == 304 || status / 100 == 1 || status == 204) {
      body = new byte[0];
    } else if (headers.containsKey("content-length")) {
      long n = Long.parseLong(headers.get("content-length").get(0));
      body = in.readNBytes((int) n);
      if (body.length != n) {
        throw new IOException("short body: " + body.length + " of " + n);
      }
    } else {
      body = in.readAllBytes();
    }
    return new Response(status, statusLine, headers, body);
  }

  /** Reads until EOF, returning the byte count (for aborted-response tests). */
  /** Reads and drops up to {@code max} bytes (fewer if the connection ends); returns the count. */
  long drain(long max) throws IOException {
    long n = 0;
    byte[] b = new byte[65536];
    while (n < max) {
      int r = in.read(b, 0, (int) Math.min(b.length, max - n));
      if (r < 0) {
        break;
      }
      n += r;
    }
    return n;
  }

  long drain() throws IOException {
    long n = 0;
    byte[] b = new byte[65536];
    int r;
    try {
      while ((r = in.read(b)) >= 0) {
        n += r;
      }
    } catch (java.net.SocketException e) {
      // reset by peer counts as the end
    }
    return n;
  }

  /** True if the server closed the connection (EOF) within the socket timeout. */
  boolean closedByPeer() {
    try {
      return in.read() < 0;
    } catch (IOException e) {
      return true;
    }
  }

  private String line() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        byte[] x = b.toByteArray();
        int len = x.length > 0 && x[x.length - 1] == '\r' ? x.length - 1 : x.length;
        return new String(x, 0, len, StandardCharsets.ISO_8859_1);
      }
      b.write(c);
    }
    return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
