package io.bits4j.internal;

import io.bits4j.BitsClient;
import io.bits4j.CompactServer;
import io.bits4j.Controller;
import io.bits4j.Scheduler;
import io.bits4j.Transfer;
import io.bits4j.TransferPlan;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The default {@link Controller}: runs each transfer as a {@link DefaultTransfer}.
 *
 * <p>Where the work runs: with {@link Scheduler#system()}, each transfer's steps (which call the
 * server and the clients, possibly remotely and slowly) run on a small pool of daemon threads owned
 * by the controller, so the shared scheduler thread only fires timers. With any other scheduler
 * (such as the testkit's manual clock) the steps run as zero-delay tasks of that scheduler, so a
 * test driving the clock drives the whole transfer deterministically in its own thread.
 */
public final class DefaultController implements Controller {
  /** How long {@link #close()} waits for running transfers to clean up. */
  static final Duration CLOSE_WAIT = Duration.ofSeconds(60);

  private static final int POOL_THREADS = 4;

  private final CompactServer server;
  private final Map<String, BitsClient> clients;
  private final Scheduler scheduler;
  private final Duration pollInterval;
  private final Executor workers;
  private final @Nullable ExecutorService pool;
  private final Set<DefaultTransfer> running = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();

  /** Creates the controller; see {@link Controller.Builder}. */
  public DefaultController(
      CompactServer server, Map<String, BitsClient> clients, Scheduler scheduler, Duration pollInterval) {
    this.server = Objects.requireNonNull(server, "server");
    this.clients = Map.copyOf(clients);
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
    if (scheduler instanceof SystemScheduler) {
      AtomicInteger n = new AtomicInteger();
      ThreadPoolExecutor p = new ThreadPoolExecutor(POOL_THREADS, POOL_THREADS, 30, TimeUnit.SECONDS,
          new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "bits4j-controller-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
          });
      p.allowCoreThreadTimeOut(true);
      this.pool = p;
      this.workers = p;
    } else {
      this.pool = null;
      this.workers = r -> scheduler.schedule(Duration.ZERO, r);
    }
  }

  @Override
  public Transfer start(TransferPlan plan) {
    Objects.requireNonNull(plan, "plan");
    if (closed.get()) {
      throw new IllegalStateException("controller closed");
    }
    for (TransferPlan.Target t : plan.targets()) {
      if (!clients.containsKey(t.client())) {
        throw new IllegalArgumentException("no client named '" + t.client() + "'; known: " + clients.keySet());
      }
    }
    DefaultTransfer t = new DefaultTransfer(plan, server, clients, scheduler, pollInterval, workers, running::remove);
    running.add(t);
    t.start();
    if (closed.get()) {
      t.cancel();
    }
    return t;
  }

  @Override
  public CompactServer server() {
    return server;
  }

  @Override
  public Map<String, BitsClient> clients() {
    return clients;
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
    List<DefaultTransfer> transfers = List.copyOf(running);
    for (DefaultTransfer t : transfers) {
      t.cancel();
      t.drainNow();
    }
    for (DefaultTransfer t : transfers) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      try {
        t.result().toCompletableFuture().get(left, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (ExecutionException | TimeoutException e) {
        // a report never fails; a timeout leaves the transfer to finish on its own
      }
    }
    if (pool != null) {
      pool.shutdown();
    }
  }

  @Override
  public String toString() {
    return "DefaultController[" + server + ", clients=" + clients.keySet() + ", " + running.size() + " running]";
  }
}
