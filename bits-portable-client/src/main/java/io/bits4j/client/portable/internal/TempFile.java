package io.bits4j.client.portable.internal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The temp file a download appends to, and how its bytes reach the disk. Two ways:
 *
 * <ul>
 *   <li><b>direct</b> (where the file system allows it): received bytes are staged in an aligned
 *       ring of {@link #ringCapacity(long, int) the durability window plus two blocks}; whole
 *       blocks go to the file with direct I/O ({@code O_DIRECT}) in the background ({@link
 *       #writeOutBlocks}) and at each checkpoint, which then forces the file. The data never passes through the page cache: one copy less per byte, nothing for the
 *       kernel to write back later, no memory taken from the machine's cache for a file nobody
 *       reads until it is complete, and a {@code fdatasync} that only has metadata left to do.
 *       (On virtual machines whose host takes back free guest memory, filling the page cache with
 *       a large download also means a host page fault per fresh page: on the VM this was measured
 *       on, buffered writes into reclaimed memory ran at 0.3–0.5 GB/s, direct ones at 2.3 GB/s.)
 *   <li><b>buffered</b>: plain positional writes and {@code force}, where direct I/O is not
 *       available (tmpfs, some network file systems, a window too small to stage in blocks) or was
 *       turned off.
 * </ul>
 *
 * <p>Either way {@link #force(long, boolean)} makes every byte before the given offset durable,
 * which is all the durability rule needs. With direct I/O the staged bytes exist only in memory
 * until a checkpoint writes them, exactly as unforced bytes in the page cache would not survive a
 * power cut; a crash of the process loses at most the window, as before.
 *
 * <p>Threads: {@link #write} runs on the transfer's thread; {@link #force} and {@link
 * #writeOutBlocks} run on the transfer's thread or on a flusher thread while the transfer keeps
 * appending beyond the given offset. At most one of them runs at a time (the transfer awaits a
 * background task before starting another or forcing itself).
 */
final class TempFile implements Closeable {
  private static final System.Logger LOG = System.getLogger(TempFile.class.getName());
  /** The smallest alignment used for direct I/O. */
  static final int MIN_ALIGN = 4096;
  /** Direct I/O is used for windows of at least this many bytes. */
  static final long MIN_DIRECT_WINDOW = 256 * 1024;

  private final FileChannel ch;
  /** Block size for direct I/O; 0 when buffered. */
  private final int align;
  private final @Nullable ByteBuffer ring;
  /** The ring's staging capacity (a multiple of {@code align}); 0 when buffered. */
  private final int cap;
  /** One block after the ring's staging part: a partial last block is copied here to be written. */
  private final @Nullable ByteBuffer scratch;
  /** File offset up to which bytes were appended. Written by the transfer's thread only. */
  private volatile long appended;
  /** File offset up to which the file holds real data (written by a checkpoint). */
  private volatile long flushed;
  /** The file's length as this object left it (direct writes round up to a block). */
  private long fileEnd;

  private TempFile(FileChannel ch, int align, @Nullable ByteBuffer ring, long start, long fileEnd) {
    this.ch = ch;
    this.align = align;
    this.ring = ring;
    this.cap = ring == null ? 0 : ring.capacity() - align;
    this.scratch = ring == null ? null : ring.slice(cap, align);
    this.appended = start;
    this.flushed = start;
    this.fileEnd = fileEnd;
  }

  /**
   * Allocates a staging ring for direct I/O with this window (its {@link #ringCapacity staging
   * part} and one block more); one serves any number of files in turn.
   */
  static ByteBuffer allocateRing(long window, int align) {
    int cap = ringCapacity(window, align);
    return ByteBuffer.allocateDirect(cap + 2 * align).alignedSlice(align).slice(0, cap + align);
  }

  /** The window rounded up to whole blocks, plus two blocks: the staged bytes never exceed it. */
  static int ringCapacity(long window, int align) {
    long blocks = (window + align - 1) / align + 2;
    return Math.toIntExact(blocks * align);
  }

  /**
   * The block size direct I/O would use for a file in {@code dir}, or 0 if it should not be tried
   * there.
   */
  static int directAlignment(Path dir) {
    long bs;
    try {
      bs = Files.getFileStore(dir).getBlockSize();
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      bs = MIN_ALIGN;
    }
    long a = Math.max(MIN_ALIGN, bs);
    return a <= 64 * 1024 && Long.bitCount(a) == 1 ? (int) a : 0;
  }

  /**
   * Opens (creating) the temp file for appending from {@code start}, which must not exceed the
   * file's length. Bytes beyond {@code start} are cut off. With a non-null {@code ring} (from
   * {@link #allocateRing}, aligned to {@code align}), direct I/O is tried: if the file system
   * refuses it, the file is opened buffered.
   *
   * @throws IOException if the file cannot be opened or cut to {@code start}
   */
  static TempFile open(Path path, long start, @Nullable ByteBuffer ring, int align) throws IOException {
    if (ring != null && align > 0) {
      TempFile direct = tryDirect(path, start, ring, align);
      if (direct != null) {
        return direct;
      }
    }
    FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.READ);
    try {
      if (ch.size() > start) {
        ch.truncate(start);
      }
    } catch (IOException e) {
      ch.close();
      throw e;
    }
    return new TempFile(ch, 0, null, start, start);
  }

  private static @Nullable TempFile tryDirect(Path path, long start, ByteBuffer ring, int align) throws IOException {
    // any failure here means "not direct": a real error (no permission, no space) shows again
    // when the caller opens the file the ordinary way
    Set<OpenOption> options = Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ,
        com.sun.nio.file.ExtendedOpenOption.DIRECT);
    FileChannel ch;
    try {
      ch = FileChannel.open(path, options);
    } catch (IOException | UnsupportedOperationException e) {
      LOG.log(System.Logger.Level.DEBUG, () -> "no direct I/O for " + path + ": " + e);
      return null;
    }
    try {
      // Probe: read the block holding `start` into the ring (the part before `start` is needed
      // there anyway: the next checkpoint rewrites that block) and write it back in place.
      int cap = ring.capacity() - align;
      long block = start - start % align;
      int index = (int) (block % cap);
      ByteBuffer b = ring.duplicate();
      b.position(index).limit(index + align);
      ch.read(b, block); // one aligned read: at the end of the file it returns what there is
      b.position(index).limit(index + align);
      while (b.hasRemaining()) {
        ch.write(b, block + b.position() - index);
      }
      ch.truncate(start);
      return new TempFile(ch, align, ring, start, start);
    } catch (IOException e) {
      ch.close();
      LOG.log(System.Logger.Level.DEBUG, () -> "direct I/O refused for " + path + ": " + e);
      if (Files.size(path) > start) {
        try (FileChannel plain = FileChannel.open(path, StandardOpenOption.WRITE)) {
          plain.truncate(start);
        }
      }
      return null;
    }
  }

  /** True if this file is written with direct I/O. */
  boolean direct() {
    return align > 0;
  }

  /** Appends {@code len} bytes of {@code b} at {@code position}, the current end. */
  void write(byte[] b, int off, int len, long position) throws IOException {
    if (position != appended) {
      throw new IllegalStateException("append at " + position + ", end is " + appended);
    }
    ByteBuffer r = ring;
    if (r == null) {
      ByteBuffer src = ByteBuffer.wrap(b, off, len);
      long p = position;
      while (src.hasRemaining()) {
        p += ch.write(src, p);
      }
    } else {
      long keep = flushed - flushed % align;
      if (position + len - keep > cap) {
        // the window keeps this from happening; never overwrite bytes that are not in the file yet
        throw new IOException("staging ring overrun: " + (position + len - keep) + " > " + cap + " bytes");
      }
      int index = (int) (position % cap);
      int first = Math.min(len, cap - index);
      r.put(index, b, off, first);
      if (first < len) {
        r.put(0, b, off + first, len - first);
      }
    }
    appended = position + len;
  }

  /**
   * Makes the bytes before {@code position} durable (forced to the device); safe while the
   * transfer appends beyond {@code position}. With {@code exact}, called with no append running,
   * the file is also cut to exactly {@code position}; otherwise a direct write of a partial last
   * block leaves zeros up to the block's end, which later writes overwrite.
   */
  void force(long position, boolean exact) throws IOException {
    writeOut(position, exact);
    ch.force(false);
  }

  /**
   * Writes the bytes before {@code position} into the file without forcing them (a no-op when
   * buffered: they are there already); {@code exact} as for {@link #force}. Whole blocks are
   * written straight from the ring: the transfer appends only beyond {@code position}, so none of
   * them changes while the device reads it. A partial last block is copied out first and written
   * with zeros after {@code position}.
   */
  void writeOut(long position, boolean exact) throws IOException {
    ByteBuffer r = ring;
    ByteBuffer t = scratch;
    if (r != null && t != null && position > flushed) {
      if (position > appended) {
        throw new IllegalStateException("write out to " + position + ", end is " + appended);
      }
      long from = flushed - flushed % align;
      long whole = position - position % align;
      for (long p = from; p < whole;) {
        int index = (int) (p % cap);
        int n = (int) Math.min(whole - p, cap - index);
        writeFully(r.slice(index, n), p);
        p += n;
      }
      long end = whole;
      if (whole < position) {
        int n = (int) (position - whole);
        t.put(0, r, (int) (whole % cap), n);
        t.put(n, ZEROS, 0, align - n);
        writeFully(t.duplicate().clear(), whole);
        end = whole + align;
      }
      flushed = position;
      fileEnd = Math.max(fileEnd, end);
    }
    if (exact && fileEnd > position && position >= flushed) {
      ch.truncate(position);
      fileEnd = position;
    }
  }

  private static final byte[] ZEROS = new byte[64 * 1024];

  private void writeFully(ByteBuffer b, long position) throws IOException {
    int start = b.position();
    while (b.hasRemaining()) {
      ch.write(b, position + b.position() - start);
    }
  }

  /**
   * Writes the whole staged blocks before {@code position} into the file, unforced (a no-op when
   * buffered); may run while the transfer appends beyond {@code position}.
   */
  void writeOutBlocks(long position) throws IOException {
    if (ring != null) {
      long blocks = position - position % align;
      if (blocks > flushed) {
        writeOut(blocks, false);
      }
    }
  }

  /** The offset up to which the file holds the appended bytes. */
  long inFile() {
    return ring == null ? appended : flushed;
  }

  /** Empties the file: the download starts again from byte 0. */
  void truncate() throws IOException {
    ch.truncate(0);
    ch.force(false);
    appended = 0;
    flushed = 0;
    fileEnd = 0;
  }

  @Override
  public void close() throws IOException {
    ch.close();
  }
}
