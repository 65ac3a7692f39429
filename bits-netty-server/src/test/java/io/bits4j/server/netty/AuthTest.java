package io.bits4j.server.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bits4j.AccessPolicy;
import io.bits4j.AuthScheme;
import io.bits4j.BitsException;
import io.bits4j.Hresult;
import io.bits4j.Principal;
import io.bits4j.UrlGroup;
import io.bits4j.UrlPrefix;
import io.bits4j.UserStore;
import io.bits4j.testkit.ForwardingUserStore;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Basic, Digest and client-certificate authentication and per-URL SDDL. */
class AuthTest {
  static UserStore store;
  @TempDir
  Path dir;
  final AtomicLong clock = new AtomicLong(1_000_000_000_000L);
  final CountingUsers users = new CountingUsers(store);
  NettyCompactServer server;
  Path file;

  @BeforeAll
  static void users() {
    store = UserStore.inMemory();
    store.addUser("alice", "wonderland".toCharArray(), Set.of("Engineers"), Set.of("bits4j"));
    store.addUser("bob", "builder".toCharArray(), Set.of(UserStore.ADMINISTRATORS), Set.of("bits4j"));
  }

  /** Counts password checks and records the threads they ran on. */
  static class CountingUsers extends ForwardingUserStore {
    final AtomicInteger authentications = new AtomicInteger();
    final ConcurrentLinkedQueue<String> threads = new ConcurrentLinkedQueue<>();

    CountingUsers(UserStore d) {
      super(d);
    }

    @Override
    public Optional<Principal> authenticate(String user, char[] password) {
      authentications.incrementAndGet();
      threads.add(Thread.currentThread().getName());
      return super.authenticate(user, password);
    }
  }

  @BeforeEach
  void start() throws IOException {
    server = NettyCompactServer.builder().users(users).nanoClock(clock::get).workerThreads(2)
        .clientCertificateAuthorities(List.of(TestSupport.pki().ca.getCertificate())).build();
    file = TestSupport.file(dir, "f.bin", 1000);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  static String basic(String user, String password) {
    return "Authorization: Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  UrlGroup httpsGroup(int port, String name) {
    server.setSslCertificate(port, TestSupport.pki().serverIdentity());
    return server.createUrlGroup(UrlPrefix.parse("https://127.0.0.1:" + port + "/" + name));
  }

  /**
   * A password check that takes longer than the idle timeout (a hash queue under load) is the
   * server's work, not the client's idleness: the connection stays open and the request is answered.
   */
  @Test
  void aPasswordCheckLongerThanTheIdleTimeoutIsAnswered() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    UserStore slow = new CountingUsers(store) {
      @Override
      public Optional<Principal> authenticate(String user, char[] password) {
        entered.countDown();
        try {
          release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return super.authenticate(user, password);
      }
    };
    Duration idle = Duration.ofMillis(300);
    try (NettyCompactServer s = NettyCompactServer.builder().users(slow).workerThreads(2)
        .limits(ServerLimits.DEFAULTS.withHeaderTimeout(idle).withIdleTimeout(idle)).build()) {
      int port = TestSupport.freePort();
      s.setSslCertificate(port, TestSupport.pki().serverIdentity());
      UrlGroup g = s.createUrlGroup(UrlPrefix.parse("https://127.0.0.1:" + port + "/S"));
      g.setAuthentication(AuthScheme.BASIC, true);
      g.host("f.bin", file, AccessPolicy.NONE);
      try (RawHttp c = new RawHttp(port, TestSupport.pki().clientContext(false, "TLS"))) {
        c.sendRaw(("GET /S/f.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n" + basic("alice", "wonderland") + "\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1));
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        // three idle timeouts while the check runs: nothing may arrive, least of all the end of the stream
        c.socket.setSoTimeout((int) idle.toMillis() * 3);
        assertThatThrownBy(() -> c.socket.getInputStream().read())
            .as("the connection is kept while the server verifies the password")
            .isInstanceOf(SocketTimeoutException.class);
        release.countDown();
        c.socket.setSoTimeout(10_000);
        assertThat(c.read(false).status()).isEqualTo(200);
      }
    } finally {
      release.countDown();
    }
  }

  @Test
  void basicOverTlsWithCacheOffTheEventLoop() throws Exception {
    int port = TestSupport.freePort();
    UrlGroup g = httpsGroup(port, "B");
    g.setAuthentication(AuthScheme.BASIC, true);
    g.host("f.bin", file, AccessPolicy.NONE);
    try (RawHttp c = new RawHttp(port, TestSupport.pki().clientContext(false, "TLS"))) {
      RawHttp.Response none = c.request("GET", "/B/f.bin");
      assertThat(none.status()).isEqualTo(401);
      assertThat(none.all("WWW-Authenticate")).containsExactly("Basic realm=\"bits4j\", charset=\"UTF-8\"");
      assertThat(c.request("GET", "/B/f.bin", basic("alice", "wrong")).status()).isEqualTo(401);
      for (int i = 0; i < 20; i++) {
        RawHttp.Response ok = c.request("GET", "/B/f.bin", basic("alice", "wonderland"), "Range: bytes=0-9");
        assertThat(ok.status()).isEqualTo(206);
      }
      // pipelined requests while a hash runs are answered in order
      c.sendRaw(("GET /B/f.bin HTTP/1.1\r\nHost: x\r\n" + basic("bob", "builder") + "\r\nRange: bytes=0-0\r\n\r\n"
          + "GET /B/f.bin HTTP/1.1\r\nHost: x\r\n" + basic("bob", "builder") + "\r\nRange: bytes=0-1\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      assertThat(c.read(false).body()).hasSize(1);
      assertThat(c.read(false).body()).hasSize(2);
    }
    // one hash for the wrong password, one for alice (then cached), at most two for bob
    assertThat(users.authentications.get()).isBetween(3, 4);
    assertThat(users.threads).allMatch(t -> t.equals("bits4j-server-auth"));
    // the cache expires after at most a minute
    clock.addAndGet(61_000_000_000L);
    try (RawHttp c = new RawHttp(port, TestSupport.pki().clientContext(false, "TLS"))) {
      int before = users.authentications.get();
      assertThat(c.request("GET", "/B/f.bin", basic("alice", "wonderland")).status()).isEqualTo(200);
      assertThat(users.authentications.get()).isEqualTo(before + 1);
    }
  }

  @Test
  void basicOnPlainHttpRefusedUnlessAllowed() throws Exception {
    int port = TestSupport.freePort();
    UrlGroup g = server.createUrlGroup(UrlPrefix.parse("http://127.0.0.1:" + port + "/P"));
    assertThatThrownBy(() -> g.setAuthentication(AuthScheme.BASIC, true))
        .isInstanceOfSatisfying(BitsException.class, e -> assertThat(e.hresult()).isEqualTo(Hresult.E_INVALIDARG));
    try (NettyCompactServer lax = NettyCompactServer.builder().users(users).allowBasicOverHttp(true).workerThreads(1).build()) {
      int p2 = TestSupport.freePort();
      UrlGroup g2 = lax.createUrlGroup(UrlPrefix.parse("http://127.0.0.1:" + p2 + "/P"));
      g2.setAuthentication(AuthScheme.BASIC, true);
      g2.host("f.bin", file, AccessPolicy.NONE);
      try (RawHttp c = RawHttp.plain(p2)) {
        assertThat(c.request("GET", "/P/f.bin").status()).isEqualTo(401);
        assertThat(c.request("GET", "/P/f.bin", basic("alice", "wonderland")).status()).isEqualTo(200);
      }
    }
  }

  @Test
  void basicAndDigestNeedAUserStore() {
    try (NettyCompactServer bare = NettyCompactServer.builder().workerThreads(1).build()) {
      UrlGroup g = bare.createUrlGroup(UrlPrefix.parse("http://127.0.0.1:" + TestSupport.freePort() + "/P"));
      assertThatThrownBy(() -> g.setAuthentication(AuthScheme.DIGEST, true))
          .isInstanceOfSatisfying(BitsException.class, e -> assertThat(e.hresult()).isEqualTo(Hresult.E_INVALIDARG));
    }
  }

  static final Pattern PARAM = Pattern.compile("(\\w+)=(?:\"([^\"]*)\"|([^,\\s]*))");

  static Map<String, String> params(String challenge) {
    Map<String, String> m = new java.util.HashMap<>();
    Matcher x = PARAM.matcher(challenge);
    while (x.find()) {
      m.put(x.group(1), x.group(2) != null ? x.group(2) : x.group(3));
    }
    return m;
  }

  static String h(String alg, String s) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance(alg).digest(s.getBytes(StandardCharsets.UTF_8)));
  }

  static String digest(Map<String, String> ch, String alg, String user, String password, String uri, String nc)
      throws Exception {
    String ha1 = h(alg, user + ":" + ch.get("realm") + ":" + password);
    String cnonce = "0a4f113b";
    String resp = h(alg, ha1 + ":" + ch.get("nonce") + ":" + nc + ":" + cnonce + ":auth:" + h(alg, "GET:" + uri));
    return "Authorization: Digest username=\"" + user + "\", realm=\"" + ch.get("realm") + "\", nonce=\"" + ch.get("nonce")
        + "\", uri=\"" + uri + "\", algorithm=" + ch.get("algorithm") + ", qop=auth, nc=" + nc + ", cnonce=\"" + cnonce
        + "\", response=\"" + resp + "\", opaque=\"" + ch.get("opaque") + "\"";
  }

  @Test
  void digestSha256AndMd5WithReplayAndStaleNonces() throws Exception {
    int port = TestSupport.freePort();
    UrlGroup g = server.createUrlGroup(UrlPrefix.parse("http://127.0.0.1:" + port + "/D"));
    g.setAuthentication(AuthScheme.DIGEST, true);
    g.host("f.bin", file, AccessPolicy.NONE);
    String uri = "/D/f.bin";
    try (RawHttp c = RawHttp.plain(port)) {
      RawHttp.Response first = c.request("GET", uri);
      assertThat(first.status()).isEqualTo(401);
      List<String> challenges = first.all("WWW-Authenticate");
      assertThat(challenges).hasSize(2);
      Map<String, String> sha = params(challenges.get(0));
      Map<String, String> md5 = params(challenges.get(1));
      assertThat(sha).containsEntry("algorithm", "SHA-256").containsEntry("realm", "bits4j").containsEntry("qop", "auth");
      assertThat(md5).containsEntry("algorithm", "MD5");
      assertThat(c.request("GET", uri, digest(sha, "SHA-256", "alice", "wonderland", uri, "00000001")).status()).isEqualTo(200);
      assertThat(c.request("GET", uri, digest(sha, "SHA-256", "alice", "wonderland", uri, "00000001")).status())
          .as("replayed nonce count").isEqualTo(401);
      assertThat(c.request("GET", uri, digest(sha, "SHA-256", "alice", "wonderland", uri, "00000002")).status()).isEqualTo(200);
      md5 = params(c.request("GET", uri).all("WWW-Authenticate").get(1)); // a fresh nonce (counts are per nonce)
      assertThat(c.request("GET", uri, digest(md5, "MD5", "bob", "builder", uri, "00000001")).status()).isEqualTo(200);
      assertThat(c.request("GET", uri, digest(md5, "MD5", "bob", "wrong", uri, "00000002")).status()).isEqualTo(401);
      assertThat(c.request("GET", uri, digest(md5, "MD5", "bob", "builder", "/D/other", "00000003")).status()).isEqualTo(401);
      clock.addAndGet(6L * 60 * 1_000_000_000L); // past the 5-minute nonce lifetime
      RawHttp.Response stale = c.request("GET", uri, digest(sha, "SHA-256", "alice", "wonderland", uri, "00000003"));
      assertThat(stale.status()).isEqualTo(401);
      assertThat(stale.all("WWW-Authenticate")).allMatch(x -> x.contains("stale=true"));
      Map<String, String> fresh = params(stale.all("WWW-Authenticate").get(0));
      assertThat(c.request("GET", uri, digest(fresh, "SHA-256", "alice", "wonderland", uri, "00000001")).status()).isEqualTo(200);
    }
    assertThat(users.authentications.get()).isZero(); // Digest never runs PBKDF2
  }

  @Test
  void digestChallengeOrderIsConfigurable() throws Exception {
    try (NettyCompactServer md5First = NettyCompactServer.builder().users(users).workerThreads(1)
        .digestAlgorithms(List.of(UserStore.DigestAlgorithm.MD5)).build()) {
      int port = TestSupport.freePort();
      UrlGroup g = md5First.createUrlGroup(UrlPrefix.parse("http://127.0.0.1:" + port + "/D"));
      g.setAuthentication(AuthScheme.DIGEST, true);
      g.host("f.bin", file, AccessPolicy.NONE);
      try (RawHttp c = RawHttp.plain(port)) {
        List<String> ch = c.request("GET", "/D/f.bin").all("WWW-Authenticate");
        assertThat(ch).hasSize(1);
        Map<String, String> p = params(ch.get(0));
        assertThat(p).containsEntry("algorithm", "MD5");
        assertThat(c.request("GET", "/D/f.bin", digest(p, "MD5", "alice", "wonderland", "/D/f.bin", "1")).status()).isEqualTo(200);
        // an algorithm not offered is not accepted
        Map<String, String> sha = new java.util.HashMap<>(p);
        sha.put("algorithm", "SHA-256");
        assertThat(c.request("GET", "/D/f.bin", digest(sha, "SHA-256", "alice", "wonderland", "/D/f.bin", "2")).status()).isEqualTo(401);
      }
    }
  }

  @Test
  void unhostedSuffixesOfAnAuthenticatedGroupAre401UntilAuthenticated() throws Exception {
    int port = TestSupport.freePort();
    UrlGroup g = httpsGroup(port, "S");
    g.setAuthentication(AuthScheme.BASIC, true);
    g.host("f.bin", file, AccessPolicy.NONE);
    UrlGroup open = httpsGroup(port, "Open");
    open.host("f.bin", file, AccessPolicy.NONE);
    try (RawHttp c = new RawHttp(port, TestSupport.pki().clientContext(false, "TLS"))) {
      // unauthenticated: the same 401 and challenge whether the suffix is hosted or not
      RawHttp.Response hosted = c.request("GET", "/S/f.bin");
      RawHttp.Response unhosted = c.request("GET", "/S/secret-plan.bin");
      assertThat(hosted.status()).isEqualTo(401);
      assertThat(unhosted.status()).isEqualTo(401);
      assertThat(unhosted.all("WWW-Authenticate")).isEqualTo(hosted.all("WWW-Authenticate"));
      assertThat(c.request("HEAD", "/S/secret-plan.bin").status()).isEqualTo(401);
      // authenticated: 404 for what is not hosted
      assertThat(c.request("GET", "/S/secret-plan.bin", basic("alice", "wonderland")).status()).isEqualTo(404);
      assertThat(c.request("GET", "/S/f.bin", basic("alice", "wonderland")).status()).isEqualTo(200);
      // a group without authentication: 404 at once; an unknown group: 404 at once
      assertThat(c.request("GET", "/Open/nothing").status()).isEqualTo(404);
      assertThat(c.request("GET", "/Nowhere/f.bin").status()).isEqualTo(404);
    }
  }

  @Test
  void sddlPerUrlGives403AndAnonymousGroupsStillApplyIt() throws Exception {
    int port = TestSupport.freePort();
    UrlGroup open = server.createUrlGroup(UrlPrefix.parse("http://127.0.0.1:" + port + "/Open"));
    open.host("everyone", file, AccessPolicy.NONE);
    open.host("authenticated-only", file, AccessPolicy.parse("D:(A;;GR;;;AU)"));
    UrlGroup admins = server.createUrlGroup(UrlPrefix.parse("http://127.0.0.1:" + port + "/Admins"));
    admins.setAuthentication(AuthScheme.DIGEST, true);
    admins.host("f", file, AccessPolicy.parse("D:(A;;GR;;;BA)"));
    admins.host("alice", file, AccessPolicy.parse("D:(A;;FR;;;" + Principal.userSid("alice") + ")"));
    try (RawHttp c = RawHttp.plain(port)) {
      assertThat(c.request("GET", "/Open/everyone").status()).isEqualTo(200);
      assertThat(c.request("GET", "/Open/authenticated-only").status()).isEqualTo(403);
      RawHttp.Response ch = c.request("GET", "/Admins/f");
      assertThat(ch.status()).isEqualTo(401);
      Map<String, String> p = params(ch.all("WWW-Authenticate").get(0));
      assertThat(c.request("GET", "/Admins/f", digest(p, "SHA-256", "alice", "wonderland", "/Admins/f", "1")).status()).isEqualTo(403);
      assertThat(c.request("GET", "/Admins/f", digest(p, "SHA-256", "bob", "builder", "/Admins/f", "2")).status()).isEqualTo(200);
      assertThat(c.request("GET", "/Admins/alice", digest(p, "SHA-256", "alice", "wonderland", "/Admins/alice", "3")).status()).isEqualTo(200);
      assertThat(c.request("GET", "/Admins/alice", digest(p, "SHA-256", "bob", "builder", "/Admins/alice", "4")).status()).isEqualTo(403);
    }
  }

  @Test
  void clientCertificatesRequiredOnThePortAndMappedToUsers() throws Exception {
    int port = TestSupport.freePort();
    UrlGroup g = httpsGroup(port, "C");
    g.setAuthentication(AuthScheme.CLIENT_CERTIFICATE, true);
    g.host("f.bin", file, AccessPolicy.parse("D:(A;;GR;;;" + Principal.userSid("alice") + ")"));
    g.host("engineers", file, AccessPolicy.parse("D:(A;;GR;;;" + Principal.groupSid("Engineers") + ")"));
    g.host("admins", file, AccessPolicy.parse("D:(A;;GR;;;BA)"));
    try (RawHttp c = new RawHttp(port, TestSupport.pki().clientContext(true, "TLS"))) {
      assertThat(c.request("GET", "/C/f.bin").status()).isEqualTo(200);
      assertThat(c.request("GET", "/C/engineers").status()).isEqualTo(200); // CN=alice mapped to the store's alice
      assertThat(c.request("GET", "/C/admins").status()).isEqualTo(403);
    }
    // a store user named by the certificate's thumbprint takes precedence over the CN
    String thumb = HexFormat.of().formatHex(io.bits4j.TlsIdentity.sha1(TestSupport.pki().client.getCertificate()));
    store.addUser(thumb, "unused-password".toCharArray(), Set.of(UserStore.ADMINISTRATORS), Set.of());
    try (RawHttp c = new RawHttp(port, TestSupport.pki().clientContext(true, "TLS"))) {
      assertThat(c.request("GET", "/C/admins").status()).isEqualTo(200);
      assertThat(c.request("GET", "/C/f.bin").status()).isEqualTo(403); // no longer alice
      // another certificate from the same CA whose CN claims that thumbprint is not that user
      io.netty.pkitesting.X509Bundle impostor = new io.netty.pkitesting.CertificateBuilder().subject("CN=" + thumb)
          .addExtendedKeyUsageClientAuth().ecp256().buildIssuedBy(TestSupport.pki().ca);
      javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
      ctx.init(impostor.toKeyManagerFactory().getKeyManagers(),
          TestSupport.pki().ca.toTrustManagerFactory().getTrustManagers(), new java.security.SecureRandom());
      try (RawHttp i = new RawHttp(port, ctx)) {
        assertThat(i.request("GET", "/C/admins").status()).isEqualTo(403);
      }
    } finally {
      store.removeUser(thumb);
    }
    // no certificate: the handshake (or the first read) fails; never served
    try (RawHttp c = new RawHttp(port, TestSupport.pki().clientContext(false, "TLS"))) {
      assertThatThrownBy(() -> c.request("GET", "/C/f.bin")).isInstanceOf(IOException.class);
    } catch (IOException expected) {
      // TLS 1.2: refused inside the handshake
    }
    assertThatThrownBy(() -> server.createUrlGroup(UrlPrefix.parse("https://127.0.0.1:" + port + "/Other")))
        .isInstanceOfSatisfying(BitsException.class, e -> assertThat(e.hresult()).isEqualTo(Hresult.E_INVALIDARG));
  }

  @Test
  void clientCertificatesCannotMixWithOtherGroupsOrPlainHttp() throws Exception {
    int port = TestSupport.freePort();
    UrlGroup a = httpsGroup(port, "A");
    UrlGroup b = server.createUrlGroup(UrlPrefix.parse("https://127.0.0.1:" + port + "/B"));
    assertThatThrownBy(() -> a.setAuthentication(AuthScheme.CLIENT_CERTIFICATE, true))
        .isInstanceOfSatisfying(BitsException.class, e -> assertThat(e.hresult()).isEqualTo(Hresult.E_INVALIDARG));
    assertThat(b.authentication()).isEmpty();
    UrlGroup plain = server.createUrlGroup(UrlPrefix.parse("http://127.0.0.1:" + TestSupport.freePort() + "/P"));
    assertThatThrownBy(() -> plain.setAuthentication(AuthScheme.CLIENT_CERTIFICATE, true))
        .isInstanceOfSatisfying(BitsException.class, e -> assertThat(e.hresult()).isEqualTo(Hresult.E_INVALIDARG));
    try (NettyCompactServer noCa = NettyCompactServer.builder().workerThreads(1).build()) {
      int p = TestSupport.freePort();
      noCa.setSslCertificate(p, TestSupport.pki().serverIdentity());
      UrlGroup g = noCa.createUrlGroup(UrlPrefix.parse("https://127.0.0.1:" + p + "/G"));
      assertThatThrownBy(() -> g.setAuthentication(AuthScheme.CLIENT_CERTIFICATE, true))
          .isInstanceOfSatisfying(BitsException.class, e -> assertThat(e.hresult()).isEqualTo(Hresult.E_INVALIDARG));
    }
  }

  static String basicRaw(String userColonPassword) {
    return "Authorization: Basic " + Base64.getEncoder().encodeToString(userColonPassword.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void basicCacheKeyIsTheCredentialsOnly() throws Exception {
    // UTF-8 encoding leaves zero-filled spare room in its buffer: "carol:" + 15 euro signs and
    // the same with 22 NULs appended encoded to the same array, so the longer (wrong) password hit
    // the cached entry; PBKDF2 refuses it (67 bytes are past HMAC's zero padding of short keys)
    String pw = "\u20ac".repeat(15);
    store.addUser("carol", pw.toCharArray(), Set.of(), Set.of());
    try {
      int port = TestSupport.freePort();
      UrlGroup g = httpsGroup(port, "B");
      g.setAuthentication(AuthScheme.BASIC, true);
      g.host("f.bin", file, AccessPolicy.NONE);
      try (RawHttp c = new RawHttp(port, TestSupport.pki().clientContext(false, "TLS"))) {
        assertThat(c.request("GET", "/B/f.bin", basicRaw("carol:" + pw)).status()).isEqualTo(200);
        int before = users.authentications.get();
        assertThat(c.request("GET", "/B/f.bin", basicRaw("carol:" + pw + "\0".repeat(22))).status()).isEqualTo(401);
        assertThat(users.authentications.get()).isEqualTo(before + 1);
      }
    } finally {
      store.removeUser("carol");
    }
  }

  @Test
  void basicCacheSeesRemovedUsersAndNewGroupsAtOnce() throws Exception {
    store.addUser("dave", "pw-dave".toCharArray(), Set.of(UserStore.ADMINISTRATORS), Set.of());
    try {
      int port = TestSupport.freePort();
      UrlGroup g = httpsGroup(port, "B");
      g.setAuthentication(AuthScheme.BASIC, true);
      g.host("admins", file, AccessPolicy.parse("D:(A;;GR;;;BA)"));
      g.host("f.bin", file, AccessPolicy.NONE);
      try (RawHttp c = new RawHttp(port, TestSupport.pki().clientContext(false, "TLS"))) {
        assertThat(c.request("GET", "/B/admins", basic("dave", "pw-dave")).status()).isEqualTo(200);
        store.setGroups("dave", Set.of());
        assertThat(c.request("GET", "/B/admins", basic("dave", "pw-dave")).status()).as("no longer an administrator").isEqualTo(403);
        assertThat(c.request("GET", "/B/f.bin", basic("dave", "pw-dave")).status()).isEqualTo(200);
        store.removeUser("dave");
        assertThat(c.request("GET", "/B/f.bin", basic("dave", "pw-dave")).status()).as("removed user").isEqualTo(401);
        // a changed password: the old one lasts at most the cache's minute
        assertThat(c.request("GET", "/B/f.bin", basic("alice", "wonderland")).status()).isEqualTo(200);
        store.addUser("alice", "looking-glass".toCharArray(), Set.of("Engineers"), Set.of("bits4j"));
        clock.addAndGet(60_000_000_000L);
        assertThat(c.request("GET", "/B/f.bin", basic("alice", "wonderland")).status()).isEqualTo(401);
        assertThat(c.request("GET", "/B/f.bin", basic("alice", "looking-glass")).status()).isEqualTo(200);
      }
    } finally {
      store.removeUser("dave");
      store.addUser("alice", "wonderland".toCharArray(), Set.of("Engineers"), Set.of("bits4j"));
    }
  }

  @Test
  void basicRefusesMalformedCredentialsAndIsNotCheckedWhereUnusable() throws Exception {
    int port = TestSupport.freePort();
    UrlGroup g = httpsGroup(port, "BD");
    g.setAuthentication(AuthScheme.BASIC, true);
    g.setAuthentication(AuthScheme.DIGEST, true);
    g.host("f.bin", file, AccessPolicy.parse("D:(A;;GR;;;AN)(A;;GR;;;AU)"));
    try (RawHttp c = new RawHttp(port, TestSupport.pki().clientContext(false, "TLS"))) {
      for (String bad : List.of("Authorization: Basic !!!", basicRaw("alicewonderland"), basicRaw(":wonderland"),
          "Authorization: Basic /w==", "Authorization: Bearer abc")) {
        RawHttp.Response r = c.request("GET", "/BD/f.bin", bad);
        assertThat(r.status()).as(bad).isEqualTo(401);
        // every enabled scheme is offered, even where the policy would admit anonymous
        assertThat(r.all("WWW-Authenticate")).hasSize(3).anyMatch(x -> x.startsWith("Basic "))
            .anyMatch(x -> x.contains("algorithm=MD5")).anyMatch(x -> x.contains("algorithm=SHA-256"));
      }
    }
    int plain = TestSupport.freePort();
    UrlGroup d = server.createUrlGroup(UrlPrefix.parse("http://127.0.0.1:" + plain + "/D"));
    d.setAuthentication(AuthScheme.DIGEST, true);
    d.host("f.bin", file, AccessPolicy.NONE);
    try (RawHttp c = RawHttp.plain(plain)) {
      RawHttp.Response r = c.request("GET", "/D/f.bin", basic("alice", "wonderland"));
      assertThat(r.status()).isEqualTo(401);
      assertThat(r.all("WWW-Authenticate")).noneMatch(x -> x.startsWith("Basic"));
    }
    assertThat(users.authentications.get()).isZero();
  }

  @Test
  void digestRefusesOldCountsForeignNoncesAndOtherModes() throws Exception {
    int port = TestSupport.freePort();
    UrlGroup g = server.createUrlGroup(UrlPrefix.parse("http://127.0.0.1:" + port + "/D"));
    g.setAuthentication(AuthScheme.DIGEST, true);
    g.host("f.bin", file, AccessPolicy.NONE);
    String uri = "/D/f.bin";
    Map<String, String> foreign;
    try (NettyCompactServer other = NettyCompactServer.builder().users(users).nanoClock(clock::get).workerThreads(1).build()) {
      int p2 = TestSupport.freePort();
      UrlGroup o = other.createUrlGroup(UrlPrefix.parse("http://127.0.0.1:" + p2 + "/D"));
      o.setAuthentication(AuthScheme.DIGEST, true);
      o.host("f.bin", file, AccessPolicy.NONE);
      try (RawHttp c = RawHttp.plain(p2)) {
        foreign = params(c.request("GET", uri).all("WWW-Authenticate").get(0));
      }
    }
    try (RawHttp c = RawHttp.plain(port)) {
      RawHttp.Response r = c.request("GET", uri, digest(foreign, "SHA-256", "alice", "wonderland", uri, "00000001"));
      assertThat(r.status()).as("another server's nonce").isEqualTo(401);
      assertThat(r.all("WWW-Authenticate")).noneMatch(x -> x.contains("stale"));
      Map<String, String> sha = params(r.all("WWW-Authenticate").get(0));
      String ok = digest(sha, "SHA-256", "alice", "wonderland", uri, "00000005");
      assertThat(c.request("GET", uri, ok.replace("qop=auth, ", "")).status()).as("no qop").isEqualTo(401);
      assertThat(c.request("GET", uri, ok.replace("qop=auth, ", "qop=auth-int, ")).status()).as("auth-int").isEqualTo(401);
      assertThat(c.request("GET", uri, ok + ", userhash=true").status()).as("userhash").isEqualTo(401);
      assertThat(c.request("GET", uri, "Authorization: Digest username=\"alice").status()).isEqualTo(401);
      assertThat(c.request("GET", uri, ok).status()).isEqualTo(200);
      assertThat(c.request("GET", uri, digest(sha, "SHA-256", "alice", "wonderland", uri, "00000003")).status())
          .as("count going backwards").isEqualTo(401);
      assertThat(c.request("GET", uri, digest(sha, "SHA-256", "alice", "wonderland", uri, "00000006")).status()).isEqualTo(200);
    }
  }

  @Test
  void digestNonAsciiUserNames() throws Exception {
    store.addUser("j\u00fcrgen", "p\u00e4ss".toCharArray(), Set.of(), Set.of("bits4j"));
    store.addUser("\u674e\u56db", "pw".toCharArray(), Set.of(), Set.of("bits4j"));
    try {
      int port = TestSupport.freePort();
      UrlGroup g = server.createUrlGroup(UrlPrefix.parse("http://127.0.0.1:" + port + "/D"));
      g.setAuthentication(AuthScheme.DIGEST, true);
      g.host("f.bin", file, AccessPolicy.NONE);
      String uri = "/D/f.bin";
      try (RawHttp c = RawHttp.plain(port)) {
        Map<String, String> sha = params(c.request("GET", uri).all("WWW-Authenticate").get(0));
        // the name's UTF-8 octets in the quoted string (RawHttp sends each char as one octet)
        String h = digest(sha, "SHA-256", "\u674e\u56db", "pw", uri, "00000001");
        assertThat(c.request("GET", uri, new String(h.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1)).status())
            .isEqualTo(200);
        // ISO-8859-1 octets, as clients writing headers in ISO-8859-1 send them
        assertThat(c.request("GET", uri, digest(sha, "SHA-256", "j\u00fcrgen", "p\u00e4ss", uri, "00000002")).status()).isEqualTo(200);
        // username* (RFC 7616, section 3.4; RFC 8187)
        String ext = digest(sha, "SHA-256", "j\u00fcrgen", "p\u00e4ss", uri, "00000003")
            .replace("username=\"j\u00fcrgen\"", "username*=UTF-8''j%C3%BCrgen");
        assertThat(c.request("GET", uri, ext).status()).isEqualTo(200);
        String both = digest(sha, "SHA-256", "j\u00fcrgen", "p\u00e4ss", uri, "00000004") + ", username*=UTF-8''j%C3%BCrgen";
        assertThat(c.request("GET", uri, both).status()).as("username and username*").isEqualTo(401);
      }
    } finally {
      store.removeUser("j\u00fcrgen");
      store.removeUser("\u674e\u56db");
    }
  }

  @Test
  void clientCertificatesFromOtherCasOrExpiredAreRefused() throws Exception {
    io.netty.pkitesting.X509Bundle otherCa = new io.netty.pkitesting.CertificateBuilder().subject("CN=other CA")
        .setIsCertificateAuthority(true).ecp256().buildSelfSigned();
    io.netty.pkitesting.X509Bundle foreign = new io.netty.pkitesting.CertificateBuilder().subject("CN=alice")
        .addExtendedKeyUsageClientAuth().ecp256().buildIssuedBy(otherCa);
    io.netty.pkitesting.X509Bundle expired = new io.netty.pkitesting.CertificateBuilder().subject("CN=alice")
        .addExtendedKeyUsageClientAuth().notBefore(java.time.Instant.now().minus(java.time.Duration.ofDays(30)))
        .notAfter(java.time.Instant.now().minus(java.time.Duration.ofDays(1))).ecp256().buildIssuedBy(TestSupport.pki().ca);
    int port = TestSupport.freePort();
    UrlGroup g = httpsGroup(port, "C");
    g.setAuthentication(AuthScheme.CLIENT_CERTIFICATE, true);
    g.host("f.bin", file, AccessPolicy.NONE);
    for (io.netty.pkitesting.X509Bundle cert : List.of(foreign, expired)) {
      javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
      ctx.init(cert.toKeyManagerFactory().getKeyManagers(), TestSupport.pki().ca.toTrustManagerFactory().getTrustManagers(), null);
      for (String protocol : List.of("TLSv1.2", "TLSv1.3")) {
        assertThatThrownBy(() -> {
          try (RawHttp c = new RawHttp(port, ctx, new String[] {protocol})) {
            c.request("GET", "/C/f.bin");
          }
        }).as("%s %s", cert.getCertificate().getNotAfter(), protocol).isInstanceOf(IOException.class);
      }
    }
  }
}
