package io.bits4j.wsman;

import io.bits4j.BitsException;
import io.bits4j.CompactServer;
import io.bits4j.Hresult;
import io.bits4j.SslBinding;
import io.bits4j.TlsIdentity;
import io.bits4j.UrlGroup;
import io.bits4j.UrlPrefix;
import io.bits4j.wsman.internal.Ns;
import io.bits4j.wsman.internal.RemoteUrlGroup;
import io.bits4j.wsman.internal.WsmanClient;
import io.bits4j.wsman.internal.XmlElement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The compact server of a remote node (or of a Windows machine with the BITS Compact Server),
 * driven over WS-Management through the WMI class {@code BitsCompactServerUrlGroup}. Get one from
 * {@link WsmanSession#compactServer()}.
 *
 * <pre>{@code
 * CompactServer server = session.compactServer();
 * UrlGroup g = server.createUrlGroup(UrlPrefix.parse("http://+:8080/Carmine"));
 * g.host("disk.vhd", Path.of("/srv/images/disk.vhd"), AccessPolicy.NONE); // a path on the node
 * }</pre>
 *
 * <p>Paths are paths on the target; a bits4j node accepts only files under its serve root
 * (E_ACCESSDENIED otherwise). {@link #setSslCertificate(int, TlsIdentity)} cannot send key
 * material and throws E_NOTIMPL: put the certificate in the node's certificate store and use
 * {@link #setSslCertificate(int, String, byte[])}. {@link #close()} releases this proxy only —
 * nothing on the target: groups live as long as the node's server — and is idempotent; afterwards
 * the proxy and every group and file handle obtained through it throw {@link
 * IllegalStateException} (a local server's handles would answer E_NOT_FOUND instead, since its
 * {@code close()} ends its groups). Thread-safe. Every operation may
 * throw {@link BitsException} (see {@link WsmanSession} for the codes).
 */
public final class RemoteCompactServer implements CompactServer {
  private final WsmanSession session;
  private volatile boolean closed;

  RemoteCompactServer(WsmanSession session) {
    this.session = session;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("RemoteCompactServer closed");
    }
  }

  private WsmanClient client() {
    checkOpen();
    return session.client();
  }

  private RemoteUrlGroup proxy(UrlPrefix prefix) {
    return new RemoteUrlGroup(client(), session::isBits4j, prefix, this::isClosed);
  }

  /** True once {@link #close()} was called. */
  boolean isClosed() {
    return closed;
  }

  @Override
  public UrlGroup createUrlGroup(UrlPrefix prefix) {
    Objects.requireNonNull(prefix, "prefix");
    client().invoke(Ns.URL_GROUP_URI, "CreateUrlGroup", Map.of(), Map.of("UrlGroup", prefix.toString()))
        .check("CreateUrlGroup");
    return proxy(prefix);
  }

  @Override
  public Optional<UrlGroup> findUrlGroup(UrlPrefix prefix) {
    Objects.requireNonNull(prefix, "prefix");
    try {
      XmlElement e = client().get(Ns.URL_GROUP_URI, Map.of("UrlGroup", prefix.toString()));
      String p = WsmanClient.properties(e).getOrDefault("urlgroup", prefix.toString());
      return Optional.of(proxy(UrlPrefix.parse(p)));
    } catch (WsmanClient.FaultException e) {
      if (e.isNotFound()) {
        return Optional.empty();
      }
      throw e;
    }
  }

  @Override
  public List<UrlGroup> urlGroups() {
    List<UrlGroup> out = new ArrayList<>();
    for (XmlElement e : client().enumerate(Ns.URL_GROUP_URI)) {
      String p = WsmanClient.properties(e).get("urlgroup");
      if (p != null) {
        out.add(proxy(UrlPrefix.parse(p)));
      }
    }
    return out;
  }

  @Override
  public boolean deleteUrlGroup(UrlPrefix prefix) {
    Objects.requireNonNull(prefix, "prefix");
    return client().invoke(Ns.URL_GROUP_URI, "DeleteUrlGroup", Map.of(), Map.of("UrlGroup", prefix.toString()))
        .check("DeleteUrlGroup").returnValue() == 0;
  }

  /**
   * Not possible remotely: key material is never sent over WS-Management.
   *
   * @throws BitsException always, E_NOTIMPL
   */
  @Override
  public void setSslCertificate(int port, TlsIdentity identity) {
    checkOpen();
    throw new BitsException(Hresult.E_NOTIMPL,
        "a remote server takes certificates from its store: use setSslCertificate(port, storeName, thumbprint)");
  }

  @Override
  public void setSslCertificate(int port, String storeName, byte[] thumbprint) {
    checkPort(port);
    checkOpen();
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("Port", port);
    p.put("StoreName", Objects.requireNonNull(storeName, "storeName"));
    p.put("hashBlob", thumbprint.clone());
    client().invoke(Ns.URL_GROUP_URI, "SetSslCertificate", Map.of(), p).check("SetSslCertificate");
  }

  @Override
  public Optional<SslBinding> sslCertificate(int port) {
    checkPort(port);
    checkOpen();
    WsmanClient.Output o = client().invoke(Ns.URL_GROUP_URI, "GetSslCertificate", Map.of(), Map.of("Port", port));
    if (o.returnValue() == Hresult.E_FILE_NOT_FOUND || o.returnValue() == Hresult.E_NOT_FOUND) {
      return Optional.empty();
    }
    o.check("GetSslCertificate");
    return Optional.of(new SslBinding(port, o.string("StoreName").orElse("MY"), o.bytes("hashBlob")));
  }

  @Override
  public boolean removeSslCertificate(int port) {
    checkPort(port);
    checkOpen();
    WsmanClient.Output o = client().invoke(Ns.URL_GROUP_URI, "RemoveSslCertificate", Map.of(), Map.of("Port", port));
    if (o.returnValue() == Hresult.E_FILE_NOT_FOUND || o.returnValue() == Hresult.E_NOT_FOUND) {
      return false;
    }
    return o.check("RemoveSslCertificate").returnValue() == 0;
  }

  private static void checkPort(int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be 1-65535: " + port);
    }
  }

  /**
   * Releases this proxy only; idempotent. Nothing on the target changes: the node's groups stay
   * and keep serving. Afterwards this proxy's methods and the {@link UrlGroup} and {@link
   * io.bits4j.HostedFile} handles obtained through it throw {@link IllegalStateException}; the
   * session stays open, and {@link WsmanSession#compactServer()} hands out a new proxy.
   */
  @Override
  public void close() {
    closed = true; // the session owns the connection
  }

  @Override
  public String toString() {
    return "RemoteCompactServer[" + session.endpoint() + "]";
  }
}
