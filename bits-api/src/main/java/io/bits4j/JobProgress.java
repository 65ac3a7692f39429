package io.bits4j;

import java.util.OptionalLong;

/**
 * How far a job has come ({@code BG_JOB_PROGRESS}).
 *
 * <p>The total is unknown until the size of every file is known (for example before the first
 * HEAD, or while the server is unreachable); BITS then reports {@code BG_SIZE_UNKNOWN}
 * ({@code 0xFFFFFFFFFFFFFFFF}), which is {@link #UNKNOWN} ({@code -1}) as a Java {@code long}.
 * Use {@link #total()} or {@link #isTotalKnown()} rather than comparing with it.
 *
 * @param bytesTotal total bytes of all files, or {@link #UNKNOWN}
 * @param bytesTransferred bytes transferred so far, never negative
 * @param filesTotal number of files in the job
 * @param filesTransferred number of files completely transferred
 */
public record JobProgress(long bytesTotal, long bytesTransferred, int filesTotal, int filesTransferred) {
  /** {@code BG_SIZE_UNKNOWN}: the total is not known yet. */
  public static final long UNKNOWN = -1L;

  /** No files, nothing transferred. */
  public static final JobProgress NONE = new JobProgress(0, 0, 0, 0);

  /**
   * Validates the counts.
   *
   * @throws IllegalArgumentException if a count is negative (other than an unknown total), or more
   *     files are transferred than exist
   */
  public JobProgress {
    if (bytesTotal < UNKNOWN) {
      throw new IllegalArgumentException("bytesTotal must be >= 0 or UNKNOWN: " + bytesTotal);
    }
    if (bytesTransferred < 0) {
      throw new IllegalArgumentException("bytesTransferred must be >= 0: " + bytesTransferred);
    }
    if (filesTotal < 0 || filesTransferred < 0 || filesTransferred > filesTotal) {
      throw new IllegalArgumentException(
          "need 0 <= filesTransferred <= filesTotal: " + filesTransferred + "/" + filesTotal);
    }
  }

  /** True when the total size is known. */
  public boolean isTotalKnown() {
    return bytesTotal != UNKNOWN;
  }

  /** The total size, empty while unknown. */
  public OptionalLong total() {
    return isTotalKnown() ? OptionalLong.of(bytesTotal) : OptionalLong.empty();
  }

  /**
   * The fraction done, 0.0–1.0; 0.0 while the total is unknown, 1.0 for an empty total once all
   * files are transferred.
   */
  public double fraction() {
    if (!isTotalKnown()) {
      return 0.0;
    }
    if (bytesTotal == 0) {
      return filesTransferred == filesTotal ? 1.0 : 0.0;
    }
    return Math.min(1.0, (double) bytesTransferred / bytesTotal);
  }

  /**
   * The sum of two progresses: an unknown total on either side makes the sum's total unknown.
   */
  public JobProgress plus(JobProgress other) {
    long total =
        isTotalKnown() && other.isTotalKnown() ? bytesTotal + other.bytesTotal : UNKNOWN;
    return new JobProgress(
        total,
        bytesTransferred + other.bytesTransferred,
        filesTotal + other.filesTotal,
        filesTransferred + other.filesTransferred);
  }

  @Override
  public String toString() {
    return bytesTransferred + "/" + (isTotalKnown() ? Long.toString(bytesTotal) : "?") + " bytes, "
        + filesTransferred + "/" + filesTotal + " files";
  }
}
