package io.bits4j;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What the {@link Controller} does when a job reports transient errors: let BITS keep retrying,
 * or cancel once a budget is spent.
 *
 * <pre>{@code
 * TransientErrorPolicy.cancelAtFirst();                     // the seed's rule
 * TransientErrorPolicy.budget(5, Duration.ofMinutes(30));   // up to 5 errors, 30 min in error
 * TransientErrorPolicy.leaveToBits();                       // BITS's NoProgressTimeout decides
 * }</pre>
 *
 * @param maxTransientErrors the job is cancelled when its transient error count exceeds this
 * @param maxTimeInError the job is cancelled once it has spent this long in TRANSIENT_ERROR in
 *     one stretch; empty for no limit
 */
public record TransientErrorPolicy(int maxTransientErrors, Optional<Duration> maxTimeInError) {
  /** Validates. */
  public TransientErrorPolicy {
    if (maxTransientErrors < 0) {
      throw new IllegalArgumentException("maxTransientErrors must be >= 0: " + maxTransientErrors);
    }
    Objects.requireNonNull(maxTimeInError, "maxTimeInError");
    maxTimeInError.ifPresent(d -> {
      if (d.isNegative()) {
        throw new IllegalArgumentException("maxTimeInError must not be negative: " + d);
      }
    });
  }

  /** Cancel the job at its first transient error, as the seed describes. */
  public static TransientErrorPolicy cancelAtFirst() {
    return new TransientErrorPolicy(0, Optional.empty());
  }

  /** Tolerate up to {@code maxErrors} transient errors and {@code maxTimeInError} in one stretch. */
  public static TransientErrorPolicy budget(int maxErrors, Duration maxTimeInError) {
    return new TransientErrorPolicy(maxErrors, Optional.of(maxTimeInError));
  }

  /** Never cancel for transient errors: BITS retries until its no-progress timeout. */
  public static TransientErrorPolicy leaveToBits() {
    return new TransientErrorPolicy(Integer.MAX_VALUE, Optional.empty());
  }

  /** True if a job with this many errors, in error for this long, should be cancelled. */
  public boolean exhausted(int transientErrors, Duration inError) {
    return transientErrors > maxTransientErrors
        || maxTimeInError.map(max -> inError.compareTo(max) >= 0).orElse(false);
  }
}
