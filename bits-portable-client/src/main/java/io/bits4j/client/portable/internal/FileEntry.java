package io.bits4j.client.portable.internal;

import io.bits4j.JobFile;
import io.bits4j.JobProgress;
import java.net.URI;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/** One file of a job; mutable, guarded by the engine's lock (see {@link Engine}). */
final class FileEntry {
  final URI url;
  final Path dest;
  final Path temp;
  /** Size from the server, or -1 while unknown. */
  long size = JobProgress.UNKNOWN;
  /** Bytes written to the temp file (in memory; ≥ durable). */
  long written;
  /**
   * The highest written offset in this process, kept across restarts: bytes below it are received
   * again, not progress (in memory only).
   */
  long reached;
  /** Bytes forced to disk; the offset the next state file records. */
  long durable;
  /** Bytes forced to disk and recorded in a state file that was written (≤ durable). */
  long confirmed;
  @Nullable String etag;
  @Nullable String lastModified;
  boolean completed;
  /**
   * {@code complete()} is about to rename (or has renamed) the temp file to the destination; recorded
   * before the rename so that a temp file missing after a crash is known to be at its destination.
   */
  boolean renaming;
  boolean renamed;

  FileEntry(URI url, Path dest, Path temp) {
    this.url = url;
    this.dest = dest;
    this.temp = temp;
  }

  JobFile snapshot() {
    return new JobFile(url, dest, size, written, completed);
  }

  /** Forgets the received bytes: the file restarts from zero ({@link #reached} stays). */
  void restart() {
    written = 0;
    durable = 0;
    confirmed = 0;
    completed = false;
  }
}
