package io.bits4j.client.portable.internal;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/** Body framings for HTTP/1.1 responses. */
final class BodyStreams {
  private BodyStreams() {}

  /** Exactly {@code length} bytes; a premature end of stream is an {@link EOFException}. */
  static final class Fixed extends InputStream {
    private final InputStream in;
    private long remaining;

    Fixed(InputStream in, long length) {
      this.in = in;
      this.remaining = length;
    }

    long remaining() {
      return remaining;
    }

    @Override
    public int read() throws IOException {
      byte[] b = new byte[1];
      int n = read(b, 0, 1);
      return n < 0 ? -1 : b[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (remaining == 0) {
        return -1;
      }
      int n = in.read(b, off, (int) Math.min(len, remaining));
      if (n < 0) {
        throw new EOFException("connection closed with " + remaining + " body bytes missing");
      }
      remaining -= n;
      return n;
    }
  }

  /** A chunked body (RFC 9112 §7.1), trailers skipped. */
  static final class Chunked extends InputStream {
    private final InputStream in;
    private long chunkRemaining;
    private boolean done;

    Chunked(InputStream in) {
      this.in = in;
    }

    boolean isDone() {
      return done;
    }

    @Override
    public int read() throws IOException {
      byte[] b = new byte[1];
      int n = read(b, 0, 1);
      return n < 0 ? -1 : b[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (done) {
        return -1;
      }
      if (chunkRemaining == 0) {
        String line = line();
        int semi = line.indexOf(';');
        String hex = (semi >= 0 ? line.substring(0, semi) : line).strip();
        if (hex.isEmpty() || hex.length() > 15) {
          throw new IOException("bad chunk size: " + hex);
        }
        try {
          chunkRemaining = Long.parseLong(hex, 16);
        } catch (NumberFormatException e) {
          throw new IOException("bad chunk size: " + hex, e);
        }
        if (chunkRemaining == 0) {
          while (!line().isEmpty()) {
            // trailers
          }
          done = true;
          return -1;
        }
      }
      int n = in.read(b, off, (int) Math.min(len, chunkRemaining));
      if (n < 0) {
        throw new EOFException("connection closed inside a chunk");
      }
      chunkRemaining -= n;
      if (chunkRemaining == 0) {
        line();
      }
      return n;
    }

    private String line() throws IOException {
      StringBuilder sb = new StringBuilder();
      while (true) {
        int c = in.read();
        if (c < 0) {
          throw new EOFException("connection closed inside chunk framing");
        }
        if (c == '\n') {
          int n = sb.length();
          if (n > 0 && sb.charAt(n - 1) == '\r') {
            sb.setLength(n - 1);
          }
          return sb.toString();
        }
        if (sb.length() > 8192) {
          throw new IOException("chunk line too long");
        }
        sb.append((char) c);
      }
    }
  }
}
