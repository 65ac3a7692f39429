package io.bits4j.examples;

import io.bits4j.BitsClient;
import io.bits4j.CompactServer;
import io.bits4j.TlsIdentity;
import io.bits4j.UserStore;
import io.bits4j.client.portable.PortableBitsClient;
import io.bits4j.server.netty.NettyCompactServer;
import io.bits4j.wsman.ManagementEndpoint;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bits node}: a remotely manageable node — a WS-Management endpoint fronting a compact
 * server, a portable BITS client or both — until interrupted.
 *
 * <pre>
 * bits node --listen 0.0.0.0:5986 --tls-cert node.crt --tls-key node.key --users users.txt \
 *     --server --serve-root /srv/images --client --state-dir /var/lib/bits --download-root /data
 * </pre>
 */
@Command(
    name = "node",
    sortOptions = false,
    mixinStandardHelpOptions = true,
    description = {
        "Run a remotely manageable node until Ctrl-C: a WS-Management endpoint (HTTPS; administrators of --users "
            + "only) fronting a compact server (--server) and/or a portable BITS client (--client).",
        "Files are published only from under --serve-root and downloaded only into --download-root."})
final class NodeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--listen", paramLabel = "HOST:PORT", required = true,
      description = "Address of the management endpoint, e.g. 0.0.0.0:5986 or [::1]:5986 (port 0: a free port).")
  String listen = "";

  @Option(names = "--tls-cert", paramLabel = "PEM", description = "The endpoint's certificate chain (PEM).")
  @Nullable Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "PEM", description = "The private key (PKCS#8 or PKCS#1 PEM) of --tls-cert.")
  @Nullable Path tlsKey;

  @Option(names = "--users", paramLabel = "FILE", required = true,
      description = "Users file (see 'bits users'); its administrators may manage the node, its users may download.")
  Path users = Path.of("users.txt");

  @Option(names = "--server", description = "Expose a compact server (hosting listeners open on the ports of the URL groups created).")
  boolean server;

  @Option(names = "--client", description = "Expose a portable BITS client (needs --state-dir).")
  boolean client;

  @Option(names = "--state-dir", paramLabel = "DIR", description = "The portable client's job state directory.")
  @Nullable Path stateDir;

  @Option(names = "--client-trust", paramLabel = "PEM",
      description = "Certificates the portable client trusts for https downloads (default: the JDK's trust store).")
  @Nullable Path clientTrust;

  @Option(names = "--serve-root", paramLabel = "DIR", description = "Only files under DIR may be published (default: the working directory).")
  @Nullable Path serveRoot;

  @Option(names = "--download-root", paramLabel = "DIR", description = "Jobs may only write under DIR (default: the working directory).")
  @Nullable Path downloadRoot;

  @Option(names = "--cert-store", paramLabel = "DIR",
      description = "Certificate store for SetSslCertificate: sub-folders (MY, ...) of PEM or PKCS#12 files.")
  @Nullable Path certStore;

  @Option(names = "--plain-http", description = "Serve the endpoint over plain HTTP instead of TLS (loopback addresses only).")
  boolean plainHttp;

  @Option(names = "--login-throttle", paramLabel = "N/SECONDS",
      description = "After N failed logins from one address within SECONDS, refuse its password attempts (429) "
          + "for SECONDS, twice as long at each further lockout (default: 5/60).")
  @Nullable String loginThrottle;

  @Option(names = "--max-login-lockout", paramLabel = "SECONDS",
      description = "The longest lockout for failed logins (default: 300).")
  @Nullable Long maxLoginLockout;

  @Override
  public Integer call() throws InterruptedException {
    return UntilShutdown.run("node", () -> start(spec.commandLine().getOut()));
  }

  /** Starts the node and prints its endpoint URL and certificate fingerprint; the caller closes it. */
  Node start(PrintWriter out) {
    if (!server && !client) {
      throw new IllegalArgumentException("give --server, --client or both");
    }
    if (client && stateDir == null) {
      throw new IllegalArgumentException("--client needs --state-dir DIR");
    }
    if (!client && (stateDir != null || clientTrust != null)) {
      throw new IllegalArgumentException("--state-dir and --client-trust are for --client");
    }
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new IllegalArgumentException("--tls-cert and --tls-key go together");
    }
    if (plainHttp && tlsCert != null) {
      throw new IllegalArgumentException("--plain-http and --tls-cert exclude each other");
    }
    if (!plainHttp && tlsCert == null) {
      throw new IllegalArgumentException("the endpoint needs --tls-cert and --tls-key (or --plain-http on loopback)");
    }
    InetSocketAddress address = parseListen(listen);
    Consumer<ManagementEndpoint.Builder> throttle = throttle(loginThrottle, maxLoginLockout);
    if (plainHttp && !address.getAddress().isLoopbackAddress()) {
      throw new IllegalArgumentException("--plain-http only on a loopback address, not " + listen);
    }
    for (Path dir : new Path[] {serveRoot, downloadRoot, certStore}) {
      if (dir != null && !Files.isDirectory(dir)) {
        throw new IllegalArgumentException("not a directory: " + dir);
      }
    }
    TlsIdentity identity = tlsCert != null && tlsKey != null ? TlsIdentity.fromPem(tlsCert, tlsKey) : null;
    if (identity != null) {
      for (String w : identity.weaknesses()) {
        spec.commandLine().getErr().println("bits node: warning: " + tlsCert + ": " + w
            + "; clients will refuse the TLS handshake");
      }
    }
    UserStore store = UsersCommand.existing(users);
    PortableBitsClient.Builder clientBuilder = null;
    if (client && stateDir != null) {
      clientBuilder = PortableBitsClient.builder().stateDirectory(stateDir);
      if (clientTrust != null) {
        clientBuilder.trustStore(trustStore(TlsIdentity.readCertificates(clientTrust)));
      }
    }
    Node node = Node.open(store, address, identity, server ? NettyCompactServer.builder().users(store) : null,
        clientBuilder, serveRoot, downloadRoot, certStore, throttle);
    out.println("node: " + node.uri() + " (" + node.roles() + ")");
    out.println("tls certificate sha256: " + node.fingerprint().orElse("none (plain HTTP)"));
    Path cwd = Path.of("").toAbsolutePath();
    if (server) {
      out.println("serve root: " + (serveRoot == null ? cwd : serveRoot.toAbsolutePath()));
    }
    if (client) {
      out.println("download root: " + (downloadRoot == null ? cwd : downloadRoot.toAbsolutePath()));
    }
    out.println("ready; Ctrl-C stops");
    out.flush();
    return node;
  }

  private static KeyStore trustStore(List<X509Certificate> certificates) {
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      int i = 0;
      for (X509Certificate c : certificates) {
        ks.setCertificateEntry("trusted-" + i++, c);
      }
      return ks;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build a trust store: " + e.getMessage(), e);
    }
  }

  /** The endpoint's login throttle from {@code --login-throttle N/SECONDS} and {@code --max-login-lockout}. */
  static Consumer<ManagementEndpoint.Builder> throttle(@Nullable String perWindow, @Nullable Long maxLockoutSeconds) {
    Consumer<ManagementEndpoint.Builder> tune = b -> {};
    if (perWindow != null) {
      int slash = perWindow.indexOf('/');
      int failures;
      long seconds;
      try {
        failures = Integer.parseInt(perWindow.substring(0, Math.max(slash, 0)).strip());
        seconds = Long.parseLong(perWindow.substring(slash + 1).strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--login-throttle takes N/SECONDS, e.g. 5/60, not '" + perWindow + "'", e);
      }
      if (failures < 1 || seconds < 1 || seconds > 3600) {
        throw new IllegalArgumentException("--login-throttle: N at least 1 and SECONDS from 1 to 3600, not '"
            + perWindow + "'");
      }
      tune = tune.andThen(b -> b.loginThrottle(failures, Duration.ofSeconds(seconds)));
    }
    if (maxLockoutSeconds != null) {
      long max = maxLockoutSeconds;
      if (max < 1 || max > 86_400) {
        throw new IllegalArgumentException("--max-login-lockout: SECONDS from 1 to 86400, not " + max);
      }
      tune = tune.andThen(b -> b.maxLoginLockout(Duration.ofSeconds(max)));
    }
    return tune;
  }

  static InetSocketAddress parseListen(String text) {
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new IllegalArgumentException("--listen takes HOST:PORT, not '" + text + "'");
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.indexOf(':') >= 0) {
      throw new IllegalArgumentException("write an IPv6 address in brackets: [" + host + "]:PORT");
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--listen: bad port in '" + text + "'", e);
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("--listen: port out of range in '" + text + "'");
    }
    try {
      return new InetSocketAddress(InetAddress.getByName(host), port);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("--listen: unknown host '" + host + "'", e);
    }
  }

  /**
   * A running node: the management endpoint with the compact server and/or portable client it
   * fronts. {@link #close()} closes all of them; idempotent.
   */
  static final class Node implements AutoCloseable {
    private final ManagementEndpoint endpoint;
    private final @Nullable CompactServer server;
    private final @Nullable BitsClient client;
    private final Optional<String> fingerprint;
    private boolean closed;

    private Node(ManagementEndpoint endpoint, @Nullable CompactServer server, @Nullable BitsClient client,
        Optional<String> fingerprint) {
      this.endpoint = endpoint;
      this.server = server;
      this.client = client;
      this.fingerprint = fingerprint;
    }

    /** Builds what is asked for and starts the endpoint; closes everything on failure. */
    static Node open(UserStore users, InetSocketAddress address, @Nullable TlsIdentity identity,
        NettyCompactServer.@Nullable Builder serverBuilder, PortableBitsClient.@Nullable Builder clientBuilder,
        @Nullable Path serveRoot, @Nullable Path downloadRoot, @Nullable Path certStore,
        Consumer<ManagementEndpoint.Builder> endpointOptions) {
      CompactServer server = null;
      BitsClient client = null;
      try {
        ManagementEndpoint.Builder b = ManagementEndpoint.builder().users(users).bind(address);
        if (identity != null) {
          b.tls(identity);
        } else {
          b.allowPlainHttp(true);
        }
        if (serveRoot != null) {
          b.serveRoot(serveRoot);
        }
        if (downloadRoot != null) {
          b.downloadRoot(downloadRoot);
        }
        if (certStore != null) {
          b.certificateStore(certStore);
        }
        if (serverBuilder != null) {
          server = serverBuilder.build();
          b.compactServer(server);
        }
        if (clientBuilder != null) {
          client = clientBuilder.build();
          b.bitsClient(client);
        }
        endpointOptions.accept(b);
        ManagementEndpoint endpoint = b.build();
        Optional<String> fp = identity == null ? Optional.empty()
            : Optional.of(DemoCommand.SelfSigned.sha256Fingerprint(identity.certificate()));
        return new Node(endpoint, server, client, fp);
      } catch (RuntimeException e) {
        closeQuietly(client, e);
        closeQuietly(server, e);
        throw e;
      }
    }

    private static void closeQuietly(@Nullable AutoCloseable c, RuntimeException primary) {
      if (c != null) {
        try {
          c.close();
        } catch (Exception e) {
          primary.addSuppressed(e);
        }
      }
    }

    /** The endpoint URL, such as {@code https://127.0.0.1:5986/wsman}. */
    URI uri() {
      return endpoint.uri();
    }

    /** What the node exposes, e.g. "compact server + portable client". */
    String roles() {
      return (server != null ? "compact server" : "") + (server != null && client != null ? " + " : "")
          + (client != null ? "portable client" : "");
    }

    /** The endpoint certificate's SHA-256 fingerprint (colon-separated hex), empty for plain HTTP. */
    Optional<String> fingerprint() {
      return fingerprint;
    }

    /** Stops the endpoint, then closes the client and the server. */
    @Override
    public synchronized void close() {
      if (closed) {
        return;
      }
      closed = true;
      RuntimeException failure = null;
      for (AutoCloseable c : new AutoCloseable[] {endpoint, client, server}) {
        if (c == null) {
          continue;
        }
        try {
          c.close();
        } catch (Exception e) {
          if (failure == null) {
            failure = new IllegalStateException("closing the node: " + e.getMessage(), e);
          } else {
            failure.addSuppressed(e);
          }
        }
      }
      if (failure != null) {
        throw failure;
      }
    }
  }
}
