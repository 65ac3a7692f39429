package io.bits4j.internal;

import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs tasks one at a time, in submission order, on a delegate executor — the "actor" of one
 * transfer. A task submitted while another runs (for example by a listener that a client calls
 * synchronously from inside a job operation) is queued, never run re-entrantly, and runs after the
 * current task on the same drain loop. No lock is held while tasks run.
 *
 * <p>Tasks must not throw (the transfer guards them).
 */
final class SerialExecutor implements Executor {
  private final Executor delegate;
  private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean running = new AtomicBoolean();
  private final AtomicBoolean scheduled = new AtomicBoolean();

  SerialExecutor(Executor delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  @Override
  public void execute(Runnable task) {
    queue.add(Objects.requireNonNull(task, "task"));
    if (scheduled.compareAndSet(false, true)) {
      try {
        delegate.execute(this::runScheduled);
      } catch (RejectedExecutionException e) {
        // the delegate is shutting down: drain here rather than lose the task
        scheduled.set(false);
        drain();
      }
    }
  }

  private void runScheduled() {
    scheduled.set(false);
    drain();
  }

  /**
   * Runs queued tasks in the calling thread unless another thread is running them (then returns
   * at once: that thread will run them). Never re-entrant.
   */
  void drain() {
    while (!queue.isEmpty()) {
      if (!running.compareAndSet(false, true)) {
        return;
      }
      try {
        Runnable r;
        while ((r = queue.poll()) != null) {
          r.run();
        }
      } finally {
        running.set(false);
      }
    }
  }
}
