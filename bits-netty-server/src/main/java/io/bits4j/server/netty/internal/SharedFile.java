package io.bits4j.server.netty.internal;

import io.netty.util.AbstractReferenceCounted;
import io.netty.util.ReferenceCounted;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One opened version of a hosted file, shared by the responses that read it: the descriptor
 * closes when the last of them releases it. It remembers what {@code stat} showed when it was
 * opened (size, modification time, file key), from which the response validators derive.
 * Reference-counted (Netty); thread-safe.
 */
final class SharedFile extends AbstractReferenceCounted {
  /**
   * How often (in bytes read) and after its last byte a copying reader of a slice (TLS, bandwidth
   * limits, multi-range) checks that the file is not being written in place: its bytes are
   * copies, so a file unchanged after the last read means that every byte sent came from the
   * version the response planned.
   */
  static final long CHECK_EVERY = 2L << 20;

  final FileChannel channel;
  private final Path path;
  private final long size;
  private final FileTime modified;
  private final @Nullable Object key;

  /** {@code opened}: the attributes the path showed when {@code channel} was opened. */
  SharedFile(FileChannel channel, Path path, BasicFileAttributes opened) {
    this.channel = channel;
    this.path = path;
    this.size = opened.size();
    this.modified = opened.lastModifiedTime();
    this.key = opened.fileKey();
  }

  /** True if {@code a} (a {@code stat} of the path) shows this very version: same file, size and time. */
  boolean isVersion(BasicFileAttributes a) {
    return a.isRegularFile() && a.size() == size && a.lastModifiedTime().equals(modified)
        && Objects.equals(a.fileKey(), key);
  }

  /**
   * True if the path still names this file (same file key) but its size or modification time has
   * changed since it was opened: it is being written in place, so the bytes read from now on may
   * belong to another version than those already sent. A file replaced by another (renamed over
   * it) or deleted is not written in place: this descriptor still reads the version it opened.
   * Sees what the file system's timestamps show (a rewrite of the same size within one timestamp
   * tick goes unseen); one {@code stat}.
   */
  boolean writtenInPlace() {
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(path, BasicFileAttributes.class);
    } catch (IOException gone) {
      return false;
    }
    return Objects.equals(a.fileKey(), key) && !isVersion(a);
  }

  /**
   * For a copying reader of a slice of {@code count} bytes that has just moved from {@code before}
   * to {@code after} bytes: checks the file ({@link #requireNotWrittenInPlace}) at the slice's end
   * and each time the reader crosses a multiple of {@link #CHECK_EVERY}.
   *
   * @throws IOException if the file is being written in place
   */
  void checkAfterRead(long before, long after, long count) throws IOException {
    if (after >= count || before / CHECK_EVERY != after / CHECK_EVERY) {
      requireNotWrittenInPlace();
    }
  }

  /**
   * Fails if the file is being {@linkplain #writtenInPlace() written in place}, with a warning in
   * the log: the response reading it must end by closing its connection.
   *
   * @throws IOException if it is
   */
  void requireNotWrittenInPlace() throws IOException {
    if (writtenInPlace()) {
      ServerCore.LOG.warn("hosted file {} was written in place during a response: connection closed"
          + " (replace hosted files by renaming a complete new file over them)", path);
      throw new IOException("hosted file written in place during the response: " + path);
    }
  }

  @Override
  protected void deallocate() {
    try {
      channel.close();
    } catch (IOException e) {
      // nothing to do: the descriptor is gone either way
    }
  }

  @Override
  public ReferenceCounted touch(Object hint) {
    return this;
  }
}
