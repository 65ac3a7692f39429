package io.bits4j.server.netty.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.stream.ChunkedInput;
import io.netty.handler.stream.ChunkedWriteHandler;
import java.io.EOFException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A slice of a {@link SharedFile} read in chunks (TLS, or a bandwidth-limited group), with
 * positional reads so slices share one descriptor. While the group has a {@link TokenBucket} it
 * reserves each chunk there and, until the chunk's turn comes, schedules {@link
 * ChunkedWriteHandler#resumeTransfer()} for later. The bucket is looked up for every chunk, so
 * a limit set, changed or removed applies to the responses under way. A file that ends early
 * fails with {@link EOFException}, one written in place during the response (looked for every {@link
 * SharedFile#CHECK_EVERY} bytes and after the last chunk) with an {@link IOException}: the connection is
 * then closed, so the client never gets a mix of two versions under one validator.
 */
final class SliceInput implements ChunkedInput<ByteBuf> {
  /** The largest chunk a bandwidth-limited response reads (and sends) at once. */
  static final int THROTTLED_CHUNK = 16 * 1024;

  private final SharedFile file;
  private final long start;
  private final long count;
  private final int chunkSize;
  private final Supplier<@Nullable TokenBucket> limit;
  private final @Nullable ChannelHandlerContext ctx;
  private long offset;
  private boolean closed;
  private boolean resumeScheduled;
  /** The bucket of the chunk reserved and not yet sent (null if none), its size and turn. */
  private @Nullable TokenBucket reservedFrom;
  private int reserved;
  private long readyAt;

  /**
   * A slice of {@code count} bytes from {@code start}; takes a reference to {@code file}, which
   * {@link #close()} releases.
   *
   * @param chunkSize the chunk size without a bandwidth limit
   * @param limit the group's bucket, null while it has no bandwidth limit
   * @param chunkedWriterCtx the {@link ChunkedWriteHandler}'s context, to resume the transfer
   */
  SliceInput(SharedFile file, long start, long count, int chunkSize, Supplier<@Nullable TokenBucket> limit,
      @Nullable ChannelHandlerContext chunkedWriterCtx) {
    this.file = file;
    this.start = start;
    this.count = count;
    this.chunkSize = chunkSize;
    this.limit = limit;
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
    int want;
    TokenBucket bucket = limit.get();
    if (bucket == null) {
      reservedFrom = null; // the limit was removed: a turn reserved under it is not waited for
      want = (int) Math.min(chunkSize, left);
    } else {
      if (reservedFrom != bucket) { // nothing reserved yet, or under a limit since replaced
        reservedFrom = bucket;
        reserved = (int) Math.min(Math.min(THROTTLED_CHUNK, bucket.burst()), left);
        readyAt = bucket.reserve(reserved);
      }
      long wait = readyAt - bucket.now();
      if (wait > 0) {
        scheduleResume(wait);
        return null;
      }
      reservedFrom = null;
      want = reserved;
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
      file.checkAfterRead(offset - read, offset, count);
      ok = true;
      return buf;
    } finally {
      if (!ok) {
        buf.release();
      }
    }
  }

  private void scheduleResume(long nanos) {
    if (ctx == null || resumeScheduled) {
      return;
    }
    resumeScheduled = true;
    ChannelHandlerContext c = ctx;
    c.executor().schedule(() -> {
      resumeScheduled = false;
      ((ChunkedWriteHandler) c.handler()).resumeTransfer();
    }, Math.max(1_000_000, nanos), TimeUnit.NANOSECONDS);
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
