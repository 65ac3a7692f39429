package io.bits4j.server.netty.internal;

import io.netty.util.IllegalReferenceCountException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * One hosted file's open descriptor and validators, reused by requests while a {@code stat} of
 * the path still shows the same file (same inode, size and modification time). A request then
 * costs one {@code stat} instead of {@code stat}, {@code open}, {@code stat}, {@code fstat} and
 * {@code close}. A file replaced on disk (a new file renamed over it) is opened anew, its old
 * descriptor closing when the last response using it ends, so a response's validators and bytes
 * come from one version; a file written in place is opened anew too, and the responses still
 * reading the old version see the change ({@link SharedFile#writtenInPlace}) and cut their
 * connections. A file deleted on disk drops the descriptor. A descriptor nobody asked for in a while, or whose
 * file was deleted or replaced since, is dropped by {@link #sweep} (so a deleted file's space is
 * not held until its URL is requested again). Lock-free: a reference-counted {@link SharedFile}
 * swapped atomically; thread-safe.
 */
final class OpenFileCache {
  /** What a request gets: a reference it must release, and the validators of that file. */
  record Acquired(SharedFile file, RangeEngine.Representation rep) {}

  private record Entry(SharedFile file, RangeEngine.Representation rep) {
    boolean sameFile(BasicFileAttributes a) {
      return file.isVersion(a);
    }
  }

  private final Path path;
  private final LongSupplier nanoClock;
  private final LongSupplier wallMillis;
  /**
   * The latest modification second of this path for which a Last-Modified went out before that
   * second was over (or while it lay in the future): a date that may name two versions.
   */
  private volatile long servedWithinItsSecond = Long.MIN_VALUE;
  private final AtomicReference<@Nullable Entry> entry = new AtomicReference<>();
  private volatile boolean closed;
  /** When a request last acquired the file ({@link #nanoClock}). */
  private volatile long lastUsed;

  OpenFileCache(Path path, LongSupplier nanoClock) {
    this(path, nanoClock, System::currentTimeMillis);
  }

  /** A cache judging Last-Modified strength by {@code wallMillis} (the clock of the Date header). */
  OpenFileCache(Path path, LongSupplier nanoClock, LongSupplier wallMillis) {
    this.path = path;
    this.nanoClock = nanoClock;
    this.wallMillis = wallMillis;
    this.lastUsed = nanoClock.getAsLong();
  }

  /**
   * The file for one response.
   *
   * @throws java.nio.file.NoSuchFileException if it is gone (the cached descriptor is dropped)
   * @throws IOException if it cannot be opened or keeps changing while being opened
   */
  Acquired acquire() throws IOException {
    lastUsed = nanoClock.getAsLong();
    BasicFileAttributes now;
    try {
      now = Files.readAttributes(path, BasicFileAttributes.class);
    } catch (IOException e) {
      drop();
      throw e;
    }
    Entry e = entry.get();
    if (e != null && e.sameFile(now)) {
      try {
        e.file().retain();
        return new Acquired(e.file(), judged(e.rep()));
      } catch (IllegalReferenceCountException released) {
        // replaced and closed since we looked: open it anew
      }
    }
    Entry fresh = open(path, now);
    if (!closed) {
      fresh.file().retain(); // the cache's reference
      Entry old = entry.getAndSet(fresh);
      if (old != null) {
        old.file().release();
      }
      if (closed) { // closed while we stored it
        drop();
      }
    }
    return new Acquired(fresh.file(), judged(fresh.rep()));
  }

  /**
   * The representation with its Last-Modified judged for this response (RFC 9110, section
   * 8.8.2.2): weak while its second is not over (this response's date then goes out ambiguous,
   * which is remembered for the path: a version written later in that second has the same date),
   * and weak for good once such a response went out.
   */
  private RangeEngine.Representation judged(RangeEngine.Representation rep) {
    long second = rep.lastModifiedSecond();
    if (Math.floorDiv(wallMillis.getAsLong(), 1000L) <= second) {
      if (servedWithinItsSecond != second) {
        servedWithinItsSecond = second;
      }
      return rep.withWeakLastModified();
    }
    return servedWithinItsSecond == second ? rep.withWeakLastModified() : rep;
  }

  /** Releases the cached descriptor (responses still using it keep it open until they end). */
  void drop() {
    Entry old = entry.getAndSet(null);
    if (old != null) {
      old.file().release();
    }
  }

  /**
   * Drops the cached descriptor if no request acquired it for {@code idleNanos}, or if the path
   * no longer shows its file (deleted, replaced or written); responses using it keep it open until
   * they end. One {@code stat} when the descriptor was used recently. For a periodic sweep, off
   * the event loops.
   */
  void sweep(long idleNanos) {
    Entry e = entry.get();
    if (e == null) {
      return;
    }
    boolean stale = nanoClock.getAsLong() - lastUsed >= idleNanos;
    if (!stale) {
      try {
        stale = !e.sameFile(Files.readAttributes(path, BasicFileAttributes.class));
      } catch (IOException gone) {
        stale = true;
      }
    }
    if (stale && entry.compareAndSet(e, null)) { // a request may have put a fresh one meanwhile
      e.file().release();
    }
  }

  /** True while a descriptor is cached (tests). */
  boolean isCached() {
    return entry.get() != null;
  }

  /** Drops the descriptor for good: the file is no longer hosted. */
  void close() {
    closed = true;
    drop();
  }

  /**
   * Opens the file with a {@code stat} on either side (the first one is the caller's): if they differ (the file was replaced or
   * written while we looked) it looks again, so the validators describe the bytes of the
   * descriptor.
   */
  private static Entry open(Path path, BasicFileAttributes looked) throws IOException {
    BasicFileAttributes before = looked;
    for (int attempt = 0; attempt < 3; attempt++) {
      if (attempt > 0) {
        before = Files.readAttributes(path, BasicFileAttributes.class);
      }
      FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
      boolean ok = false;
      try {
        BasicFileAttributes after = Files.readAttributes(path, BasicFileAttributes.class);
        long size = ch.size();
        if (!after.isRegularFile() || size != after.size() || size != before.size()
            || !after.lastModifiedTime().equals(before.lastModifiedTime())
            || !Objects.equals(before.fileKey(), after.fileKey())) {
          continue; // replaced or written while we looked: look again
        }
        long mtimeNanos = after.lastModifiedTime().to(TimeUnit.NANOSECONDS);
        String key = after.fileKey() == null ? "0" : Integer.toHexString(after.fileKey().hashCode());
        String etag = "\"" + Long.toHexString(size) + "-" + Long.toHexString(mtimeNanos) + "-" + key + "\"";
        RangeEngine.Representation rep =
            new RangeEngine.Representation(size, Math.floorDiv(mtimeNanos, 1_000_000_000L), etag);
        ok = true;
        return new Entry(new SharedFile(ch, path, after), rep);
      } finally {
        if (!ok) {
          ch.close();
        }
      }
    }
    throw new IOException("file keeps changing while being opened: " + path);
  }
}
