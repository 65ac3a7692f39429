package io.bits4j.wsman;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bits4j.BitsException;
import io.bits4j.Hresult;
import io.bits4j.Principal;
import io.bits4j.UserStore;
import io.bits4j.testkit.ForwardingUserStore;
import io.bits4j.wsman.internal.Ns;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * Brute-force throttling of password logins per client address, and the per-address connection
 * cap, over loopback: 127.0.0.1 plays the attacker, 127.0.0.2 another administrator (the whole of
 * 127/8 is loopback on Linux, and a client socket may bind to any of it). The lockout clock is the
 * {@link TestScheduler}; the hash count comes from a {@link UserStore} that counts its password checks.
 */
class ThrottlingTest {
  static final String ATTACKER = "127.0.0.1";
  static final String OTHER = "127.0.0.2";

  /** Counts {@link UserStore#authenticate} calls: each is one PBKDF2 hash. */
  static final class CountingUsers extends ForwardingUserStore {
    final AtomicInteger hashes = new AtomicInteger();

    CountingUsers() {
      super(UserStore.inMemory());
    }

    @Override
    public Optional<Principal> authenticate(String user, char[] password) {
      hashes.incrementAndGet();
      return super.authenticate(user, password);
    }
  }

  record Reply(int status, Map<String, String> headers) {
    @Nullable String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  static final byte[] ENUMERATE = HostileInputTest.env(Ns.URL_GROUP_URI, Ns.ACTION_ENUMERATE, "", "<n:Enumerate/>")
      .getBytes(StandardCharsets.UTF_8);

  /** One request on a new connection from {@code from} (a loopback address), read to the end. */
  static Reply post(ManagementEndpoint ep, String from, @Nullable String authorization, String... headers)
      throws IOException {
    return post(ep, from, ENUMERATE, authorization, headers);
  }

  static Reply post(ManagementEndpoint ep, String from, byte[] body, @Nullable String authorization,
      String... headers) throws IOException {
    try (Socket s = connect(ep, from)) {
      s.setSoTimeout(15_000);
      String[] all = new String[headers.length + 1];
      System.arraycopy(headers, 0, all, 0, headers.length);
      all[headers.length] = "Connection: close";
      s.getOutputStream().write(HostileInputTest.http(body, authorization, all));
      return parse(s.getInputStream().readAllBytes());
    }
  }

  /** True if an administrator's request from {@code from} is answered 200 (false if refused). */
  static boolean served(ManagementEndpoint ep, String from) {
    try {
      return post(ep, from, GOOD).status() == 200;
    } catch (IOException refused) {
      return false;
    }
  }

  static Socket connect(ManagementEndpoint ep, String from) throws IOException {
    Socket s = new Socket();
    s.bind(new InetSocketAddress(from, 0));
    s.connect(ep.address(), 10_000);
    return s;
  }

  static Reply parse(byte[] raw) {
    String text = new String(raw, StandardCharsets.ISO_8859_1);
    if (text.isEmpty()) {
      return new Reply(-1, Map.of());
    }
    String[] lines = text.substring(0, Math.max(0, text.indexOf("\r\n\r\n"))).split("\r\n");
    Map<String, String> h = new TreeMap<>();
    for (int i = 1; i < lines.length; i++) {
      int c = lines[i].indexOf(':');
      h.put(lines[i].substring(0, c).strip().toLowerCase(Locale.ROOT), lines[i].substring(c + 1).strip());
    }
    return new Reply(Integer.parseInt(lines[0].split(" ")[1]), h);
  }

  static boolean eventually(BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.onSpinWait();
    }
    return true;
  }

  static CountingUsers users() {
    CountingUsers users = new CountingUsers();
    users.addUser("admin", "s3cret".toCharArray(), Set.of(UserStore.ADMINISTRATORS), Set.of());
    return users;
  }

  static ManagementEndpoint.Builder plain(UserStore users, TestScheduler clock) {
    return ManagementEndpoint.builder().compactServer(new TinyServer()).users(users).scheduler(clock)
        .allowPlainHttp(true).bind(new InetSocketAddress("127.0.0.1", 0));
  }

  static final String GOOD = Http.basic("admin", "s3cret");
  static final String BAD = Http.basic("admin", "guess");

  @Test
  void wrongPasswordsLockTheAddressOutWithoutHashingUntilTheLockoutEnds() throws Exception {
    CountingUsers users = users();
    TestScheduler clock = new TestScheduler();
    try (ManagementEndpoint ep = plain(users, clock).build()) {
      for (int i = 0; i < 5; i++) {
        Reply r = post(ep, ATTACKER, Http.basic("admin", "guess" + i));
        assertThat(r.status()).as("guess %d", i).isEqualTo(401);
        assertThat(r.header("WWW-Authenticate")).isEqualTo("Basic realm=\"WSMAN\"");
      }
      assertThat(users.hashes.get()).isEqualTo(5);
      // locked out: right or wrong, refused unverified, with how long to wait
      Reply right = post(ep, ATTACKER, GOOD);
      assertThat(right.status()).isEqualTo(429);
      assertThat(right.header("Retry-After")).isEqualTo("60");
      assertThat(right.header("WWW-Authenticate")).isNull();
      assertThat(post(ep, ATTACKER, BAD).status()).isEqualTo(429);
      assertThat(users.hashes.get()).as("no hash while locked out").isEqualTo(5);
      // our own client says what happened, not "wrong password"
      assertThatThrownBy(() -> Http.wsman(ep.uri(), "admin", "s3cret").identify(false))
          .isInstanceOfSatisfying(BitsException.class, e -> {
            assertThat(e.hresult()).isEqualTo(Hresult.E_ACCESSDENIED);
            assertThat(e.getMessage()).contains("HTTP 429").contains("retry after 60 s");
          });
      // no password, no guess: the challenge round trip and the unauthenticated Identify still work
      assertThat(post(ep, ATTACKER, null).status()).isEqualTo(401);
      assertThat(post(ep, ATTACKER, EndpointTest.identify(), null, "WSMANIDENTIFY: unauthenticated").status())
          .isEqualTo(200);
      // another address is not affected
      assertThat(post(ep, OTHER, GOOD).status()).isEqualTo(200);
      assertThat(users.hashes.get()).isEqualTo(6);
      clock.advance(Duration.ofSeconds(59));
      Reply almost = post(ep, ATTACKER, GOOD);
      assertThat(almost.status()).isEqualTo(429);
      assertThat(almost.header("Retry-After")).isEqualTo("1");
      clock.advance(Duration.ofSeconds(1));
      assertThat(post(ep, ATTACKER, GOOD).status()).as("after the lockout").isEqualTo(200);
      assertThat(users.hashes.get()).isEqualTo(7);
      // the success cleared the record: five more failures, and the lockout is the first one's again
      for (int i = 0; i < 5; i++) {
        assertThat(post(ep, ATTACKER, BAD).status()).isEqualTo(401);
      }
      assertThat(post(ep, ATTACKER, GOOD).header("Retry-After")).isEqualTo("60");
    }
  }

  @Test
  void aNonAdministratorsValidLoginDoesNotResetTheGuessingCount() throws Exception {
    CountingUsers users = users();
    users.addUser("bob", "bobs-own".toCharArray(), Set.of(), Set.of()); // a valid account, not an administrator
    String bob = Http.basic("bob", "bobs-own");
    try (ManagementEndpoint ep = plain(users, new TestScheduler()).build()) {
      // four guesses at admin's password, then bob's own valid login (refused as a non-administrator)
      for (int i = 0; i < 4; i++) {
        assertThat(post(ep, ATTACKER, BAD).status()).isEqualTo(401);
      }
      assertThat(post(ep, ATTACKER, bob).status()).as("authenticated, not an administrator: a fault").isEqualTo(500);
      // the fifth guess still counts as the fifth: the lockout begins (before the fix bob's login
      // had cleared the record, and four guesses plus one login per round were never locked out)
      assertThat(post(ep, ATTACKER, BAD).status()).isEqualTo(401);
      assertThat(post(ep, ATTACKER, BAD).status()).isEqualTo(429);
    }
  }

  @Test
  void repeatedLockoutsDoubleUpToTheConfiguredMaximum() throws Exception {
    CountingUsers users = users();
    TestScheduler clock = new TestScheduler();
    try (ManagementEndpoint ep = plain(users, clock).loginThrottle(2, Duration.ofSeconds(10))
        .maxLoginLockout(Duration.ofSeconds(30)).build()) {
      for (String expected : new String[] {"10", "20", "30", "30"}) {
        assertThat(post(ep, ATTACKER, BAD).status()).isEqualTo(401);
        assertThat(post(ep, ATTACKER, BAD).status()).isEqualTo(401);
        Reply r = post(ep, ATTACKER, GOOD);
        assertThat(r.status()).isEqualTo(429);
        assertThat(r.header("Retry-After")).isEqualTo(expected);
        clock.advance(Duration.ofSeconds(Long.parseLong(expected)));
      }
      assertThat(users.hashes.get()).isEqualTo(8);
      assertThat(post(ep, ATTACKER, GOOD).status()).isEqualTo(200);
    }
  }

  @Test
  void throttleSettingsAreValidated() {
    ManagementEndpoint.Builder b = ManagementEndpoint.builder();
    assertThatThrownBy(() -> b.loginThrottle(0, Duration.ofMinutes(1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.loginThrottle(5, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.loginThrottle(5, Duration.ofHours(2))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.maxLoginLockout(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.maxLoginLockout(Duration.ofDays(2))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.maxConnectionsPerAddress(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void oneAddressCannotTakeEveryConnection() throws Exception {
    List<Socket> held = new ArrayList<>();
    try (ManagementEndpoint ep = plain(users(), new TestScheduler()).maxConnectionsPerAddress(2).build()) {
      Socket a = connect(ep, ATTACKER);
      held.add(a);
      held.add(connect(ep, ATTACKER));
      assertThat(eventually(() -> ep.openConnections() == 2)).isTrue();
      try (Socket c = connect(ep, ATTACKER)) {
        c.setSoTimeout(10_000);
        assertThat(c.getInputStream().read()).as("closed at once, as beyond the total").isEqualTo(-1);
      }
      // another address still gets in, and is served
      assertThat(eventually(() -> ep.openConnections() == 2)).isTrue();
      assertThat(post(ep, OTHER, GOOD).status()).isEqualTo(200);
      // a slot freed is a slot for the same address again
      a.close();
      assertThat(eventually(() -> ep.openConnections() == 1)).isTrue();
      assertThat(post(ep, ATTACKER, GOOD).status()).isEqualTo(200);
      // the refused connection held nothing back: two from the address again
      assertThat(eventually(() -> ep.openConnections() == 1)).isTrue();
      try (Socket d = connect(ep, ATTACKER)) {
        d.setSoTimeout(10_000);
        assertThat(eventually(() -> ep.openConnections() == 2)).isTrue();
        d.getOutputStream().write(HostileInputTest.http(ENUMERATE, GOOD, "Connection: close"));
        assertThat(parse(readAll(d.getInputStream())).status()).isEqualTo(200);
      }
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }
  }

  /**
   * A few addresses trickling requests byte by byte hold every connection (the receive timeout
   * alone frees them only after minutes): once a request has taken longer than a request should
   * (here 12 s / 24 = 0.5 s), its connection gives way to a newcomer, at the total cap and at an
   * address's own cap, so the administrator gets in.
   */
  @Test
  void connectionsTricklingRequestsGiveWayToNewcomersAtTheCaps() throws Exception {
    String third = "127.0.0.3";
    List<Socket> held = new ArrayList<>();
    try (ManagementEndpoint ep = plain(users(), new TestScheduler()).maxConnections(4).maxConnectionsPerAddress(2)
        .receiveTimeout(Duration.ofSeconds(12)).build()) {
      for (String from : new String[] {ATTACKER, ATTACKER, third, third}) {
        Socket s = connect(ep, from);
        held.add(s);
        s.getOutputStream().write("POST /wsman HTTP/1.1\r\nHo".getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
      }
      assertThat(eventually(() -> ep.openConnections() == 4)).isTrue();
      // at the total cap: another address gets in once the trickling requests are old enough
      assertThat(eventually(() -> served(ep, OTHER))).as("served at the total cap").isTrue();
      // at its own address's cap: a client behind the attacker's address gets in too
      assertThat(eventually(() -> served(ep, third))).as("served at its address's cap").isTrue();
      // one trickling connection gave way for each newcomer; the newcomers closed after their answer
      assertThat(eventually(() -> ep.openConnections() == 2)).as("open: " + ep.openConnections()).isTrue();
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }
  }

  @Test
  void anIdleKeptAliveConnectionGivesWayToANewOneFromItsAddress() throws Exception {
    try (ManagementEndpoint ep = plain(users(), new TestScheduler()).maxConnectionsPerAddress(2).build();
        Socket a = connect(ep, ATTACKER); Socket b = connect(ep, ATTACKER)) {
      // a answered one request and waits, kept alive (a closed session's pooled connection); b is
      // connected but has sent nothing yet: it is not idle in that sense and must stay
      a.setSoTimeout(15_000);
      a.getOutputStream().write(HostileInputTest.http(ENUMERATE, GOOD));
      assertThat(readResponse(a.getInputStream()).status()).isEqualTo(200);
      assertThat(eventually(() -> ep.openConnections() == 2)).isTrue();
      // a third connection from the address: served, and a is the one closed for it (bounded
      // polling: the client can read the answer before the server has finished its bookkeeping)
      assertThat(eventually(() -> served(ep, ATTACKER))).isTrue();
      assertThat(a.getInputStream().read()).isEqualTo(-1);
      b.setSoTimeout(15_000);
      b.getOutputStream().write(HostileInputTest.http(ENUMERATE, GOOD, "Connection: close"));
      assertThat(parse(readAll(b.getInputStream())).status()).isEqualTo(200);
    }
  }

  /** Reads one response with a Content-Length body, leaving the connection open. */
  static Reply readResponse(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        break;
      }
      head.write(c);
    }
    Reply r = parse(head.toByteArray());
    int length = Integer.parseInt(r.headers().getOrDefault("content-length", "0").strip());
    in.readNBytes(length);
    return r;
  }

  static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    in.transferTo(out);
    return out.toByteArray();
  }
}
