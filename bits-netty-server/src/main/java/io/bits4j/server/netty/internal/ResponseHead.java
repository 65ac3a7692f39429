package io.bits4j.server.netty.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;

/**
 * A response's status line and header block, written straight into one buffer. The server
 * builds every response head from values it made itself (the range engine's plan, its own
 * dates, challenges, {@code Allow}), so it needs neither a header map nor Netty's HTTP encoder,
 * whose header map and encoding were among the largest items of the server's Java time per
 * request in a profile of many small ranges (README, Benchmarks). A value holding CR, LF or
 * NUL is refused with {@link IllegalArgumentException} (a bug, never a header split); other
 * characters outside ASCII are written as {@code ?}. The head is gathered in an array and copied
 * into a buffer of its exact size once. Not thread-safe; one per response.
 *
 * <pre>{@code
 * ByteBuf head = new ResponseHead(alloc, 206).add("Content-Length", "65536").end(now, true);
 * }</pre>
 */
final class ResponseHead {
  private static final byte[][] STATUS_LINES = new byte[600][];
  private static final byte[] CONNECTION_KEEP_ALIVE = ascii("Connection: keep-alive\r\n\r\n");
  private static final byte[] CONNECTION_CLOSE = ascii("Connection: close\r\n\r\n");

  static {
    for (int code = 100; code < 600; code++) {
      HttpResponseStatus s = HttpResponseStatus.valueOf(code);
      STATUS_LINES[code] = ascii("HTTP/1.1 " + code + " " + s.reasonPhrase() + "\r\n");
    }
  }

  private final ByteBufAllocator alloc;
  private byte[] bytes = new byte[320];
  private int length;

  /** Starts a head with the status line of {@code status} (100-599). */
  ResponseHead(ByteBufAllocator alloc, int status) {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("status must be 100-599: " + status);
    }
    this.alloc = alloc;
    append(STATUS_LINES[status]);
  }

  /**
   * Appends one header line.
   *
   * @throws IllegalArgumentException if the name or value holds CR, LF or NUL
   */
  ResponseHead add(String name, String value) {
    ensure(name.length() + value.length() + 4);
    text(name);
    bytes[length++] = ':';
    bytes[length++] = ' ';
    text(value);
    bytes[length++] = '\r';
    bytes[length++] = '\n';
    return this;
  }

  /**
   * Appends {@code Date} and {@code Connection} and the empty line that ends the head, and
   * returns it in a buffer that the caller then owns.
   *
   * @param epochSecond the response's date
   * @param keepAlive false adds {@code Connection: close}
   */
  ByteBuf end(long epochSecond, boolean keepAlive) {
    add("Date", HttpDates.date(epochSecond));
    append(keepAlive ? CONNECTION_KEEP_ALIVE : CONNECTION_CLOSE);
    return alloc.buffer(length).writeBytes(bytes, 0, length);
  }

  private void text(String s) {
    byte[] b = bytes;
    int at = length;
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (c == '\r' || c == '\n' || c == 0) {
        throw new IllegalArgumentException("header text with CR, LF or NUL: " + s.replace("\r", "\\r").replace("\n", "\\n"));
      }
      b[at++] = c < 0x80 ? (byte) c : (byte) '?';
    }
    length = at;
  }

  private void append(byte[] b) {
    ensure(b.length);
    System.arraycopy(b, 0, bytes, length, b.length);
    length += b.length;
  }

  private void ensure(int more) {
    if (length + more > bytes.length) {
      bytes = java.util.Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
    }
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
