package io.bits4j;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One URL namespace of a {@link CompactServer}, such as {@code http://+:80/Carmine}: its files,
 * its authentication schemes and its limits. Mirrors an instance of {@code
 * BitsCompactServerUrlGroup}.
 *
 * <p>Each hosted file lives under its own suffix (compared case-insensitively, may contain
 * {@code /}); clients download {@code scheme://host:port/group/suffix}. Authentication is per
 * group, authorization per URL ({@link AccessPolicy}). A group with no scheme enabled serves
 * anonymously.
 *
 * <pre>{@code
 * UrlGroup group = server.createUrlGroup(UrlPrefix.parse("https://+:8443/Images"));
 * group.setAuthentication(AuthScheme.BASIC, true); // Basic over TLS; plain http refuses it
 * group.setBandwidthLimit(10_000_000);
 * HostedFile f = group.host("image.vhd", source, AccessPolicy.parse("D:(A;;GR;;;AU)"));
 * ...
 * group.remove("image.vhd");
 * }</pre>
 *
 * <p>After {@link #delete()} (or {@link CompactServer#deleteUrlGroup}, or the {@link
 * CompactServer#close()} of a local server) every operation throws {@link BitsException} with
 * {@link Hresult#E_NOT_FOUND}; {@link #prefix()} still answers. A handle obtained through a remote
 * server's proxy throws {@link IllegalStateException} once that proxy is closed. Thread-safety: safe for use from any
 * thread.
 */
public interface UrlGroup {
  /** The group's prefix. */
  UrlPrefix prefix();

  /**
   * Hosts a file under a suffix ({@code CreateUrl}). The server reads the file on every request,
   * so a replaced file is served (with new validators) at once.
   *
   * @param suffix the URL suffix, see {@link UrlPrefix#checkSuffix}
   * @param source the file to serve
   * @param access who may download it ({@link AccessPolicy#NONE}: everyone)
   * @throws BitsException E_INVALIDARG for a bad suffix; E_ALREADY_EXISTS if the suffix is
   *     hosted already; E_FILE_NOT_FOUND if the source does not exist; E_ACCESSDENIED if it
   *     cannot be read or is not a regular file
   */
  HostedFile host(String suffix, Path source, AccessPolicy access);

  /**
   * Stops hosting a suffix ({@code DeleteUrl}); requests for it get 404 from now on.
   *
   * @return false if the suffix was not hosted
   */
  boolean remove(String suffix);

  /** The file hosted under a suffix, if any. */
  Optional<HostedFile> find(String suffix);

  /** True if the suffix is hosted ({@code CheckUrl}). */
  default boolean contains(String suffix) {
    return find(suffix).isPresent();
  }

  /** The hosted files, in the order they were hosted. */
  List<HostedFile> files();

  /**
   * Enables or disables an authentication scheme ({@code SetUrlGroupAuthentication}).
   *
   * @throws BitsException E_NOTIMPL for a scheme the server cannot speak (bits4j's server:
   *     Negotiate and NTLM); E_INVALIDARG if the scheme conflicts with other groups on the port
   */
  void setAuthentication(AuthScheme scheme, boolean enabled);

  /** The enabled schemes; empty means anonymous. */
  Set<AuthScheme> authentication();

  /** The connection limit (responses in flight at once); 0 means unlimited (the default). */
  int connectionLimit();

  /**
   * Sets the connection limit; requests beyond it get 503 with {@code Retry-After}.
   *
   * @param limit responses in flight at once, or 0 for unlimited
   * @throws IllegalArgumentException if negative
   */
  void setConnectionLimit(int limit);

  /** The bandwidth limit in bytes per second, shared by the group's responses; 0 means unlimited. */
  long bandwidthLimit();

  /**
   * Sets the bandwidth limit.
   *
   * @param bytesPerSecond at least 1024, or 0 for unlimited
   * @throws BitsException E_INVALIDARG for a negative value, 1–1023 or more than 2^32-1 (the WMI
   *     property is uint32)
   */
  void setBandwidthLimit(long bytesPerSecond);

  /** The group's counters. */
  GroupStats stats();

  /** Deletes the group and all its URLs ({@code DeleteUrlGroup}); idempotent. */
  void delete();

  /**
   * Checks a bandwidth limit value as {@link #setBandwidthLimit} must.
   *
   * @throws BitsException E_INVALIDARG for a negative value, 1–1023 or over 2^32-1
   */
  static long checkBandwidthLimit(long bytesPerSecond) {
    if (bytesPerSecond < 0 || (bytesPerSecond > 0 && bytesPerSecond < 1024) || bytesPerSecond > 0xFFFF_FFFFL) {
      throw new BitsException(Hresult.E_INVALIDARG,
          "bandwidth limit must be 0 (unlimited) or 1024 to 4294967295 bytes/s: " + bytesPerSecond);
    }
    return bytesPerSecond;
  }
}
