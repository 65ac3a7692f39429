package io.bits4j;

import java.net.URI;
import java.nio.file.Path;

/**
 * A file hosted by a {@link UrlGroup} under a suffix: one URL of the compact server.
 *
 * <pre>{@code
 * HostedFile f = group.host("disk.vhd", source, AccessPolicy.NONE);
 * job.addFile(f.url("server1.example"), dest);
 * ...
 * f.remove();
 * }</pre>
 *
 * <p>A value-like handle: it stays valid after removal (then {@link #remove()} returns false).
 *
 * <p>The source is read on every request, never copied: to publish a new version, rename a
 * complete new file over it ({@code Files.move(next, source, ATOMIC_MOVE, REPLACE_EXISTING)}).
 * A source written in place while it is being served may make a server cut the responses reading
 * it (bits4j's compact server does), but it cannot always tell.
 */
public interface HostedFile {
  /** The group's prefix. */
  UrlPrefix prefix();

  /** The suffix under the prefix. */
  String suffix();

  /** The file served. */
  Path source();

  /** Who may download it. */
  AccessPolicy access();

  /**
   * The URL a client uses: {@code prefix.url(hostName, suffix)}.
   *
   * @param hostName the name or address clients reach the server by
   */
  default URI url(String hostName) {
    return prefix().url(hostName, suffix());
  }

  /**
   * Stops hosting this file ({@code DeleteUrl}).
   *
   * @return false if it was not hosted any more
   */
  boolean remove();
}
