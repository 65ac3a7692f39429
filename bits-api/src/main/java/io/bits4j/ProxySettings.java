package io.bits4j;

import java.util.List;
import java.util.Objects;

/**
 * A job's proxy settings ({@code SetProxySettings}).
 *
 * <p>Lists hold {@code host:port} entries (BITS joins them with spaces, ≤ 32,000 characters); they
 * must be empty unless the usage is {@link ProxyUsage#OVERRIDE}, which needs at least one proxy.
 *
 * <pre>{@code
 * job.setProxy(ProxySettings.override(List.of("127.0.0.1:3128"), List.of("<local>")));
 * }</pre>
 *
 * @param usage how the proxy is found
 * @param proxies the proxies, for OVERRIDE
 * @param bypass hosts reached directly, for OVERRIDE
 */
public record ProxySettings(ProxyUsage usage, List<String> proxies, List<String> bypass) {
  /** The default: preconfigured settings. */
  public static final ProxySettings PRECONFIG = new ProxySettings(ProxyUsage.PRECONFIG, List.of(), List.of());

  /** Connect directly. */
  public static final ProxySettings NO_PROXY = new ProxySettings(ProxyUsage.NO_PROXY, List.of(), List.of());

  /**
   * Validates and copies the lists.
   *
   * @throws BitsException E_INVALIDARG when the lists do not fit the usage or a proxy's port is
   *     not 1–65535;
   *     BG_E_PROXY_LIST_TOO_LARGE / BG_E_PROXY_BYPASS_LIST_TOO_LARGE over 32,000 characters
   */
  public ProxySettings {
    Objects.requireNonNull(usage, "usage");
    proxies = List.copyOf(proxies);
    bypass = List.copyOf(bypass);
    if (usage == ProxyUsage.OVERRIDE && proxies.isEmpty()) {
      throw new BitsException(Hresult.E_INVALIDARG, "OVERRIDE needs at least one proxy");
    }
    if (usage != ProxyUsage.OVERRIDE && (!proxies.isEmpty() || !bypass.isEmpty())) {
      throw new BitsException(Hresult.E_INVALIDARG, "proxy lists are only for OVERRIDE, not " + usage);
    }
    for (String p : proxies) {
      if (p.isBlank() || p.chars().anyMatch(Character::isWhitespace) || !portInRange(p)) {
        throw new BitsException(Hresult.E_INVALIDARG, "bad proxy entry '" + p + "'");
      }
    }
    if (String.join(" ", proxies).length() > 32_000) {
      throw new BitsException(Hresult.BG_E_PROXY_LIST_TOO_LARGE, "proxy list over 32,000 characters");
    }
    if (String.join(" ", bypass).length() > 32_000) {
      throw new BitsException(Hresult.BG_E_PROXY_BYPASS_LIST_TOO_LARGE, "bypass list over 32,000 characters");
    }
  }

  /**
   * False if a {@code [scheme://]host[:port][/]} entry names a port that is not 1–65535 (digits
   * after the host's last colon; a bracketed IPv6 host's own colons do not count).
   */
  private static boolean portInRange(String entry) {
    String e = entry;
    int scheme = e.indexOf("://");
    if (scheme >= 0) {
      e = e.substring(scheme + 3);
    }
    if (e.endsWith("/")) {
      e = e.substring(0, e.length() - 1);
    }
    int colon = e.lastIndexOf(':');
    if (colon < 0 || colon < e.lastIndexOf(']')) {
      return true; // no port: the default one
    }
    if (!e.startsWith("[") && e.indexOf(':') != colon) {
      return true; // a bare IPv6 address: its colons are not a port's
    }
    String port = e.substring(colon + 1);
    if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return false;
    }
    int n = Integer.parseInt(port);
    return n >= 1 && n <= 65535;
  }

  /** Use these proxies, except for the bypass hosts. */
  public static ProxySettings override(List<String> proxies, List<String> bypass) {
    return new ProxySettings(ProxyUsage.OVERRIDE, proxies, bypass);
  }
}
