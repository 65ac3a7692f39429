package io.bits4j;

import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a transfer did: one result per target, the cleanup, and the overall outcome.
 *
 * @param transferId the transfer's id (also in each job's description)
 * @param url the URL the clients downloaded; empty if the file was never hosted
 * @param createdGroup true if this transfer created the URL group
 * @param outcome the overall outcome
 * @param targets one result per target, in plan order
 * @param cleanupProblems what cleanup could not do (empty when it removed everything it created);
 *     never replaces the outcome
 * @param started when the transfer started
 * @param finished when the transfer finished, cleanup included
 */
public record TransferReport(
    String transferId,
    Optional<URI> url,
    boolean createdGroup,
    Outcome outcome,
    List<TargetResult> targets,
    List<String> cleanupProblems,
    Instant started,
    Instant finished) {

  /** The overall outcome of a transfer. */
  public enum Outcome {
    /** Every target's job transferred and was completed. */
    SUCCEEDED,
    /** Some targets succeeded, some did not. */
    PARTIALLY_SUCCEEDED,
    /** No target succeeded (or the file could not be published). */
    FAILED,
    /** {@link Transfer#cancel()} was called before the transfer finished. */
    CANCELLED,
    /** The plan's deadline passed before the transfer finished. */
    DEADLINE_EXCEEDED
  }

  /** How one target ended. */
  public enum TargetOutcome {
    /** Transferred and completed: the file is at its destination. */
    COMPLETED,
    /** The job went to ERROR and was cancelled. */
    FAILED,
    /** The transient-error policy gave up and cancelled the job. */
    TRANSIENT_ERRORS_EXHAUSTED,
    /** The deadline passed; the job was cancelled. */
    DEADLINE_EXCEEDED,
    /** The caller cancelled the transfer; the job was cancelled. */
    CANCELLED,
    /** The job could not be created or driven (see {@link TargetResult#problem()}). */
    REFUSED,
    /** The job was never created (the transfer ended first). */
    NOT_STARTED
  }

  /**
   * How one target ended.
   *
   * @param target the plan's target
   * @param jobId the job, if one was created
   * @param outcome how it ended
   * @param lastState the job's last known state
   * @param error the job's error, if it failed
   * @param transientErrors the job's transient error count
   * @param progress the job's last known progress
   * @param problem why the job could not be created or driven, if so
   */
  public record TargetResult(
      TransferPlan.Target target,
      Optional<JobId> jobId,
      TargetOutcome outcome,
      Optional<JobState> lastState,
      Optional<JobError> error,
      int transientErrors,
      JobProgress progress,
      Optional<String> problem) {
    /** Validates. */
    public TargetResult {
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(jobId, "jobId");
      Objects.requireNonNull(outcome, "outcome");
      Objects.requireNonNull(lastState, "lastState");
      Objects.requireNonNull(error, "error");
      Objects.requireNonNull(progress, "progress");
      Objects.requireNonNull(problem, "problem");
    }

    /** The client's name. */
    public String client() {
      return target.client();
    }

    /** The destination. */
    public Path destination() {
      return target.destination();
    }
  }

  /** Validates and copies. */
  public TransferReport {
    Objects.requireNonNull(transferId, "transferId");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(outcome, "outcome");
    targets = List.copyOf(targets);
    cleanupProblems = List.copyOf(cleanupProblems);
    Objects.requireNonNull(started, "started");
    Objects.requireNonNull(finished, "finished");
  }

  /** True if every target completed. */
  public boolean isSuccess() {
    return outcome == Outcome.SUCCEEDED;
  }

  /** True if cleanup removed everything this transfer created. */
  public boolean isClean() {
    return cleanupProblems.isEmpty();
  }
}
