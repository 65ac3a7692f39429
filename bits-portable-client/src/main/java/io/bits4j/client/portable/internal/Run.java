package io.bits4j.client.portable.internal;

import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;

/** One stretch of work on a job by a transfer worker, stoppable from other threads. */
final class Run {
  final PortableJob job;
  final CountDownLatch done = new CountDownLatch(1);
  volatile boolean stop;
  /** The run's pending time-slice task (guarded by the engine's lock); cancelled when the run ends. */
  io.bits4j.Scheduler.@Nullable Task slice;
  private volatile @Nullable HttpSession session;

  Run(PortableJob job) {
    this.job = job;
  }

  void session(@Nullable HttpSession s) {
    this.session = s;
    if (stop && s != null) {
      s.close();
    }
  }

  /** Asks the worker to stop; closes its connection so that a blocked read returns at once. */
  void requestStop() {
    stop = true;
    HttpSession s = session;
    if (s != null) {
      s.close();
    }
  }

  void awaitDone() {
    boolean interrupted = false;
    while (true) {
      try {
        done.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
