package io.bits4j;

import java.util.List;
import java.util.Optional;

/**
 * A BITS Compact Server: an HTTP/HTTPS file server whose URL groups host files for BITS clients.
 * Mirrors the WMI class {@code BitsCompactServerUrlGroup} and COM's {@code ICompactServer}.
 * Implementations: the Netty server, the remote server (a node over WS-Management) and the
 * testkit's fake.
 *
 * <pre>{@code
 * UrlGroup group = server.createUrlGroup(UrlPrefix.parse("http://127.0.0.1:8080/Carmine"));
 * HostedFile f = group.host("disk.vhd", Path.of("/srv/disk.vhd"), AccessPolicy.NONE);
 * URI url = f.url("127.0.0.1");
 * }</pre>
 *
 * <p>Like the Windows Compact Server, a server keeps its URL groups only while it runs. Closing
 * it closes its listeners; {@code close()} is idempotent, and a closed server is unusable (see
 * {@link #close()}). Thread-safety: implementations are safe for use from any thread.
 */
public interface CompactServer extends AutoCloseable {
  /**
   * Creates a URL group, or returns the existing one with an equal prefix ({@code CreateUrlGroup}
   * is idempotent). A listener opens on the prefix's port if none is open yet.
   *
   * @throws BitsException E_INVALIDARG if the prefix conflicts with the server's configuration
   *     (for example client-certificate and other groups on one port); E_ACCESSDENIED or another
   *     code if the port cannot be opened
   */
  UrlGroup createUrlGroup(UrlPrefix prefix);

  /** The group with this prefix (compared case-insensitively), if any. */
  Optional<UrlGroup> findUrlGroup(UrlPrefix prefix);

  /**
   * The group with this prefix.
   *
   * @throws BitsException E_NOT_FOUND if there is none
   */
  default UrlGroup urlGroup(UrlPrefix prefix) {
    return findUrlGroup(prefix).orElseThrow(
        () -> new BitsException(Hresult.E_NOT_FOUND, "no URL group " + prefix));
  }

  /** All URL groups, in creation order. */
  List<UrlGroup> urlGroups();

  /**
   * Deletes a group and every URL it hosts ({@code DeleteUrlGroup}); the port's listener closes
   * with its last group.
   *
   * @return false if there was no such group
   */
  boolean deleteUrlGroup(UrlPrefix prefix);

  /**
   * Binds a certificate to an HTTPS port: every TLS connection to that port presents it
   * ({@code SetSslCertificate}). Replaces an earlier binding; open connections keep theirs.
   *
   * @throws BitsException E_NOTIMPL if this server cannot take key material (a remote server:
   *     use {@link #setSslCertificate(int, String, byte[])})
   */
  void setSslCertificate(int port, TlsIdentity identity);

  /**
   * Binds the certificate with this SHA-1 thumbprint from the server's certificate store, as the
   * WMI provider's {@code SetSslCertificate(Port, StoreName, hashBlob)} does.
   *
   * @throws BitsException E_NOT_FOUND if the store has no such certificate; E_NOTIMPL if the
   *     server has no certificate store
   */
  void setSslCertificate(int port, String storeName, byte[] thumbprint);

  /** The certificate bound to a port, if any ({@code GetSslCertificate}). */
  Optional<SslBinding> sslCertificate(int port);

  /**
   * Unbinds a port's certificate ({@code RemoveSslCertificate}).
   *
   * @return false if none was bound
   */
  boolean removeSslCertificate(int port);

  /**
   * Closes the server; idempotent.
   *
   * <p>Afterwards every method of the server but {@code close()} — {@code createUrlGroup}, {@code
   * findUrlGroup}, {@code urlGroup}, {@code urlGroups}, {@code deleteUrlGroup}, both {@code
   * setSslCertificate}s, {@code sslCertificate}, {@code removeSslCertificate} — throws {@link
   * IllegalStateException}: using a closed object is a mistake of the calling code, not a refused
   * operation.
   *
   * <p>A local server (bits4j's Netty server, the testkit's fake) stops serving: it closes every
   * listener and connection, forgets its TLS bindings and ends every URL group, so {@link
   * UrlGroup} and {@link HostedFile} handles obtained before behave as for a deleted group: every
   * {@code UrlGroup} operation throws {@link BitsException} {@link Hresult#E_NOT_FOUND}, {@link
   * UrlGroup#delete()} does nothing and {@link HostedFile#remove()} returns false. A proxy of a
   * server elsewhere (the remote server over WS-Management) releases only itself: the target keeps
   * its groups and serving, and the handles obtained through the proxy throw {@link
   * IllegalStateException} too. On every implementation the value accessors of the handles ({@code
   * prefix()}, {@code suffix()}, {@code source()}, {@code access()}, {@code url(host)}) keep
   * answering.
   */
  @Override
  void close();
}
