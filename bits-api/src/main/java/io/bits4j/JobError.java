package io.bits4j;

import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Why a job is in {@link JobState#ERROR} or {@link JobState#TRANSIENT_ERROR} ({@code
 * IBackgroundCopyError}, WMI {@code GetError}).
 *
 * <pre>{@code
 * job.error().ifPresent(e -> log.warn("{} in {}", Hresult.describe(e.hresult()), e.context()));
 * }</pre>
 *
 * @param hresult the error code, e.g. {@code 0x80190194} for HTTP 404
 * @param context where the error happened
 * @param description a human-readable description
 * @param remoteUrl the URL of the file involved, if the error concerns one file
 * @param localFile the destination of the file involved, if the error concerns one file
 */
public record JobError(
    int hresult,
    ErrorContext context,
    String description,
    Optional<URI> remoteUrl,
    Optional<Path> localFile) {
  /** Validates the fields. */
  public JobError {
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(remoteUrl, "remoteUrl");
    Objects.requireNonNull(localFile, "localFile");
  }

  /** An error not tied to a file, described by {@link Hresult#describe(int)}. */
  public static JobError of(int hresult, ErrorContext context) {
    return new JobError(hresult, context, Hresult.describe(hresult), Optional.empty(), Optional.empty());
  }

  /** An error concerning one file, described by {@link Hresult#describe(int)}. */
  public static JobError of(int hresult, ErrorContext context, URI remoteUrl, Path localFile) {
    return new JobError(
        hresult, context, Hresult.describe(hresult), Optional.of(remoteUrl), Optional.of(localFile));
  }

  @Override
  public String toString() {
    return Hresult.hex(hresult) + " in " + context + ": " + description
        + remoteUrl.map(u -> " (" + u + ")").orElse("");
  }
}
