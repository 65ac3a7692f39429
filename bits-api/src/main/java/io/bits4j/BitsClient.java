package io.bits4j;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Creates and finds download jobs: the client side of BITS. Implementations: the portable client
 * (any OS), the Windows client (the real BITS service through COM), the remote client (a node over
 * WS-Management) and the testkit's fake.
 *
 * <pre>{@code
 * try (BitsClient client = PortableBitsClient.builder().stateDirectory(dir).build()) {
 *   ClientJob job = client.createJob(JobSpec.builder("x").addFile(url, dest).start(true).build());
 *   ...
 * }
 * }</pre>
 *
 * <p>Closing a client stops its threads and connections; its jobs stay (persistent clients resume
 * them when reopened). Thread-safety: implementations are safe for use from any thread.
 */
public interface BitsClient extends AutoCloseable {
  /**
   * Creates a job from a spec: SUSPENDED, or resumed at once if {@link JobSpec#start()}.
   *
   * @throws BitsException for a spec the client refuses (E_NOTIMPL for an unsupported feature,
   *     BG_E_TOO_MANY_JOBS_PER_USER…)
   * @throws IllegalStateException if the client is closed
   */
  ClientJob createJob(JobSpec spec);

  /** The job with this id, unless it is unknown or final. */
  Optional<ClientJob> findJob(JobId id);

  /**
   * The job with this id.
   *
   * @throws BitsException BG_E_NOT_FOUND if it is unknown or final
   */
  default ClientJob job(JobId id) {
    return findJob(id).orElseThrow(
        () -> new BitsException(Hresult.BG_E_NOT_FOUND, "no job " + id));
  }

  /** All jobs that are not final (ACKNOWLEDGED and CANCELLED jobs disappear). */
  List<ClientJob> jobs();

  /** The optional features this client supports. */
  Set<ClientCapability> capabilities();

  /** Stops the client's threads and connections; idempotent. Jobs are not cancelled. */
  @Override
  void close();
}
