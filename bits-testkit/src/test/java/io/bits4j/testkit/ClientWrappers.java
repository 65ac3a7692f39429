package io.bits4j.testkit;

import io.bits4j.BitsClient;
import io.bits4j.ClientJob;
import io.bits4j.CompactServer;
import io.bits4j.JobState;
import io.bits4j.UrlGroup;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.CompletableFuture;

/** Dynamic proxies around the fakes that make one call misbehave, for the controller tests. */
final class ClientWrappers {
  private ClientWrappers() {}

  /** Wraps a client so that one method of its jobs throws {@code failure} (the rest pass through). */
  static BitsClient failingJobs(BitsClient inner, String method, RuntimeException failure) {
    return jobsWrapped(inner, job -> proxy(ClientJob.class, (m, a) -> {
      if (m.getName().equals(method)) {
        throw failure;
      }
      return invoke(m, job, a);
    }));
  }

  /** Wraps a client so that its jobs never call listeners and their outcome stages never complete. */
  static BitsClient silent(BitsClient inner) {
    return jobsWrapped(inner, job -> proxy(ClientJob.class, (m, a) -> switch (m.getName()) {
      case "addListener", "removeListener" -> null;
      case "outcome" -> new CompletableFuture<JobState>();
      default -> invoke(m, job, a);
    }));
  }

  /** Carries {@code method} out on the target, then throws {@code lost} as if its reply was lost. */
  static <T> T losingReplyOf(Class<T> type, T target, String method, RuntimeException lost) {
    return proxy(type, (m, a) -> {
      Object r = invoke(m, target, a);
      if (m.getName().equals(method)) {
        throw lost;
      }
      return r;
    });
  }

  /** A server whose groups lose the reply of {@code method}. */
  static CompactServer groupsLosingReplyOf(CompactServer inner, String method, RuntimeException lost) {
    return proxy(CompactServer.class, (m, a) -> {
      Object r = invoke(m, inner, a);
      return m.getName().equals("createUrlGroup") ? losingReplyOf(UrlGroup.class, (UrlGroup) r, method, lost) : r;
    });
  }

  private interface Call {
    Object call(Method m, Object[] args) throws Throwable;
  }

  private interface JobWrapper {
    ClientJob wrap(ClientJob job);
  }

  private static BitsClient jobsWrapped(BitsClient inner, JobWrapper wrapper) {
    return proxy(BitsClient.class, (m, a) -> {
      Object r = invoke(m, inner, a);
      return m.getName().equals("createJob") ? wrapper.wrap((ClientJob) r) : r;
    });
  }

  private static <T> T proxy(Class<T> type, Call call) {
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
        (p, m, a) -> call.call(m, a)));
  }

  static Object invoke(Method m, Object target, Object[] args) throws Throwable {
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
