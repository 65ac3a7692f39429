package io.bits4j;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * When a job was created, last modified and finished transferring ({@code BG_JOB_TIMES}).
 *
 * @param creation when the job was created
 * @param modification when the job last changed (state, properties or progress)
 * @param transferCompletion when all files were transferred; empty until then
 */
public record JobTimes(Instant creation, Instant modification, Optional<Instant> transferCompletion) {
  /** Validates the fields. */
  public JobTimes {
    Objects.requireNonNull(creation, "creation");
    Objects.requireNonNull(modification, "modification");
    Objects.requireNonNull(transferCompletion, "transferCompletion");
  }
}
