package io.bits4j;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * A BITS download job: one or more files that a {@link BitsClient} transfers in the background,
 * through the states of {@link JobState}. Mirrors COM's {@code IBackgroundCopyJob} and the WMI
 * class {@code BitsClientJob}.
 *
 * <p><b>A job must be completed or cancelled.</b> It outlives the object and, for persistent
 * clients, the process: until {@link #complete()} (files appear under their final names) or
 * {@link #cancel()} (temporary files deleted), it keeps its temporary files and stays in {@link
 * BitsClient#jobs()}. A job is therefore not {@code AutoCloseable}.
 *
 * <pre>{@code
 * ClientJob job = client.createJob(spec);
 * job.resume();
 * JobState s = job.outcome().toCompletableFuture().join();
 * if (s == JobState.TRANSFERRED) job.complete(); else job.cancel();
 * }</pre>
 *
 * <p>Failures: operations not allowed in the current state throw {@link BitsException} with
 * {@link Hresult#BG_E_INVALID_STATE} (every operation on an ACKNOWLEDGED or CANCELLED job does);
 * features outside {@link BitsClient#capabilities()} throw {@link Hresult#E_NOTIMPL}. Transfer
 * trouble is state: {@link JobState#ERROR} or {@link JobState#TRANSIENT_ERROR} with {@link
 * #error()}.
 *
 * <p>Thread-safety: implementations are safe for use from any thread. Accessors return snapshots.
 */
public interface ClientJob {
  /** The job's GUID. */
  JobId id();

  /** The display name. */
  String displayName();

  /** The description. */
  String description();

  /** The job type (bits4j creates {@link JobType#DOWNLOAD} jobs). */
  JobType type();

  /** The priority. */
  JobPriority priority();

  /** The current state. */
  JobState state();

  /** Bytes and files transferred so far. */
  JobProgress progress();

  /** The files with their progress, in transfer order. */
  List<JobFile> files();

  /** Creation, modification and transfer-completion times. */
  JobTimes times();

  /**
   * The current error: present in {@link JobState#ERROR} and {@link JobState#TRANSIENT_ERROR},
   * empty otherwise.
   */
  Optional<JobError> error();

  /** How many transient errors the job has had. */
  int transientErrorCount();

  /** The owner: a user name or SID string. */
  String owner();

  /** How long the job waits after a transient error before retrying. */
  Duration minimumRetryDelay();

  /** How long the job may go without progress before a transient error becomes {@link JobState#ERROR}. */
  Duration noProgressTimeout();

  /** The custom request headers (empty unless set). */
  Map<String, String> customHeaders();

  /**
   * Adds a file.
   *
   * @throws BitsException E_INVALIDARG for a bad URL or path (see {@link JobSpec.FileSpec});
   *     BG_E_INVALID_STATE once the job is final
   */
  void addFile(URI remoteUrl, Path localFile);

  /** Sets the display name. */
  void setDisplayName(String displayName);

  /** Sets the description. */
  void setDescription(String description);

  /** Sets the priority. */
  void setPriority(JobPriority priority);

  /** Sets the minimum retry delay (values under 5 s become 5 s). */
  void setMinimumRetryDelay(Duration delay);

  /** Sets the no-progress timeout. */
  void setNoProgressTimeout(Duration timeout);

  /** Sets credentials, replacing any for the same target and scheme. */
  void setCredentials(Credentials credentials);

  /** Removes the credentials for this target and scheme, if any. */
  void removeCredentials(AuthTarget target, CredentialScheme scheme);

  /** Sets the client certificate. */
  void setClientCertificate(ClientCertificate certificate);

  /** Removes the client certificate, if any. */
  void removeClientCertificate();

  /** Sets the proxy settings. */
  void setProxy(ProxySettings proxy);

  /**
   * Replaces the custom request headers (an empty map removes them).
   *
   * @throws BitsException E_NOTIMPL without {@link ClientCapability#CUSTOM_HEADERS}
   */
  void setCustomHeaders(Map<String, String> headers);

  /**
   * Starts or restarts the transfer: SUSPENDED, ERROR, TRANSIENT_ERROR or TRANSFERRED (with new
   * files) → QUEUED. Resuming an active job does nothing.
   *
   * @throws BitsException BG_E_EMPTY if the job has no files; BG_E_INVALID_STATE if final
   */
  void resume();

  /**
   * Stops the transfer: any non-final state → SUSPENDED. Data already received is kept.
   *
   * @throws BitsException BG_E_INVALID_STATE if final; E_NOTIMPL without {@link
   *     ClientCapability#SUSPEND}
   */
  void suspend();

  /**
   * Ends the job, moving every fully transferred file to its final name atomically: any non-final
   * state → ACKNOWLEDGED. Incomplete files are deleted.
   *
   * @return {@link CompleteStatus#PARTIAL_COMPLETE} when only some files were complete
   * @throws BitsException BG_E_INVALID_STATE if final; a LOCAL_FILE error if a rename fails (the
   *     job then stays as it was)
   */
  CompleteStatus complete();

  /**
   * Ends the job, deleting its temporary files: any non-final state → CANCELLED.
   *
   * @throws BitsException BG_E_INVALID_STATE if final
   */
  void cancel();

  /** Adds a listener; see {@link JobListener} for the calling rules. */
  void addListener(JobListener listener);

  /** Removes a listener added before; unknown listeners are ignored. */
  void removeListener(JobListener listener);

  /**
   * A stage that completes with the state the job settles in: TRANSFERRED, ERROR, ACKNOWLEDGED or
   * CANCELLED (see {@link JobState#isSettled()}). It completes at once if the job is settled now;
   * it does not complete on TRANSIENT_ERROR (BITS retries). Each call returns a fresh stage for the
   * next settling, so after a {@code resume()} from ERROR call it again.
   *
   * <p>Cancelling the returned stage does <em>not</em> cancel the job; {@link #cancel()} does.
   */
  CompletionStage<JobState> outcome();
}
