package io.bits4j.client.portable.internal;

import io.bits4j.ErrorContext;
import io.bits4j.Hresult;
import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A failed transfer attempt: the HRESULT and context the job reports, and whether BITS would retry
 * (transient) or stop (fatal).
 */
public final class TransferException extends Exception {
  private static final long serialVersionUID = 1L;

  private final int hresult;
  private final ErrorContext context;
  private final boolean transientError;
  private final transient @Nullable Duration retryAfter;
  /** The file the error concerns, if any. */
  transient @Nullable FileEntry file;

  TransferException(int hresult, ErrorContext context, boolean transientError, String message,
      @Nullable Throwable cause, @Nullable Duration retryAfter) {
    super(message, cause);
    this.hresult = hresult;
    this.context = context;
    this.transientError = transientError;
    this.retryAfter = retryAfter;
  }

  static TransferException fatal(int hresult, ErrorContext context, String message) {
    return new TransferException(hresult, context, false, message, null, null);
  }

  static TransferException fatal(int hresult, ErrorContext context, String message, Throwable cause) {
    return new TransferException(hresult, context, false, message, cause, null);
  }

  static TransferException transientError(int hresult, ErrorContext context, String message) {
    return new TransferException(hresult, context, true, message, null, null);
  }

  static TransferException transientError(int hresult, ErrorContext context, String message, Throwable cause) {
    return new TransferException(hresult, context, true, message, cause, null);
  }

  /** An HTTP status error: transient or fatal as BITS classifies the status. */
  static TransferException http(int status, @Nullable Duration retryAfter) {
    return new TransferException(Hresult.httpError(status), ErrorContext.REMOTE_FILE,
        isTransientStatus(status), "HTTP status " + status, null, retryAfter);
  }

  /**
   * BITS's classification (bits-spec §1.3): 4xx fatal except 408, 409 and 429; 5xx transient
   * except 501 and 505; 3xx that cannot be followed fatal.
   */
  static boolean isTransientStatus(int status) {
    if (status >= 500) {
      return status != 501 && status != 505;
    }
    return status == 408 || status == 409 || status == 429;
  }

  /** The HRESULT. */
  public int hresult() {
    return hresult;
  }

  /** The error context. */
  public ErrorContext context() {
    return context;
  }

  /** True if BITS would retry. */
  public boolean isTransient() {
    return transientError;
  }

  /** A server's {@code Retry-After}, if it sent one. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
