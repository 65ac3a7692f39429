package io.bits4j.client.portable.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link TempFile} both ways: what was appended and forced is in the file, byte for byte, with the
 * exact length, from any start offset, with checkpoints racing the appends as the transfer's
 * flusher does.
 */
class TempFileTest {
  private static final long WINDOW = 1L << 20;

  @TempDir Path tmp;
  private final ExecutorService flusher = Executors.newSingleThreadExecutor();

  @AfterEach
  void stop() {
    flusher.shutdownNow();
  }

  private TempFile open(Path p, long start, boolean direct) throws IOException {
    int align = TempFile.directAlignment(tmp);
    ByteBuffer ring = direct && align > 0 ? TempFile.allocateRing(WINDOW, align) : null;
    return TempFile.open(p, start, ring, align);
  }

  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  /**
   * Appends {@code data[from, to)} in random chunks, starting a background checkpoint whenever half
   * the window is unforced and never letting more than the window go unforced (as {@link Attempt}
   * does), then forces exactly.
   */
  private void download(TempFile f, byte[] data, int from, int to, Random r) throws Exception {
    long forced = from;
    Future<?> pending = null;
    long pendingAt = from;
    int p = from;
    while (p < to) {
      int n = Math.min(to - p, 1 + r.nextInt(70_000));
      if (p + n - forced >= WINDOW) {
        if (pending != null) {
          pending.get();
          forced = pendingAt;
          pending = null;
        }
        if (p + n - forced >= WINDOW) {
          f.force(p, false);
          forced = p;
        }
      } else if (pending == null && p - forced >= WINDOW / 2) {
        long at = p;
        pendingAt = at;
        pending = flusher.submit(() -> {
          f.force(at, false);
          return null;
        });
      } else if (pending != null && pending.isDone()) {
        pending.get();
        forced = pendingAt;
        pending = null;
      }
      f.write(data, p, n, p);
      p += n;
    }
    if (pending != null) {
      pending.get();
    }
    f.force(to, true);
  }

  @ParameterizedTest(name = "direct={0}")
  @ValueSource(booleans = {true, false})
  void appendedBytesAreInTheFileWithItsExactLength(boolean direct) throws Exception {
    byte[] data = random(9_000_001, 1);
    Path p = tmp.resolve("a.tmp");
    try (TempFile f = open(p, 0, direct)) {
      download(f, data, 0, data.length, new Random(2));
      assertThat(f.inFile()).isEqualTo(data.length);
    }
    assertThat(Files.size(p)).isEqualTo(data.length);
    assertThat(Arrays.equals(Files.readAllBytes(p), data)).isTrue();
  }

  @ParameterizedTest(name = "direct={0}")
  @ValueSource(booleans = {true, false})
  void resumesFromAnyOffsetCuttingWhatLiesBeyond(boolean direct) throws Exception {
    byte[] data = random(3_000_000, 3);
    Path p = tmp.resolve("b.tmp");
    Random r = new Random(4);
    try (TempFile f = open(p, 0, direct)) {
      download(f, data, 0, 2_000_000, r);
    }
    // a crash left bytes beyond the durable offset, which is not on a block boundary
    int durable = 1_234_567;
    try (TempFile f = open(p, durable, direct)) {
      assertThat(Files.size(p)).isEqualTo(durable);
      download(f, data, durable, data.length, r);
    }
    assertThat(Arrays.equals(Files.readAllBytes(p), data)).isTrue();
    // and again, the other way: what one way wrote, the other resumes
    try (TempFile f = open(p, 777, !direct)) {
      download(f, data, 777, data.length, r);
    }
    assertThat(Arrays.equals(Files.readAllBytes(p), data)).isTrue();
  }

  @ParameterizedTest(name = "direct={0}")
  @ValueSource(booleans = {true, false})
  void truncateStartsTheFileAgain(boolean direct) throws Exception {
    byte[] old = random(100_000, 5);
    byte[] fresh = random(50_001, 6);
    Path p = tmp.resolve("c.tmp");
    try (TempFile f = open(p, 0, direct)) {
      download(f, old, 0, old.length, new Random(7));
      f.truncate();
      assertThat(Files.size(p)).isZero();
      download(f, fresh, 0, fresh.length, new Random(8));
    }
    assertThat(Arrays.equals(Files.readAllBytes(p), fresh)).isTrue();
  }

  @Test
  void writeOutPutsStagedBytesInTheFile() throws Exception {
    byte[] data = random(10_000, 9);
    Path p = tmp.resolve("d.tmp");
    try (TempFile f = open(p, 0, true)) {
      f.write(data, 0, data.length, 0);
      if (f.direct()) {
        assertThat(f.inFile()).as("staged only").isZero();
      }
      f.writeOut(data.length, true);
      assertThat(f.inFile()).isEqualTo(data.length);
      assertThat(Arrays.equals(Files.readAllBytes(p), data)).isTrue();
    }
  }

  @Test
  void aPartialLastBlockIsWrittenFromACopyWithZerosAfterTheForcedOffset() throws Exception {
    byte[] data = random(5000, 13);
    Path p = tmp.resolve("h.tmp");
    try (TempFile f = open(p, 0, true)) {
      assumeTrue(f.direct(), "direct I/O is not available in " + tmp);
      f.write(data, 0, data.length, 0);
      // appends beyond 3000 exist in the ring's block, as when the transfer runs on during a
      // background checkpoint: the file gets bytes up to 3000 and zeros, never those appends
      f.force(3000, false);
      byte[] onDisk = Files.readAllBytes(p);
      assertThat(onDisk).hasSize(TempFile.directAlignment(tmp));
      assertThat(Arrays.copyOf(onDisk, 3000)).isEqualTo(Arrays.copyOf(data, 3000));
      assertThat(Arrays.copyOfRange(onDisk, 3000, onDisk.length)).containsOnly((byte) 0);
      f.force(data.length, true);
    }
    assertThat(Files.readAllBytes(p)).isEqualTo(data);
  }

  @Test
  void neverOverwritesStagedBytesThatAreNotInTheFile() throws Exception {
    Path p = tmp.resolve("e.tmp");
    try (TempFile f = open(p, 0, true)) {
      assumeTrue(f.direct(), "direct I/O is not available in " + tmp);
      int cap = TempFile.ringCapacity(WINDOW, TempFile.directAlignment(tmp));
      byte[] chunk = random(64 * 1024, 10);
      long pos = 0;
      while (pos + chunk.length <= cap) {
        f.write(chunk, 0, chunk.length, pos);
        pos += chunk.length;
      }
      long at = pos;
      assertThatThrownBy(() -> f.write(chunk, 0, chunk.length, at)).isInstanceOf(IOException.class)
          .hasMessageContaining("overrun");
      f.force(at, true); // the ring is free again
      f.write(chunk, 0, chunk.length, at);
    }
  }

  @Test
  void appendsOnlyAtTheEnd() throws Exception {
    try (TempFile f = open(tmp.resolve("f.tmp"), 0, true)) {
      f.write(new byte[10], 0, 10, 0);
      assertThatThrownBy(() -> f.write(new byte[10], 0, 10, 5)).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void fallsBackToBufferedWhereDirectIoIsRefused() throws Exception {
    // a ring one byte off the block boundary: every direct read or write of it is refused (by the
    // JDK or the kernel), as a file system without O_DIRECT refuses the open
    int align = TempFile.MIN_ALIGN;
    ByteBuffer aligned = TempFile.allocateRing(WINDOW, align);
    ByteBuffer misaligned = ByteBuffer.allocateDirect(aligned.capacity() + 2 * align).alignedSlice(align)
        .slice(1, aligned.capacity());
    byte[] data = random(3_000_000, 11);
    Path p = tmp.resolve("g.tmp");
    try (TempFile f = open(p, 0, false)) {
      f.write(data, 0, 5000, 0);
      f.force(5000, true);
    }
    try (TempFile f = TempFile.open(p, 4321, misaligned, align)) {
      assertThat(f.direct()).isFalse();
      assertThat(Files.size(p)).isEqualTo(4321);
      download(f, data, 4321, data.length, new Random(12));
    }
    assertThat(Arrays.equals(Files.readAllBytes(p), data)).isTrue();
  }
}
