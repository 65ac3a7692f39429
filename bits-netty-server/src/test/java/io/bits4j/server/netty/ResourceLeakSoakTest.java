package io.bits4j.server.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.bits4j.AccessPolicy;
import io.bits4j.AuthScheme;
import io.bits4j.UrlGroup;
import io.bits4j.UrlPrefix;
import io.bits4j.UserStore;
import io.bits4j.server.netty.internal.SoakProbe;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.ssl.OpenSsl;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Resource-leak soak: every body path (zero-copy single range small and chained, chained multipart
 * slices, HEAD, 304/412/416, TLS with JDK and OpenSSL, bandwidth-limited chunks, 401/403) crossed
 * with every way a response ends (completion, keep-alive, pipelining, the client closing or
 * resetting mid-body, a stalled reader cut by the idle timeout, the hosted file deleted,
 * truncated, written in place or replaced mid-body, the URL removed or its group deleted
 * mid-body, a bandwidth limit set mid-body, the server closed mid-body, a TLS handshake
 * abandoned). After every cell, with bounded polling: no descriptor of a hosted file stays open
 * once the cache is swept (none of a deleted file), the process's descriptor count is back at its
 * baseline, Netty's leak detector (paranoid in the test JVM) reported nothing, every group slot is
 * free, the worker loops hold no task, and the server still answers.
 *
 * <p>Light by default (a few iterations per cell, well under 30 s); {@code
 * -Dbits4j.soak.iterations=100} for a real soak.
 */
class ResourceLeakSoakTest {
  static final int N = Integer.getInteger("bits4j.soak.iterations", 2);
  /**
   * {@code -Dbits4j.soak.selfCheck=true}: leaks a buffer and a descriptor on purpose before the
   * first cell, which must then fail (proves that the checks see what they look for).
   */
  static final boolean SELF_CHECK = Boolean.getBoolean("bits4j.soak.selfCheck");
  static Object keptForSelfCheck;
  /** Descriptors the JVM may open for itself during the run (a jar first read, a GC log...): never a hosted file's. */
  static final int FD_SLACK = 12;
  static final long BIG = 8L << 20; // four 2 MiB zero-copy pieces
  static final long SMALL = 100_000;
  static final long RATE = 128_000_000; // the throttled group: a 256 KiB burst, refilled every 2 ms

  static Path dir;
  static final AtomicLong clockOffset = new AtomicLong();
  static NettyCompactServer jdk;
  static NettyCompactServer ossl;
  static int plainPort;
  static int jdkPort;
  static int osslPort;
  static final List<UrlGroup> groups = new ArrayList<>();
  static final Map<String, String> results = new LinkedHashMap<>();
  static PrintStream originalErr;
  static final ByteArrayOutputStream captured = new ByteArrayOutputStream();
  static int baselineFds = Integer.MAX_VALUE - FD_SLACK; // set after the warm-up
  static int extraGroup;

  /** Where a request goes: server, port, TLS client, group. */
  record Target(NettyCompactServer server, int port, SSLContext tls, String group) {}

  /** A body path: the request that takes it (for {@code file}) and its answer. */
  record Kind(String name, Target target, String method, List<String> headers, int status, boolean auth) {
    String request(String file, boolean close) {
      StringBuilder sb = new StringBuilder(method).append(' ').append(target.group).append('/').append(file)
          .append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
      for (String h : headers) {
        sb.append(h).append("\r\n");
      }
      if (close) {
        sb.append("Connection: close\r\n");
      }
      return sb.append("\r\n").toString();
    }

    boolean hasBody() {
      return !method.equals("HEAD") && status / 100 == 2;
    }
  }

  @BeforeAll
  static void start() throws Exception {
    originalErr = System.err;
    // Netty's leak detector logs at ERROR through SLF4J (slf4j-simple writes to the current System.err)
    System.setErr(new PrintStream(new TeeStream(originalErr, captured), true, StandardCharsets.UTF_8));
    dir = Files.createTempDirectory("soak");
    TestSupport.file(dir, "small.bin", SMALL);
    TestSupport.sparse(dir, "big.bin", BIG);
    freshMutable();
    UserStore users = UserStore.inMemory();
    users.addUser("alice", "wonderland".toCharArray(), Set.of("Engineers"), Set.of("bits4j"));
    ServerLimits limits = ServerLimits.DEFAULTS.withHeaderTimeout(Duration.ofMillis(700))
        .withIdleTimeout(Duration.ofMillis(700));
    jdk = NettyCompactServer.builder().workerThreads(2).users(users).limits(limits)
        .nanoClock(() -> System.nanoTime() + clockOffset.get()).tlsProvider(NettyCompactServer.TlsProvider.JDK).build();
    plainPort = TestSupport.freePort();
    jdkPort = TestSupport.freePort();
    jdk.setSslCertificate(jdkPort, TestSupport.pki().serverIdentity());
    setUp(jdk, "http", plainPort);
    setUp(jdk, "https", jdkPort);
    if (OpenSsl.isAvailable()) {
      ossl = NettyCompactServer.builder().workerThreads(2).users(users).limits(limits)
          .nanoClock(() -> System.nanoTime() + clockOffset.get()).tlsProvider(NettyCompactServer.TlsProvider.OPENSSL)
          .build();
      osslPort = TestSupport.freePort();
      ossl.setSslCertificate(osslPort, TestSupport.pki().serverIdentity());
      setUp(ossl, "https", osslPort);
    }
  }

  private static void setUp(NettyCompactServer s, String scheme, int port) {
    String base = scheme + "://127.0.0.1:" + port;
    UrlGroup p = s.createUrlGroup(UrlPrefix.parse(base + "/P"));
    UrlGroup t = s.createUrlGroup(UrlPrefix.parse(base + "/T"));
    t.setBandwidthLimit(RATE);
    for (UrlGroup g : List.of(p, t)) {
      host(g);
    }
    p.host("deny.bin", dir.resolve("small.bin"), AccessPolicy.parse("D:(A;;GR;;;AU)"));
    UrlGroup a = s.createUrlGroup(UrlPrefix.parse(base + "/A"));
    a.setAuthentication(AuthScheme.DIGEST, true);
    if (scheme.equals("https")) {
      a.setAuthentication(AuthScheme.BASIC, true);
    }
    a.host("small.bin", dir.resolve("small.bin"), AccessPolicy.NONE);
    groups.addAll(List.of(p, t, a));
  }

  private static void host(UrlGroup g) {
    g.host("small.bin", dir.resolve("small.bin"), AccessPolicy.NONE);
    g.host("big.bin", dir.resolve("big.bin"), AccessPolicy.NONE);
    g.host("mut.bin", dir.resolve("mut.bin"), AccessPolicy.NONE);
  }

  /** mut.bin anew: a new file (new inode) renamed over the path, as a publisher would. */
  static void freshMutable() throws IOException {
    Path tmp = TestSupport.sparse(dir, "mut.tmp", BIG);
    Files.move(tmp, dir.resolve("mut.bin"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  @AfterAll
  static void stop() throws IOException {
    try {
      if (jdk != null) {
        jdk.close();
      }
      if (ossl != null) {
        ossl.close();
      }
    } finally {
      System.setErr(originalErr);
      try (Stream<Path> s = Files.walk(dir)) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  // ---- the matrix

  static List<Kind> bodyKinds() throws Exception {
    Target plain = new Target(jdk, plainPort, null, "/P");
    Target plainT = new Target(jdk, plainPort, null, "/T");
    Target jdkT = new Target(jdk, jdkPort, TestSupport.pki().clientContext(false, "TLS"), "/P");
    Target jdkThr = new Target(jdk, jdkPort, jdkT.tls, "/T");
    List<Kind> k = new ArrayList<>(List.of(
        new Kind("small", plain, "GET", List.of("Range: bytes=0-99999"), 206, false),
        new Kind("chain", plain, "GET", List.of(), 200, false),
        new Kind("multi", plain, "GET", List.of("Range: bytes=0-9,100-" + (BIG - 1)), 206, false),
        new Kind("head", plain, "HEAD", List.of(), 200, false),
        new Kind("304", plain, "GET", List.of("If-None-Match: *"), 304, false),
        new Kind("412", plain, "GET", List.of("If-Match: \"nope\""), 412, false),
        new Kind("416", plain, "GET", List.of("Range: bytes=99999999-"), 416, false),
        new Kind("throttled", plainT, "GET", List.of(), 200, false),
        new Kind("throttled-multi", plainT, "GET", List.of("Range: bytes=0-9,100-" + (BIG - 1)), 206, false),
        new Kind("tls-jdk", jdkT, "GET", List.of(), 200, false),
        new Kind("tls-jdk-multi", jdkT, "GET", List.of("Range: bytes=0-9,100-" + (BIG - 1)), 206, false),
        new Kind("tls-jdk-throttled", jdkThr, "GET", List.of(), 200, false)));
    if (ossl != null) {
      Target o = new Target(ossl, osslPort, jdkT.tls, "/P");
      k.add(new Kind("tls-openssl", o, "GET", List.of(), 200, false));
      k.add(new Kind("tls-openssl-multi", o, "GET", List.of("Range: bytes=0-9,100-" + (BIG - 1)), 206, false));
      k.add(new Kind("tls-openssl-throttled", new Target(ossl, osslPort, jdkT.tls, "/T"), "GET", List.of(), 200, false));
    }
    return k;
  }

  static List<Kind> authKinds() throws Exception {
    Target a = new Target(jdk, plainPort, null, "/A");
    Target at = new Target(jdk, jdkPort, TestSupport.pki().clientContext(false, "TLS"), "/A");
    Target deny = new Target(jdk, plainPort, null, "/P");
    return List.of(
        new Kind("401-digest", a, "GET", List.of(), 401, true),
        // a wrong Basic password: verified off the event loop, the connection suspended meanwhile
        new Kind("401-basic-bad-tls", at, "GET", List.of("Authorization: Basic "
            + java.util.Base64.getEncoder().encodeToString("alice:nope".getBytes(StandardCharsets.UTF_8))), 401, true),
        new Kind("403", deny, "GET", List.of(), 403, true));
  }

  enum Ending {
    COMPLETE, KEEP_ALIVE, PIPELINED, CLOSE_MID, RESET_MID, DELETE_MID, TRUNCATE_MID, WRITE_IN_PLACE_MID, RENAME_MID,
    URL_REMOVED_MID, GROUP_DELETED_MID, LIMIT_SET_MID
  }

  @Test
  void everyBodyPathCrossedWithEveryEndingReleasesEverything() throws Exception {
    long t0 = System.nanoTime();
    warmUp();
    baselineFds = fdCount();
    List<String> failures = new ArrayList<>();
    if (SELF_CHECK) { // the checks must see a buffer dropped unreleased, and a hosted file left open
      keptForSelfCheck = PooledByteBufAllocator.DEFAULT.directBuffer(1);
      keptForSelfCheck = null;
      cell("self-check: a leaked buffer", failures, ResourceLeakSoakTest::deepSettle);
      FileChannel open = FileChannel.open(dir.resolve("small.bin"));
      try {
        cell("self-check: a hosted file left open", failures, () -> settle("self-check"));
      } finally {
        open.close();
      }
      System.out.println("self-check: " + failures);
      assertThat(failures).hasSize(2);
      assertThat(failures.get(0)).contains("leak detector");
      assertThat(failures.get(1)).contains("hosted files still open");
      return;
    }
    for (Kind k : bodyKinds()) {
      for (Ending e : Ending.values()) {
        cell(k.name + " x " + e, failures, () -> {
          for (int i = 0; i < N; i++) {
            run(k, e, i);
          }
        });
      }
      cell(k.name + ": leak detector, server answers", failures, ResourceLeakSoakTest::deepSettle);
    }
    for (Kind k : authKinds()) {
      for (Ending e : List.of(Ending.COMPLETE, Ending.KEEP_ALIVE, Ending.PIPELINED, Ending.CLOSE_MID, Ending.RESET_MID)) {
        cell(k.name + " x " + e, failures, () -> {
          for (int i = 0; i < N; i++) {
            run(k, e, i);
          }
        });
      }
    }
    cell("auth: leak detector, server answers", failures, ResourceLeakSoakTest::deepSettle);
    cell("all body paths x reader stalls until the idle timeout", failures, () -> {
      for (int i = 0; i < Math.max(1, N / 3); i++) {
        stalledReaders(bodyKinds());
      }
    });
    cell("TLS handshake abandoned half-way (closed, and left to time out)", failures, () -> {
      for (int i = 0; i < N; i++) {
        abandonedHandshakes();
      }
    });
    cell("server closed mid-body (plain chain, multipart, throttled, TLS jdk/openssl)", failures, () -> {
      for (int i = 0; i < Math.max(1, N / 2); i++) {
        serverClosedMidBody(false);
        if (OpenSsl.isAvailable()) {
          serverClosedMidBody(true);
        }
      }
    });
    cell("end: leak detector, server answers", failures, ResourceLeakSoakTest::deepSettle);
    StringBuilder table = new StringBuilder("resource-leak soak, " + N + " iterations per cell, "
        + (System.nanoTime() - t0) / 1_000_000 + " ms, fd baseline " + baselineFds + "\n");
    results.forEach((c, r) -> table.append(String.format(Locale.ROOT, "  %-60s %s%n", c, r)));
    System.out.print(table);
    assertThat(failures).as(table.toString()).isEmpty();
  }

  interface Body {
    void run() throws Exception;
  }

  private static void cell(String name, List<String> failures, Body body) {
    long t0 = System.nanoTime();
    try {
      body.run();
      settle(name);
      results.put(name, "ok " + (System.nanoTime() - t0) / 1_000_000 + " ms");
    } catch (Throwable t) {
      String why = t.getClass().getSimpleName() + ": " + String.valueOf(t.getMessage()).lines().findFirst().orElse("");
      results.put(name, "FAIL " + why);
      failures.add(name + ": " + why);
      try {
        settle(name + " (retry)"); // leave the next cells a clean state when the failure was transient
      } catch (Throwable ignored) {
        // reported above
      }
    }
  }

  // ---- one iteration

  static void run(Kind k, Ending e, int i) throws Exception {
    switch (e) {
      case COMPLETE -> {
        try (Conn c = new Conn(k.target, 0)) {
          c.send(k.request(completeFile(k), true));
          c.readResponse(k);
          assertThat(c.eof()).as("closed after Connection: close").isTrue();
        }
      }
      case KEEP_ALIVE -> {
        try (Conn c = new Conn(k.target, 0)) {
          for (int j = 0; j < 3; j++) {
            c.send(k.request(completeFile(k), false));
            c.readResponse(k);
          }
        }
      }
      case PIPELINED -> {
        try (Conn c = new Conn(k.target, 0)) {
          c.send(k.request(completeFile(k), false).repeat(3) + k.request(completeFile(k), true));
          for (int j = 0; j < 4; j++) {
            c.readResponse(k);
          }
          assertThat(c.eof()).isTrue();
        }
      }
      case CLOSE_MID, RESET_MID -> {
        Conn c = new Conn(k.target, 8192);
        c.send(k.request(midFile(k), false) + k.request(midFile(k), false)); // and one waiting behind it
        c.readHeadAndSome(k);
        if (e == Ending.RESET_MID) {
          c.reset();
        } else {
          c.close();
        }
      }
      case DELETE_MID, TRUNCATE_MID, WRITE_IN_PLACE_MID, RENAME_MID -> {
        try (Conn c = new Conn(k.target, 8192)) {
          c.send(k.request("mut.bin", false));
          c.readHeadAndSome(k);
          Path f = dir.resolve("mut.bin");
          switch (e) {
            case DELETE_MID -> Files.delete(f);
            case TRUNCATE_MID -> {
              try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
                ch.truncate(1 << 20);
              }
            }
            case WRITE_IN_PLACE_MID -> {
              try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap(new byte[4096]), BIG / 2);
              }
              Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 10_000));
            }
            default -> {
              Path next = TestSupport.file(dir, "next.bin", 5000);
              Files.move(next, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
          }
          c.readRest(); // the planned version whole, or a cut connection: never a hang
        } finally {
          freshMutable();
        }
      }
      case URL_REMOVED_MID -> {
        UrlGroup g = groupOf(k.target);
        String suffix = "u" + i + ".bin";
        g.host(suffix, dir.resolve("big.bin"), AccessPolicy.NONE);
        try (Conn c = new Conn(k.target, 8192)) {
          c.send(k.request(suffix, false));
          c.readHeadAndSome(k);
          assertThat(g.remove(suffix)).isTrue();
          c.readRest();
        }
      }
      case GROUP_DELETED_MID -> {
        UrlGroup base = groupOf(k.target);
        String name = "/D" + (extraGroup++);
        String scheme = k.target.tls == null ? "http" : "https";
        UrlGroup g = k.target.server.createUrlGroup(UrlPrefix.parse(scheme + "://127.0.0.1:" + k.target.port + name));
        groups.add(g);
        if (base.bandwidthLimit() > 0) {
          g.setBandwidthLimit(base.bandwidthLimit());
        }
        g.host("big.bin", dir.resolve("big.bin"), AccessPolicy.NONE);
        g.host("mut.bin", dir.resolve("big.bin"), AccessPolicy.NONE);
        Kind moved = new Kind(k.name, new Target(k.target.server, k.target.port, k.target.tls, name), k.method, k.headers,
            k.status, k.auth);
        try (Conn c = new Conn(moved.target, 8192)) {
          c.send(moved.request("big.bin", false));
          c.readHeadAndSome(moved);
          g.delete();
          c.readRest();
        }
      }
      case LIMIT_SET_MID -> {
        // a limit set (or changed) mid-body: a zero-copy chain hands its rest to chunked reads
        // through the bucket at its next step; read whole, or reset once that rest is under way
        UrlGroup g = groupOf(k.target);
        long was = g.bandwidthLimit();
        try (Conn c = new Conn(k.target, 8192)) {
          c.send(k.request(midFile(k), false));
          c.readHeadAndSome(k);
          g.setBandwidthLimit(RATE / 2);
          c.skip(Math.min(c.remaining, (2L << 20) + 100_000)); // past the step under way
          if (i % 2 == 0) {
            long rest = c.remaining;
            assertThat(c.skip(rest)).as(k.name + ": body").isEqualTo(rest);
          } else {
            c.reset();
          }
        } finally {
          g.setBandwidthLimit(was);
        }
      }
      default -> throw new AssertionError(e);
    }
  }

  private static String midFile(Kind k) {
    return k.auth ? completeFile(k) : "big.bin";
  }

  private static String completeFile(Kind k) {
    // the body for the endings that read it all: the 8 MiB chain, 100 kB when throttled
    // (TLS reads in chunks either way: its mid-body endings take the big file)
    return k.auth ? (k.status == 403 ? "deny.bin" : "small.bin")
        : k.target.group.equals("/T") || k.target.tls != null ? "small.bin" : "big.bin";
  }

  static UrlGroup groupOf(Target t) {
    String scheme = t.tls == null ? "http" : "https";
    return t.server.findUrlGroup(UrlPrefix.parse(scheme + "://127.0.0.1:" + t.port + t.group)).orElseThrow();
  }

  /** Readers that take the head and stop: the server must cut each after its idle timeout. */
  static void stalledReaders(List<Kind> kinds) throws Exception {
    List<Conn> conns = new ArrayList<>();
    try {
      for (Kind k : kinds) {
        Conn c = new Conn(k.target, 4096);
        c.send(k.request("big.bin", false) + k.request("small.bin", false));
        conns.add(c);
      }
      await(() -> SoakProbe.openConnections(jdk) == 0 && (ossl == null || SoakProbe.openConnections(ossl) == 0),
          () -> "the idle timeout to cut the stalled readers: open " + SoakProbe.openConnections(jdk));
    } finally {
      for (Conn c : conns) {
        c.close();
      }
    }
  }

  /** A ClientHello sent in part, then the socket closed; and one left until the handshake timeout. */
  static void abandonedHandshakes() throws Exception {
    SSLEngine engine = TestSupport.pki().clientContext(false, "TLS").createSSLEngine("127.0.0.1", 1);
    engine.setUseClientMode(true);
    ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
    engine.wrap(ByteBuffer.allocate(0), out);
    out.flip();
    byte[] hello = new byte[out.remaining()];
    out.get(hello);
    List<Socket> left = new ArrayList<>();
    try {
      for (int port : ossl == null ? new int[] {jdkPort} : new int[] {jdkPort, osslPort}) {
        try (Socket s = new Socket("127.0.0.1", port)) { // half a ClientHello, then gone
          s.getOutputStream().write(Arrays.copyOf(hello, hello.length / 2));
        }
        try (Socket s = new Socket("127.0.0.1", port)) { // a whole one, the server's answer unread, then reset
          s.getOutputStream().write(hello);
          s.setSoLinger(true, 0);
        }
        Socket s = new Socket("127.0.0.1", port); // half, then silence: the handshake timeout
        s.getOutputStream().write(Arrays.copyOf(hello, hello.length / 2));
        left.add(s);
      }
      await(() -> SoakProbe.openConnections(jdk) == 0 && (ossl == null || SoakProbe.openConnections(ossl) == 0),
          "the handshake timeout to close the silent connections");
    } finally {
      for (Socket s : left) {
        s.close();
      }
    }
  }

  /** A server of its own, closed while responses of every path are mid-body. */
  static void serverClosedMidBody(boolean openssl) throws Exception {
    int p = TestSupport.freePort();
    int t = TestSupport.freePort();
    List<Conn> conns = new ArrayList<>();
    NettyCompactServer s = NettyCompactServer.builder().workerThreads(2)
        .tlsProvider(openssl ? NettyCompactServer.TlsProvider.OPENSSL : NettyCompactServer.TlsProvider.JDK).build();
    try {
      s.setSslCertificate(t, TestSupport.pki().serverIdentity());
      for (String base : List.of("http://127.0.0.1:" + p, "https://127.0.0.1:" + t)) {
        UrlGroup g = s.createUrlGroup(UrlPrefix.parse(base + "/P"));
        UrlGroup th = s.createUrlGroup(UrlPrefix.parse(base + "/T"));
        th.setBandwidthLimit(RATE);
        host(g);
        host(th);
      }
      SSLContext tls = TestSupport.pki().clientContext(false, "TLS");
      for (Target tg : List.of(new Target(s, p, null, "/P"), new Target(s, p, null, "/T"), new Target(s, t, tls, "/P"),
          new Target(s, t, tls, "/T"))) {
        for (List<String> h : List.of(List.<String>of(), List.of("Range: bytes=0-9,100-" + (BIG - 1)))) {
          Kind k = new Kind("x", tg, "GET", h, h.isEmpty() ? 200 : 206, false);
          Conn c = new Conn(tg, 8192);
          conns.add(c);
          c.send(k.request("big.bin", false) + k.request("small.bin", false));
          c.readHeadAndSome(k);
        }
      }
    } finally {
      // the readers keep reading while the server closes: a TLS close_notify it cannot flush to a
      // reader that stopped would hold each connection for SslHandler's 3 s flush timeout
      List<Thread> drains = new ArrayList<>();
      for (Conn c : conns) {
        Thread d = new Thread(c::readRest);
        d.setDaemon(true);
        d.start();
        drains.add(d);
      }
      s.close();
      for (Thread d : drains) {
        d.join(20_000);
      }
      for (Conn c : conns) {
        c.close();
      }
    }
  }

  // ---- the checks after each cell

  static void settle(String cell) throws Exception {
    List<NettyCompactServer> servers = ossl == null ? List.of(jdk) : List.of(jdk, ossl);
    for (NettyCompactServer s : servers) {
      await(() -> SoakProbe.openConnections(s) == 0, () -> cell + ": connections closed, open "
          + SoakProbe.openConnections(s));
    }
    await(() -> groups.stream().allMatch(g -> SoakProbe.active(g) == 0), () -> cell + ": every group slot free: "
        + groups.stream().map(g -> g.prefix() + "=" + SoakProbe.active(g)).toList());
    for (NettyCompactServer s : servers) {
      await(() -> {
        int[] t = tasks(s);
        return t[0] == 0 && t[1] == 0;
      }, () -> cell + ": worker loops idle, [queued, scheduled] = " + Arrays.toString(tasks(s)));
    }
    // every hosted file's cached descriptor idle past the sweep's limit: the sweep closes them all
    clockOffset.addAndGet(Duration.ofMinutes(10).toNanos());
    for (NettyCompactServer s : servers) {
      SoakProbe.sweep(s);
    }
    await(() -> hostedDescriptors().isEmpty(), () -> cell + ": hosted files still open after the sweep: "
        + hostedDescriptors());
    await(() -> fdCount() <= baselineFds + FD_SLACK, () -> cell + ": descriptors " + fdCount() + " > baseline "
        + baselineFds + " + " + FD_SLACK + ": " + describeFds());
    try (RawHttp c = RawHttp.plain(plainPort)) {
      assertThat(c.request("GET", "/P/small.bin").body()).hasSize((int) SMALL);
    }
    assertThat(captured.toString(StandardCharsets.UTF_8)).as(cell + ": Netty's leak detector").doesNotContain("LEAK:");
  }

  /**
   * After a row of cells: collected garbage, so that the leak detector reports every buffer
   * dropped unreleased, and the server answering on every port (a new OpenSSL engine lets that
   * detector report too).
   */
  static void deepSettle() throws Exception {
    System.gc();
    sanity();
    provokeLeakReports();
    settle("deep");
  }

  static int[] tasks(NettyCompactServer s) {
    try {
      return SoakProbe.workerTasks(s);
    } catch (Exception e) {
      return new int[] {-1, -1};
    }
  }

  static void sanity() throws Exception {
    try (RawHttp c = RawHttp.plain(plainPort)) {
      RawHttp.Response r = c.request("GET", "/P/small.bin");
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.body()).hasSize((int) SMALL);
    }
    for (int port : ossl == null ? new int[] {jdkPort} : new int[] {jdkPort, osslPort}) {
      try (RawHttp c = new RawHttp(port, TestSupport.pki().clientContext(false, "TLS"))) {
        RawHttp.Response r = c.request("GET", "/T/small.bin");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).hasSize((int) SMALL);
      }
    }
  }

  /** The detector reports a collected, unreleased buffer when the next one is tracked. */
  static void provokeLeakReports() {
    for (int i = 0; i < 2; i++) {
      System.gc();
      for (var alloc : List.of(PooledByteBufAllocator.DEFAULT, UnpooledByteBufAllocator.DEFAULT)) {
        ByteBuf b = alloc.directBuffer(16);
        b.release();
        b = alloc.heapBuffer(16);
        b.release();
      }
    }
  }

  static void warmUp() throws Exception {
    for (Kind k : bodyKinds()) {
      run(k, Ending.KEEP_ALIVE, 0);
      run(k, Ending.RESET_MID, 0);
    }
    for (Kind k : authKinds()) {
      run(k, Ending.COMPLETE, 0);
    }
    abandonedHandshakes();
    deepSettle();
    // the fd baseline is taken by the caller once the warm-up's connections are gone
  }

  // ---- descriptors

  static int fdCount() {
    String[] l = Path.of("/proc/self/fd").toFile().list();
    return l == null ? -1 : l.length;
  }

  /** Open descriptors on files of the test folder (" (deleted)" when their file is gone). */
  static List<String> hostedDescriptors() {
    List<String> out = new ArrayList<>();
    String prefix = dir.toAbsolutePath().toString();
    String[] l = Path.of("/proc/self/fd").toFile().list();
    for (String fd : l == null ? new String[0] : l) {
      try {
        String target = Files.readSymbolicLink(Path.of("/proc/self/fd", fd)).toString();
        if (target.startsWith(prefix)) {
          out.add(fd + " -> " + target);
        }
      } catch (IOException e) {
        // closed meanwhile
      }
    }
    return out;
  }

  static String describeFds() {
    Map<String, Integer> kinds = new LinkedHashMap<>();
    String[] l = Path.of("/proc/self/fd").toFile().list();
    for (String fd : l == null ? new String[0] : l) {
      try {
        String t = Files.readSymbolicLink(Path.of("/proc/self/fd", fd)).toString();
        kinds.merge(t.replaceAll("\\[\\d+]", "[]"), 1, Integer::sum);
      } catch (IOException e) {
        // closed meanwhile
      }
    }
    return kinds.toString();
  }

  static void await(BooleanSupplier c, String what) throws InterruptedException {
    await(c, () -> what);
  }

  static void await(BooleanSupplier c, Supplier<String> what) throws InterruptedException {
    long deadline = System.nanoTime() + 15_000_000_000L;
    while (!c.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out: " + what.get());
      }
      Thread.sleep(2);
    }
  }

  // ---- a raw connection

  static final class Conn implements AutoCloseable {
    final Socket raw;
    final Socket socket;
    final InputStream in;
    final OutputStream out;
    long remaining = -1;

    Conn(Target t, int receiveBuffer) throws IOException {
      raw = new Socket();
      if (receiveBuffer > 0) {
        raw.setReceiveBufferSize(receiveBuffer);
      }
      raw.connect(new InetSocketAddress("127.0.0.1", t.port), 5000);
      raw.setSoTimeout(15_000);
      Socket s = raw;
      if (t.tls != null) {
        SSLSocket ssl = (SSLSocket) t.tls.getSocketFactory().createSocket(raw, "127.0.0.1", t.port, true);
        ssl.startHandshake();
        s = ssl;
      }
      socket = s;
      in = new BufferedInputStream(s.getInputStream(), 16384);
      out = s.getOutputStream();
    }

    void send(String request) throws IOException {
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
    }

    /** Reads a response head; returns the status and sets {@link #remaining} to the body length. */
    int head(Kind k) throws IOException {
      StringBuilder sb = new StringBuilder();
      int c;
      while ((c = in.read()) >= 0) {
        sb.append((char) c);
        if (sb.length() >= 4 && sb.substring(sb.length() - 4).equals("\r\n\r\n")) {
          break;
        }
      }
      if (c < 0) {
        throw new IOException("connection closed in the response head: " + sb);
      }
      String[] lines = sb.toString().split("\r\n");
      int status = Integer.parseInt(lines[0].split(" ")[1]);
      long length = 0;
      for (String l : lines) {
        if (l.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
          length = Long.parseLong(l.substring(15).strip());
        }
      }
      remaining = k.method.equals("HEAD") || status == 304 ? 0 : length;
      return status;
    }

    void readResponse(Kind k) throws IOException {
      int status = head(k);
      assertThat(status).as(k.name).isEqualTo(k.status);
      long want = remaining;
      assertThat(skip(want)).as(k.name + ": body").isEqualTo(want);
    }

    void readHeadAndSome(Kind k) throws IOException {
      int status = head(k);
      assertThat(status).as(k.name).isEqualTo(k.status);
      skip(Math.min(remaining, 16_384));
    }

    long skip(long n) throws IOException {
      byte[] b = new byte[65536];
      long got = 0;
      while (got < n) {
        int r = in.read(b, 0, (int) Math.min(b.length, n - got));
        if (r < 0) {
          break;
        }
        got += r;
      }
      remaining -= got;
      return got;
    }

    /** Reads on until the body's end or the connection's, whichever first. */
    void readRest() {
      try {
        if (remaining > 0) {
          skip(remaining);
        }
      } catch (IOException e) {
        // cut: as good as the end
      }
    }

    boolean eof() {
      try {
        return in.read() < 0;
      } catch (IOException e) {
        return true;
      }
    }

    void reset() throws IOException {
      raw.setSoLinger(true, 0);
      raw.close();
    }

    @Override
    public void close() throws IOException {
      raw.close();
    }
  }

  /** Copies everything written to System.err into a buffer too. */
  static final class TeeStream extends OutputStream {
    final OutputStream a;
    final ByteArrayOutputStream b;

    TeeStream(OutputStream a, ByteArrayOutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public void write(int x) throws IOException {
      a.write(x);
      synchronized (b) {
        b.write(x);
      }
    }

    @Override
    public void write(byte[] x, int off, int len) throws IOException {
      a.write(x, off, len);
      synchronized (b) {
        b.write(x, off, len);
      }
    }

    @Override
    public void flush() throws IOException {
      a.flush();
    }
  }
}
