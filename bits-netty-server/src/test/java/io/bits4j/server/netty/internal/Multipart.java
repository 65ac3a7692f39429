package io.bits4j.server.netty.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A strict multipart/byteranges reader for tests: what a client would parse. */
public final class Multipart {
  private Multipart() {}

  public record Part(Map<String, String> headers, byte[] data) {}

  public static String boundaryOf(String contentType) {
    String marker = "boundary=";
    int i = contentType.indexOf(marker);
    if (!contentType.startsWith("multipart/byteranges") || i < 0) {
      throw new AssertionError("not multipart/byteranges: " + contentType);
    }
    return contentType.substring(i + marker.length());
  }

  /** Parses the body; fails if the framing has more than one CRLF before the first boundary. */
  public static List<Part> parse(byte[] body, String boundary) {
    byte[] dash = ("--" + boundary).getBytes(StandardCharsets.US_ASCII);
    int pos = 0;
    if (startsWith(body, 0, "\r\n".getBytes(StandardCharsets.US_ASCII))) {
      pos = 2;
    }
    if (!startsWith(body, pos, dash)) {
      throw new AssertionError("body does not start with the boundary (at most one CRLF before it)");
    }
    List<Part> parts = new ArrayList<>();
    while (true) {
      pos += dash.length;
      if (startsWith(body, pos, "--\r\n".getBytes(StandardCharsets.US_ASCII))) {
        if (pos + 4 != body.length) {
          throw new AssertionError("bytes after the close delimiter");
        }
        return parts;
      }
      pos = expect(body, pos, "\r\n");
      Map<String, String> headers = new LinkedHashMap<>();
      while (true) {
        int eol = indexOf(body, pos, "\r\n".getBytes(StandardCharsets.US_ASCII));
        if (eol == pos) {
          pos += 2;
          break;
        }
        String line = new String(body, pos, eol - pos, StandardCharsets.US_ASCII);
        int colon = line.indexOf(':');
        headers.put(line.substring(0, colon).toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
        pos = eol + 2;
      }
      String cr = headers.get("content-range");
      if (cr == null) {
        throw new AssertionError("part without Content-Range");
      }
      long[] r = contentRange(cr);
      int n = Math.toIntExact(r[1] - r[0] + 1);
      parts.add(new Part(headers, Arrays.copyOfRange(body, pos, pos + n)));
      pos += n;
      pos = expect(body, pos, "\r\n");
      if (!startsWith(body, pos, dash)) {
        throw new AssertionError("expected a boundary at " + pos);
      }
    }
  }

  /** {first, last, total} of {@code bytes a-b/len}. */
  public static long[] contentRange(String v) {
    if (!v.startsWith("bytes ")) {
      throw new AssertionError("bad Content-Range " + v);
    }
    String[] a = v.substring(6).split("[-/]");
    return new long[] {Long.parseLong(a[0]), Long.parseLong(a[1]), Long.parseLong(a[2])};
  }

  private static int expect(byte[] b, int pos, String s) {
    if (!startsWith(b, pos, s.getBytes(StandardCharsets.US_ASCII))) {
      throw new AssertionError("expected CRLF at " + pos);
    }
    return pos + s.length();
  }

  private static boolean startsWith(byte[] b, int pos, byte[] p) {
    if (pos + p.length > b.length) {
      return false;
    }
    for (int i = 0; i < p.length; i++) {
      if (b[pos + i] != p[i]) {
        return false;
      }
    }
    return true;
  }

  private static int indexOf(byte[] b, int from, byte[] p) {
    for (int i = from; i + p.length <= b.length; i++) {
      if (startsWith(b, i, p)) {
        return i;
      }
    }
    throw new AssertionError("not found");
  }
}
