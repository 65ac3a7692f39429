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

  /**
   * The job with this id, unless it is unknown or final.
   *
   * @throws IllegalStateException if the client is closed
   */
  Optional<ClientJob> findJob(JobId id);

  /**
   * The job with this id.
   *
   * @throws BitsException BG_E_NOT_FOUND if it is unknown or final
   * @throws IllegalStateException if the client is closed
   */
  default ClientJob job(JobId id) {
    return findJob(id).orElseThrow(
        () -> new BitsException(Hresult.BG_E_NOT_FOUND, "no job " + id));
  }

  /**
   * All jobs that are not final (ACKNOWLEDGED and CANCELLED jobs disappear).
   *
   * @throws IllegalStateException if the client is closed
   */
  List<ClientJob> jobs();

  /** The optional features this client supports. */
  Set<ClientCapability> capabilities();

  /**
   * Stops the client's threads and connections; idempotent. Jobs are not cancelled.
   *
   * <p>Afterwards {@link #createJob}, {@link #findJob}, {@link #job} and {@link #jobs()} throw
   * {@link IllegalStateException}: using a closed client is a mistake of the calling code. The
   * jobs obtained before: on a client that runs its jobs itself (the portable client, the
   * testkit's fake) they can still be read, and every method that would change one throws {@link
   * BitsException} {@link Hresult#BG_E_INVALID_STATE} (nothing would carry the change out or
   * record it); on a client that fronts jobs run elsewhere (the remote client's proxy, the Windows
   * client, whose jobs stay in the BITS service) they throw {@link IllegalStateException}, like
   * the client. {@link ClientJob#id()} always answers; {@link #capabilities()} describes the
   * implementation and answers on local clients.
   *
   * <p>A stage from {@link ClientJob#outcome()} that has not completed fails rather than wait for
   * a settling this client will no longer see, with {@link BitsException} {@link
   * Hresult#E_CANCELLED} (on the portable and fake clients also a stage asked for after close). The
   * job itself goes on.
   */
  @Override
  void close();
}
