package io.bits4j.server.netty.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.stream.ChunkedInput;
import io.netty.handler.stream.ChunkedWriteHandler;
import java.io.EOFException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A slice of a {@link SharedFile} read in chunks (TLS, or a bandwidth-limited group), with
 * positional reads so slices share one descriptor. With a {@link TokenBucket} it sends only what
 * the bucket grants and schedules {@link ChunkedWriteHandler#resumeTransfer()} for later. A file
 * that ends early fails with {@link EOFException} (the connection is then closed).
 */
final class SliceInput implements ChunkedInput<ByteBuf> {
  private final SharedFile file;
  private final long start;
  private final long count;
  private final int chunkSize;
  private final @Nullable TokenBucket bucket;
  private final @Nullable ChannelHandlerContext ctx;
  private long offset;
  private boolean closed;
  private boolean resumeScheduled;

  SliceInput(SharedFile file, long start, long count, int chunkSize, @Nullable TokenBucket bucket,
      @Nullable ChannelHandlerContext chunkedWriterCtx) {
    this.file = file;
    this.start = start;
    this.count = count;
    this.chunkSize = chunkSize;
    this.bucket = bucket;
    this.ctx = chunkedWriterCtx;
    file.retain();
  }

  @Override
  public boolean isEndOfInput() {
    return offset >= count;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      file.release();
    }
  }

  @Override
  @Deprecated
  public ByteBuf readChunk(ChannelHandlerContext c) throws Exception {
    return readChunk(c.alloc());
  }

  @Override
  public @Nullable ByteBuf readChunk(ByteBufAllocator allocator) throws Exception {
    long left = count - offset;
    if (left <= 0) {
      return null;
    }
    int want = (int) Math.min(chunkSize, left);
    if (bucket != null) {
      long granted = bucket.take(want);
      if (granted == 0) {
        scheduleResume(want);
        return null;
      }
      want = (int) granted;
    }
    ByteBuf buf = allocator.ioBuffer(want);
    boolean ok = false;
    try {
      ByteBuffer nio = buf.nioBuffer(buf.writerIndex(), want);
      int read = 0;
      while (read < want) {
        int n = file.channel.read(nio, start + offset + read);
        if (n < 0) {
          throw new EOFException("hosted file shrank during the response at byte " + (start + offset + read));
        }
        read += n;
      }
      buf.writerIndex(buf.writerIndex() + read);
      offset += read;
      ok = true;
      return buf;
    } finally {
      if (!ok) {
        buf.release();
      }
    }
  }

  private void scheduleResume(int want) {
    if (ctx == null || resumeScheduled || bucket == null) {
      return;
    }
    resumeScheduled = true;
    long nanos = Math.max(1_000_000, bucket.nanosUntil(want));
    ChannelHandlerContext c = ctx;
    c.executor().schedule(() -> {
      resumeScheduled = false;
      ((ChunkedWriteHandler) c.handler()).resumeTransfer();
    }, nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public long length() {
    return count;
  }

  @Override
  public long progress() {
    return offset;
  }
}
