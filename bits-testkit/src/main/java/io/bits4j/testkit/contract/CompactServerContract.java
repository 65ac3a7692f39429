package io.bits4j.testkit.contract;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract every {@link CompactServer} fulfils: extend it in the implementation's tests and
 * supply a server and prefixes.
 *
 * <pre>{@code
 * class NettyCompactServerContractTest extends CompactServerContract {
 *   protected CompactServer newServer() { return NettyCompactServer.builder().build(); }
 *   protected UrlPrefix prefixFor(String name) { return UrlPrefix.parse("http://127.0.0.1:" + port + "/" + name); }
 * }
 * }</pre>
 *
 * <p>Each test gets a fresh server from {@link #newServer()}, closed afterwards. Features a server
 * may lack are behind hooks ({@link #windowsSchemesRefused()}, {@link #authSchemesToTest()},
 * {@link #tlsIdentity()}) and skipped through JUnit assumptions. What {@code close()} does to the
 * handles obtained before depends on whether it ends the groups (a local server) or releases only
 * a proxy ({@link #closeEndsGroups()}). No test waits.
 */
public abstract class CompactServerContract {
  /** A directory for source files, fresh per test. */
  @TempDir protected Path tempDir;

  /** The server under test, made by {@link #newServer()} before each test. */
  protected CompactServer server;

  /** Creates the contract. */
  protected CompactServerContract() {}

  /** A new server with no URL groups. */
  protected abstract CompactServer newServer();

  /**
   * A prefix for a group named {@code name} (a valid one-segment path) that the server can open,
   * such as {@code http://127.0.0.1:<free port>/<name>}. Different names must give different
   * prefixes on the same port.
   */
  protected abstract UrlPrefix prefixFor(String name);

  /**
   * A readable regular file the server can host, with some content. The default writes one into
   * {@link #tempDir}; a remote server's test returns a path on its node.
   */
  protected Path sourceFile(String name) throws IOException {
    return Files.writeString(tempDir.resolve(name), "contents of " + name, StandardCharsets.UTF_8);
  }

  /** A path that does not exist on the server's machine. */
  protected Path missingFile() {
    return tempDir.resolve("does-not-exist.bin");
  }

  /**
   * A directory on the server's machine (not a regular file: hosting it is refused), or empty to
   * skip that check.
   */
  protected Optional<Path> directory() {
    return Optional.of(tempDir);
  }

  /** True if the server refuses Negotiate and NTLM with E_NOTIMPL (bits4j's servers do; Windows does not). */
  protected boolean windowsSchemesRefused() {
    return true;
  }

  /** Schemes that can be enabled and disabled on a {@link #prefixFor} group. */
  protected Set<AuthScheme> authSchemesToTest() {
    return Set.of(AuthScheme.BASIC, AuthScheme.DIGEST);
  }

  /** A certificate to bind to a port, or empty to skip the key-material binding test. */
  protected Optional<TlsIdentity> tlsIdentity() {
    return Optional.empty();
  }

  /** A free port to bind certificates to (nothing listens there for the test). */
  protected int sslPort() {
    return 44300;
  }

  /**
   * True if {@link CompactServer#close()} ends the server's URL groups (a local server: the fake,
   * Netty): handles obtained before then answer as for a deleted group. A proxy whose {@code
   * close()} releases only the proxy (the remote server: the node keeps its groups) overrides this
   * to return false: its handles then throw {@link IllegalStateException}.
   */
  protected boolean closeEndsGroups() {
    return true;
  }

  /** Creates the server. */
  @BeforeEach
  protected void createServer() {
    server = newServer();
  }

  /** Closes the server. */
  @AfterEach
  protected void closeServer() {
    server.close();
  }

  /** Asserts that {@code body} throws {@link IllegalStateException}: use of a closed object. */
  protected static IllegalStateException assertClosed(Executable body) {
    return assertThrows(IllegalStateException.class, body, "a closed object is misuse: IllegalStateException");
  }

  /** Asserts that {@code body} throws a {@link BitsException} with this HRESULT. */
  protected static BitsException assertHresult(int expected, Executable body) {
    BitsException e = assertThrows(BitsException.class, body);
    assertEquals(Hresult.hex(expected), Hresult.hex(e.hresult()), () -> "HRESULT of " + e);
    return e;
  }

  @Test
  public void createUrlGroupIsIdempotent() {
    UrlPrefix p = prefixFor("Carmine");
    UrlGroup g1 = server.createUrlGroup(p);
    UrlGroup g2 = server.createUrlGroup(p);
    assertEquals(p, g1.prefix());
    assertEquals(g1.prefix(), g2.prefix());
    assertEquals(1, server.urlGroups().size());
    UrlPrefix otherCase = new UrlPrefix(p.scheme(), p.host().toUpperCase(Locale.ROOT), p.port(),
        p.path().toUpperCase(Locale.ROOT));
    server.createUrlGroup(otherCase);
    assertEquals(1, server.urlGroups().size(), "prefixes compare case-insensitively");
    assertTrue(server.findUrlGroup(otherCase).isPresent());
  }

  @Test
  public void groupsAreListedInCreationOrderAndFoundByPrefix() {
    UrlPrefix a = prefixFor("GroupA");
    UrlPrefix b = prefixFor("GroupB");
    assertTrue(server.findUrlGroup(a).isEmpty());
    assertHresult(Hresult.E_NOT_FOUND, () -> server.urlGroup(a));
    server.createUrlGroup(a);
    server.createUrlGroup(b);
    assertEquals(List.of(a, b), server.urlGroups().stream().map(UrlGroup::prefix).toList());
    assertEquals(b, server.urlGroup(b).prefix());
  }

  @Test
  public void hostFindContainsRemove() throws IOException {
    UrlGroup g = server.createUrlGroup(prefixFor("Carmine"));
    Path src = sourceFile("disk.vhd");
    assertFalse(g.contains("disk.vhd"));
    HostedFile f = g.host("disk.vhd", src, AccessPolicy.NONE);
    assertEquals("disk.vhd", f.suffix());
    assertEquals(g.prefix(), f.prefix());
    assertEquals(src.toAbsolutePath().normalize(), f.source().toAbsolutePath().normalize());
    assertEquals(AccessPolicy.NONE, f.access());
    assertEquals(g.prefix().url("127.0.0.1", "disk.vhd"), f.url("127.0.0.1"));
    assertTrue(g.contains("disk.vhd"));
    assertEquals("disk.vhd", g.find("disk.vhd").map(HostedFile::suffix).orElse(null));
    assertEquals(1, g.files().size());

    assertTrue(g.remove("disk.vhd"));
    assertFalse(g.contains("disk.vhd"));
    assertFalse(g.remove("disk.vhd"), "second remove");
    assertTrue(g.files().isEmpty());
  }

  @Test
  public void hostedFileRemovesItself() throws IOException {
    UrlGroup g = server.createUrlGroup(prefixFor("Carmine"));
    HostedFile f = g.host("a/b/c.bin", sourceFile("c.bin"), AccessPolicy.parse("D:(A;;GR;;;AU)"));
    assertEquals(AccessPolicy.parse("D:(A;;GR;;;AU)"), f.access());
    assertTrue(f.remove());
    assertFalse(f.remove());
    assertFalse(g.contains("a/b/c.bin"));
  }

  @Test
  public void filesAreListedInHostingOrder() throws IOException {
    UrlGroup g = server.createUrlGroup(prefixFor("Carmine"));
    Path src = sourceFile("x.bin");
    g.host("one", src, AccessPolicy.NONE);
    g.host("two", src, AccessPolicy.NONE);
    g.host("three", src, AccessPolicy.NONE);
    assertEquals(List.of("one", "two", "three"), g.files().stream().map(HostedFile::suffix).toList());
  }

  @Test
  public void duplicateSuffixIsRefusedCaseInsensitively() throws IOException {
    UrlGroup g = server.createUrlGroup(prefixFor("Carmine"));
    Path src = sourceFile("x.bin");
    g.host("Disk.vhd", src, AccessPolicy.NONE);
    assertHresult(Hresult.E_ALREADY_EXISTS, () -> g.host("Disk.vhd", src, AccessPolicy.NONE));
    assertHresult(Hresult.E_ALREADY_EXISTS, () -> g.host("DISK.VHD", src, AccessPolicy.NONE));
    assertEquals(1, g.files().size());
  }

  @Test
  public void suffixLookupIsCaseInsensitive() throws IOException {
    UrlGroup g = server.createUrlGroup(prefixFor("Carmine"));
    g.host("disk.vhd", sourceFile("x.bin"), AccessPolicy.NONE);
    assertTrue(g.contains("DISK.VHD"));
    assertTrue(g.find("Disk.Vhd").isPresent());
    assertTrue(g.remove("DISK.vhd"));
    assertFalse(g.contains("disk.vhd"));
  }

  @Test
  public void badSuffixIsRefused() throws IOException {
    UrlGroup g = server.createUrlGroup(prefixFor("Carmine"));
    Path src = sourceFile("x.bin");
    for (String bad : List.of("", "a//b", "../x", "a/./b", "with space", "pct%20", "q?x", "frag#x", "back\\slash")) {
      assertHresult(Hresult.E_INVALIDARG, () -> g.host(bad, src, AccessPolicy.NONE));
    }
    assertTrue(g.files().isEmpty());
  }

  @Test
  public void missingSourceIsRefused() {
    UrlGroup g = server.createUrlGroup(prefixFor("Carmine"));
    assertHresult(Hresult.E_FILE_NOT_FOUND, () -> g.host("x", missingFile(), AccessPolicy.NONE));
    assertFalse(g.contains("x"));
  }

  @Test
  public void directorySourceIsRefused() {
    Optional<Path> dir = directory();
    assumeTrue(dir.isPresent(), "no directory to test with");
    UrlGroup g = server.createUrlGroup(prefixFor("Carmine"));
    assertHresult(Hresult.E_ACCESSDENIED, () -> g.host("x", dir.get(), AccessPolicy.NONE));
    assertFalse(g.contains("x"));
  }

  @Test
  public void deletingAGroupRemovesItsFilesAndLaterOperationsFail() throws IOException {
    UrlPrefix p = prefixFor("Carmine");
    UrlGroup g = server.createUrlGroup(p);
    Path src = sourceFile("x.bin");
    HostedFile f = g.host("x", src, AccessPolicy.NONE);
    assertTrue(server.deleteUrlGroup(p));
    assertFalse(server.deleteUrlGroup(p), "second delete");
    assertTrue(server.findUrlGroup(p).isEmpty());
    assertTrue(server.urlGroups().isEmpty());
    assertFalse(f.remove(), "the file went with its group");
    assertHresult(Hresult.E_NOT_FOUND, () -> g.host("y", src, AccessPolicy.NONE));
    assertHresult(Hresult.E_NOT_FOUND, () -> g.remove("x"));
    assertHresult(Hresult.E_NOT_FOUND, () -> g.find("x"));
    assertHresult(Hresult.E_NOT_FOUND, g::files);
    assertHresult(Hresult.E_NOT_FOUND, () -> g.setConnectionLimit(1));
    assertHresult(Hresult.E_NOT_FOUND, () -> g.setBandwidthLimit(0));
    assertHresult(Hresult.E_NOT_FOUND, () -> g.setAuthentication(AuthScheme.DIGEST, true));
    assertHresult(Hresult.E_NOT_FOUND, g::authentication);
    assertDoesNotThrow(g::delete, "delete() is idempotent");

    UrlGroup again = server.createUrlGroup(p);
    assertTrue(again.files().isEmpty(), "a re-created group starts empty");
  }

  @Test
  public void everyOperationOnADeletedGroupIsNotFoundWhateverItsArguments() throws IOException {
    UrlGroup g = server.createUrlGroup(prefixFor("Carmine"));
    Path src = sourceFile("x.bin");
    g.delete();
    // UrlGroup: "after delete() every operation throws E_NOT_FOUND" -- also with arguments it
    // would refuse on a live group
    assertHresult(Hresult.E_NOT_FOUND, () -> g.host("", src, AccessPolicy.NONE));
    assertHresult(Hresult.E_NOT_FOUND, () -> g.host("x", missingFile(), AccessPolicy.NONE));
    assertHresult(Hresult.E_NOT_FOUND, () -> g.setBandwidthLimit(1));
    assertHresult(Hresult.E_NOT_FOUND, () -> g.setAuthentication(AuthScheme.NEGOTIATE, true));
    assertHresult(Hresult.E_NOT_FOUND, g::connectionLimit);
    assertHresult(Hresult.E_NOT_FOUND, g::bandwidthLimit);
    assertHresult(Hresult.E_NOT_FOUND, g::stats);
  }

  @Test
  public void onePortServesEitherHttpOrHttps() {
    UrlPrefix p = prefixFor("Carmine");
    UrlPrefix other = new UrlPrefix(p.isSecure() ? "http" : "https", p.host(), p.port(), "Other");
    server.createUrlGroup(p);
    assertHresult(Hresult.E_INVALIDARG, () -> server.createUrlGroup(other));
    assertEquals(List.of(p), server.urlGroups().stream().map(UrlGroup::prefix).toList());
    assertTrue(server.findUrlGroup(other).isEmpty());
  }

  @Test
  public void clientCertificatesNeedAnHttpsGroup() {
    UrlPrefix p = prefixFor("Carmine");
    assumeTrue(!p.isSecure(), "prefixFor gives https groups");
    UrlGroup g = server.createUrlGroup(p);
    assertHresult(Hresult.E_INVALIDARG, () -> g.setAuthentication(AuthScheme.CLIENT_CERTIFICATE, true));
    assertTrue(g.authentication().isEmpty());
  }

  @Test
  public void sourceIsReportedAbsoluteAndNormalized() throws IOException {
    UrlGroup g = server.createUrlGroup(prefixFor("Carmine"));
    Path src = sourceFile("x.bin");
    Path roundabout = src.getParent().resolve(".").resolve(src.getFileName());
    HostedFile f = g.host("x", roundabout, AccessPolicy.NONE);
    assertEquals(src.toAbsolutePath().normalize(), f.source());
  }

  @Test
  public void groupDeleteMethodDeletes() throws IOException {
    UrlPrefix p = prefixFor("Carmine");
    UrlGroup g = server.createUrlGroup(p);
    g.host("x", sourceFile("x.bin"), AccessPolicy.NONE);
    g.delete();
    assertTrue(server.findUrlGroup(p).isEmpty());
    assertHresult(Hresult.E_NOT_FOUND, () -> g.contains("x"));
    g.delete();
  }

  @Test
  public void bandwidthLimitIsValidated() {
    UrlGroup g = server.createUrlGroup(prefixFor("Carmine"));
    assertEquals(0, g.bandwidthLimit(), "unlimited by default");
    g.setBandwidthLimit(1024);
    assertEquals(1024, g.bandwidthLimit());
    g.setBandwidthLimit(0xFFFF_FFFFL);
    assertEquals(0xFFFF_FFFFL, g.bandwidthLimit());
    assertHresult(Hresult.E_INVALIDARG, () -> g.setBandwidthLimit(1));
    assertHresult(Hresult.E_INVALIDARG, () -> g.setBandwidthLimit(1023));
    assertHresult(Hresult.E_INVALIDARG, () -> g.setBandwidthLimit(0x1_0000_0000L));
    assertEquals(0xFFFF_FFFFL, g.bandwidthLimit(), "a refused value changes nothing");
    g.setBandwidthLimit(0);
    assertEquals(0, g.bandwidthLimit());
  }

  @Test
  public void connectionLimitGetAndSet() {
    UrlGroup g = server.createUrlGroup(prefixFor("Carmine"));
    assertEquals(0, g.connectionLimit(), "unlimited by default");
    g.setConnectionLimit(5);
    assertEquals(5, g.connectionLimit());
    assertThrows(IllegalArgumentException.class, () -> g.setConnectionLimit(-1));
    assertEquals(5, g.connectionLimit());
    g.setConnectionLimit(0);
    assertEquals(0, g.connectionLimit());
  }

  @Test
  public void authenticationSchemesCanBeEnabledAndDisabled() {
    UrlGroup g = server.createUrlGroup(prefixFor("Carmine"));
    assertTrue(g.authentication().isEmpty(), "anonymous by default");
    Set<AuthScheme> schemes = authSchemesToTest();
    assumeTrue(!schemes.isEmpty(), "no scheme to test");
    for (AuthScheme s : schemes) {
      g.setAuthentication(s, true);
      assertTrue(g.authentication().contains(s), s + " enabled");
    }
    assertEquals(schemes, g.authentication());
    for (AuthScheme s : schemes) {
      g.setAuthentication(s, false);
      assertFalse(g.authentication().contains(s), s + " disabled");
    }
    assertTrue(g.authentication().isEmpty());
  }

  @Test
  public void windowsSchemesAreRefusedWithNotImpl() {
    assumeTrue(windowsSchemesRefused(), "this server speaks Negotiate and NTLM");
    UrlGroup g = server.createUrlGroup(prefixFor("Carmine"));
    assertHresult(Hresult.E_NOTIMPL, () -> g.setAuthentication(AuthScheme.NEGOTIATE, true));
    assertHresult(Hresult.E_NOTIMPL, () -> g.setAuthentication(AuthScheme.NTLM, true));
    assertTrue(g.authentication().isEmpty());
    // disabling a scheme that cannot be on is accepted: the group is as asked (a controller
    // written for Windows targets turns NTLM off on every server)
    assertDoesNotThrow(() -> g.setAuthentication(AuthScheme.NEGOTIATE, false));
    assertDoesNotThrow(() -> g.setAuthentication(AuthScheme.NTLM, false));
    assertTrue(g.authentication().isEmpty());
  }

  @Test
  public void newGroupHasEmptyStats() {
    GroupStats s = server.createUrlGroup(prefixFor("Carmine")).stats();
    assertNotNull(s);
    assertEquals(0, s.activeConnections());
    assertEquals(0, s.requests());
    assertEquals(0, s.bytesSent());
  }

  @Test
  public void sslBindingFromTheStoreNeedsAKnownCertificate() {
    int port = sslPort();
    assertTrue(server.sslCertificate(port).isEmpty());
    assertFalse(server.removeSslCertificate(port), "nothing bound");
    byte[] unknown = new byte[20];
    unknown[0] = 0x42;
    BitsException e = assertThrows(BitsException.class, () -> server.setSslCertificate(port, "MY", unknown));
    assertTrue(e.hresult() == Hresult.E_NOT_FOUND || e.hresult() == Hresult.E_NOTIMPL,
        () -> "expected E_NOT_FOUND (no such certificate) or E_NOTIMPL (no store): " + e);
    assertTrue(server.sslCertificate(port).isEmpty());
  }

  @Test
  public void sslBindingWithKeyMaterial() {
    TlsIdentity id = tlsIdentity().orElse(null);
    int port = bindKeyMaterialOrSkip(id);
    SslBinding b = server.sslCertificate(port).orElseGet(() -> fail("no binding after setSslCertificate"));
    assertEquals(port, b.port());
    assertEquals(java.util.Objects.requireNonNull(id).thumbprintHex(), b.thumbprintHex());
    assertEquals("MY", b.storeName().toUpperCase(Locale.ROOT));
    assertTrue(server.removeSslCertificate(port));
    assertTrue(server.sslCertificate(port).isEmpty());
  }

  /**
   * Binds {@code id} to {@link #sslPort()} and returns the port; skips the test if no identity is
   * supplied or the server takes no key material (E_NOTIMPL).
   */
  private int bindKeyMaterialOrSkip(@org.jspecify.annotations.Nullable TlsIdentity id) {
    assumeTrue(id != null, "no TLS identity supplied");
    int port = sslPort();
    try {
      server.setSslCertificate(port, id);
    } catch (BitsException e) {
      assumeTrue(e.hresult() != Hresult.E_NOTIMPL, () -> "server takes no key material: " + e.getMessage());
      throw e;
    }
    return port;
  }

  @Test
  public void closeIsIdempotent() {
    server.createUrlGroup(prefixFor("Carmine"));
    server.close();
    assertDoesNotThrow(server::close);
  }

  @Test
  public void everyServerCallAfterCloseThrowsIllegalState() {
    UrlPrefix p = prefixFor("Carmine");
    server.createUrlGroup(p);
    int port = sslPort();
    byte[] thumbprint = new byte[20];
    thumbprint[0] = 0x42;
    server.close();
    assertClosed(() -> server.createUrlGroup(p));
    assertClosed(() -> server.createUrlGroup(prefixFor("Other")));
    assertClosed(() -> server.findUrlGroup(p));
    assertClosed(() -> server.urlGroup(p));
    assertClosed(server::urlGroups);
    assertClosed(() -> server.deleteUrlGroup(p));
    assertClosed(() -> server.setSslCertificate(port, "MY", thumbprint));
    assertClosed(() -> server.sslCertificate(port));
    assertClosed(() -> server.removeSslCertificate(port));
    Optional<TlsIdentity> id = tlsIdentity();
    if (id.isPresent()) {
      assertClosed(() -> server.setSslCertificate(port, id.get()));
    }
    assertDoesNotThrow(server::close, "close() stays idempotent");
    assertNotNull(server.toString(), "toString() still answers");
  }

  @Test
  public void tlsBindingsDoNotOutliveClose() {
    int port = bindKeyMaterialOrSkip(tlsIdentity().orElse(null));
    server.close();
    assertClosed(() -> server.sslCertificate(port));
    assertClosed(() -> server.removeSslCertificate(port));
  }

  @Test
  public void handlesObtainedBeforeCloseFollowTheCloseRule() throws IOException {
    UrlPrefix p = prefixFor("Carmine");
    UrlGroup g = server.createUrlGroup(p);
    Path src = sourceFile("x.bin");
    HostedFile f = g.host("x", src, AccessPolicy.NONE);
    server.close();
    // value accessors need no server
    assertEquals(p, g.prefix());
    assertEquals(p, f.prefix());
    assertEquals("x", f.suffix());
    if (closeEndsGroups()) {
      // a local server's close() ends every group: its handles answer as for a deleted group
      assertFalse(f.remove(), "the file went with its group");
      assertHresult(Hresult.E_NOT_FOUND, () -> g.host("y", src, AccessPolicy.NONE));
      assertHresult(Hresult.E_NOT_FOUND, () -> g.remove("x"));
      assertHresult(Hresult.E_NOT_FOUND, () -> g.find("x"));
      assertHresult(Hresult.E_NOT_FOUND, () -> g.contains("x"));
      assertHresult(Hresult.E_NOT_FOUND, g::files);
      assertHresult(Hresult.E_NOT_FOUND, () -> g.setAuthentication(AuthScheme.DIGEST, true));
      assertHresult(Hresult.E_NOT_FOUND, g::authentication);
      assertHresult(Hresult.E_NOT_FOUND, g::connectionLimit);
      assertHresult(Hresult.E_NOT_FOUND, () -> g.setConnectionLimit(1));
      assertHresult(Hresult.E_NOT_FOUND, g::bandwidthLimit);
      assertHresult(Hresult.E_NOT_FOUND, () -> g.setBandwidthLimit(0));
      assertHresult(Hresult.E_NOT_FOUND, g::stats);
      assertDoesNotThrow(g::delete, "delete() of a deleted group is a no-op");
    } else {
      // a proxy's close() releases the proxy only: its handles are closed objects too
      assertClosed(f::remove);
      assertClosed(() -> g.host("y", src, AccessPolicy.NONE));
      assertClosed(() -> g.remove("x"));
      assertClosed(() -> g.find("x"));
      assertClosed(() -> g.contains("x"));
      assertClosed(g::files);
      assertClosed(() -> g.setAuthentication(AuthScheme.DIGEST, true));
      assertClosed(g::authentication);
      assertClosed(g::connectionLimit);
      assertClosed(() -> g.setConnectionLimit(1));
      assertClosed(g::bandwidthLimit);
      assertClosed(() -> g.setBandwidthLimit(0));
      assertClosed(g::stats);
      assertClosed(g::delete);
    }
  }
}
