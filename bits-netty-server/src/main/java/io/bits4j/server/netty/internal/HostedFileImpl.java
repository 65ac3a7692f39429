package io.bits4j.server.netty.internal;

import io.bits4j.AccessPolicy;
import io.bits4j.HostedFile;
import io.bits4j.UrlPrefix;
import java.nio.file.Path;

/** A hosted file of a {@link GroupImpl}; an immutable handle (plus the cache of its open descriptor). */
final class HostedFileImpl implements HostedFile {
  private final GroupImpl group;
  private final String suffix;
  private final Path source;
  private final AccessPolicy access;
  private final OpenFileCache open;

  HostedFileImpl(GroupImpl group, String suffix, Path source, AccessPolicy access) {
    this.group = group;
    this.suffix = suffix;
    this.source = source;
    this.access = access;
    this.open = new OpenFileCache(source, group.nanoClock());
  }

  /** The open file for one response (see {@link OpenFileCache}). */
  OpenFileCache.Acquired acquire() throws java.io.IOException {
    return open.acquire();
  }

  /** Drops the cached descriptor if idle or stale (see {@link OpenFileCache#sweep}). */
  void sweep(long idleNanos) {
    open.sweep(idleNanos);
  }

  /** No longer hosted: closes the cached descriptor (running responses finish first). */
  void unhosted() {
    open.close();
  }

  @Override
  public UrlPrefix prefix() {
    return group.prefix();
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
    return group.removeIfSame(this);
  }

  @Override
  public String toString() {
    return prefix() + "/" + suffix + " -> " + source;
  }
}
