package io.bits4j;

/**
 * Receives a job's notifications, like COM's {@code IBackgroundCopyCallback}.
 *
 * <p>The contract, for every {@link BitsClient} implementation:
 *
 * <ul>
 *   <li>Calls for one job are serial and in order; they never happen while the implementation
 *       holds a lock of its own, so a listener may call the job's accessors and operations.
 *   <li>Real clients call from a notification thread they own (never a Netty event loop, never the
 *       COM thread); the testkit's fakes call from the thread that caused the change, which keeps
 *       tests deterministic.
 *   <li>Listeners must be fast and must not throw; an exception is logged and ignored.
 *   <li>Notifications may be coalesced under load ({@link #jobModified} especially); poll {@link
 *       ClientJob#state()} when in doubt. {@link ClientJob#outcome()} never misses the settling
 *       state.
 * </ul>
 *
 * <pre>{@code
 * job.addListener(new JobListener() {
 *   public void jobTransferred(ClientJob j) { j.complete(); }
 * });
 * }</pre>
 */
public interface JobListener {
  /** A listener that ignores everything. */
  JobListener NONE = new JobListener() {};

  /** Every file of the job is transferred: the job is {@link JobState#TRANSFERRED}. */
  default void jobTransferred(ClientJob job) {}

  /** The job entered {@link JobState#ERROR} with this error (not called for transient errors). */
  default void jobError(ClientJob job, JobError error) {}

  /**
   * Something else changed: state (other than to TRANSFERRED or ERROR), progress, files or a
   * property.
   */
  default void jobModified(ClientJob job) {}
}
