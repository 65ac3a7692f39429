package io.bits4j.server.netty.internal;

import io.bits4j.UrlGroup;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.AbstractScheduledEventExecutor;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import java.lang.reflect.Field;
import java.util.Collection;
import java.util.concurrent.TimeUnit;

/**
 * Test-only looks into a running server for the resource-leak soak: group slots (also of deleted
 * groups, whose {@code stats()} refuses), open connections, the event loops' queued and scheduled
 * tasks, and the periodic sweep of cached descriptors run on demand.
 */
public final class SoakProbe {
  private SoakProbe() {}

  /** The {@link ServerCore} behind a {@code NettyCompactServer}. */
  public static ServerCore core(Object server) {
    return (ServerCore) field(server, "core");
  }

  /** The group's in-flight response count, also once it was deleted. */
  public static int active(UrlGroup g) {
    return ((GroupImpl) g).active.get();
  }

  public static int openConnections(Object server) {
    return core(server).openConnections.get();
  }

  /** {@code TCP_NODELAY} of each open connection of the server, in no particular order. */
  public static java.util.List<Boolean> noDelay(Object server) {
    java.util.List<Boolean> out = new java.util.ArrayList<>();
    for (io.netty.channel.Channel ch : (io.netty.channel.group.ChannelGroup) field(core(server), "connections")) {
      if (ch.isActive()) {
        out.add(ch.config().getOption(io.netty.channel.ChannelOption.TCP_NODELAY));
      }
    }
    return out;
  }

  /** Runs the periodic sweep of cached descriptors now (it runs every 30 s on the accepting loop). */
  public static void sweep(Object server) {
    core(server).sweepOpenFiles();
  }

  /**
   * Tasks waiting in the worker loops: {@code [queued, scheduled]}; the scheduled count is read on
   * each loop (its queue is the loop's own).
   */
  public static int[] workerTasks(Object server) throws Exception {
    EventLoopGroup workers = (EventLoopGroup) field(core(server), "workers");
    int queued = 0;
    int scheduled = 0;
    Field q = AbstractScheduledEventExecutor.class.getDeclaredField("scheduledTaskQueue");
    q.setAccessible(true);
    for (EventExecutor e : workers) {
      if (e.isShuttingDown()) {
        continue;
      }
      queued += ((SingleThreadEventExecutor) e).pendingTasks();
      scheduled += e.submit(() -> {
        Object queue = q.get(e);
        return queue == null ? 0 : ((Collection<?>) queue).size();
      }).get(5, TimeUnit.SECONDS);
    }
    return new int[] {queued, scheduled};
  }

  private static Object field(Object o, String name) {
    for (Class<?> c = o.getClass(); c != null; c = c.getSuperclass()) {
      try {
        Field f = c.getDeclaredField(name);
        f.setAccessible(true);
        return f.get(o);
      } catch (NoSuchFieldException e) {
        // look in the superclass
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalStateException("no field " + name + " in " + o.getClass());
  }
}
