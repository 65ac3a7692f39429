package io.bits4j.wsman;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A small in-memory CompactServer for the endpoint's tests (the testkit's fake may replace it). */
final class TinyServer implements CompactServer {
  final Map<UrlPrefix, Group> groups = new LinkedHashMap<>();
  final Map<Integer, SslBinding> ssl = new LinkedHashMap<>();
  volatile CountDownLatch block; // createUrlGroup waits on it when set
  volatile CountDownLatch entered;

  @Override
  public UrlGroup createUrlGroup(UrlPrefix prefix) {
    CountDownLatch b = block;
    if (b != null) {
      entered.countDown();
      try {
        b.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    synchronized (this) {
      return groups.computeIfAbsent(prefix, Group::new);
    }
  }

  @Override
  public synchronized Optional<UrlGroup> findUrlGroup(UrlPrefix prefix) {
    return Optional.ofNullable(groups.get(prefix));
  }

  @Override
  public synchronized List<UrlGroup> urlGroups() {
    return new ArrayList<>(groups.values());
  }

  @Override
  public synchronized boolean deleteUrlGroup(UrlPrefix prefix) {
    Group g = groups.remove(prefix);
    if (g != null) {
      g.deleted = true;
    }
    return g != null;
  }

  @Override
  public synchronized void setSslCertificate(int port, TlsIdentity identity) {
    ssl.put(port, new SslBinding(port, "MY", identity.thumbprint()));
  }

  @Override
  public void setSslCertificate(int port, String storeName, byte[] thumbprint) {
    throw new BitsException(Hresult.E_NOTIMPL, "no store");
  }

  @Override
  public synchronized Optional<SslBinding> sslCertificate(int port) {
    return Optional.ofNullable(ssl.get(port));
  }

  @Override
  public synchronized boolean removeSslCertificate(int port) {
    return ssl.remove(port) != null;
  }

  @Override
  public void close() {}

  final class Group implements UrlGroup {
    final UrlPrefix prefix;
    final Map<String, HostedFile> files = new LinkedHashMap<>();
    final Set<AuthScheme> schemes = EnumSet.noneOf(AuthScheme.class);
    int connections;
    long bandwidth;
    boolean deleted;

    Group(UrlPrefix prefix) {
      this.prefix = prefix;
    }

    private void live() {
      if (deleted) {
        throw new BitsException(Hresult.E_NOT_FOUND, "deleted");
      }
    }

    @Override
    public UrlPrefix prefix() {
      return prefix;
    }

    @Override
    public HostedFile host(String suffix, Path source, AccessPolicy access) {
      synchronized (TinyServer.this) {
        live();
        UrlPrefix.checkSuffix(suffix);
        String key = suffix.toLowerCase(Locale.ROOT);
        if (files.containsKey(key)) {
          throw new BitsException(Hresult.E_ALREADY_EXISTS, "exists");
        }
        if (!Files.exists(source)) {
          throw new BitsException(Hresult.E_FILE_NOT_FOUND, "no file " + source);
        }
        Group g = this;
        HostedFile f = new HostedFile() {
          @Override
          public UrlPrefix prefix() {
            return prefix;
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

          @Override
          public boolean remove() {
            return g.remove(suffix);
          }
        };
        files.put(key, f);
        return f;
      }
    }

    @Override
    public boolean remove(String suffix) {
      synchronized (TinyServer.this) {
        live();
        return files.remove(suffix.toLowerCase(Locale.ROOT)) != null;
      }
    }

    @Override
    public Optional<HostedFile> find(String suffix) {
      synchronized (TinyServer.this) {
        live();
        return Optional.ofNullable(files.get(suffix.toLowerCase(Locale.ROOT)));
      }
    }

    @Override
    public List<HostedFile> files() {
      synchronized (TinyServer.this) {
        return new ArrayList<>(files.values());
      }
    }

    @Override
    public void setAuthentication(AuthScheme scheme, boolean enabled) {
      synchronized (TinyServer.this) {
        live();
        if (!scheme.isExtension()) {
          throw new BitsException(Hresult.E_NOTIMPL, "Windows only");
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
      synchronized (TinyServer.this) {
        return Set.copyOf(schemes);
      }
    }

    @Override
    public int connectionLimit() {
      return connections;
    }

    @Override
    public void setConnectionLimit(int limit) {
      if (limit < 0) {
        throw new IllegalArgumentException("negative");
      }
      connections = limit;
    }

    @Override
    public long bandwidthLimit() {
      return bandwidth;
    }

    @Override
    public void setBandwidthLimit(long bytesPerSecond) {
      bandwidth = UrlGroup.checkBandwidthLimit(bytesPerSecond);
    }

    @Override
    public GroupStats stats() {
      return new GroupStats(0, 3, 1000, Map.of(200, 2L, 404, 1L));
    }

    @Override
    public void delete() {
      deleteUrlGroup(prefix);
    }
  }
}
