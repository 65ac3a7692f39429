package io.bits4j.wsman;

import io.bits4j.BitsClient;
import io.bits4j.CompactServer;
import io.bits4j.Scheduler;
import io.bits4j.TlsIdentity;
import io.bits4j.UserStore;
import io.bits4j.wsman.internal.Authenticator;
import io.bits4j.wsman.internal.CertStore;
import io.bits4j.wsman.internal.FileRoots;
import io.bits4j.wsman.internal.HttpPipeline;
import io.bits4j.wsman.internal.LoginThrottle;
import io.bits4j.wsman.internal.NodeService;
import io.bits4j.wsman.internal.Processor;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/**
 * A node's WS-Management endpoint: exposes a {@link CompactServer} and/or a {@link BitsClient} at
 * {@code /wsman} in the dialect of the Windows BITS WMI provider, so that a controller ({@link
 * WsmanSession}), PowerShell's {@code Invoke-WSManAction} or any WS-Man client can manage the
 * node remotely.
 *
 * <pre>{@code
 * try (ManagementEndpoint ep = ManagementEndpoint.builder()
 *     .compactServer(server)
 *     .users(UserStore.file(Path.of("users.txt")))
 *     .tls(TlsIdentity.fromPem(Path.of("node.crt"), Path.of("node.key")))
 *     .bind(new InetSocketAddress("0.0.0.0", 5986))
 *     .serveRoot(Path.of("/srv/images"))
 *     .build()) {
 *   System.out.println("managed at " + ep.uri());
 *   ...
 * }
 * }</pre>
 *
 * <p><b>What it speaks.</b> Resource URIs {@code
 * http://schemas.microsoft.com/wbem/wsman/1/wmi/root/microsoft/bits/BitsCompactServerUrlGroup}
 * and {@code …/BitsClientJob}; Identify (also unauthenticated with the HTTP header {@code
 * WSMANIDENTIFY: unauthenticated}); Invoke of every method of both classes with the WMI encodings
 * (a failing method answers its HRESULT as {@code ReturnValue}); Get of a group (selector {@code
 * UrlGroup}) or job (selector {@code JobId}); Put of a job's DisplayName, Description, Priority,
 * MinimumRetryDelay and NoProgressTimeout; Delete of a group; Enumerate/Pull/Release of groups
 * and jobs. The bits4j extensions of the dialect (authentication scheme codes 16 Basic, 17 Digest,
 * 18 client certificate; the certificate-store folder for {@code SetSslCertificate}; the {@code
 * bits4j_SetCustomHeaders} and {@code bits4j_SetClientCertificateFromKeyStore} methods; {@code
 * bits4j_…} properties in Get responses) are never needed by Windows tools and are ignored by them.
 *
 * <p><b>Security</b>, after WinRM's defaults: HTTPS only (plain HTTP only if {@link
 * Builder#allowPlainHttp explicitly allowed} and bound to a loopback address); HTTP Basic against
 * the {@link UserStore} or a TLS client certificate mapped to a user; only members of {@link
 * UserStore#ADMINISTRATORS} may do anything but Identify (bad credentials: HTTP 401; an
 * authenticated non-administrator: an {@code AccessDenied} fault); one audit line per request on
 * the SLF4J logger {@code io.bits4j.wsman.audit} (refusals at WARN, changes and faults at INFO,
 * successful reads at DEBUG). Limits: requests over 500 KB get 413 before
 * any parsing; DTDs and entities are refused; 15 concurrent operations per user ({@code
 * QuotaLimit} beyond); operations time out after at most 60 s ({@code TimedOut}); a request must
 * arrive within 120 s; 100 connections at most, 25 from one address; a connection's requests are
 * processed one at a time, and one with more than 128 pipelined is closed after the answer in
 * progress; enumeration contexts expire
 * after 60 s idle. Password guessing is {@linkplain Builder#loginThrottle throttled} per client
 * address: after 5 failed logins in a minute, the address's password attempts are answered {@code
 * 429} with {@code Retry-After}, unverified, for a minute, doubling per lockout up to 5 minutes.
 *
 * <p><b>File roots.</b> The node publishes only files under {@link Builder#serveRoot} and
 * downloads only into {@link Builder#downloadRoot} (both default to the working directory):
 * paths are canonicalised with symlinks resolved, relative paths resolve against the root, and
 * anything outside is refused with {@code E_ACCESSDENIED}.
 *
 * <p>Thread-safety: safe for use from any thread. {@link #close()} stops the listener; it is
 * idempotent and does not close the exposed server or client.
 */
public final class ManagementEndpoint implements AutoCloseable {
  private final EventLoopGroup group;
  private final Channel channel;
  private final ThreadPoolExecutor workers;
  private final NodeService service;
  private final HttpPipeline pipeline;
  private final boolean tls;
  private volatile boolean closed;
  private final Object closeLock = new Object();

  private ManagementEndpoint(Builder b) {
    if (b.server == null && b.client == null) {
      throw new IllegalStateException("expose a compact server, a BITS client or both");
    }
    UserStore users = b.users;
    if (users == null) {
      throw new IllegalStateException("a UserStore is required (users): only its administrators may manage");
    }
    SslContext ssl = null;
    if (b.tls != null) {
      for (String w : b.tls.weaknesses()) {
        org.slf4j.LoggerFactory.getLogger(ManagementEndpoint.class).warn(
            "TLS certificate {} of the management endpoint: {}; clients will refuse the handshake",
            b.tls.thumbprintHex(), w);
      }
      try {
        SslContextBuilder sb = SslContextBuilder.forServer(b.tls.privateKey(), b.tls.chain())
            .protocols("TLSv1.3", "TLSv1.2")
            .ciphers(io.bits4j.internal.TlsPolicy.CIPHER_SUITES,
                io.netty.handler.ssl.SupportedCipherSuiteFilter.INSTANCE);
        if (!b.certificateUsers.isEmpty()) {
          // any certificate may complete the handshake; only the pinned, mapped ones authenticate
          sb.clientAuth(ClientAuth.OPTIONAL).trustManager(InsecureTrustManagerFactory.INSTANCE);
        }
        ssl = sb.build();
      } catch (SSLException e) {
        throw new IllegalArgumentException("unusable TLS identity: " + e.getMessage(), e);
      }
    } else if (!b.allowPlainHttp) {
      throw new IllegalStateException("a TLS identity is required (plain HTTP only with allowPlainHttp on loopback)");
    } else if (!b.address.getAddress().isLoopbackAddress()) {
      throw new IllegalStateException("plain HTTP may only be bound to a loopback address, not " + b.address);
    }
    this.tls = ssl != null;
    Path cwd = Path.of("").toAbsolutePath();
    FileRoots roots = new FileRoots(b.serveRoot == null ? cwd : b.serveRoot, b.downloadRoot == null ? cwd : b.downloadRoot);
    CertStore certStore = b.certStore == null ? null : new CertStore(b.certStore);
    String version = "OS: bits4j SP: 0.0 Stack: 3.0";
    this.service = new NodeService(b.server, b.client, roots, certStore, b.scheduler, b.enumerationTimeout, version);
    Authenticator auth = new Authenticator(users, b.certificateUsers, b.scheduler, Duration.ofSeconds(60));
    LoginThrottle throttle = new LoginThrottle(b.loginFailures, b.loginWindow, b.maxLoginLockout,
        LoginThrottle.DEFAULT_CAPACITY);
    Processor processor = new Processor(service, auth, throttle, b.scheduler, b.perUserQuota, b.operationTimeout);
    this.workers = new ThreadPoolExecutor(32, 32, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(256),
        new DefaultThreadFactory("bits4j-wsman-worker", true));
    workers.allowCoreThreadTimeOut(true);
    this.pipeline = new HttpPipeline(ssl, processor, workers, b.maxConnections, b.maxConnectionsPerAddress,
        b.receiveTimeout.toMillis(), b.idleTimeout.toMillis());
    this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("bits4j-wsman", true),
        NioIoHandler.newFactory());
    try {
      this.channel = new ServerBootstrap()
          .group(group)
          .channel(NioServerSocketChannel.class)
          .option(ChannelOption.SO_BACKLOG, 128)
          .childHandler(pipeline)
          .bind(b.address).syncUninterruptibly().channel();
    } catch (Exception e) { // Netty rethrows the bind's BindException unchecked-style
      group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      workers.shutdownNow();
      throw new IllegalStateException("cannot listen on " + b.address + ": " + e.getMessage(), e);
    }
  }

  /** A builder; see the class comment for the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** The address the endpoint listens on (with the actual port when port 0 was asked for). */
  public InetSocketAddress address() {
    return (InetSocketAddress) channel.localAddress();
  }

  /** The endpoint URL, such as {@code https://127.0.0.1:5986/wsman}. */
  public URI uri() {
    InetSocketAddress a = address();
    String host = a.getAddress().getHostAddress();
    if (host.indexOf(':') >= 0) {
      host = "[" + host + "]";
    }
    return URI.create((tls ? "https" : "http") + "://" + host + ":" + a.getPort() + "/wsman");
  }

  /** Enumeration contexts open now. */
  public int openEnumerations() {
    return service.openEnumerations();
  }

  /** Connections open now. */
  public int openConnections() {
    return pipeline.connections();
  }

  /**
   * Stops listening, closes every connection (a call in flight ends for its client with a
   * connection error; the operation may or may not have been carried out) and drops open
   * enumerations; idempotent. The exposed server and client stay open.
   */
  @Override
  public void close() {
    synchronized (closeLock) { // a concurrent second call returns once the first has finished
      if (closed) {
        return;
      }
      closed = true;
      channel.close().syncUninterruptibly();
      pipeline.closeConnections(2_000); // clients with calls in flight learn at once, not at their timeout
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
      workers.shutdownNow();
      service.close();
    }
  }

  /** Configures and starts a {@link ManagementEndpoint}. Not thread-safe. */
  public static final class Builder {
    private @Nullable CompactServer server;
    private @Nullable BitsClient client;
    private @Nullable UserStore users;
    private @Nullable TlsIdentity tls;
    private boolean allowPlainHttp;
    private InetSocketAddress address = new InetSocketAddress("127.0.0.1", 5986);
    private @Nullable Path serveRoot;
    private @Nullable Path downloadRoot;
    private @Nullable Path certStore;
    private final Map<String, String> certificateUsers = new HashMap<>();
    private Scheduler scheduler = Scheduler.system();
    private Duration operationTimeout = Duration.ofSeconds(60);
    private Duration receiveTimeout = Duration.ofSeconds(120);
    private Duration idleTimeout = Duration.ofSeconds(120);
    private Duration enumerationTimeout = Duration.ofSeconds(60);
    private int perUserQuota = 15;
    private int maxConnections = 100;
    private int maxConnectionsPerAddress = 25;
    private int loginFailures = 5;
    private Duration loginWindow = Duration.ofMinutes(1);
    private Duration maxLoginLockout = Duration.ofMinutes(5);

    private Builder() {}

    /** The compact server managed through {@code BitsCompactServerUrlGroup}. */
    public Builder compactServer(CompactServer server) {
      this.server = Objects.requireNonNull(server, "server");
      return this;
    }

    /** The BITS client managed through {@code BitsClientJob}. */
    public Builder bitsClient(BitsClient client) {
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    /** The users; members of {@link UserStore#ADMINISTRATORS} may manage the node. Required. */
    public Builder users(UserStore users) {
      this.users = Objects.requireNonNull(users, "users");
      return this;
    }

    /** The HTTPS identity. Required unless plain HTTP on loopback is allowed. */
    public Builder tls(TlsIdentity identity) {
      this.tls = Objects.requireNonNull(identity, "identity");
      return this;
    }

    /**
     * Allows plain HTTP when no TLS identity is set — only on a loopback address ({@link #build()}
     * refuses anything else). Basic passwords then travel unencrypted: for tests and same-host use.
     */
    public Builder allowPlainHttp(boolean allow) {
      this.allowPlainHttp = allow;
      return this;
    }

    /** Where to listen (default {@code 127.0.0.1:5986}; port 0 picks a free port). */
    public Builder bind(InetSocketAddress address) {
      this.address = Objects.requireNonNull(address, "address");
      return this;
    }

    /** The directory files may be published from (default: the working directory). */
    public Builder serveRoot(Path dir) {
      this.serveRoot = Objects.requireNonNull(dir, "dir");
      return this;
    }

    /** The directory jobs may download into (default: the working directory). */
    public Builder downloadRoot(Path dir) {
      this.downloadRoot = Objects.requireNonNull(dir, "dir");
      return this;
    }

    /**
     * The certificate store for {@code SetSslCertificate(Port, StoreName, hashBlob)}: a folder
     * whose sub-folders (store names, {@code MY} by default) hold PEM files (chain and key in one
     * file, or {@code x.crt}/{@code x.pem} beside {@code x.key}) or PKCS#12 files with an empty
     * password. Without one, the call is passed to the compact server as is.
     */
    public Builder certificateStore(Path dir) {
      this.certStore = Objects.requireNonNull(dir, "dir");
      return this;
    }

    /**
     * Lets a TLS client certificate authenticate as a user of the store (pinned by its SHA-256
     * fingerprint; the certificate's issuer is not consulted, nor revocation), within its validity
     * period only. The handshake then asks clients for a certificate, optionally.
     */
    public Builder mapClientCertificate(X509Certificate certificate, String user) {
      certificateUsers.put(Authenticator.fingerprint(certificate), UserStore.checkName(user));
      return this;
    }

    /** The clock for operation timeouts, enumeration expiry, the credential cache and login throttling. */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /** The longest an operation may take (default and maximum 60 s; clients may ask for less). */
    public Builder operationTimeout(Duration timeout) {
      this.operationTimeout = positive(timeout, Duration.ofSeconds(60));
      return this;
    }

    /** The longest a client may take to send one request (default and maximum 120 s). */
    public Builder receiveTimeout(Duration timeout) {
      this.receiveTimeout = positive(timeout, Duration.ofSeconds(120));
      return this;
    }

    /** How long an idle connection stays open (default 120 s). */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = positive(timeout, Duration.ofHours(1));
      return this;
    }

    /** How long an idle enumeration context lives (default 60 s). */
    public Builder enumerationTimeout(Duration timeout) {
      this.enumerationTimeout = positive(timeout, Duration.ofHours(1));
      return this;
    }

    /** Operations one user may have in progress at once (default 15). */
    public Builder perUserQuota(int quota) {
      if (quota < 1) {
        throw new IllegalArgumentException("quota must be at least 1: " + quota);
      }
      this.perUserQuota = quota;
      return this;
    }

    /**
     * Connections open at once (default 100); more are closed at once — unless an open one gives
     * way: one idle between requests, or one silent since it opened or still receiving its request
     * after {@code min(5 s, receiveTimeout / 24)} (a request takes milliseconds; a few addresses
     * trickling bytes must not hold every connection until the receive timeout and lock the
     * administrators out). The connection waiting longest is closed and the new one served.
     */
    public Builder maxConnections(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("max must be at least 1: " + max);
      }
      this.maxConnections = max;
      return this;
    }

    /**
     * Connections one client address may have open at once (default 25: above the {@linkplain
     * #perUserQuota per-user quota}, since each operation in progress holds a connection, and a
     * quarter of the default {@linkplain #maxConnections total}); more are closed at once, like
     * connections beyond the total, so one peer cannot take every connection — unless one of the
     * address's connections gives way as at the {@linkplain #maxConnections total}: one idle between
     * requests (kept alive after an answer, nothing of a next request read; a client whose pool
     * keeps the connections of closed sessions — the JDK 17 HTTP client does until garbage
     * collection — is not locked out by them), or one stalled that long. An IPv6 client counts by
     * its /64 network (loopback and link-local addresses one by one).
     */
    public Builder maxConnectionsPerAddress(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("max must be at least 1: " + max);
      }
      this.maxConnectionsPerAddress = max;
      return this;
    }

    /**
     * Throttles password guessing: after {@code failures} failed Basic logins from one client
     * address (an IPv6 /64) within {@code window} (default 5 per minute), that address is locked out
     * for {@code window}, twice as long at each further lockout, at most {@link #maxLoginLockout}.
     * While locked out, its password attempts are answered {@code 429 Too Many Requests} with {@code
     * Retry-After}, right or wrong, without verifying them; requests without a password (the
     * challenge round trip, the unauthenticated Identify, mapped client certificates) pass. A
     * successful login clears the address's record. Other addresses are never affected, so an
     * attacker cannot lock an administrator out of every address.
     *
     * <pre>{@code
     * builder.loginThrottle(10, Duration.ofMinutes(5)).maxLoginLockout(Duration.ofMinutes(30));
     * }</pre>
     *
     * @throws IllegalArgumentException if {@code failures} is below 1 or {@code window} is not
     *     positive or longer than an hour
     */
    public Builder loginThrottle(int failures, Duration window) {
      if (failures < 1) {
        throw new IllegalArgumentException("failures must be at least 1: " + failures);
      }
      this.loginWindow = positive(window, Duration.ofHours(1));
      this.loginFailures = failures;
      return this;
    }

    /**
     * The longest lockout of an address for failed logins (default 5 minutes); see {@link
     * #loginThrottle}. A lockout never lasts longer than this, even the first.
     *
     * @throws IllegalArgumentException unless positive and at most a day
     */
    public Builder maxLoginLockout(Duration max) {
      this.maxLoginLockout = positive(max, Duration.ofDays(1));
      return this;
    }

    private static Duration positive(Duration d, Duration max) {
      Objects.requireNonNull(d, "duration");
      if (d.isNegative() || d.isZero() || d.compareTo(max) > 0) {
        throw new IllegalArgumentException("duration must be positive and at most " + max + ": " + d);
      }
      return d;
    }

    /**
     * Starts the endpoint.
     *
     * @throws IllegalStateException without a server or client, without users, without TLS
     *     (unless plain HTTP on loopback is allowed), or if the address cannot be bound
     * @throws IllegalArgumentException for an unusable TLS identity or a root that is not a directory
     */
    public ManagementEndpoint build() {
      return new ManagementEndpoint(this);
    }
  }
}
