package io.bits4j.client.portable.internal;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/** A parsed HTTP/1.x response head. The body stays on the connection. */
final class HttpResponse {
  static final int MAX_LINE = 16 * 1024;
  static final int MAX_HEADERS = 256;
  /** Interim (1xx) responses accepted before the final one. */
  static final int MAX_INTERIM = 64;

  final int version; // 10 or 11
  final int status;
  final String reason;
  private final List<String[]> headers;

  private HttpResponse(int version, int status, String reason, List<String[]> headers) {
    this.version = version;
    this.status = status;
    this.reason = reason;
    this.headers = headers;
  }

  /** The first value of a header, case-insensitive. */
  Optional<String> header(String name) {
    for (String[] h : headers) {
      if (h[0].equalsIgnoreCase(name)) {
        return Optional.of(h[1]);
      }
    }
    return Optional.empty();
  }

  /** All values of a header, case-insensitive, in order. */
  List<String> headers(String name) {
    List<String> out = new ArrayList<>();
    for (String[] h : headers) {
      if (h[0].equalsIgnoreCase(name)) {
        out.add(h[1]);
      }
    }
    return out;
  }

  /**
   * The Content-Length, empty if absent.
   *
   * @throws IOException for a malformed or conflicting value
   */
  OptionalLong contentLength() throws IOException {
    List<String> values = headers("Content-Length");
    if (values.isEmpty()) {
      return OptionalLong.empty();
    }
    long result = -1;
    for (String v : values) {
      for (String part : v.split(",")) {
        String p = part.strip();
        if (p.isEmpty() || p.length() > 18 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
          throw new IOException("bad Content-Length: " + v);
        }
        long n = Long.parseLong(p);
        if (result >= 0 && n != result) {
          throw new IOException("conflicting Content-Length: " + values);
        }
        result = n;
      }
    }
    return OptionalLong.of(result);
  }

  boolean isChunked() {
    for (String v : headers("Transfer-Encoding")) {
      if (v.toLowerCase(Locale.ROOT).contains("chunked")) {
        return true;
      }
    }
    return false;
  }

  boolean keepAlive() {
    String conn = String.join(",", headers("Connection")).toLowerCase(Locale.ROOT);
    if (conn.contains("close")) {
      return false;
    }
    return version >= 11 || conn.contains("keep-alive");
  }

  /**
   * Reads a response head (skipping up to {@link #MAX_INTERIM} 1xx interim responses), which must
   * be complete within {@code limit} of its first byte: the socket's read timeout bounds each
   * silence, this bounds a server that drips the head a byte at a time (WinHTTP too bounds the
   * response headers as a whole).
   *
   * @throws EOFException if the connection closes before a status line
   * @throws HeadTimeoutException if the head is not complete within {@code limit}
   * @throws IOException for a malformed head
   */
  static HttpResponse read(InputStream in, Duration limit) throws IOException {
    HeadInput head = new HeadInput(in, limit);
    for (int interim = 0; interim <= MAX_INTERIM; interim++) {
      HttpResponse r = readOne(head);
      if (r.status >= 200 || r.status == 101) {
        return r;
      }
    }
    throw new IOException("bad response: more than " + MAX_INTERIM + " interim responses");
  }

  private static HttpResponse readOne(HeadInput in) throws IOException {
    String statusLine = readLine(in, true);
    if (!statusLine.startsWith("HTTP/1.")) {
      throw new IOException("not an HTTP/1.x status line: " + abbreviate(statusLine));
    }
    if (statusLine.length() < 12 || statusLine.charAt(8) != ' ') {
      throw new IOException("bad status line: " + abbreviate(statusLine));
    }
    int version = statusLine.charAt(7) == '0' ? 10 : 11;
    int status;
    try {
      status = Integer.parseInt(statusLine.substring(9, 12));
    } catch (NumberFormatException e) {
      throw new IOException("bad status code: " + abbreviate(statusLine), e);
    }
    if (status < 100 || status > 999) {
      throw new IOException("bad status code: " + status);
    }
    String reason = statusLine.length() > 13 ? statusLine.substring(13) : "";
    List<String[]> headers = new ArrayList<>();
    while (true) {
      String line = readLine(in, false);
      if (line.isEmpty()) {
        break;
      }
      if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
        if (headers.isEmpty()) {
          throw new IOException("header continuation without a header");
        }
        String[] last = headers.get(headers.size() - 1);
        if (last[1].length() + line.length() >= MAX_LINE) {
          throw new IOException("bad header: folded value longer than " + MAX_LINE);
        }
        last[1] = last[1] + " " + line.strip();
        continue;
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw new IOException("bad header line: " + abbreviate(line));
      }
      if (headers.size() >= MAX_HEADERS) {
        throw new IOException("too many headers");
      }
      headers.add(new String[] {line.substring(0, colon).strip(), line.substring(colon + 1).strip()});
    }
    return new HttpResponse(version, status, reason, headers);
  }

  private static String readLine(HeadInput in, boolean first) throws IOException {
    StringBuilder sb = new StringBuilder(64);
    while (true) {
      int c = in.read();
      if (c < 0) {
        if (first && sb.length() == 0) {
          throw new EOFException("connection closed before the response");
        }
        throw new EOFException("connection closed inside the response head");
      }
      if (c == '\n') {
        int n = sb.length();
        if (n > 0 && sb.charAt(n - 1) == '\r') {
          sb.setLength(n - 1);
        }
        return sb.toString();
      }
      if (sb.length() >= MAX_LINE) {
        throw new IOException("response line longer than " + MAX_LINE);
      }
      sb.append((char) (c & 0xFF));
    }
  }

  private static String abbreviate(String s) {
    String t = s.length() > 80 ? s.substring(0, 80) + "…" : s;
    return new String(t.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.ISO_8859_1)
        .replaceAll("[^\\x20-\\x7e]", "?");
  }

  @Override
  public String toString() {
    return "HTTP/1." + (version == 10 ? 0 : 1) + " " + status + " " + reason;
  }

  /** A response head that did not complete in time (a transient {@code ERROR_WINHTTP_TIMEOUT}). */
  static final class HeadTimeoutException extends SocketTimeoutException {
    private static final long serialVersionUID = 1L;

    HeadTimeoutException(String message) {
      super(message);
    }
  }

  /** The bytes of a response head, with its deadline: {@code limit} from the first byte. */
  private static final class HeadInput {
    private final InputStream in;
    private final Duration limit;
    private long deadline;
    private boolean started;

    HeadInput(InputStream in, Duration limit) {
      this.in = in;
      this.limit = limit;
    }

    int read() throws IOException {
      int c = in.read();
      long now = System.nanoTime();
      if (!started) {
        started = true;
        deadline = now + limit.toNanos();
      } else if (now - deadline > 0) {
        throw new HeadTimeoutException("response head not complete " + limit.toMillis() + " ms after its first byte");
      }
      return c;
    }
  }
}
