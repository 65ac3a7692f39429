package io.bits4j.server.netty.internal;

import io.netty.channel.DefaultFileRegion;

/**
 * A zero-copy region of a {@link SharedFile}: a {@link DefaultFileRegion}, so that the native
 * epoll transport sends it with {@code sendfile} (and Netty checks it for a file that shrank),
 * but releasing it releases its reference to the shared descriptor instead of closing it.
 */
final class SharedFileRegion extends DefaultFileRegion {
  private final SharedFile file;

  /** Takes over one reference to {@code file} from the caller. */
  SharedFileRegion(SharedFile file, long position, long count) {
    super(file.channel, position, count);
    this.file = file;
  }

  @Override
  protected void deallocate() {
    file.release();
  }
}
