package io.bits4j.server.netty.internal;

import io.netty.util.AbstractReferenceCounted;
import io.netty.util.ReferenceCounted;
import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * One opened hosted file shared by the body segments of one response: closed when the last
 * segment releases it. Reference-counted (Netty); thread-safe.
 */
final class SharedFile extends AbstractReferenceCounted {
  final FileChannel channel;
  /** The size the response was planned for; reading beyond what the file now holds is an error. */
  final long plannedSize;

  SharedFile(FileChannel channel, long plannedSize) {
    this.channel = channel;
    this.plannedSize = plannedSize;
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
