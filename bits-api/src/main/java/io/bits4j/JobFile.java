package io.bits4j;

import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * One file of a job and its progress ({@code BitsClientFile}, {@code BG_FILE_INFO} plus {@code
 * BG_FILE_PROGRESS}).
 *
 * @param remoteUrl the URL downloaded from
 * @param localFile the destination; the file appears there only on {@link ClientJob#complete()}
 * @param bytesTotal the file size, or {@link JobProgress#UNKNOWN} until known
 * @param bytesTransferred bytes received so far
 * @param completed true once every byte is transferred
 */
public record JobFile(
    URI remoteUrl, Path localFile, long bytesTotal, long bytesTransferred, boolean completed) {
  /** Validates the counts. */
  public JobFile {
    Objects.requireNonNull(remoteUrl, "remoteUrl");
    Objects.requireNonNull(localFile, "localFile");
    if (bytesTotal < JobProgress.UNKNOWN || bytesTransferred < 0) {
      throw new IllegalArgumentException(
          "bad byte counts: " + bytesTransferred + "/" + bytesTotal);
    }
  }

  /** A file that has not started: size unknown, nothing transferred. */
  public static JobFile pending(URI remoteUrl, Path localFile) {
    return new JobFile(remoteUrl, localFile, JobProgress.UNKNOWN, 0, false);
  }

  /** The size, empty while unknown. */
  public OptionalLong total() {
    return bytesTotal == JobProgress.UNKNOWN ? OptionalLong.empty() : OptionalLong.of(bytesTotal);
  }
}
