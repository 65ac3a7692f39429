package io.bits4j.wsman;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bits4j.BitsException;
import io.bits4j.CompactServer;
import io.bits4j.UrlPrefix;
import io.bits4j.UserStore;
import io.bits4j.testkit.FakeCompactServer;
import io.bits4j.testkit.TcpFaultProxy;
import io.bits4j.wsman.internal.WsmanClient;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * Closing either end while connections are open or calls are in flight: the calls end promptly
 * with a {@link BitsException} (not at their timeout), and no connection or thread stays behind.
 */
class ConnectionLifecycleTest {
  /** Far longer than any of the bounds below: a call that ends only at its timeout fails the test. */
  static final Duration LONG_TIMEOUT = Duration.ofSeconds(30);

  final FakeCompactServer fake = new FakeCompactServer();
  final CountDownLatch entered = new CountDownLatch(1);
  final CountDownLatch release = new CountDownLatch(1);
  ManagementEndpoint endpoint;

  @BeforeEach
  void start() throws Exception {
    UserStore users = UserStore.inMemory();
    users.addUser("admin", "pw".toCharArray(), Set.of(UserStore.ADMINISTRATORS), Set.of());
    // deleteUrlGroup blocks until released, so a call can be held in flight on the node
    CompactServer blocking = (CompactServer) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {CompactServer.class}, (p, m, a) -> {
          if (m.getName().equals("deleteUrlGroup")) {
            entered.countDown();
            release.await(LONG_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
          }
          try {
            return m.invoke(fake, a);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
    endpoint = ManagementEndpoint.builder().compactServer(blocking).users(users).allowPlainHttp(true)
        .bind(new InetSocketAddress("127.0.0.1", 0)).build();
  }

  @AfterEach
  void stop() {
    release.countDown();
    endpoint.close();
  }

  static WsmanSession session(URI uri) {
    return WsmanSession.builder(uri).basic("admin", "pw".toCharArray()).operationTimeout(LONG_TIMEOUT).build();
  }

  static List<String> liveThreads(String prefix) {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
        .filter(n -> n.startsWith(prefix)).sorted().collect(Collectors.toList());
  }

  /** Bounded polling: true as soon as the condition holds, false after about {@code seconds}. */
  static boolean eventually(int seconds, BooleanSupplier condition) throws InterruptedException {
    for (int i = 0; i < seconds * 20; i++) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(50);
    }
    return condition.getAsBoolean();
  }

  static Throwable failureOf(CompletableFuture<?> call, Duration within) throws Exception {
    try {
      call.get(within.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("the call succeeded");
  }

  @RepeatedTest(4)
  void closingTheEndpointEndsCallsInFlightAndDropsTheirConnections() throws Exception {
    try (WsmanSession s = session(endpoint.uri())) {
      CompletableFuture<Boolean> call = CompletableFuture.supplyAsync(
          () -> s.compactServer().deleteUrlGroup(UrlPrefix.parse("http://127.0.0.1:1/x")));
      assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
      long t0 = System.nanoTime();
      endpoint.close();
      assertThat(endpoint.openConnections()).as("connections open after close()").isZero();
      Throwable failure = failureOf(call, Duration.ofSeconds(10));
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("the call ended long before its timeout")
          .isLessThan(Duration.ofSeconds(5));
      assertThat(failure).isInstanceOfSatisfying(BitsException.class,
          e -> assertThat(e.hresult()).isIn(WsmanClient.CANNOT_CONNECT, WsmanClient.CONNECTION_ERROR));
    }
  }

  @Test
  void aPortInUseIsAClearError() {
    InetSocketAddress taken = endpoint.address();
    assertThatThrownBy(() -> ManagementEndpoint.builder().compactServer(fake).users(UserStore.inMemory())
        .allowPlainHttp(true).bind(taken).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("cannot listen on " + taken)
        .hasMessageContaining("in use");
  }

  @Test
  void closingTheEndpointDropsIdleConnections() throws Exception {
    try (WsmanSession s = session(endpoint.uri())) {
      s.compactServer().urlGroups(); // leaves a kept-alive connection
      assertThat(endpoint.openConnections()).isEqualTo(1);
      endpoint.close();
      assertThat(endpoint.openConnections()).as("connections open after close()").isZero();
    }
  }

  @RepeatedTest(3)
  void closingTheSessionEndsCallsInFlight() throws Exception {
    try (TcpFaultProxy stall = TcpFaultProxy.builder(endpoint.address())
        .fault(TcpFaultProxy.Fault.stallAfter(0)).start()) {
      WsmanSession s = session(URI.create("http://127.0.0.1:" + stall.port() + "/wsman"));
      CompletableFuture<Object> call = CompletableFuture.supplyAsync(() -> s.compactServer().urlGroups());
      assertThat(eventually(10, () -> stall.openConnections() == 1)).isTrue();
      long t0 = System.nanoTime();
      s.close();
      Throwable failure = failureOf(call, Duration.ofSeconds(10));
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("the call ended long before its timeout")
          .isLessThan(Duration.ofSeconds(5));
      assertThat(failure).isInstanceOfSatisfying(BitsException.class,
          e -> assertThat(e.hresult()).isEqualTo(io.bits4j.Hresult.E_CANCELLED));
      assertThat(eventually(10, () -> stall.openConnections() == 0)).as("the stalled connection is closed").isTrue();
    }
  }

  /** In its own frame, so that the test's frame holds no reference to the closed session. */
  private void useAndClose(URI uri) {
    WsmanSession s = session(uri);
    s.compactServer().urlGroups();
    assertThat(endpoint.openConnections()).isEqualTo(1);
    s.close();
  }

  @Test
  void closingTheSessionReleasesItsConnectionsAndThreads() throws Exception {
    useAndClose(endpoint.uri());
    // the JDK 17 HttpClient has no close(): its selector thread ends, closing its connections, once
    // the closed session no longer holds it and it is collected (JDK 21+: closed at once)
    assertThat(eventually(15, () -> {
      System.gc();
      return endpoint.openConnections() == 0 && liveThreads("bits4j-wsman-http").isEmpty()
          && liveThreads("bits4j-wsman-notify").isEmpty();
    })).as("connections %d, threads %s", endpoint.openConnections(), liveThreads("bits4j-wsman-")).isTrue();
  }
}
