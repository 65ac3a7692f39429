package io.bits4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bits4j.testkit.TcpFaultProxy.Fault;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The fault proxy against a tiny loopback server; every read has a bounded timeout. */
@Timeout(60)
class TcpFaultProxyTest {
  private static final byte[] PAYLOAD = new byte[200_000];

  static {
    new Random(3).nextBytes(PAYLOAD);
  }

  private final DataServer server = new DataServer();

  @AfterEach
  void stop() throws IOException {
    server.close();
  }

  private static Socket connect(TcpFaultProxy proxy) throws IOException {
    Socket s = new Socket();
    s.connect(proxy.address(), 5_000);
    s.setSoTimeout(10_000);
    return s;
  }

  /** Reads until EOF; returns the bytes, or throws what the socket threw. */
  private static byte[] readAll(Socket s) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    InputStream in = s.getInputStream();
    byte[] buf = new byte[8192];
    int n;
    while ((n = in.read(buf)) >= 0) {
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }

  /** Reads exactly {@code count} bytes (or fewer at EOF). */
  private static byte[] readN(Socket s, int count) throws IOException {
    return s.getInputStream().readNBytes(count);
  }

  @Test
  void passThroughForwardsEverything() throws IOException {
    try (TcpFaultProxy proxy = TcpFaultProxy.builder(server.address()).start(); Socket s = connect(proxy)) {
      s.shutdownOutput(); // the server answers, then closes when the client is done
      assertThat(readAll(s)).isEqualTo(PAYLOAD);
      assertThat(proxy.connectionCount()).isEqualTo(1);
    }
  }

  @Test
  void clientToServerIsForwarded() throws IOException {
    try (TcpFaultProxy proxy = TcpFaultProxy.builder(server.address()).start(); Socket s = connect(proxy)) {
      readN(s, PAYLOAD.length);
      OutputStream out = s.getOutputStream();
      out.write("hello".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      s.shutdownOutput();
      assertThat(new String(readAll(s), StandardCharsets.US_ASCII)).isEqualTo("hello");
    }
  }

  @Test
  void cutAfterClosesAfterExactlyThatManyBytes() throws IOException {
    try (TcpFaultProxy proxy = TcpFaultProxy.builder(server.address()).fault(Fault.cutAfter(1000)).start();
        Socket s = connect(proxy)) {
      byte[] got = readAll(s);
      assertThat(got).isEqualTo(Arrays.copyOf(PAYLOAD, 1000));
    }
  }

  @Test
  void resetAfterResetsTheConnection() throws IOException {
    try (TcpFaultProxy proxy = TcpFaultProxy.builder(server.address()).fault(Fault.resetAfter(5000)).start();
        Socket s = connect(proxy)) {
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      assertThatThrownBy(() -> {
        InputStream in = s.getInputStream();
        byte[] buf = new byte[1024];
        int n;
        while ((n = in.read(buf)) >= 0) {
          got.write(buf, 0, n);
        }
      }).isInstanceOf(SocketException.class).hasMessageContaining("reset");
      assertThat(got.size()).isLessThanOrEqualTo(5000);
      assertThat(got.toByteArray()).isEqualTo(Arrays.copyOf(PAYLOAD, got.size()));
    }
  }

  @Test
  void stallAfterStopsForwardingButKeepsTheConnectionOpen() throws IOException {
    try (TcpFaultProxy proxy = TcpFaultProxy.builder(server.address()).fault(Fault.stallAfter(3000)).start();
        Socket s = connect(proxy)) {
      assertThat(readN(s, 3000)).isEqualTo(Arrays.copyOf(PAYLOAD, 3000));
      s.setSoTimeout(300);
      assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
      assertThat(proxy.openConnections()).isEqualTo(1);
    }
  }

  @Test
  void trickleSlowsTheTransferDown() throws IOException {
    server.payload(Arrays.copyOf(PAYLOAD, 1000));
    try (TcpFaultProxy proxy = TcpFaultProxy.builder(server.address())
            .fault(Fault.trickle(100, Duration.ofMillis(20))).start();
        Socket s = connect(proxy)) {
      long t0 = System.nanoTime();
      s.shutdownOutput();
      byte[] got = readAll(s);
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertThat(got).isEqualTo(Arrays.copyOf(PAYLOAD, 1000));
      assertThat(ms).as("10 chunks with 20 ms pauses").isGreaterThanOrEqualTo(180);
    }
  }

  @Test
  void queuedFaultsApplyToTheNextConnectionsInOrder() throws IOException {
    try (TcpFaultProxy proxy = TcpFaultProxy.builder(server.address()).start()) {
      proxy.nextFaults(Fault.cutAfter(10), Fault.cutAfter(20));
      try (Socket a = connect(proxy)) {
        assertThat(readAll(a)).hasSize(10);
      }
      try (Socket b = connect(proxy)) {
        assertThat(readAll(b)).hasSize(20);
      }
      try (Socket c = connect(proxy)) {
        c.shutdownOutput();
        assertThat(readAll(c)).isEqualTo(PAYLOAD);
      }
      assertThat(proxy.connectionCount()).isEqualTo(3);
    }
  }

  @Test
  void connectionsBeyondTheLimitAreClosedAtOnce() throws IOException {
    try (TcpFaultProxy proxy = TcpFaultProxy.builder(server.address()).maxConnections(1)
            .fault(Fault.stallAfter(10)).start();
        Socket first = connect(proxy)) {
      assertThat(readN(first, 10)).hasSize(10);
      try (Socket second = connect(proxy)) {
        InputStream in = second.getInputStream();
        int r;
        try {
          r = in.read();
        } catch (SocketException e) {
          r = -1; // reset is fine too
        }
        assertThat(r).isEqualTo(-1);
      }
      assertThat(proxy.refusedCount()).isEqualTo(1);
      assertThat(proxy.connectionCount()).isEqualTo(1);
    }
  }

  @Test
  void closeIsIdempotentAndFreesThePort() throws IOException {
    TcpFaultProxy proxy = TcpFaultProxy.builder(server.address()).fault(Fault.stallAfter(1)).start();
    Socket s = connect(proxy);
    assertThat(readN(s, 1)).hasSize(1);
    proxy.close();
    proxy.close();
    assertThat(proxy.openConnections()).isZero();
    try (s) {
      assertThat(s.getInputStream().read()).isEqualTo(-1);
    } catch (SocketException e) {
      // a reset is also a closed connection
    }
    assertThatThrownBy(() -> {
      try (Socket again = new Socket()) {
        again.connect(proxy.address(), 5_000);
      }
    }).isInstanceOf(IOException.class);
  }

  /** Sends its payload to every connection, then echoes what it receives until EOF. */
  private static final class DataServer implements AutoCloseable {
    private final ServerSocket socket;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "data-server");
      t.setDaemon(true);
      return t;
    });
    private volatile byte[] payload = PAYLOAD;

    DataServer() {
      try {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      threads.execute(this::acceptLoop);
    }

    void payload(byte[] p) {
      payload = p;
    }

    InetSocketAddress address() {
      return new InetSocketAddress(socket.getInetAddress(), socket.getLocalPort());
    }

    private void acceptLoop() {
      while (!socket.isClosed()) {
        try {
          Socket s = socket.accept();
          threads.execute(() -> serve(s));
        } catch (IOException e) {
          return;
        }
      }
    }

    private void serve(Socket s) {
      try (s) {
        OutputStream out = s.getOutputStream();
        out.write(payload);
        out.flush();
        s.getInputStream().transferTo(out);
      } catch (IOException e) {
        // the client or the proxy went away
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
      threads.shutdownNow();
    }
  }
}
