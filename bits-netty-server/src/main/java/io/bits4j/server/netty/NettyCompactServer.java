package io.bits4j.server.netty;

import io.bits4j.CompactServer;
import io.bits4j.SslBinding;
import io.bits4j.TlsIdentity;
import io.bits4j.UrlGroup;
import io.bits4j.UrlPrefix;
import io.bits4j.UserStore;
import io.bits4j.server.netty.internal.ServerConfig;
import io.bits4j.server.netty.internal.ServerCore;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The BITS compact server on Netty: an HTTP/HTTPS range server whose URL groups host files for
 * BITS clients (and curl, wget, browsers).
 *
 * <p>What it does on the wire: GET and HEAD (HEAD = the headers of a 200 GET), single and
 * multiple byte ranges, If-Range and the RFC 9110 preconditions, a strong ETag and Last-Modified
 * read from the opened file on every request, always {@code Content-Length} (never chunked,
 * never compressed); 405 for other known methods, 501 for unknown ones. Ports open when their
 * first URL group is created and close with their last; routing follows HTTP.SYS ({@code +} over
 * explicit hosts over {@code *}, case-insensitive paths). Plain HTTP uses zero-copy file
 * regions (native epoll when it loads), TLS uses chunked reads with OpenSSL when
 * netty-tcnative loads and the JDK otherwise. Both natives are optional dependencies: add
 * {@code netty-transport-native-epoll} (classifier {@code linux-x86_64}) and {@code
 * netty-tcnative-boringssl-static} to use them; on the module path they are used only when
 * resolved (required by your module, or {@code --add-modules ALL-MODULE-PATH}); {@link
 * #isNativeTransport()} and {@link #tlsImplementation()} say what runs.
 *
 * <pre>{@code
 * try (NettyCompactServer server = NettyCompactServer.builder().build()) {
 *   UrlGroup g = server.createUrlGroup(UrlPrefix.parse("http://127.0.0.1:8080/Carmine"));
 *   g.host("disk.vhd", Path.of("/srv/disk.vhd"), AccessPolicy.NONE);
 *   ...
 * }
 * }</pre>
 *
 * <p>Authentication per group ({@link UrlGroup#setAuthentication}): {@code BASIC} (https groups
 * only unless {@link Builder#allowBasicOverHttp}; verified logins are cached for at most 60 s,
 * keyed by an HMAC of user and password — a cache hit still takes the user from the store, so a
 * removed user or changed groups apply as soon as the store has them, and only a changed password
 * waits for the entry to expire — and PBKDF2 runs on a small bounded pool, never on an event
 * loop), {@code DIGEST} (RFC 7616, SHA-256 and MD5, {@code qop=auth}, nonces expire after
 * {@link Builder#digestNonceLifetime}, a nonce count may not repeat; the server remembers up to
 * 100,000 nonces, and a full table forgets its older half, whose clients are asked again with
 * {@code stale=true}) and {@code CLIENT_CERTIFICATE}
 * (the port then requires a certificate chaining to {@link Builder#clientCertificateAuthorities};
 * the principal is the store user named by the certificate's SHA-1 thumbprint or its CN, else an
 * authenticated user of that CN — a CN of 40 hex digits counts as no CN, so that no certificate
 * can claim a user named by another one's thumbprint; one such group per port). Users come from {@link
 * Builder#users}. Unauthenticated requests to a group with schemes get 401 with the group's
 * challenges; a principal the URL's {@link io.bits4j.AccessPolicy} denies gets 403. {@code
 * NEGOTIATE} and {@code NTLM} throw E_NOTIMPL.
 *
 * <p>Limits: a group's connection limit counts its responses in flight (beyond it: 503 with
 * {@code Retry-After: 1}); its bandwidth limit is one token bucket shared by its responses, which
 * take turns chunk by chunk, and a changed or removed limit applies to responses under way (a
 * plain-HTTP response that started without a limit is sent zero-copy and stays unlimited);
 * {@link ServerLimits} bounds request lines (414), header blocks (431), slow headers (408),
 * idle connections and the number of connections. One line per response goes to the SLF4J
 * logger {@code io.bits4j.server.access} at INFO: group, method, suffix, principal, status,
 * ranges, bytes, milliseconds.
 *
 * <p>Thread-safety: every method may be called from any thread. {@link #close()} is idempotent
 * and returns once the server's threads have ended (called on one of them, from a log callback
 * say, it starts the shutdown without waiting). It ends every group and forgets every TLS
 * binding; afterwards every {@link CompactServer} method throws {@link IllegalStateException}
 * and group and file handles answer as for a deleted group (see {@link CompactServer#close()});
 * {@link #isNativeTransport()} and {@link #tlsImplementation()} still answer.
 */
public final class NettyCompactServer implements CompactServer {
  /** Which TLS implementation serves HTTPS ports. */
  public enum TlsProvider {
    /** OpenSSL (netty-tcnative-boringssl-static) when it loads, the JDK's otherwise. */
    AUTO,
    /** OpenSSL only; {@link Builder#build()} fails if netty-tcnative cannot load. */
    OPENSSL,
    /** The JDK's TLS. */
    JDK
  }

  private final ServerCore core;

  private NettyCompactServer(ServerCore core) {
    this.core = core;
  }

  /** A builder with the defaults: {@link ServerLimits#DEFAULTS}, no users, TLS {@link TlsProvider#AUTO}. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Builds {@link NettyCompactServer}s. Not thread-safe; {@link #build()} may be called more than
   * once.
   */
  public static final class Builder {
    private ServerLimits limits = ServerLimits.DEFAULTS;
    private @Nullable UserStore users;
    private boolean allowBasicOverHttp;
    private TlsProvider tls = TlsProvider.AUTO;
    private boolean nativeTransport = true;
    private @Nullable Path certificateStore;
    private char[] certificateStorePassword = new char[0];
    private List<X509Certificate> clientCas = List.of();
    private String digestRealm = "bits4j";
    private Duration nonceLifetime = Duration.ofMinutes(5);
    private List<UserStore.DigestAlgorithm> digestAlgorithms =
        List.of(UserStore.DigestAlgorithm.SHA_256, UserStore.DigestAlgorithm.MD5);
    private LongSupplier nanoClock = System::nanoTime;
    private int workerThreads;

    private Builder() {}

    /** Protocol limits (line and header sizes, timeouts, connection cap). */
    public Builder limits(ServerLimits limits) {
      this.limits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /** The users Basic and Digest authenticate against (and client certificates map to by CN). */
    public Builder users(UserStore users) {
      this.users = Objects.requireNonNull(users, "users");
      return this;
    }

    /**
     * Allows Basic authentication on plain HTTP groups, where the password crosses the network
     * readable by anyone; off by default (then enabling Basic on an http group throws
     * E_INVALIDARG).
     */
    public Builder allowBasicOverHttp(boolean allow) {
      this.allowBasicOverHttp = allow;
      return this;
    }

    /** The TLS implementation. */
    public Builder tlsProvider(TlsProvider provider) {
      this.tls = Objects.requireNonNull(provider, "provider");
      return this;
    }

    /** Use the native epoll transport when it loads (default true); false forces NIO. */
    public Builder nativeTransport(boolean enabled) {
      this.nativeTransport = enabled;
      return this;
    }

    /**
     * The certificate store for {@link #setSslCertificate(int, String, byte[])}: a folder with one
     * sub-folder per store name ({@code MY}) holding PEM files (chain and key in one file, or
     * {@code x.pem} beside {@code x.key}) or PKCS#12 files ({@code .p12}/{@code .pfx}).
     */
    public Builder certificateStore(Path dir) {
      this.certificateStore = Objects.requireNonNull(dir, "dir");
      return this;
    }

    /** The password of PKCS#12 files in the certificate store (default: empty). */
    public Builder certificateStorePassword(char[] password) {
      this.certificateStorePassword = Objects.requireNonNull(password, "password").clone();
      return this;
    }

    /**
     * The certificate authorities client certificates must chain to; required before any group
     * enables {@link io.bits4j.AuthScheme#CLIENT_CERTIFICATE}. The chain and the dates are
     * checked at the handshake; revocation is not (no CRL or OCSP, unlike HTTP.SYS's default):
     * to shut a compromised certificate out, stop trusting its authority or deny its user in the
     * URLs' access policies.
     */
    public Builder clientCertificateAuthorities(List<X509Certificate> authorities) {
      this.clientCas = List.copyOf(authorities);
      return this;
    }

    /** The Digest realm (default {@code bits4j}); users need Digest enabled for it in the store. */
    public Builder digestRealm(String realm) {
      Objects.requireNonNull(realm, "realm");
      if (realm.isEmpty() || realm.contains("\"") || realm.contains("\\")) {
        throw new IllegalArgumentException("bad realm: " + realm);
      }
      this.digestRealm = realm;
      return this;
    }

    /** How long a Digest nonce is accepted (default 5 minutes); then the client is asked again with {@code stale=true}. */
    public Builder digestNonceLifetime(Duration lifetime) {
      if (lifetime.isNegative() || lifetime.isZero()) {
        throw new IllegalArgumentException("lifetime must be positive");
      }
      this.nonceLifetime = lifetime;
      return this;
    }

    /**
     * The Digest challenges a 401 offers, most preferred first (default SHA-256, then MD5). Clients
     * that read only the first Digest challenge (older HTTP stacks) need MD5 first.
     *
     * @throws IllegalArgumentException if empty or with duplicates
     */
    public Builder digestAlgorithms(List<UserStore.DigestAlgorithm> algorithms) {
      if (algorithms.isEmpty() || Set.copyOf(algorithms).size() != algorithms.size()) {
        throw new IllegalArgumentException("one or more distinct algorithms: " + algorithms);
      }
      this.digestAlgorithms = List.copyOf(algorithms);
      return this;
    }

    /** The monotonic clock for bandwidth limits, nonce expiry and the Basic cache (tests). */
    public Builder nanoClock(LongSupplier clock) {
      this.nanoClock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Event-loop threads (default: one per CPU, or {@code -Dio.netty.eventLoopThreads}). */
    public Builder workerThreads(int threads) {
      if (threads < 0) {
        throw new IllegalArgumentException("threads must be >= 0");
      }
      this.workerThreads = threads;
      return this;
    }

    /**
     * Starts the event loops (no port opens until a group needs it).
     *
     * @throws IllegalStateException if {@link TlsProvider#OPENSSL} is forced and cannot load
     */
    public NettyCompactServer build() {
      if (tls == TlsProvider.OPENSSL && !io.netty.handler.ssl.OpenSsl.isAvailable()) {
        throw new IllegalStateException("OpenSSL (netty-tcnative) is not available: "
            + io.netty.handler.ssl.OpenSsl.unavailabilityCause());
      }
      return new NettyCompactServer(new ServerCore(new ServerConfig(limits, users, allowBasicOverHttp,
          tls.name().toLowerCase(java.util.Locale.ROOT), nativeTransport, certificateStore,
          certificateStorePassword.clone(), clientCas, digestRealm, nonceLifetime, digestAlgorithms, nanoClock, workerThreads)));
    }
  }

  /** True if the native epoll transport is in use (else NIO). */
  public boolean isNativeTransport() {
    return core.isNativeTransport();
  }

  /** The TLS implementation HTTPS ports use: {@code openssl} or {@code jdk}. */
  public String tlsImplementation() {
    return core.tlsImplementation();
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalStateException if the server is closed
   */
  @Override
  public UrlGroup createUrlGroup(UrlPrefix prefix) {
    return core.createUrlGroup(prefix);
  }

  @Override
  public Optional<UrlGroup> findUrlGroup(UrlPrefix prefix) {
    return core.findUrlGroup(Objects.requireNonNull(prefix, "prefix"));
  }

  @Override
  public List<UrlGroup> urlGroups() {
    return core.urlGroups();
  }

  @Override
  public boolean deleteUrlGroup(UrlPrefix prefix) {
    return core.deleteUrlGroup(Objects.requireNonNull(prefix, "prefix"));
  }

  /**
   * {@inheritDoc} The binding is reported with store name {@code MY}.
   *
   * @throws io.bits4j.BitsException E_INVALIDARG if the key or chain cannot be used for TLS
   */
  @Override
  public void setSslCertificate(int port, TlsIdentity identity) {
    core.setSslCertificate(port, identity, "MY");
  }

  /**
   * {@inheritDoc} Looks in the folder given to {@link Builder#certificateStore(Path)}.
   */
  @Override
  public void setSslCertificate(int port, String storeName, byte[] thumbprint) {
    core.setSslCertificate(port, storeName, thumbprint);
  }

  @Override
  public Optional<SslBinding> sslCertificate(int port) {
    return core.sslCertificate(port);
  }

  @Override
  public boolean removeSslCertificate(int port) {
    return core.removeSslCertificate(port);
  }

  @Override
  public void close() {
    core.close();
  }

  @Override
  public String toString() {
    return "NettyCompactServer" + core.prefixes().stream().map(UrlPrefix::toString).toList();
  }
}
