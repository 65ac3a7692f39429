package io.bits4j.server.netty.internal;

import io.bits4j.AccessPolicy;
import io.bits4j.HostedFile;
import io.bits4j.UrlPrefix;
import java.nio.file.Path;

/** A hosted file of a {@link GroupImpl}; an immutable handle. */
final class HostedFileImpl implements HostedFile {
  private final GroupImpl group;
  private final String suffix;
  private final Path source;
  private final AccessPolicy access;

  HostedFileImpl(GroupImpl group, String suffix, Path source, AccessPolicy access) {
    this.group = group;
    this.suffix = suffix;
    this.source = source;
    this.access = access;
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
