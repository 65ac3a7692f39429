package io.bits4j.examples;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Runs a long-lived service of the command line ({@code serve}, {@code node}) until the JVM is
 * asked to stop (Ctrl-C, SIGTERM): the shutdown hook closes it, then releases the caller. The hook
 * is registered before the service starts and prints that it is ready, so a signal that comes right
 * after "ready" finds it in place (registering it later failed with "Shutdown in progress": exit 2,
 * where a terminated process exits 143).
 */
final class UntilShutdown {
  private UntilShutdown() {}

  /** Starts the service, waits for the JVM's shutdown, closes the service; returns 0. */
  static int run(String name, Supplier<? extends AutoCloseable> start) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    AtomicReference<AutoCloseable> running = new AtomicReference<>();
    Thread hook = new Thread(() -> {
      closeQuietly(running.get()); // idempotent closes; none yet if the signal came during start
      stopped.countDown();
    }, "bits-" + name + "-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      running.set(start.get());
      stopped.await();
      return 0;
    } finally {
      closeQuietly(running.get());
      try {
        Runtime.getRuntime().removeShutdownHook(hook); // start failed: the hook has nothing to do
      } catch (IllegalStateException shuttingDown) {
        // the hook is running or ran
      }
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      // closing on the way out: nothing left to tell
    }
  }
}
