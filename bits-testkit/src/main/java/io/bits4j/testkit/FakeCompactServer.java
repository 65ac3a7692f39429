package io.bits4j.testkit;

import io.bits4j.AccessPolicy;
import io.bits4j.AuthScheme;
import io.bits4j.BitsException;
import io.bits4j.CompactServer;
import io.bits4j.GroupStats;
import io.bits4j.HostedFile;
import io.bits4j.Hresult;
import io.bits4j.SslBinding;
import io.bits4j.TlsIdentity;
import io.bits4j.UrlGroup;
import io.bits4j.UrlPrefix;
import io.bits4j.UserStore;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * An in-memory {@link CompactServer}: no sockets, but the same rules as the real one, so code
 * tested against it behaves the same against a Netty or remote server.
 *
 * <p>Strictness: {@code createUrlGroup} is idempotent; {@link UrlGroup#host} refuses a bad suffix
 * (E_INVALIDARG), a suffix already hosted — compared case-insensitively — (E_ALREADY_EXISTS), a
 * missing source (E_FILE_NOT_FOUND) and a source that is not a readable regular file
 * (E_ACCESSDENIED); every operation on a deleted group — or on any group once the server is
 * closed — throws E_NOT_FOUND, and the server's own methods then throw IllegalStateException; bandwidth limits are
 * checked with {@link UrlGroup#checkBandwidthLimit}; Negotiate and NTLM are refused with
 * E_NOTIMPL, as bits4j's server does (disabling them is accepted); client-certificate and other
 * groups cannot share a port, client certificates need an https group, and one port serves either
 * http or https (E_INVALIDARG). {@link #setSslCertificate(int, TlsIdentity)} records a binding in store {@code
 * MY}; the store form finds thumbprints registered with {@link #addStoreCertificate}.
 *
 * <p>For tests: every operation is recorded ({@link #operations()}); failures can be scripted per
 * operation ({@link #failNext}, {@link #failAlways}); {@link #checkNoUrlGroups()} asserts that
 * nothing is left. {@link FakeBitsClient} resolves job URLs against the hosted files ({@link
 * #resolve(URI)}).
 *
 * <pre>{@code
 * FakeCompactServer server = new FakeCompactServer();
 * server.failNext(FakeCompactServer.Op.REMOVE_URL, new BitsException(Hresult.E_ACCESSDENIED, "scripted"));
 * ... run the code under test ...
 * server.checkNoUrlGroups();
 * }</pre>
 *
 * <p>Thread-safety: safe for use from any thread (one lock; no callbacks).
 */
public final class FakeCompactServer implements CompactServer {
  /** The operations failures can be scripted for. */
  public enum Op {
    /** {@link CompactServer#createUrlGroup}. */
    CREATE_GROUP,
    /** {@link CompactServer#deleteUrlGroup} and {@link UrlGroup#delete()}. */
    DELETE_GROUP,
    /** {@link UrlGroup#host}. */
    HOST_URL,
    /** {@link UrlGroup#remove} and {@link HostedFile#remove()}. */
    REMOVE_URL,
    /** {@link UrlGroup#setAuthentication}. */
    SET_AUTHENTICATION,
    /** {@link UrlGroup#setConnectionLimit} and {@link UrlGroup#setBandwidthLimit}. */
    SET_LIMIT,
    /** The {@code setSslCertificate}/{@code removeSslCertificate} methods. */
    SSL_CERTIFICATE
  }

  private final Object lock = new Object();
  private final Map<UrlPrefix, Group> groups = new LinkedHashMap<>();
  private final Map<Integer, SslBinding> bindings = new TreeMap<>();
  private final Map<String, String> storeCertificates = new HashMap<>(); // "STORE/hex" -> store
  private final List<String> operations = new ArrayList<>();
  private final Map<Op, List<RuntimeException>> nextFailures = new EnumMap<>(Op.class);
  private final Map<Op, RuntimeException> alwaysFailures = new EnumMap<>(Op.class);
  private int groupsCreated;
  private boolean closed;

  /** An empty server. */
  public FakeCompactServer() {}

  private @Nullable UserStore users;
  private String digestRealm = "bits4j";

  /**
   * Checks credentials against {@code users}, as {@code NettyCompactServer} does: a {@link
   * FakeBitsClient} job's Basic password must match, a Digest user must also be enabled for the
   * {@linkplain #digestRealm(String) realm}, and the principal carries the user's groups (so URL
   * access policies naming groups or administrators apply). Without a store (the default) any
   * credentials of a scheme the group enables are accepted as a user in no group.
   */
  public FakeCompactServer users(UserStore users) {
    synchronized (lock) {
      this.users = Objects.requireNonNull(users, "users");
    }
    return this;
  }

  /** The Digest realm users must be enabled for (default {@code bits4j}, as NettyCompactServer's). */
  public FakeCompactServer digestRealm(String realm) {
    synchronized (lock) {
      this.digestRealm = Objects.requireNonNull(realm, "realm");
    }
    return this;
  }

  /** The user store given to {@link #users}, if any. */
  @Nullable UserStore userStore() {
    synchronized (lock) {
      return users;
    }
  }

  String realm() {
    synchronized (lock) {
      return digestRealm;
    }
  }

  /**
   * Makes the next call of {@code op} throw {@code failure} (before it changes anything). Several
   * calls queue up.
   */
  public FakeCompactServer failNext(Op op, RuntimeException failure) {
    Objects.requireNonNull(op, "op");
    Objects.requireNonNull(failure, "failure");
    synchronized (lock) {
      nextFailures.computeIfAbsent(op, o -> new ArrayList<>()).add(failure);
    }
    return this;
  }

  /** Makes every call of {@code op} throw {@code failure} until {@link #clearFailures()}. */
  public FakeCompactServer failAlways(Op op, RuntimeException failure) {
    Objects.requireNonNull(op, "op");
    Objects.requireNonNull(failure, "failure");
    synchronized (lock) {
      alwaysFailures.put(op, failure);
    }
    return this;
  }

  /** Shorthand for {@code failNext(Op.REMOVE_URL, failure)}. */
  public FakeCompactServer failNextRemove(BitsException failure) {
    return failNext(Op.REMOVE_URL, failure);
  }

  /** Shorthand for {@code failAlways(Op.REMOVE_URL, failure)}. */
  public FakeCompactServer failRemovals(BitsException failure) {
    return failAlways(Op.REMOVE_URL, failure);
  }

  /** Forgets every scripted failure. */
  public void clearFailures() {
    synchronized (lock) {
      nextFailures.clear();
      alwaysFailures.clear();
    }
  }

  /**
   * Puts a certificate into the fake's store so that {@link #setSslCertificate(int, String,
   * byte[])} finds it.
   */
  public FakeCompactServer addStoreCertificate(String storeName, byte[] thumbprint) {
    Objects.requireNonNull(storeName, "storeName");
    if (thumbprint.length != 20) {
      throw new IllegalArgumentException("a SHA-1 thumbprint has 20 bytes");
    }
    synchronized (lock) {
      storeCertificates.put(storeKey(storeName, thumbprint), storeName);
    }
    return this;
  }

  /**
   * The operations received so far, oldest first, as short texts such as {@code
   * createUrlGroup http://+:80/Carmine} or {@code remove http://+:80/Carmine disk.vhd}. Failed
   * operations are recorded too, with {@code FAILED} appended.
   */
  public List<String> operations() {
    synchronized (lock) {
      return List.copyOf(operations);
    }
  }

  /** How many groups {@code createUrlGroup} has created (not counting idempotent calls). */
  public int groupsCreated() {
    synchronized (lock) {
      return groupsCreated;
    }
  }

  /**
   * Asserts that the server has no URL groups.
   *
   * @throws AssertionError listing the groups and their files
   */
  public void checkNoUrlGroups() {
    synchronized (lock) {
      if (!groups.isEmpty()) {
        throw new AssertionError("URL groups left: " + describeGroups());
      }
    }
  }

  /**
   * Asserts that no group hosts a file.
   *
   * @throws AssertionError listing the hosted files
   */
  public void checkNoHostedFiles() {
    synchronized (lock) {
      if (groups.values().stream().anyMatch(g -> !g.files.isEmpty())) {
        throw new AssertionError("hosted files left: " + describeGroups());
      }
    }
  }

  /**
   * The hosted file a client URL points at, if any: the scheme and port must match a group's, the
   * host too unless the group's is {@code +} or {@code *}; the first path segment names the group
   * and the rest is the suffix (both compared case-insensitively).
   */
  public Optional<HostedFile> resolve(URI url) {
    Objects.requireNonNull(url, "url");
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    String path = url.getPath();
    String host = url.getHost();
    if (path == null || host == null || !path.startsWith("/")) {
      return Optional.empty();
    }
    int port = portOf(url);
    int slash = path.indexOf('/', 1);
    if (slash < 0) {
      return Optional.empty();
    }
    String groupPath = path.substring(1, slash);
    String suffix = path.substring(slash + 1);
    synchronized (lock) {
      // HTTP.SYS's order, as NettyCompactServer routes: + groups, then explicit hosts, then *
      for (UrlPrefix.HostKind pass : new UrlPrefix.HostKind[] {UrlPrefix.HostKind.STRONG_WILDCARD, null,
          UrlPrefix.HostKind.WEAK_WILDCARD}) {
        for (Group g : groups.values()) {
          UrlPrefix p = g.prefix;
          boolean wildcard = p.isWildcard();
          if ((pass == null ? wildcard : p.hostKind() != pass)
              || !p.scheme().equals(scheme) || p.port() != port || !p.path().equalsIgnoreCase(groupPath)) {
            continue;
          }
          if (!wildcard && !stripBrackets(p.host()).equalsIgnoreCase(stripBrackets(host))) {
            continue;
          }
          Hosted h = g.files.get(key(suffix));
          if (h != null) {
            return Optional.of(h);
          }
        }
      }
      return Optional.empty();
    }
  }

  /**
   * True if a group of this server listens where {@code url} points (its scheme, port, and host
   * unless the group's is a wildcard): a request there reaches the server, which answers 404 for
   * a suffix it does not host; elsewhere nothing answers (the connection is refused).
   */
  boolean listens(URI url) {
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    String host = url.getHost();
    if (host == null) {
      return false;
    }
    int port = portOf(url);
    synchronized (lock) {
      for (Group g : groups.values()) {
        UrlPrefix p = g.prefix;
        if (p.scheme().equals(scheme) && p.port() == port
            && (p.isWildcard() || stripBrackets(p.host()).equalsIgnoreCase(stripBrackets(host)))) {
          return true;
        }
      }
      return false;
    }
  }

  /** The URL's port, or its scheme's default. */
  static int portOf(URI url) {
    return url.getPort() >= 0 ? url.getPort() : "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
  }

  /** Counts a download of a hosted file in its group's {@link UrlGroup#stats()}. */
  void recordDownload(HostedFile file, long bytes, int status) {
    synchronized (lock) {
      Group g = groups.get(file.prefix());
      if (g != null) {
        g.requests++;
        g.bytesSent += bytes;
        g.statuses.merge(status, 1L, Long::sum);
      }
    }
  }

  // ---- CompactServer ----

  @Override
  public UrlGroup createUrlGroup(UrlPrefix prefix) {
    Objects.requireNonNull(prefix, "prefix");
    synchronized (lock) {
      checkOpen();
      record(Op.CREATE_GROUP, "createUrlGroup " + prefix);
      Group existing = groups.get(prefix);
      if (existing != null) {
        return existing;
      }
      Optional<Group> otherScheme = groups.values().stream()
          .filter(g -> g.prefix.port() == prefix.port() && g.prefix.isSecure() != prefix.isSecure())
          .findFirst();
      if (otherScheme.isPresent()) {
        throw fail(new BitsException(Hresult.E_INVALIDARG, "port " + prefix.port() + " already serves "
            + otherScheme.get().prefix.scheme() + " (" + otherScheme.get().prefix
            + "); one port cannot serve both http and https"));
      }
      boolean clientCertPort = groups.values().stream()
          .anyMatch(g -> g.prefix.port() == prefix.port() && g.schemes.contains(AuthScheme.CLIENT_CERTIFICATE));
      if (clientCertPort) {
        throw fail(new BitsException(Hresult.E_INVALIDARG,
            "port " + prefix.port() + " requires client certificates; other groups cannot share it"));
      }
      Group g = new Group(prefix);
      groups.put(prefix, g);
      groupsCreated++;
      return g;
    }
  }

  @Override
  public Optional<UrlGroup> findUrlGroup(UrlPrefix prefix) {
    Objects.requireNonNull(prefix, "prefix");
    synchronized (lock) {
      checkOpen();
      return Optional.ofNullable(groups.get(prefix));
    }
  }

  @Override
  public List<UrlGroup> urlGroups() {
    synchronized (lock) {
      checkOpen();
      return List.copyOf(groups.values());
    }
  }

  @Override
  public boolean deleteUrlGroup(UrlPrefix prefix) {
    Objects.requireNonNull(prefix, "prefix");
    synchronized (lock) {
      checkOpen();
      record(Op.DELETE_GROUP, "deleteUrlGroup " + prefix);
      Group g = groups.remove(prefix);
      if (g == null) {
        return false;
      }
      g.deleted = true;
      g.files.clear();
      return true;
    }
  }

  @Override
  public void setSslCertificate(int port, TlsIdentity identity) {
    Objects.requireNonNull(identity, "identity");
    checkPort(port);
    synchronized (lock) {
      checkOpen();
      record(Op.SSL_CERTIFICATE, "setSslCertificate " + port + " " + identity.thumbprintHex());
      bindings.put(port, new SslBinding(port, "MY", identity.thumbprint()));
    }
  }

  @Override
  public void setSslCertificate(int port, String storeName, byte[] thumbprint) {
    Objects.requireNonNull(storeName, "storeName");
    Objects.requireNonNull(thumbprint, "thumbprint");
    checkPort(port);
    synchronized (lock) {
      checkOpen();
      record(Op.SSL_CERTIFICATE, "setSslCertificate " + port + " " + storeName + " "
          + HexFormat.of().formatHex(thumbprint));
      if (thumbprint.length != 20) {
        throw fail(new BitsException(Hresult.E_INVALIDARG, "a SHA-1 thumbprint has 20 bytes, not " + thumbprint.length));
      }
      if (!storeCertificates.containsKey(storeKey(storeName, thumbprint))) {
        throw fail(new BitsException(Hresult.E_NOT_FOUND, "no certificate "
            + HexFormat.of().formatHex(thumbprint) + " in store " + storeName));
      }
      bindings.put(port, new SslBinding(port, storeName, thumbprint));
    }
  }

  @Override
  public Optional<SslBinding> sslCertificate(int port) {
    checkPort(port);
    synchronized (lock) {
      checkOpen();
      return Optional.ofNullable(bindings.get(port));
    }
  }

  @Override
  public boolean removeSslCertificate(int port) {
    checkPort(port);
    synchronized (lock) {
      checkOpen();
      record(Op.SSL_CERTIFICATE, "removeSslCertificate " + port);
      return bindings.remove(port) != null;
    }
  }

  /**
   * Forgets every group and binding, like a stopped Compact Server; idempotent. Afterwards the
   * {@link CompactServer} methods throw {@link IllegalStateException}, and group and file handles
   * obtained before answer as for a deleted group (see {@link CompactServer#close()}); the test
   * helpers ({@link #operations()}, {@link #checkNoUrlGroups()}…) keep answering.
   */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      operations.add("close");
      for (Group g : groups.values()) {
        g.deleted = true;
        g.files.clear();
      }
      groups.clear();
      bindings.clear();
    }
  }

  @Override
  public String toString() {
    synchronized (lock) {
      return "FakeCompactServer" + describeGroups();
    }
  }

  // ---- internals (all called with lock held) ----

  private void record(Op op, String text) {
    operations.add(text);
    List<RuntimeException> next = nextFailures.get(op);
    RuntimeException e = next != null && !next.isEmpty() ? next.remove(0) : alwaysFailures.get(op);
    if (e != null) {
      throw fail(e);
    }
  }

  private RuntimeException fail(RuntimeException e) {
    operations.set(operations.size() - 1, operations.get(operations.size() - 1) + " FAILED");
    return e;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("server closed");
    }
  }

  private String describeGroups() {
    return groups.values().stream()
        .map(g -> g.prefix + " " + g.files.values().stream().map(h -> h.suffix).collect(Collectors.toList()))
        .collect(Collectors.joining(", ", "[", "]"));
  }

  private static void checkPort(int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be 1-65535: " + port);
    }
  }

  private static String storeKey(String store, byte[] thumbprint) {
    return store.toUpperCase(Locale.ROOT) + "/" + HexFormat.of().formatHex(thumbprint);
  }

  private static String key(String suffix) {
    return suffix.toLowerCase(Locale.ROOT);
  }

  private static String stripBrackets(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  private final class Group implements UrlGroup {
    final UrlPrefix prefix;
    final Map<String, Hosted> files = new LinkedHashMap<>(); // lower-case suffix -> file
    final Set<AuthScheme> schemes = EnumSet.noneOf(AuthScheme.class);
    final Map<Integer, Long> statuses = new HashMap<>();
    int connectionLimit;
    long bandwidthLimit;
    long requests;
    long bytesSent;
    boolean deleted;

    Group(UrlPrefix prefix) {
      this.prefix = prefix;
    }

    @Override
    public UrlPrefix prefix() {
      return prefix;
    }

    @Override
    public HostedFile host(String suffix, Path source, AccessPolicy access) {
      Objects.requireNonNull(suffix, "suffix");
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(access, "access");
      synchronized (lock) {
        checkLive();
        record(Op.HOST_URL, "host " + prefix + " " + suffix + " " + source);
        try {
          UrlPrefix.checkSuffix(suffix);
        } catch (BitsException e) {
          throw fail(e);
        }
        if (files.containsKey(key(suffix))) {
          throw fail(new BitsException(Hresult.E_ALREADY_EXISTS, "suffix already hosted in " + prefix + ": " + suffix));
        }
        if (!Files.exists(source)) {
          throw fail(new BitsException(Hresult.E_FILE_NOT_FOUND, "no such file: " + source));
        }
        if (!Files.isRegularFile(source) || !Files.isReadable(source)) {
          throw fail(new BitsException(Hresult.E_ACCESSDENIED, "not a readable regular file: " + source));
        }
        Hosted h = new Hosted(this, suffix, source.toAbsolutePath().normalize(), access);
        files.put(key(suffix), h);
        return h;
      }
    }

    @Override
    public boolean remove(String suffix) {
      Objects.requireNonNull(suffix, "suffix");
      synchronized (lock) {
        checkLive();
        record(Op.REMOVE_URL, "remove " + prefix + " " + suffix);
        return files.remove(key(suffix)) != null;
      }
    }

    @Override
    public Optional<HostedFile> find(String suffix) {
      Objects.requireNonNull(suffix, "suffix");
      synchronized (lock) {
        checkLive();
        return Optional.ofNullable(files.get(key(suffix)));
      }
    }

    @Override
    public List<HostedFile> files() {
      synchronized (lock) {
        checkLive();
        return List.copyOf(files.values());
      }
    }

    @Override
    public void setAuthentication(AuthScheme scheme, boolean enabled) {
      Objects.requireNonNull(scheme, "scheme");
      synchronized (lock) {
        checkLive();
        record(Op.SET_AUTHENTICATION, "setAuthentication " + prefix + " " + scheme + " " + enabled);
        if (scheme == AuthScheme.NEGOTIATE || scheme == AuthScheme.NTLM) {
          if (enabled) {
            throw fail(new BitsException(Hresult.E_NOTIMPL, scheme + " authentication is Windows-only"));
          }
          return; // never on: disabling it changes nothing, as on bits4j's server
        }
        if (scheme == AuthScheme.CLIENT_CERTIFICATE && enabled && !prefix.isSecure()) {
          throw fail(new BitsException(Hresult.E_INVALIDARG, "client certificates need an https URL group: " + prefix));
        }
        if (scheme == AuthScheme.CLIENT_CERTIFICATE && enabled != schemes.contains(scheme)) {
          boolean sharedPort = groups.values().stream()
              .anyMatch(g -> g != this && g.prefix.port() == prefix.port());
          if (sharedPort) {
            throw fail(new BitsException(Hresult.E_INVALIDARG, "port " + prefix.port()
                + " is shared with other groups; client-certificate and other groups cannot share a port"));
          }
        }
        if (enabled) {
          schemes.add(scheme);
        } else {
          schemes.remove(scheme);
        }
      }
    }

    @Override
    public Set<AuthScheme> authentication() {
      synchronized (lock) {
        checkLive();
        return Set.copyOf(schemes);
      }
    }

    @Override
    public int connectionLimit() {
      synchronized (lock) {
        checkLive();
        return connectionLimit;
      }
    }

    @Override
    public void setConnectionLimit(int limit) {
      if (limit < 0) {
        throw new IllegalArgumentException("connection limit must be >= 0: " + limit);
      }
      synchronized (lock) {
        checkLive();
        record(Op.SET_LIMIT, "setConnectionLimit " + prefix + " " + limit);
        connectionLimit = limit;
      }
    }

    @Override
    public long bandwidthLimit() {
      synchronized (lock) {
        checkLive();
        return bandwidthLimit;
      }
    }

    @Override
    public void setBandwidthLimit(long bytesPerSecond) {
      synchronized (lock) {
        checkLive();
        record(Op.SET_LIMIT, "setBandwidthLimit " + prefix + " " + bytesPerSecond);
        try {
          bandwidthLimit = UrlGroup.checkBandwidthLimit(bytesPerSecond);
        } catch (BitsException e) {
          throw fail(e);
        }
      }
    }

    @Override
    public GroupStats stats() {
      synchronized (lock) {
        checkLive();
        return new GroupStats(0, requests, bytesSent, statuses);
      }
    }

    @Override
    public void delete() {
      synchronized (lock) {
        if (deleted) { // also every group of a closed server
          return;
        }
        record(Op.DELETE_GROUP, "deleteUrlGroup " + prefix);
        groups.remove(prefix);
        deleted = true;
        files.clear();
      }
    }

    private void checkLive() {
      if (deleted) { // also every group of a closed server: close() ends them
        throw new BitsException(Hresult.E_NOT_FOUND, "URL group deleted: " + prefix);
      }
    }

    @Override
    public String toString() {
      return "UrlGroup[" + prefix + "]";
    }
  }

  private final class Hosted implements HostedFile {
    final Group group;
    final String suffix;
    final Path source;
    final AccessPolicy access;

    Hosted(Group group, String suffix, Path source, AccessPolicy access) {
      this.group = group;
      this.suffix = suffix;
      this.source = source;
      this.access = access;
    }

    @Override
    public UrlPrefix prefix() {
      return group.prefix;
    }

    @Override
    public String suffix() {
      return suffix;
    }

    @Override
    public Path source() {
      return source;
    }

    @Override
    public AccessPolicy access() {
      return access;
    }

    /** The authentication schemes of the group (empty once the group is gone). */
    Set<AuthScheme> groupSchemes() {
      synchronized (lock) {
        return group.deleted ? Set.of() : Set.copyOf(group.schemes);
      }
    }

    @Override
    public boolean remove() {
      synchronized (lock) {
        if (group.deleted || group.files.get(key(suffix)) != this) {
          return false;
        }
        record(Op.REMOVE_URL, "remove " + group.prefix + " " + suffix);
        group.files.remove(key(suffix));
        return true;
      }
    }

    @Override
    public String toString() {
      return "HostedFile[" + group.prefix + " " + suffix + " -> " + source + "]";
    }
  }

  /** The group authentication schemes of a hosted file resolved by {@link #resolve}. */
  static Set<AuthScheme> schemesOf(HostedFile file) {
    return file instanceof Hosted h ? h.groupSchemes() : Set.of();
  }
}
