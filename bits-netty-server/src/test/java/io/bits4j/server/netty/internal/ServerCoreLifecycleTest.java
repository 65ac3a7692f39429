package io.bits4j.server.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bits4j.UrlPrefix;
import io.bits4j.UserStore;
import io.bits4j.server.netty.ServerLimits;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The server lock against the event loops, and {@link ServerCore#close()} from any thread: no
 * configuration call may wait on a loop that waits for the lock, a close on an event loop must
 * not wait for that loop to end, and every close returns only once the loops have ended.
 */
class ServerCoreLifecycleTest {
  private ServerCore core;
  private ExecutorService helpers;

  @BeforeEach
  void start() {
    core = new ServerCore(new ServerConfig(ServerLimits.DEFAULTS, null, false, "jdk", true, null, new char[0],
        List.of(), "bits4j", Duration.ofMinutes(5), List.of(UserStore.DigestAlgorithm.SHA_256), System::nanoTime, 2));
    helpers = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "lifecycle-test");
      t.setDaemon(true); // a deadlocked helper must not keep the test JVM alive
      return t;
    });
  }

  @AfterEach
  void stop() {
    helpers.shutdownNow();
  }

  private EventLoopGroup loops(String field) throws ReflectiveOperationException {
    var f = ServerCore.class.getDeclaredField(field);
    f.setAccessible(true);
    return (EventLoopGroup) f.get(core);
  }

  private static int freePort() {
    return io.bits4j.testkit.LoopbackPorts.next();
  }

  @Test
  void aConfigurationCallNeverWaitsForTheAcceptingLoopWhileItsSweepWaitsForTheLock() throws Exception {
    EventLoopGroup boss = loops("boss");
    Thread accepting = boss.submit(Thread::currentThread).get(5, TimeUnit.SECONDS);
    UrlPrefix prefix = UrlPrefix.parse("http://127.0.0.1:" + freePort() + "/G");
    // the periodic sweep fires while a configuration call holds the lock, then that call binds a port
    Future<?> call = helpers.submit(() -> {
      synchronized (core.lock) {
        Future<?> sweep = boss.submit(core::sweepOpenFiles);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!sweep.isDone() && accepting.getState() != Thread.State.BLOCKED && System.nanoTime() < deadline) {
          Thread.onSpinWait();
        }
        core.createUrlGroup(prefix);
      }
      return null;
    });
    call.get(10, TimeUnit.SECONDS);
    assertThat(core.findUrlGroup(prefix)).isPresent();
    core.close();
  }

  @Test
  void closeOnAnEventLoopReturnsAndTheServerStillEnds() throws Exception {
    int port = freePort();
    core.createUrlGroup(UrlPrefix.parse("http://127.0.0.1:" + port + "/G"));
    EventLoopGroup workers = loops("workers");
    EventLoopGroup boss = loops("boss");
    workers.submit(core::close).get(10, TimeUnit.SECONDS);
    assertThat(workers.terminationFuture().await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(boss.terminationFuture().await(10, TimeUnit.SECONDS)).isTrue();
    assertThatThrownBy(() -> core.createUrlGroup(UrlPrefix.parse("http://127.0.0.1:" + port + "/H")))
        .isInstanceOf(IllegalStateException.class);
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", port)); // the port is free
    }
    core.close(); // from an ordinary thread too, afterwards
  }

  @Test
  void everyConcurrentCloseReturnsOnlyOnceTheEventLoopsHaveEnded() throws Exception {
    core.close();
    helpers.shutdownNow();
    for (int round = 0; round < 5; round++) {
      start();
      core.createUrlGroup(UrlPrefix.parse("http://127.0.0.1:" + freePort() + "/G"));
      EventLoopGroup workers = loops("workers");
      EventLoopGroup boss = loops("boss");
      CyclicBarrier together = new CyclicBarrier(3);
      List<Future<Boolean>> closers = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        closers.add(helpers.submit(() -> {
          together.await(10, TimeUnit.SECONDS);
          core.close();
          return workers.isTerminated() && boss.isTerminated();
        }));
      }
      Set<Boolean> ended = new java.util.HashSet<>();
      for (Future<Boolean> c : closers) {
        ended.add(c.get(20, TimeUnit.SECONDS));
      }
      assertThat(ended).as("loops ended when each close() returned").containsExactly(true);
      helpers.shutdownNow();
    }
  }
}
