package io.bits4j;

import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * A running transfer started by {@link Controller#start(TransferPlan)}.
 *
 * <pre>{@code
 * Transfer t = controller.start(plan);
 * TransferReport r = t.result().toCompletableFuture().orTimeout(1, TimeUnit.HOURS).join();
 * }</pre>
 *
 * <p>Thread-safety: safe for use from any thread.
 */
public interface Transfer {
  /** The transfer's id; every job and URL it creates carries it. */
  String id();

  /** The plan. */
  TransferPlan plan();

  /** True once the result is available (cleanup done). */
  boolean isDone();

  /**
   * The progress of all targets together; the total is unknown until every target's job knows
   * its size.
   */
  JobProgress progress();

  /** The last known state of each target's job, in plan order (targets without a job yet are absent). */
  Map<TransferPlan.Target, JobState> jobStates();

  /** A stage completing with the report once cleanup has run; it never completes exceptionally. */
  CompletionStage<TransferReport> result();

  /**
   * Asks the transfer to stop: jobs are cancelled (one already TRANSFERRED is completed, as the
   * cleanup rule says), then cleanup runs. The result's outcome is
   * {@link TransferReport.Outcome#CANCELLED} unless the transfer had already finished.
   *
   * @return false if the transfer had already finished
   */
  boolean cancel();
}
