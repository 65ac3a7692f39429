package io.bits4j.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A loopback TCP proxy in front of a target host and port that injects faults into the
 * server-to-client direction, per connection: pass through, cut (FIN) after N bytes, stall after N
 * bytes (stop forwarding, keep the socket open), reset (RST) after N bytes, or trickle B bytes per
 * interval. The client-to-server direction is always passed through.
 *
 * <pre>{@code
 * try (TcpFaultProxy proxy = TcpFaultProxy.builder(new InetSocketAddress("127.0.0.1", serverPort)).start()) {
 *   proxy.nextFaults(TcpFaultProxy.Fault.resetAfter(64 * 1024));   // the first connection is reset
 *   URI url = URI.create("http://127.0.0.1:" + proxy.port() + "/Carmine/file.bin");
 *   ...
 *   assertThat(proxy.connectionCount()).isEqualTo(2);               // the client reconnected
 * }
 * }</pre>
 *
 * <p>Plain blocking sockets: two threads per open connection plus one acceptor, at most {@link
 * Builder#maxConnections(int)} connections at once (more are closed at once and counted in {@link
 * #refusedCount()}). Listens on an ephemeral loopback port. {@link #close()} closes every socket and
 * stops every thread; it is idempotent. Thread-safety: safe for use from any thread.
 */
public final class TcpFaultProxy implements AutoCloseable {
  /**
   * What happens to one connection's server-to-client bytes.
   *
   * @param kind the kind of fault
   * @param afterBytes bytes forwarded before a cut, stall or reset
   * @param chunkBytes bytes per interval when trickling
   * @param interval the pause between chunks when trickling
   */
  public record Fault(Kind kind, long afterBytes, int chunkBytes, Duration interval) {
    /** The kinds of fault. */
    public enum Kind {
      /** Forward everything. */
      PASS_THROUGH,
      /** Close both sides (FIN) after {@code afterBytes}. */
      CUT,
      /** Stop forwarding after {@code afterBytes}; keep the sockets open until the client or the proxy closes. */
      STALL,
      /** Reset the client connection (RST, SO_LINGER 0) after {@code afterBytes}. */
      RESET,
      /** Forward {@code chunkBytes} per {@code interval}. */
      TRICKLE
    }

    /** Validates. */
    public Fault {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(interval, "interval");
      if (afterBytes < 0 || chunkBytes < 1 || interval.isNegative()) {
        throw new IllegalArgumentException("bad fault: " + afterBytes + " bytes, chunks of " + chunkBytes + ", " + interval);
      }
    }

    /** Forward everything. */
    public static Fault passThrough() {
      return new Fault(Kind.PASS_THROUGH, 0, 1, Duration.ZERO);
    }

    /** Close the connection after {@code bytes}. */
    public static Fault cutAfter(long bytes) {
      return new Fault(Kind.CUT, bytes, 1, Duration.ZERO);
    }

    /** Stop forwarding after {@code bytes}, keeping the connection open. */
    public static Fault stallAfter(long bytes) {
      return new Fault(Kind.STALL, bytes, 1, Duration.ZERO);
    }

    /** Reset the connection after {@code bytes}. */
    public static Fault resetAfter(long bytes) {
      return new Fault(Kind.RESET, bytes, 1, Duration.ZERO);
    }

    /** Forward {@code bytes} per {@code interval}. */
    public static Fault trickle(int bytes, Duration interval) {
      return new Fault(Kind.TRICKLE, 0, bytes, interval);
    }
  }

  private static final System.Logger LOG = System.getLogger(TcpFaultProxy.class.getName());
  private static final int BUFFER = 16 * 1024;

  private final InetSocketAddress target;
  private final int maxConnections;
  private final ServerSocket serverSocket;
  private final ExecutorService threads;
  private final Thread acceptor;
  private final Set<Connection> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicInteger refused = new AtomicInteger();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Object faultLock = new Object();
  private final ArrayDeque<Fault> nextFaults = new ArrayDeque<>();
  private Fault fault;

  private TcpFaultProxy(Builder b) throws IOException {
    this.target = b.target;
    this.maxConnections = b.maxConnections;
    this.fault = b.fault;
    this.serverSocket = new ServerSocket();
    serverSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    AtomicInteger n = new AtomicInteger();
    this.threads = new ThreadPoolExecutor(0, 2 * maxConnections + 2, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
      Thread t = new Thread(r, "tcp-fault-proxy-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.acceptor = new Thread(this::acceptLoop, "tcp-fault-proxy-accept-" + serverSocket.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** A builder for a proxy in front of {@code target}. */
  public static Builder builder(InetSocketAddress target) {
    return new Builder(target);
  }

  /** The port the proxy listens on (loopback). */
  public int port() {
    return serverSocket.getLocalPort();
  }

  /** The address the proxy listens on. */
  public InetSocketAddress address() {
    return new InetSocketAddress(serverSocket.getInetAddress(), port());
  }

  /** The fault for connections without a queued one (see {@link #nextFaults}). */
  public void setFault(Fault fault) {
    Objects.requireNonNull(fault, "fault");
    synchronized (faultLock) {
      this.fault = fault;
    }
  }

  /** Faults for the next connections, in order; later connections get {@link #setFault the default}. */
  public void nextFaults(Fault... faults) {
    synchronized (faultLock) {
      nextFaults.addAll(List.of(faults));
    }
  }

  /** Connections accepted and proxied so far. */
  public int connectionCount() {
    return accepted.get();
  }

  /** Connections closed at once because {@link Builder#maxConnections} were open. */
  public int refusedCount() {
    return refused.get();
  }

  /** Connections open now. */
  public int openConnections() {
    return open.size();
  }

  /** Closes the listener, every connection and every thread; idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    closeQuietly(serverSocket);
    for (Connection c : open) {
      c.close();
    }
    threads.shutdownNow();
    try {
      acceptor.join(5_000);
      threads.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "TcpFaultProxy[" + address() + " -> " + target + "]";
  }

  private Fault takeFault() {
    synchronized (faultLock) {
      Fault f = nextFaults.poll();
      return f != null ? f : fault;
    }
  }

  private void acceptLoop() {
    while (!closed.get()) {
      Socket client;
      try {
        client = serverSocket.accept();
      } catch (IOException e) {
        if (!closed.get()) {
          LOG.log(System.Logger.Level.WARNING, "accept failed", e);
        }
        return;
      }
      if (open.size() >= maxConnections) {
        refused.incrementAndGet();
        closeQuietly(client);
        continue;
      }
      Connection c = new Connection(client, takeFault());
      open.add(c);
      accepted.incrementAndGet();
      try {
        threads.execute(c::run);
      } catch (RejectedExecutionException e) {
        c.close();
      }
      if (closed.get()) {
        c.close();
      }
    }
  }

  private static void closeQuietly(@Nullable AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      // closing anyway
    }
  }

  private final class Connection {
    final Socket client;
    final Fault fault;
    final CountDownLatch done = new CountDownLatch(1);
    final AtomicBoolean closing = new AtomicBoolean();
    final AtomicInteger halves = new AtomicInteger();
    volatile @Nullable Socket server;

    Connection(Socket client, Fault fault) {
      this.client = client;
      this.fault = fault;
    }

    void run() {
      try {
        Socket s = new Socket();
        // an option first: it creates the descriptor, and a close() from another thread racing
        // that lazy creation would mark the socket closed and leave the descriptor open
        try {
          s.setTcpNoDelay(true);
        } catch (IOException e) {
          closeQuietly(s);
          throw e;
        }
        server = s;
        if (closing.get()) {
          closeQuietly(s);
          return;
        }
        s.connect(target, 10_000);
        client.setTcpNoDelay(true);
        threads.execute(() -> upstream(s));
        downstream(s);
      } catch (IOException | RejectedExecutionException e) {
        LOG.log(System.Logger.Level.DEBUG, "connection ended", e);
        close();
      }
    }

    /** Client to server, untouched; a half-close is passed on. */
    void upstream(Socket s) {
      byte[] buf = new byte[BUFFER];
      try {
        InputStream in = client.getInputStream();
        OutputStream out = s.getOutputStream();
        int n;
        while ((n = in.read(buf)) >= 0) {
          out.write(buf, 0, n);
          out.flush();
        }
        s.shutdownOutput();
        if (fault.kind() == Fault.Kind.STALL) {
          close(); // the client gave up on a stalled connection
        } else {
          halfClosed();
        }
      } catch (IOException e) {
        close();
      }
    }

    /** Server to client, with the fault. */
    void downstream(Socket s) throws IOException {
      byte[] buf = new byte[BUFFER];
      InputStream in = s.getInputStream();
      OutputStream out = client.getOutputStream();
      long sent = 0;
      boolean limited = fault.kind() == Fault.Kind.CUT || fault.kind() == Fault.Kind.STALL
          || fault.kind() == Fault.Kind.RESET;
      while (true) {
        int max = buf.length;
        if (limited) {
          long left = fault.afterBytes() - sent;
          if (left <= 0) {
            act();
            return;
          }
          max = (int) Math.min(max, left);
        }
        if (fault.kind() == Fault.Kind.TRICKLE) {
          max = Math.min(max, fault.chunkBytes());
        }
        int n = in.read(buf, 0, max);
        if (n < 0) {
          client.shutdownOutput();
          halfClosed();
          return;
        }
        out.write(buf, 0, n);
        out.flush();
        sent += n;
        if (fault.kind() == Fault.Kind.TRICKLE && !fault.interval().isZero()) {
          try {
            if (done.await(fault.interval().toNanos(), TimeUnit.NANOSECONDS) || closing.get()) {
              return;
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            return;
          }
        }
      }
    }

    private void act() throws SocketException {
      switch (fault.kind()) {
        case CUT -> close();
        case RESET -> {
          client.setSoLinger(true, 0);
          close();
        }
        case STALL -> {
          try {
            done.await(); // until the client or the proxy closes
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          close();
        }
        default -> throw new IllegalStateException(fault.toString());
      }
    }

    /** One direction reached its end; the second one closes the connection. */
    void halfClosed() {
      if (halves.incrementAndGet() == 2) {
        close();
      }
    }

    void close() {
      if (!closing.compareAndSet(false, true)) {
        return;
      }
      closeQuietly(client);
      closeQuietly(server);
      done.countDown();
      open.remove(this);
    }
  }

  /** Builds and starts a {@link TcpFaultProxy}; not thread-safe. */
  public static final class Builder {
    private final InetSocketAddress target;
    private Fault fault = Fault.passThrough();
    private int maxConnections = 32;

    private Builder(InetSocketAddress target) {
      this.target = Objects.requireNonNull(target, "target");
    }

    /** The fault for every connection (default {@link Fault#passThrough()}). */
    public Builder fault(Fault fault) {
      this.fault = Objects.requireNonNull(fault, "fault");
      return this;
    }

    /**
     * At most this many connections at once (default 32); more are closed at once.
     *
     * @throws IllegalArgumentException if less than 1
     */
    public Builder maxConnections(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxConnections must be >= 1: " + max);
      }
      this.maxConnections = max;
      return this;
    }

    /**
     * Starts listening.
     *
     * @throws UncheckedIOException if the loopback port cannot be opened
     */
    public TcpFaultProxy start() {
      try {
        return new TcpFaultProxy(this);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
