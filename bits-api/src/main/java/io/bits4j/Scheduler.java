package io.bits4j;

import io.bits4j.internal.SystemScheduler;
import java.time.Duration;
import java.time.Instant;

/**
 * A clock with delayed tasks: the one source of time for the controller and the clients, so that
 * tests can replace it with the testkit's manual clock and run retry delays, timeouts and
 * deadlines instantly.
 *
 * <pre>{@code
 * Scheduler.Task t = scheduler.schedule(Duration.ofSeconds(5), this::poll);
 * ...
 * t.cancel();
 * }</pre>
 *
 * <p>Tasks must be short and must not block: {@link #system()} runs them all on one daemon
 * thread. Thread-safety: implementations are safe for use from any thread.
 */
public interface Scheduler {
  /** The current instant. */
  Instant now();

  /**
   * Runs a task once after a delay (at once for zero or negative delays). A task that throws is
   * logged and forgotten.
   */
  Task schedule(Duration delay, Runnable task);

  /** A scheduled task. */
  interface Task {
    /**
     * Cancels the task if it has not started.
     *
     * @return false if it already ran, started or was cancelled
     */
    boolean cancel();
  }

  /** The system clock with one shared daemon thread for the tasks. */
  static Scheduler system() {
    return SystemScheduler.INSTANCE;
  }
}
