package io.bits4j.client.portable;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import java.util.function.BooleanSupplier;

/** Test data and helpers. */
final class TestFiles {
  private TestFiles() {}

  /** Writes {@code size} deterministic pseudo-random bytes. */
  static Path generate(Path file, long size, long seed) {
    byte[] block = new byte[1 << 20];
    new Random(seed).nextBytes(block);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      long written = 0;
      long index = 0;
      while (written < size) {
        // vary each block so that a shifted copy does not match
        block[0] = (byte) index;
        block[1] = (byte) (index >>> 8);
        block[2] = (byte) seed;
        int n = (int) Math.min(block.length, size - written);
        ByteBuffer b = ByteBuffer.wrap(block, 0, n);
        while (b.hasRemaining()) {
          ch.write(b);
        }
        written += n;
        index++;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  static String sha256(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Polls a condition (bounded), failing with a message after the timeout. */
  static void await(String what, Duration timeout, BooleanSupplier condition) {
    long end = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out waiting for " + what);
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what);
      }
    }
  }
}
