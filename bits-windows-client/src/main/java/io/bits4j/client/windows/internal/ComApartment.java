package io.bits4j.client.windows.internal;

import io.bits4j.BitsException;
import io.bits4j.Hresult;
import io.bits4j.client.windows.internal.com.ComRuntime;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one thread that makes every COM call of a client: it joins the multithreaded apartment at
 * start (CoInitializeEx MTA), runs submitted calls in order, and leaves it (CoUninitialize) when
 * shut down. Callers wait for their call with a bound, so a hung BITS service gives a {@link
 * BitsException} (ERROR_TIMEOUT), never a hang. Thread-safe.
 */
final class ComApartment {
  private static final Runnable STOP = () -> {};

  private final ComRuntime runtime;
  private final Duration callTimeout;
  private final BlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
  private final Object lock = new Object();
  private final Thread thread;
  private boolean shutdown; // guarded by lock

  /**
   * Starts the thread and joins the MTA.
   *
   * @throws BitsException with the HRESULT of a failing CoInitializeEx
   */
  ComApartment(ComRuntime runtime, String name, Duration callTimeout) {
    this.runtime = runtime;
    this.callTimeout = callTimeout;
    CompletableFuture<Integer> started = new CompletableFuture<>();
    thread = new Thread(() -> loop(started), name);
    thread.setDaemon(true);
    thread.start();
    int hr;
    try {
      hr = started.get(callTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new BitsException(Hresult.E_FAIL, io.bits4j.ErrorContext.NONE,
          "the COM thread failed to start: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      abandonStart();
      throw new BitsException(Hresult.E_TIMEOUT, "CoInitializeEx did not return within " + callTimeout);
    } catch (InterruptedException e) {
      abandonStart();
      Thread.currentThread().interrupt();
      throw new BitsException(Hresult.E_CANCELLED, "interrupted while starting the COM thread");
    }
    if (hr < 0) {
      throw ComFailures.failure(hr, "CoInitializeEx(COINIT_MULTITHREADED)");
    }
  }

  /**
   * After a start the caller gave up on: nobody will ever shut this apartment down, so queue the
   * stop now. If CoInitializeEx still succeeds later, the thread takes it at once, leaves the
   * apartment on its own thread (CoUninitialize) and ends instead of waiting forever.
   */
  private void abandonStart() {
    synchronized (lock) {
      shutdown = true;
      queue.add(STOP);
    }
  }

  private void loop(CompletableFuture<Integer> started) {
    int hr;
    try {
      hr = runtime.coInitializeMultithreaded();
    } catch (Throwable t) {
      started.completeExceptionally(t);
      return;
    }
    started.complete(hr);
    if (hr < 0) {
      return;
    }
    try {
      while (true) {
        Runnable r;
        try {
          r = queue.take();
        } catch (InterruptedException e) {
          continue; // only STOP ends the loop, so queued calls are never lost
        }
        if (r == STOP) {
          return;
        }
        r.run();
      }
    } finally {
      runtime.coUninitialize();
    }
  }

  /** True on the COM thread itself. */
  boolean isComThread() {
    return Thread.currentThread() == thread;
  }

  /**
   * Runs a call on the COM thread and returns its result; runs it inline when already there.
   *
   * @throws IllegalStateException if the apartment was shut down
   * @throws BitsException E_TIMEOUT when the call does not finish within the call timeout
   */
  <T> T call(String what, Callable<T> task) {
    if (isComThread()) {
      return runInline(task);
    }
    FutureTask<T> f = new FutureTask<>(task);
    synchronized (lock) {
      if (shutdown) {
        throw new IllegalStateException("WindowsBitsClient is closed");
      }
      queue.add(f);
    }
    try {
      return f.get(callTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException re) {
        throw re;
      }
      if (c instanceof Error err) {
        throw err;
      }
      throw new BitsException(Hresult.E_FAIL, io.bits4j.ErrorContext.NONE, what + " failed: " + c, c);
    } catch (TimeoutException e) {
      throw new BitsException(Hresult.E_TIMEOUT,
          what + ": the BITS service did not answer within " + callTimeout.toSeconds() + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BitsException(Hresult.E_CANCELLED, what + ": interrupted while waiting for COM");
    }
  }

  private static <T> T runInline(Callable<T> task) {
    try {
      return task.call();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new BitsException(Hresult.E_FAIL, io.bits4j.ErrorContext.NONE, e.toString(), e);
    }
  }

  /**
   * Runs {@code last} on the COM thread after every queued call, then leaves the apartment and
   * ends the thread; waits for that (bounded). Idempotent.
   */
  void shutdown(Runnable last) {
    synchronized (lock) {
      if (shutdown) {
        return;
      }
      shutdown = true;
      queue.add(() -> {
        try {
          last.run();
        } catch (RuntimeException e) {
          ComClient.LOG.warn("releasing COM objects failed", e);
        }
      });
      queue.add(STOP);
    }
    if (!isComThread()) {
      try {
        thread.join(callTimeout.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
