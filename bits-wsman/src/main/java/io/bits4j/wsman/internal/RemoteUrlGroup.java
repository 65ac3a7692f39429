package io.bits4j.wsman.internal;

import io.bits4j.AccessPolicy;
import io.bits4j.AuthScheme;
import io.bits4j.BitsException;
import io.bits4j.GroupStats;
import io.bits4j.HostedFile;
import io.bits4j.Hresult;
import io.bits4j.UrlGroup;
import io.bits4j.UrlPrefix;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * A URL group of a remote compact server: every call is one or two WS-Man operations on the
 * {@code BitsCompactServerUrlGroup} instance with selector {@code UrlGroup}. Listing files and
 * statistics use the bits4j extension properties of Get, so against a Windows target {@link
 * #files()} and {@link #stats()} throw E_NOTIMPL. Thread-safe.
 */
public final class RemoteUrlGroup implements UrlGroup {
  private final WsmanClient client;
  private final BooleanSupplier bits4j;
  private final UrlPrefix prefix;
  private final BooleanSupplier released;
  private volatile boolean deleted;

  /** A proxy of one group, not tied to a server proxy that can be closed. */
  public RemoteUrlGroup(WsmanClient client, BooleanSupplier bits4j, UrlPrefix prefix) {
    this(client, bits4j, prefix, () -> false);
  }

  /**
   * A proxy of one group.
   *
   * @param released true once the {@code RemoteCompactServer} this handle came from is closed:
   *     every operation then throws {@link IllegalStateException}
   */
  public RemoteUrlGroup(WsmanClient client, BooleanSupplier bits4j, UrlPrefix prefix, BooleanSupplier released) {
    this.client = client;
    this.bits4j = bits4j;
    this.prefix = prefix;
    this.released = released;
  }

  /** A closed server proxy is misuse, checked before anything else (also before E_NOT_FOUND). */
  private void checkOpen() {
    if (released.getAsBoolean()) {
      throw new IllegalStateException("the RemoteCompactServer this URL group came from is closed");
    }
  }

  private Map<String, String> selector() {
    return Map.of("UrlGroup", prefix.toString());
  }

  private WsmanClient.Output invoke(String method, Map<String, ?> params) {
    return invoke(method, Map.of(), params);
  }

  private WsmanClient.Output invoke(String method, Map<String, String> options, Map<String, ?> params) {
    checkOpen();
    if (deleted) {
      throw new BitsException(Hresult.E_NOT_FOUND, "URL group " + prefix + " was deleted");
    }
    return client.invoke(Ns.URL_GROUP_URI, method, selector(), options, params).check(method);
  }

  @Override
  public UrlPrefix prefix() {
    return prefix;
  }

  @Override
  public HostedFile host(String suffix, Path source, AccessPolicy access) {
    checkOpen();
    if (deleted) { // a deleted group refuses everything with E_NOT_FOUND, before looking at arguments
      throw new BitsException(Hresult.E_NOT_FOUND, "URL group " + prefix + " was deleted");
    }
    UrlPrefix.checkSuffix(suffix);
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("UrlSuffix", suffix);
    p.put("SourceFilePath", source.toString());
    p.put("SDDLAuth", access.sddl());
    // WMI's CreateUrl re-creates a missing group; a UrlGroup handle must not (the option is
    // a bits4j extension, ignored by Windows)
    invoke("CreateUrl", Map.of(NodeService.OPTION_EXISTING_GROUP, "true"), p);
    return new RemoteHostedFile(this, suffix, source.normalize(), access); // a node path: lexical only
  }

  @Override
  public boolean remove(String suffix) {
    return invoke("DeleteUrl", Map.of("UrlSuffix", suffix)).returnValue() == 0;
  }

  @Override
  public Optional<HostedFile> find(String suffix) {
    checkOpen();
    if (!bits4j.getAsBoolean()) {
      return contains(suffix) ? Optional.of(new RemoteHostedFile(this, suffix, Path.of(""), AccessPolicy.NONE))
          : Optional.empty();
    }
    for (HostedFile f : files()) {
      if (f.suffix().equalsIgnoreCase(suffix)) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }

  @Override
  public boolean contains(String suffix) {
    WsmanClient.Output o = invoke("CheckUrl", Map.of("UrlSuffix", suffix));
    return o.string("UrlExists").map(v -> v.strip().equalsIgnoreCase("true") || v.strip().equals("1")).orElse(false);
  }

  private XmlElement instance() {
    checkOpen();
    if (deleted) {
      throw new BitsException(Hresult.E_NOT_FOUND, "URL group " + prefix + " was deleted");
    }
    return client.get(Ns.URL_GROUP_URI, selector());
  }

  private XmlElement extended() {
    checkOpen();
    if (!bits4j.getAsBoolean()) {
      throw new BitsException(Hresult.E_NOTIMPL, "a Windows target cannot list this (bits4j extension)");
    }
    return instance();
  }

  @Override
  public List<HostedFile> files() {
    List<HostedFile> out = new ArrayList<>();
    for (XmlElement u : extended().allNamed("bits4j_Url")) {
      Map<String, String> m = WsmanClient.properties(u);
      out.add(new RemoteHostedFile(this, m.getOrDefault("urlsuffix", ""), Path.of(m.getOrDefault("sourcefilepath", "")),
          AccessPolicy.parse(m.getOrDefault("sddlauth", ""))));
    }
    return out;
  }

  @Override
  public void setAuthentication(AuthScheme scheme, boolean enabled) {
    checkOpen();
    if (scheme.isExtension() && !bits4j.getAsBoolean()) {
      throw new BitsException(Hresult.E_NOTIMPL, scheme + " is a bits4j extension a Windows target does not know");
    }
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("Scheme", scheme.wmiCode());
    p.put("Enable", enabled);
    invoke("SetUrlGroupAuthentication", p);
  }

  @Override
  public Set<AuthScheme> authentication() {
    checkOpen();
    Set<AuthScheme> out = EnumSet.noneOf(AuthScheme.class);
    if (bits4j.getAsBoolean()) {
      for (XmlElement e : instance().allNamed("bits4j_AuthScheme")) {
        out.add(AuthScheme.ofWmiCode((int) WsmanClient.replyNumber("bits4j_AuthScheme", e.text())));
      }
      return out;
    }
    for (AuthScheme s : List.of(AuthScheme.NEGOTIATE, AuthScheme.NTLM)) {
      WsmanClient.Output o = invoke("GetUrlGroupAuthentication", Map.of("Scheme", s.wmiCode()));
      if (o.string("Enable").map(v -> v.strip().equalsIgnoreCase("true")).orElse(false)) {
        out.add(s);
      }
    }
    return out;
  }

  private long property(String name) {
    String v = invoke("GetProperty", Map.of("Property", name)).string("Value")
        .orElseThrow(() -> new BitsException(Hresult.E_FAIL, "GetProperty returned no Value"));
    return WsmanClient.replyNumber(name, v);
  }

  private void setProperty(String name, long value) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("Property", name);
    p.put("Value", value);
    invoke("SetProperty", p);
  }

  @Override
  public int connectionLimit() {
    return (int) property("ConnectionLimit");
  }

  @Override
  public void setConnectionLimit(int limit) {
    checkOpen();
    if (limit < 0) {
      throw new IllegalArgumentException("limit must be >= 0: " + limit);
    }
    setProperty("ConnectionLimit", limit);
  }

  @Override
  public long bandwidthLimit() {
    return property("BandwidthLimit");
  }

  @Override
  public void setBandwidthLimit(long bytesPerSecond) {
    checkOpen();
    if (deleted) { // E_NOT_FOUND before looking at the value, as every implementation
      throw new BitsException(Hresult.E_NOT_FOUND, "URL group " + prefix + " was deleted");
    }
    setProperty("BandwidthLimit", UrlGroup.checkBandwidthLimit(bytesPerSecond));
  }

  @Override
  public GroupStats stats() {
    Map<String, String> m = WsmanClient.properties(extended());
    Map<Integer, Long> statuses = new HashMap<>();
    for (XmlElement e : extended().allNamed("bits4j_Status")) {
      String[] kv = e.text().strip().split("=", 2);
      if (kv.length == 2) {
        statuses.put((int) WsmanClient.replyNumber("bits4j_Status", kv[0]),
            WsmanClient.replyNumber("bits4j_Status", kv[1]));
      }
    }
    return new GroupStats((int) WsmanClient.replyNumber("bits4j_ActiveConnections",
        m.getOrDefault("bits4j_activeconnections", "0")),
        WsmanClient.replyNumber("bits4j_Requests", m.getOrDefault("bits4j_requests", "0")),
        WsmanClient.replyNumber("bits4j_BytesSent", m.getOrDefault("bits4j_bytessent", "0")), statuses);
  }

  @Override
  public void delete() {
    checkOpen();
    if (deleted) {
      return;
    }
    int rv = client.invoke(Ns.URL_GROUP_URI, "DeleteUrlGroup", Map.of(), Map.of("UrlGroup", prefix.toString()))
        .check("DeleteUrlGroup").returnValue();
    deleted = true;
    assert rv >= 0;
  }

  /** Marks this proxy deleted (the server deleted the group through another handle). */
  public void markDeleted() {
    deleted = true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RemoteUrlGroup g && g.prefix.equals(prefix) && g.client == client;
  }

  @Override
  public int hashCode() {
    return prefix.hashCode();
  }

  @Override
  public String toString() {
    return "RemoteUrlGroup[" + prefix + " @ " + client.endpoint() + "]";
  }

  /** A hosted URL of a remote group. */
  static final class RemoteHostedFile implements HostedFile {
    private final RemoteUrlGroup group;
    private final String suffix;
    private final Path source;
    private final AccessPolicy access;

    RemoteHostedFile(RemoteUrlGroup group, String suffix, Path source, AccessPolicy access) {
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

    @Override
    public boolean remove() {
      try {
        return group.remove(suffix);
      } catch (BitsException e) {
        if (e.hresult() == Hresult.E_NOT_FOUND) {
          return false;
        }
        throw e;
      }
    }

    @Override
    public String toString() {
      return "HostedFile[" + group.prefix + "/" + suffix + " <- " + source + "]";
    }
  }
}
