package io.bits4j.server.netty.internal;

import io.bits4j.AuthScheme;
import io.bits4j.BitsException;
import io.bits4j.ErrorContext;
import io.bits4j.Hresult;
import io.bits4j.SslBinding;
import io.bits4j.TlsIdentity;
import io.bits4j.UrlGroup;
import io.bits4j.UrlPrefix;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.ChannelGroupFuture;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.stream.ChunkedWriteHandler;
import java.net.BindException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state behind {@code NettyCompactServer}: groups, listeners, certificates, the routing
 * snapshot and the event loops. Mutations run under {@link #lock}; the request path reads
 * volatile snapshots only.
 */
public final class ServerCore implements AutoCloseable {
  static final Logger LOG = LoggerFactory.getLogger("io.bits4j.server.netty");

  final Object lock = new Object();
  final ServerConfig cfg;
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final Class<? extends ServerChannel> channelClass;
  private final boolean nativeTransport;
  private final LinkedHashMap<UrlPrefix, GroupImpl> groups = new LinkedHashMap<>();
  private final Map<Integer, Listener> listeners = new LinkedHashMap<>();
  final ConcurrentHashMap<Integer, TlsContexts> tls = new ConcurrentHashMap<>();
  private volatile Routes routes = Routes.EMPTY;
  final AtomicInteger openConnections = new AtomicInteger();
  /** Every accepted connection, so close() can cut them all. */
  private final ChannelGroup connections = new DefaultChannelGroup("bits4j-connections", GlobalEventExecutor.INSTANCE);
  final Authenticator authenticator;
  private final ExecutorService hashExecutor;
  private volatile boolean closed;

  /** The bound server channels of one port. */
  private static final class Listener {
    boolean wildcard;
    final Set<InetAddress> addresses = new HashSet<>();
    final List<Channel> channels = new ArrayList<>();
  }

  /** Starts the event loops; no port is open until a group needs it. */
  public ServerCore(ServerConfig cfg) {
    this.cfg = cfg;
    boolean epoll = cfg.nativeTransport() && Epoll.isAvailable();
    IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    this.nativeTransport = epoll;
    this.channelClass = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    this.boss = new MultiThreadIoEventLoopGroup(1, factory);
    // One event loop per core by default, like nginx's worker_processes auto: Netty's own default
    // (2 x cores) loses ~10-35 % of 1 MiB range throughput to oversubscription on small machines
    // (bits-benchmarks range-bench W2). -Dio.netty.eventLoopThreads still overrides it.
    int loops = cfg.workerThreads() > 0 ? cfg.workerThreads()
        : Integer.getInteger("io.netty.eventLoopThreads", Runtime.getRuntime().availableProcessors());
    this.workers = new MultiThreadIoEventLoopGroup(Math.max(1, loops), factory);
    int hashThreads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors() / 2));
    this.hashExecutor = new ThreadPoolExecutor(hashThreads, hashThreads, 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(256), r -> {
          Thread t = new Thread(r, "bits4j-server-auth");
          t.setDaemon(true);
          return t;
        }, new ThreadPoolExecutor.AbortPolicy());
    this.authenticator = new Authenticator(this, hashExecutor);
    boss.scheduleAtFixedRate(this::sweepOpenFiles, SWEEP_SECONDS, SWEEP_SECONDS, TimeUnit.SECONDS);
  }

  /** How often cached descriptors are checked (off the workers: on the accepting loop). */
  private static final long SWEEP_SECONDS = 30;
  /** A cached descriptor no request used for this long is closed. */
  static final long IDLE_DESCRIPTOR_NANOS = TimeUnit.MINUTES.toNanos(5);

  /**
   * Closes cached descriptors that no request used for {@link #IDLE_DESCRIPTOR_NANOS} or whose
   * file was deleted or replaced on disk: the descriptors held stay bounded by the files in use,
   * and a deleted file's space is given back without waiting for its URL to be requested again.
   * Runs on the accepting loop, so it reads the routing snapshot and never takes {@link #lock}: a
   * configuration call holding the lock may be waiting for that loop to bind or close a listener.
   */
  void sweepOpenFiles() {
    for (GroupImpl g : routes.groups()) {
      try {
        g.sweepOpenFiles(IDLE_DESCRIPTOR_NANOS);
      } catch (RuntimeException e) {
        LOG.warn("sweeping the open files of {} failed: {}", g.prefix(), e.toString());
      }
    }
  }

  /** True if the native epoll transport is in use. */
  public boolean isNativeTransport() {
    return nativeTransport;
  }

  /** The TLS implementation new certificates get: "openssl" or "jdk". */
  public String tlsImplementation() {
    return useOpenSsl() ? "openssl" : "jdk";
  }

  boolean useOpenSsl() {
    return switch (cfg.tls()) {
      case "openssl" -> true;
      case "jdk" -> false;
      default -> OpenSsl.isAvailable();
    };
  }

  LongSupplier nanoClock() {
    return cfg.nanoClock();
  }

  Routes routes() {
    return routes;
  }

  void publishRoutes() {
    routes = Routes.of(groups.values());
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the server is closed");
    }
  }

  /** CreateUrlGroup. */
  public UrlGroup createUrlGroup(UrlPrefix prefix) {
    java.util.Objects.requireNonNull(prefix, "prefix");
    synchronized (lock) {
      checkOpen();
      GroupImpl existing = groups.get(prefix);
      if (existing != null) {
        return existing;
      }
      for (GroupImpl g : groups.values()) {
        if (g.prefix().port() == prefix.port()) {
          if (g.prefix().isSecure() != prefix.isSecure()) {
            throw new BitsException(Hresult.E_INVALIDARG, "port " + prefix.port() + " already serves "
                + g.prefix().scheme() + " (" + g.prefix() + "); one port cannot serve both http and https");
          }
          if (g.schemes().contains(AuthScheme.CLIENT_CERTIFICATE)) {
            throw new BitsException(Hresult.E_INVALIDARG, "port " + prefix.port()
                + " requires client certificates for " + g.prefix()
                + "; groups with and without client-certificate authentication cannot share a port");
          }
        }
      }
      GroupImpl g = new GroupImpl(this, prefix);
      bindFor(prefix);
      groups.put(prefix, g);
      publishRoutes();
      LOG.debug("created URL group {}", prefix);
      return g;
    }
  }

  /** FindUrlGroup. */
  public Optional<UrlGroup> findUrlGroup(UrlPrefix prefix) {
    synchronized (lock) {
      checkOpen();
      return Optional.ofNullable(groups.get(prefix));
    }
  }

  /** All groups in creation order. */
  public List<UrlGroup> urlGroups() {
    synchronized (lock) {
      checkOpen();
      return List.copyOf(groups.values());
    }
  }

  /** The prefixes of the groups, in creation order; empty once closed (never throws: for toString). */
  public List<UrlPrefix> prefixes() {
    synchronized (lock) {
      return List.copyOf(groups.keySet());
    }
  }

  /** DeleteUrlGroup by prefix. */
  public boolean deleteUrlGroup(UrlPrefix prefix) {
    synchronized (lock) {
      checkOpen();
      GroupImpl g = groups.get(prefix);
      return g != null && deleteGroup(prefix, g);
    }
  }

  boolean deleteGroup(UrlPrefix prefix, GroupImpl g) {
    synchronized (lock) {
      if (groups.get(prefix) != g) {
        return false;
      }
      groups.remove(prefix);
      g.markDeleted();
      publishRoutes();
      int port = prefix.port();
      boolean portInUse = groups.keySet().stream().anyMatch(p -> p.port() == port);
      if (!portInUse) {
        Listener l = listeners.remove(port);
        if (l != null) {
          for (Channel c : l.channels) {
            c.close().syncUninterruptibly();
          }
        }
      }
      return true;
    }
  }

  void checkClientCertificateAllowed(GroupImpl group) {
    UrlPrefix p = group.prefix();
    if (!p.isSecure()) {
      throw new BitsException(Hresult.E_INVALIDARG, "client certificates need an https URL group: " + p);
    }
    if (cfg.clientCertificateAuthorities().isEmpty()) {
      throw new BitsException(Hresult.E_INVALIDARG,
          "no client certificate authorities configured (NettyCompactServer.Builder.clientCertificateAuthorities)");
    }
    for (GroupImpl g : groups.values()) {
      if (g != group && g.prefix().port() == p.port() && !g.schemes().contains(AuthScheme.CLIENT_CERTIFICATE)) {
        throw new BitsException(Hresult.E_INVALIDARG, "port " + p.port() + " also serves " + g.prefix()
            + " without client certificates; groups with and without client-certificate authentication cannot share a port");
      }
    }
  }

  void checkUserStore(AuthScheme scheme) {
    if (cfg.users() == null) {
      throw new BitsException(Hresult.E_INVALIDARG,
          scheme + " authentication needs a user store (NettyCompactServer.Builder.users)");
    }
  }

  private void bindFor(UrlPrefix prefix) {
    int port = prefix.port();
    boolean wildcard = prefix.isWildcard() || prefix.hostKind() == UrlPrefix.HostKind.NAME;
    InetAddress addr = wildcard ? null : Routes.literal(prefix.host());
    Listener l = listeners.get(port);
    if (l != null && (l.wildcard || (!wildcard && l.addresses.contains(addr)))) {
      return;
    }
    if (l == null) {
      l = new Listener();
      Channel c = bind(wildcard ? new InetSocketAddress(port) : new InetSocketAddress(addr, port));
      l.channels.add(c);
      l.wildcard = wildcard;
      if (!wildcard) {
        l.addresses.add(addr);
      }
      listeners.put(port, l);
      return;
    }
    if (!wildcard) {
      l.channels.add(bind(new InetSocketAddress(addr, port)));
      l.addresses.add(addr);
      return;
    }
    // widen to all interfaces: close the address-bound channels first (Linux refuses the overlap)
    for (Channel c : l.channels) {
      c.close().syncUninterruptibly();
    }
    List<InetAddress> old = List.copyOf(l.addresses);
    l.channels.clear();
    l.addresses.clear();
    try {
      l.channels.add(bind(new InetSocketAddress(port)));
      l.wildcard = true;
    } catch (BitsException e) {
      for (InetAddress a : old) {
        l.channels.add(bind(new InetSocketAddress(a, port)));
        l.addresses.add(a);
      }
      throw e;
    }
  }

  private Channel bind(InetSocketAddress address) {
    ServerBootstrap b = new ServerBootstrap().group(boss, workers);
    if (nativeTransport && address.getAddress() instanceof Inet4Address v4 && !v4.isAnyLocalAddress()) {
      // an IPv4 socket for an IPv4 address (wildcards keep the dual-stack default): Netty's
      // default IPv6 socket serves it too, but every send and receive then passes through the
      // IPv6 socket layer first (inet6_sendmsg, inet6_recvmsg in a profile)
      b.channelFactory(() -> new EpollServerSocketChannel(SocketProtocolFamily.INET));
    } else {
      b.channel(channelClass);
    }
    b.option(ChannelOption.SO_BACKLOG, 1024)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            initChild(ch);
          }
        });
    try {
      return b.bind(address).syncUninterruptibly().channel();
    } catch (Exception e) {
      Throwable t = e;
      if (t instanceof BindException || t instanceof SocketException
          || (t.getMessage() != null && t.getMessage().contains("in use"))) {
        boolean denied = t.getMessage() != null && t.getMessage().toLowerCase(java.util.Locale.ROOT).contains("permission");
        throw new BitsException(denied ? Hresult.E_ACCESSDENIED : Hresult.E_ALREADY_EXISTS, ErrorContext.NONE,
            "cannot listen on " + address + ": " + t.getMessage(), t);
      }
      throw new BitsException(Hresult.E_FAIL, ErrorContext.NONE, "cannot listen on " + address + ": " + t, t);
    }
  }

  private void initChild(SocketChannel ch) {
    if (openConnections.incrementAndGet() > cfg.limits().maxConnections()) {
      openConnections.decrementAndGet();
      ch.close();
      return;
    }
    ch.closeFuture().addListener(f -> openConnections.decrementAndGet());
    connections.add(ch);
    if (closed) {
      ch.close();
      return;
    }
    int port = ch.localAddress().getPort();
    Routes.Port rp = routes.port(port);
    if (rp == null) {
      ch.close();
      return;
    }
    ChannelPipeline p = ch.pipeline();
    if (rp.secure()) {
      TlsContexts t = tls.get(port);
      if (t == null) {
        LOG.warn("TLS connection to port {} closed: no certificate bound (setSslCertificate)", port);
        ch.close();
        return;
      }
      SslHandler ssl = t.context(rp.clientCertificate()).newHandler(ch.alloc());
      ssl.setHandshakeTimeoutMillis(cfg.limits().headerTimeout().toMillis());
      p.addLast("no-renegotiation", new RenegotiationGuard(ssl));
      p.addLast("ssl", ssl);
    }
    RequestTimer timer = new RequestTimer(cfg.limits().headerTimeout().toNanos(), cfg.limits().idleTimeout().toNanos());
    p.addLast("timer", timer);
    // requests only: HttpHandler writes each response head as bytes (ResponseHead) and the body
    // as file regions or buffers, so no outbound handler sits between it and the socket
    p.addLast("codec", new HttpRequestDecoder(new HttpDecoderConfig()
        .setMaxInitialLineLength(cfg.limits().maxRequestLineBytes())
        .setMaxHeaderSize(cfg.limits().maxHeaderBytes())
        .setMaxChunkSize(16 * 1024)));
    if (rp.secure()) {
      p.addLast("chunked", new ChunkedWriteHandler()); // plain HTTP adds it when a response needs it
    }
    p.addLast("http", new HttpHandler(this, port, rp.secure(), rp.secure() && rp.clientCertificate(), timer));
  }

  // ---- TLS

  /** SetSslCertificate with key material. */
  public void setSslCertificate(int port, TlsIdentity identity, String storeName) {
    checkPort(port);
    java.util.Objects.requireNonNull(identity, "identity");
    checkOpen(); // before building contexts for a server that cannot use them (checked again below)
    TlsContexts t = new TlsContexts(identity, new SslBinding(port, storeName, identity.thumbprint()),
        useOpenSsl(), cfg.clientCertificateAuthorities());
    synchronized (lock) {
      checkOpen();
      tls.put(port, t);
    }
    for (String w : identity.weaknesses()) {
      LOG.warn("TLS certificate {} bound to port {}: {}; clients will refuse the handshake", identity.thumbprintHex(),
          port, w);
    }
  }

  /** SetSslCertificate from the certificate store. */
  public void setSslCertificate(int port, String storeName, byte[] thumbprint) {
    checkPort(port);
    java.util.Objects.requireNonNull(storeName, "storeName");
    java.util.Objects.requireNonNull(thumbprint, "thumbprint");
    checkOpen();
    if (cfg.certificateStore() == null) {
      throw new BitsException(Hresult.E_NOTIMPL,
          "this server has no certificate store (NettyCompactServer.Builder.certificateStore)");
    }
    TlsIdentity id = CertificateStore.find(cfg.certificateStore(), storeName, thumbprint, cfg.certificateStorePassword());
    setSslCertificate(port, id, storeName);
  }

  /** GetSslCertificate. */
  public Optional<SslBinding> sslCertificate(int port) {
    checkPort(port);
    checkOpen();
    TlsContexts t = tls.get(port);
    return t == null ? Optional.empty() : Optional.of(t.binding());
  }

  /** RemoveSslCertificate. */
  public boolean removeSslCertificate(int port) {
    checkPort(port);
    synchronized (lock) {
      checkOpen();
      return tls.remove(port) != null;
    }
  }

  private static void checkPort(int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be 1-65535: " + port);
    }
  }

  /**
   * Closes listeners, connections and threads, ends every group and forgets every TLS binding;
   * idempotent. Afterwards the server-level calls throw {@link IllegalStateException}. Every call returns once the event loops
   * have ended, also when another thread's call started the shutdown; a call on one of the
   * server's event loops (a log callback, a listener) starts the shutdown and returns without
   * waiting, since that loop can only end once the call has returned.
   */
  @Override
  public void close() {
    boolean first;
    synchronized (lock) {
      first = !closed;
      if (first) {
        closed = true;
        for (GroupImpl g : groups.values()) {
          g.markDeleted();
        }
        groups.clear();
        routes = Routes.EMPTY;
        for (Listener l : listeners.values()) {
          for (Channel c : l.channels) {
            c.close().syncUninterruptibly();
          }
        }
        listeners.clear();
        tls.clear(); // a stopped server keeps no bindings (nor their keys), as its groups
      }
    }
    boolean onLoop = inEventLoop(boss) || inEventLoop(workers);
    if (first) {
      ChannelGroupFuture cut = connections.close();
      if (!onLoop) {
        cut.awaitUninterruptibly(5, TimeUnit.SECONDS);
      }
      boss.shutdownGracefully(0, 2, TimeUnit.SECONDS);
      workers.shutdownGracefully(0, 2, TimeUnit.SECONDS);
      hashExecutor.shutdownNow();
    }
    if (!onLoop) {
      boss.terminationFuture().syncUninterruptibly();
      workers.terminationFuture().syncUninterruptibly();
    }
  }

  private static boolean inEventLoop(EventLoopGroup group) {
    for (EventExecutor e : group) {
      if (e.inEventLoop()) {
        return true;
      }
    }
    return false;
  }
}
