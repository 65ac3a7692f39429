package io.bits4j.server.netty.internal;

import io.bits4j.AccessPolicy;
import io.bits4j.AuthScheme;
import io.bits4j.BitsException;
import io.bits4j.GroupStats;
import io.bits4j.HostedFile;
import io.bits4j.Hresult;
import io.bits4j.UrlGroup;
import io.bits4j.UrlPrefix;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * A URL group of the Netty server. Its files, schemes and limits are immutable snapshots in
 * volatile fields, replaced under the server's lock; request threads read them without locking.
 */
public final class GroupImpl implements UrlGroup {
  private final ServerCore core;
  private final UrlPrefix prefix;
  private volatile Map<String, HostedFileImpl> files = Map.of();
  private volatile Set<AuthScheme> schemes = Set.of();
  private volatile int connectionLimit;
  private volatile long bandwidthLimit;
  private volatile @Nullable TokenBucket bucket;
  private volatile boolean deleted;

  final AtomicInteger active = new AtomicInteger();
  final LongAdder requests = new LongAdder();
  final LongAdder bytesSent = new LongAdder();
  final ConcurrentHashMap<Integer, LongAdder> statuses = new ConcurrentHashMap<>();

  GroupImpl(ServerCore core, UrlPrefix prefix) {
    this.core = core;
    this.prefix = prefix;
  }

  @Override
  public UrlPrefix prefix() {
    return prefix;
  }

  private void checkLive() {
    if (deleted) {
      throw new BitsException(Hresult.E_NOT_FOUND, "URL group " + prefix + " was deleted");
    }
  }

  @Override
  public HostedFile host(String suffix, Path source, AccessPolicy access) {
    Objects.requireNonNull(suffix, "suffix");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(access, "access");
    checkLive(); // a deleted group refuses everything with E_NOT_FOUND, before looking at arguments
    UrlPrefix.checkSuffix(suffix);
    Path abs = source.toAbsolutePath().normalize();
    checkReadable(abs);
    synchronized (core.lock) {
      checkLive();
      String key = key(suffix);
      if (files.containsKey(key)) {
        throw new BitsException(Hresult.E_ALREADY_EXISTS, "suffix already hosted in " + prefix + ": " + suffix);
      }
      HostedFileImpl f = new HostedFileImpl(this, suffix, abs, access);
      Map<String, HostedFileImpl> next = new LinkedHashMap<>(files);
      next.put(key, f);
      files = java.util.Collections.unmodifiableMap(next);
      return f;
    }
  }

  private static void checkReadable(Path p) {
    if (!Files.exists(p)) {
      throw new BitsException(Hresult.E_FILE_NOT_FOUND, "no such file: " + p);
    }
    if (!Files.isRegularFile(p)) {
      throw new BitsException(Hresult.E_ACCESSDENIED, "not a regular file: " + p);
    }
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
      ch.size();
    } catch (NoSuchFileException e) {
      throw new BitsException(Hresult.E_FILE_NOT_FOUND, "no such file: " + p);
    } catch (AccessDeniedException e) {
      throw new BitsException(Hresult.E_ACCESSDENIED, "cannot read: " + p);
    } catch (IOException e) {
      throw new BitsException(Hresult.E_ACCESSDENIED, "cannot read " + p + ": " + e.getMessage());
    }
  }

  static String key(String suffix) {
    return suffix.toLowerCase(Locale.ROOT);
  }

  @Override
  public boolean remove(String suffix) {
    Objects.requireNonNull(suffix, "suffix");
    synchronized (core.lock) {
      checkLive();
      return removeKey(key(suffix), null);
    }
  }

  boolean removeIfSame(HostedFileImpl f) {
    synchronized (core.lock) {
      return !deleted && removeKey(key(f.suffix()), f);
    }
  }

  private boolean removeKey(String key, @Nullable HostedFileImpl expected) {
    HostedFileImpl cur = files.get(key);
    if (cur == null || (expected != null && cur != expected)) {
      return false;
    }
    Map<String, HostedFileImpl> next = new LinkedHashMap<>(files);
    next.remove(key);
    files = java.util.Collections.unmodifiableMap(next);
    cur.unhosted();
    return true;
  }

  @Override
  public Optional<HostedFile> find(String suffix) {
    Objects.requireNonNull(suffix, "suffix");
    checkLive();
    return Optional.ofNullable(files.get(key(suffix)));
  }

  /** The hot-path lookup: a decoded request suffix, no checks, null if not hosted. */
  @Nullable HostedFileImpl lookup(String suffix) {
    return files.get(key(suffix));
  }

  @Override
  public List<HostedFile> files() {
    checkLive();
    return List.copyOf(new ArrayList<>(files.values()));
  }

  @Override
  public void setAuthentication(AuthScheme scheme, boolean enabled) {
    Objects.requireNonNull(scheme, "scheme");
    if (scheme == AuthScheme.NEGOTIATE || scheme == AuthScheme.NTLM) {
      checkLive();
      if (enabled) {
        throw new BitsException(Hresult.E_NOTIMPL,
            scheme + " authentication needs Windows; bits4j's server offers BASIC, DIGEST and CLIENT_CERTIFICATE");
      }
      return;
    }
    synchronized (core.lock) {
      checkLive();
      if (enabled && scheme == AuthScheme.CLIENT_CERTIFICATE) {
        core.checkClientCertificateAllowed(this);
      }
      if (enabled && (scheme == AuthScheme.BASIC || scheme == AuthScheme.DIGEST)) {
        core.checkUserStore(scheme);
      }
      if (enabled && scheme == AuthScheme.BASIC && !prefix.isSecure() && !core.cfg.allowBasicOverHttp()) {
        throw new BitsException(Hresult.E_INVALIDARG, "Basic authentication sends passwords readable on plain HTTP ("
            + prefix + "); use an https group, Digest, or NettyCompactServer.Builder.allowBasicOverHttp(true)");
      }
      EnumSet<AuthScheme> next = schemes.isEmpty() ? EnumSet.noneOf(AuthScheme.class) : EnumSet.copyOf(schemes);
      if (enabled) {
        next.add(scheme);
      } else {
        next.remove(scheme);
      }
      schemes = Set.copyOf(next);
      core.publishRoutes();
    }
  }

  @Override
  public Set<AuthScheme> authentication() {
    checkLive();
    return schemes;
  }

  /** The schemes without the liveness check (hot path). */
  Set<AuthScheme> schemes() {
    return schemes;
  }

  @Override
  public int connectionLimit() {
    checkLive();
    return connectionLimit;
  }

  int connectionLimitRaw() {
    return connectionLimit;
  }

  @Override
  public void setConnectionLimit(int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("connection limit must be >= 0: " + limit);
    }
    checkLive();
    connectionLimit = limit;
  }

  @Override
  public long bandwidthLimit() {
    checkLive();
    return bandwidthLimit;
  }

  @Override
  public void setBandwidthLimit(long bytesPerSecond) {
    checkLive();
    UrlGroup.checkBandwidthLimit(bytesPerSecond);
    synchronized (core.lock) {
      checkLive();
      bandwidthLimit = bytesPerSecond;
      bucket = bytesPerSecond == 0 ? null : new TokenBucket(bytesPerSecond, core.nanoClock());
    }
  }

  /** The group's shared bucket, or null if unlimited. */
  @Nullable TokenBucket bucket() {
    return bucket;
  }

  @Override
  public GroupStats stats() {
    checkLive();
    Map<Integer, Long> s = new HashMap<>();
    statuses.forEach((k, v) -> s.put(k, v.sum()));
    return new GroupStats(active.get(), requests.sum(), bytesSent.sum(), s);
  }

  void count(int status, long bytes) {
    requests.increment();
    if (bytes > 0) {
      bytesSent.add(bytes);
    }
    statuses.computeIfAbsent(status, k -> new LongAdder()).increment();
  }

  @Override
  public void delete() {
    core.deleteGroup(prefix, this);
  }

  /** The server's clock (see {@link ServerConfig#nanoClock}). */
  java.util.function.LongSupplier nanoClock() {
    return core.nanoClock();
  }

  /** Drops this group's idle or stale cached descriptors (see {@link OpenFileCache#sweep}). */
  void sweepOpenFiles(long idleNanos) {
    for (HostedFileImpl f : files.values()) {
      f.sweep(idleNanos);
    }
  }

  void markDeleted() {
    deleted = true;
    for (HostedFileImpl f : files.values()) {
      f.unhosted();
    }
    files = Map.of();
  }

  boolean isDeleted() {
    return deleted;
  }

  @Override
  public String toString() {
    return "UrlGroup[" + prefix + "]";
  }
}
