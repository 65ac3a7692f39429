package io.bits4j;

import io.bits4j.internal.DefaultController;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The controller program of BITS Remote Management: publishes a file on a {@link CompactServer},
 * has one or more {@link BitsClient}s download it, watches the jobs and cleans up.
 *
 * <p>{@link #start(TransferPlan)} runs the seed sequence asynchronously:
 *
 * <ol>
 *   <li>create the URL group if absent (remembering whether it did), enable the plan's
 *       authentication schemes, host the source under the suffix with the access policy;
 *   <li>on each target client create a job for the URL (credentials, client certificate, proxy
 *       applied) and resume it — at most {@link TransferPlan#maxConcurrentJobs()} at once, never
 *       more than the group's connection limit;
 *   <li>follow each job through listeners, with polling as a fallback: {@code complete()} on
 *       TRANSFERRED, {@code cancel()} on ERROR, when the {@link TransientErrorPolicy} gives up, at
 *       the deadline, or on {@link Transfer#cancel()} (a job found TRANSFERRED then is completed,
 *       not cancelled);
 *   <li>clean up, always: remove the URL, and the group if this transfer created it and it is now
 *       empty — nothing that existed before. A cleanup failure is reported in the {@link
 *       TransferReport} without hiding the outcome.
 * </ol>
 *
 * <p>Lost replies: a remote call that fails after its request was sent (a connection lost or
 * timed out mid-reply, {@code 0x80072EFE}/{@code 0x80072EE2}, or cancelled) may have been carried
 * out. Nothing is retried; instead the cleanup also removes what such a call may have created — the
 * group, the URL (a generated suffix, or the plan's suffix if it serves the plan's source), and the
 * job of a lost {@code createJob} (found by the transfer id in its description and the target's
 * destination, then cancelled) — and reports in {@link TransferReport#cleanupProblems()} whatever
 * it could not check or remove.
 *
 * <pre>{@code
 * try (Controller c = Controller.builder().server(server).client("a", clientA).build()) {
 *   TransferReport r = c.start(plan).result().toCompletableFuture().join();
 * }
 * }</pre>
 *
 * <p>HTTPS prefixes: the controller binds no certificate. Bind one to the prefix's port before
 * {@link #start(TransferPlan)} ({@link CompactServer#setSslCertificate(int, TlsIdentity)}, or by
 * thumbprint on a remote server): a binding belongs to the port and serves every group on it, so
 * a transfer neither creates nor removes it ({@code bits transfer --ssl-cert-hash} binds one to a
 * port that had none for its transfer and removes it afterwards).
 *
 * <p>The server and clients may be local, remote or fakes: the controller only uses their
 * interfaces. Thread-safety: safe for use from any thread; transfers run concurrently.
 */
public interface Controller extends AutoCloseable {
  /**
   * Starts a transfer.
   *
   * @throws IllegalArgumentException if a target names a client the controller does not have
   * @throws IllegalStateException if the controller is closed
   */
  Transfer start(TransferPlan plan);

  /** The server. */
  CompactServer server();

  /** The clients, by name. */
  Map<String, BitsClient> clients();

  /**
   * Cancels every running transfer and waits for their cleanup (at most about a minute); does
   * not close the server or the clients. Idempotent.
   */
  @Override
  void close();

  /** A builder. */
  static Builder builder() {
    return new Builder();
  }

  /** Builds the default {@link Controller}; not thread-safe. */
  final class Builder {
    private @Nullable CompactServer server;
    private final Map<String, BitsClient> clients = new LinkedHashMap<>();
    private Scheduler scheduler = Scheduler.system();
    private Duration pollInterval = Duration.ofSeconds(1);

    private Builder() {}

    /** Sets the server. */
    public Builder server(CompactServer server) {
      this.server = Objects.requireNonNull(server, "server");
      return this;
    }

    /** Adds a client under a name that plans' targets refer to. */
    public Builder client(String name, BitsClient client) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(client, "client");
      if (clients.putIfAbsent(name, client) != null) {
        throw new IllegalArgumentException("duplicate client name: " + name);
      }
      return this;
    }

    /** Sets the clock and timer (default {@link Scheduler#system()}; tests use a manual clock). */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /**
     * Sets how often job states are polled as a fallback to listeners (default 1 s).
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder pollInterval(Duration interval) {
      if (interval.isZero() || interval.isNegative()) {
        throw new IllegalArgumentException("poll interval must be positive: " + interval);
      }
      this.pollInterval = interval;
      return this;
    }

    /**
     * Builds the controller.
     *
     * @throws IllegalStateException without a server or without clients
     */
    public Controller build() {
      if (server == null) {
        throw new IllegalStateException("a controller needs a server");
      }
      if (clients.isEmpty()) {
        throw new IllegalStateException("a controller needs at least one client");
      }
      return new DefaultController(server, clients, scheduler, pollInterval);
    }
  }
}
