package io.bits4j.server.netty.internal;

import io.netty.channel.FileRegion;
import io.netty.util.AbstractReferenceCounted;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A slice of a {@link SharedFile} for plain HTTP, moved by {@link FileChannel#transferTo}: {@code
 * sendfile} when the transport hands it a JDK socket channel (NIO), the JDK's copy loop through a
 * small buffer otherwise (epoll's channel wrapper). Unlike Netty's {@code DefaultFileRegion} it
 * does not own the file, so several slices of one multipart answer share one descriptor. A file
 * that shrank below the slice, or that is {@linkplain SharedFile#writtenInPlace() written in
 * place} (looked for every {@link SharedFile#CHECK_EVERY} bytes and after the last), fails the
 * write with an {@link IOException} (the connection is then closed): never a short body under a
 * promised length, never two versions under one validator.
 */
final class SliceRegion extends AbstractReferenceCounted implements FileRegion {
  /**
   * Most bytes one call moves (Linux sendfile moves at most 0x7ffff000): as for single regions
   * ({@link HttpHandler#SENDFILE_CHUNK}), a fast reader must not hold the event loop for a whole
   * slice; Netty writes at most its spin count of calls per flush.
   */
  private static final long MAX_PER_CALL = HttpHandler.SENDFILE_CHUNK;

  private final SharedFile file;
  private final long position;
  private final long count;
  private long transferred;

  SliceRegion(SharedFile file, long position, long count) {
    this.file = file;
    this.position = position;
    this.count = count;
    file.retain();
  }

  @Override
  public long position() {
    return position;
  }

  @Override
  @Deprecated
  public long transfered() {
    return transferred;
  }

  @Override
  public long transferred() {
    return transferred;
  }

  @Override
  public long count() {
    return count;
  }

  @Override
  public long transferTo(WritableByteChannel target, long pos) throws IOException {
    long remaining = count - pos;
    if (remaining < 0 || pos < 0) {
      throw new IllegalArgumentException("position out of range: " + pos + " (expected: 0 - " + (count - 1) + ')');
    }
    if (remaining == 0) {
      return 0L;
    }
    long written = file.channel.transferTo(position + pos, Math.min(remaining, MAX_PER_CALL), target);
    if (written > 0) {
      transferred += written;
      file.checkAfterRead(transferred - written, transferred, count);
    } else if (written == 0 && file.channel.size() < position + count) {
      throw new IOException("hosted file shrank during the response: now " + file.channel.size()
          + " bytes, needed " + (position + count));
    }
    return written;
  }

  @Override
  protected void deallocate() {
    file.release();
  }

  @Override
  public FileRegion retain() {
    super.retain();
    return this;
  }

  @Override
  public FileRegion retain(int increment) {
    super.retain(increment);
    return this;
  }

  @Override
  public FileRegion touch() {
    return this;
  }

  @Override
  public FileRegion touch(Object hint) {
    return this;
  }
}
