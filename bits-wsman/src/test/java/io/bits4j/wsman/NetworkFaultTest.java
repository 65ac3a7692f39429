package io.bits4j.wsman;

import static org.assertj.core.api.Assertions.assertThat;

import io.bits4j.AccessPolicy;
import io.bits4j.AuthScheme;
import io.bits4j.BitsException;
import io.bits4j.CertStoreLocation;
import io.bits4j.ClientCertificate;
import io.bits4j.ClientJob;
import io.bits4j.Credentials;
import io.bits4j.AuthTarget;
import io.bits4j.CredentialScheme;
import io.bits4j.Hresult;
import io.bits4j.JobId;
import io.bits4j.JobListener;
import io.bits4j.JobSpec;
import io.bits4j.ProxySettings;
import io.bits4j.UrlPrefix;
import io.bits4j.UserStore;
import io.bits4j.testkit.FakeBitsClient;
import io.bits4j.testkit.FakeCompactServer;
import io.bits4j.testkit.TcpFaultProxy;
import io.bits4j.testkit.TcpFaultProxy.Fault;
import io.bits4j.wsman.internal.RemoteClientJob;
import io.bits4j.wsman.internal.RemoteUrlGroup;
import io.bits4j.wsman.internal.WsmanClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every remote operation of {@link WsmanSession}'s proxies under network faults, between the
 * controller and a real {@link ManagementEndpoint} (through the testkit's {@link TcpFaultProxy})
 * or a scripted raw socket: each call must end within the operation timeout plus the 5 s network
 * allowance with a {@link BitsException} carrying a transport HRESULT.
 */
class NetworkFaultTest {
  static final Duration OP_TIMEOUT = Duration.ofSeconds(1);
  /** Operation timeout + 5 s network allowance + scheduling slack. */
  static final Duration BOUND = OP_TIMEOUT.plusSeconds(5).plusSeconds(4);

  @TempDir Path tmp;
  Path serve;
  Path downloads;
  FakeCompactServer fakeServer;
  FakeBitsClient fakeClient;
  ManagementEndpoint endpoint;
  WsmanSession direct;
  final AtomicInteger seq = new AtomicInteger();

  @BeforeEach
  void start() throws Exception {
    UserStore users = UserStore.inMemory();
    users.addUser("admin", "pw".toCharArray(), Set.of(UserStore.ADMINISTRATORS), Set.of());
    serve = Files.createDirectories(tmp.resolve("serve"));
    downloads = Files.createDirectories(tmp.resolve("dl"));
    Files.writeString(serve.resolve("f.bin"), "data");
    fakeServer = new FakeCompactServer();
    fakeClient = FakeBitsClient.builder().server(fakeServer).tick(Duration.ofHours(1)).build();
    // every operation runs at once, all through one proxy: one client address holds them all
    endpoint = ManagementEndpoint.builder().compactServer(fakeServer).bitsClient(fakeClient).users(users)
        .allowPlainHttp(true).bind(new InetSocketAddress("127.0.0.1", 0)).serveRoot(serve).downloadRoot(downloads)
        .maxConnectionsPerAddress(100).build();
    direct = session(endpoint.uri());
  }

  @AfterEach
  void stop() {
    direct.close();
    endpoint.close();
  }

  static WsmanSession session(URI uri) {
    return WsmanSession.builder(uri).basic("admin", "pw".toCharArray()).operationTimeout(OP_TIMEOUT)
        .pollInterval(Duration.ofSeconds(3600)).build();
  }

  static URI via(int port) {
    return URI.create("http://127.0.0.1:" + port + "/wsman");
  }

  /** What one probe targets, created beforehand over a healthy connection. */
  final class Targets {
    final UrlPrefix prefix = UrlPrefix.parse("http://127.0.0.1:" + (18400 + seq.incrementAndGet()) + "/G");
    final UrlPrefix other = UrlPrefix.parse("http://127.0.0.1:" + (18400 + seq.incrementAndGet()) + "/H");
    final JobId job;

    Targets() {
      direct.compactServer().createUrlGroup(prefix).host("f", serve.resolve("f.bin"), AccessPolicy.NONE);
      direct.compactServer().createUrlGroup(other);
      job = direct.bitsClient().createJob(JobSpec.builder("probe")
          .addFile(URI.create(prefix + "/f"), downloads.resolve("f" + seq.incrementAndGet())).build()).id();
    }
  }

  /** The operations, each on a session through the fault. */
  static Map<String, Consumer<WsmanSession>> operations(Targets t, Path serve, Path downloads) {
    Map<String, Consumer<WsmanSession>> ops = new LinkedHashMap<>();
    ops.put("identify", s -> s.identify());
    ops.put("createUrlGroup", s -> s.compactServer().createUrlGroup(UrlPrefix.parse("http://127.0.0.1:18399/New")));
    ops.put("deleteUrlGroup", s -> s.compactServer().deleteUrlGroup(t.other));
    ops.put("findUrlGroup", s -> s.compactServer().findUrlGroup(t.prefix));
    ops.put("urlGroups (enumerate)", s -> s.compactServer().urlGroups());
    ops.put("setSslCertificate", s -> s.compactServer().setSslCertificate(8443, "MY", new byte[20]));
    ops.put("sslCertificate", s -> s.compactServer().sslCertificate(8443));
    ops.put("removeSslCertificate", s -> s.compactServer().removeSslCertificate(8443));
    ops.put("group.host (CreateUrl)", s -> group(s, t).host("g", serve.resolve("f.bin"), AccessPolicy.NONE));
    ops.put("group.remove (DeleteUrl)", s -> group(s, t).remove("f"));
    ops.put("group.contains (CheckUrl)", s -> group(s, t).contains("f"));
    ops.put("group.files", s -> group(s, t).files());
    ops.put("group.setAuthentication", s -> group(s, t).setAuthentication(AuthScheme.BASIC, true));
    ops.put("group.authentication", s -> group(s, t).authentication());
    ops.put("group.setConnectionLimit", s -> group(s, t).setConnectionLimit(3));
    ops.put("group.connectionLimit", s -> group(s, t).connectionLimit());
    ops.put("group.setBandwidthLimit", s -> group(s, t).setBandwidthLimit(4096));
    ops.put("group.stats", s -> group(s, t).stats());
    ops.put("group.delete", s -> group(s, t).delete());
    ops.put("createJob", s -> s.bitsClient().createJob(JobSpec.builder("x")
        .addFile(URI.create(t.prefix + "/f"), downloads.resolve("new.bin")).build()));
    ops.put("findJob", s -> s.bitsClient().findJob(t.job));
    ops.put("jobs (enumerate)", s -> s.bitsClient().jobs());
    ops.put("capabilities", s -> s.bitsClient().capabilities());
    ops.put("job.addFile", s -> job(s, t).addFile(URI.create(t.prefix + "/f"), downloads.resolve("g.bin")));
    ops.put("job.setCredentials", s -> job(s, t).setCredentials(Credentials.basic("u", "p")));
    ops.put("job.removeCredentials", s -> job(s, t).removeCredentials(AuthTarget.SERVER, CredentialScheme.BASIC));
    ops.put("job.setClientCertificate", s -> job(s, t).setClientCertificate(
        ClientCertificate.byThumbprint(CertStoreLocation.CURRENT_USER, "MY", new byte[20])));
    ops.put("job.setProxy", s -> job(s, t).setProxy(ProxySettings.NO_PROXY));
    ops.put("job.setDisplayName (Put)", s -> job(s, t).setDisplayName("renamed"));
    ops.put("job.suspend", s -> job(s, t).suspend());
    ops.put("job.resume", s -> job(s, t).resume());
    ops.put("job.cancel", s -> job(s, t).cancel());
    ops.put("job.complete", s -> job(s, t).complete());
    ops.put("job.state", s -> job(s, t).state());
    ops.put("job.progress", s -> job(s, t).progress());
    ops.put("job.error", s -> job(s, t).error());
    ops.put("job.outcome", s -> job(s, t).outcome());
    ops.put("job.addListener", s -> job(s, t).addListener(new JobListener() {}));
    return ops;
  }

  static RemoteUrlGroup group(WsmanSession s, Targets t) {
    return new RemoteUrlGroup(s.client(), () -> true, t.prefix);
  }

  static ClientJob job(WsmanSession s, Targets t) {
    return new RemoteClientJob(s.client(), () -> true, t.job, s.scheduler(), s.pollInterval(), s.notifier());
  }

  /** One call's result: the exception (or null when it succeeded) and how long it took. */
  record Result(String op, Throwable error, Duration took) {
    String describe() {
      if (error == null) {
        return "ok";
      }
      if (error instanceof BitsException b) {
        return String.format(Locale.ROOT, "BitsException 0x%08X", b.hresult());
      }
      return error.getClass().getSimpleName() + ": " + error.getMessage();
    }
  }

  /** Runs every operation at once on one session to {@code uri}; each must end in time. */
  List<Result> runAll(URI uri, Targets t) throws Exception {
    Map<String, Consumer<WsmanSession>> ops = operations(t, serve, downloads);
    ExecutorService pool = Executors.newFixedThreadPool(ops.size());
    List<Result> results = new ArrayList<>();
    try (WsmanSession s = session(uri)) {
      Map<String, Future<Result>> futures = new LinkedHashMap<>();
      for (Map.Entry<String, Consumer<WsmanSession>> e : ops.entrySet()) {
        futures.put(e.getKey(), pool.submit(() -> {
          long t0 = System.nanoTime();
          Throwable error = null;
          try {
            e.getValue().accept(s);
          } catch (Throwable x) {
            error = x;
          }
          return new Result(e.getKey(), error, Duration.ofNanos(System.nanoTime() - t0));
        }));
      }
      for (Map.Entry<String, Future<Result>> f : futures.entrySet()) {
        results.add(f.getValue().get(BOUND.toMillis() + 5_000, TimeUnit.MILLISECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
    return results;
  }

  static void print(String fault, List<Result> results) {
    for (Result r : results) {
      System.out.printf(Locale.ROOT, "PROBE | %-28s | %-26s | %-60s | %5d ms%n", fault, r.op(), r.describe(),
          r.took().toMillis());
    }
  }

  static void assertTransportFailure(String fault, List<Result> results, Set<Integer> allowed) {
    print(fault, results);
    for (Result r : results) {
      assertThat(r.error()).as(fault + " / " + r.op()).isInstanceOf(BitsException.class);
      assertThat(((BitsException) r.error()).hresult()).as(fault + " / " + r.op() + ": " + r.error())
          .isIn(allowed);
      assertThat(r.took()).as(fault + " / " + r.op()).isLessThan(BOUND);
    }
  }

  List<Result> throughProxy(Fault fault) throws Exception {
    Targets t = new Targets();
    try (TcpFaultProxy proxy = TcpFaultProxy.builder(endpoint.address()).maxConnections(128).fault(fault).start()) {
      return runAll(via(proxy.port()), t);
    }
  }

  // ------------------------------------------------------------ faults through the proxy

  @Test
  void stalledReply() throws Exception {
    assertTransportFailure("stall (server replied, nothing forwarded)", throughProxy(Fault.stallAfter(0)),
        Set.of(WsmanClient.TIMEOUT));
  }

  @Test
  void stalledMidReply() throws Exception {
    assertTransportFailure("stall after 150 bytes", throughProxy(Fault.stallAfter(150)), Set.of(WsmanClient.TIMEOUT));
  }

  @Test
  void trickledReply() throws Exception {
    assertTransportFailure("trickle 1 B / 25 ms", throughProxy(Fault.trickle(1, Duration.ofMillis(25))),
        Set.of(WsmanClient.TIMEOUT));
  }

  @Test
  void resetAfterReplyStarted() throws Exception {
    assertTransportFailure("reset after 1 reply byte", throughProxy(Fault.resetAfter(1)), Set.of(
        WsmanClient.CONNECTION_ERROR));
  }

  /** A reset while connecting is CANNOT_CONNECT (nothing was sent), one after the request was written CONNECTION_ERROR. */
  @Test
  void resetAtOnce() throws Exception {
    assertTransportFailure("reset at once (proxy)", throughProxy(Fault.resetAfter(0)), Set.of(
        WsmanClient.CANNOT_CONNECT, WsmanClient.CONNECTION_ERROR));
  }

  @Test
  void cutMidBody() throws Exception {
    assertTransportFailure("cut after 150 bytes", throughProxy(Fault.cutAfter(150)), Set.of(
        WsmanClient.CONNECTION_ERROR));
  }

  @Test
  void cutBeforeReply() throws Exception {
    assertTransportFailure("cut at once (FIN)", throughProxy(Fault.cutAfter(0)), Set.of(
        WsmanClient.CONNECTION_ERROR));
  }

  @Test
  void fastEnoughTrickleSucceeds() throws Exception {
    Targets t = new Targets();
    try (TcpFaultProxy proxy = TcpFaultProxy.builder(endpoint.address()).fault(Fault.trickle(256, Duration.ofMillis(5)))
        .start(); WsmanSession s = session(via(proxy.port()))) {
      assertThat(s.compactServer().findUrlGroup(t.prefix)).isPresent();
      assertThat(job(s, t).state()).isNotNull();
    }
  }

  /**
   * CreateJob is not idempotent: when the reply is lost the node has the job, and the caller gets
   * CONNECTION_ERROR (the outcome is unknown), not CANNOT_CONNECT. Nothing retries the POST (the
   * JDK client retries only GET/HEAD, and a refused connect, which sent nothing), so there is one
   * job, not two — to be found by its description (the Controller puts its transfer id there).
   */
  @Test
  void lostCreateJobReplyIsNotRetriedAndSaysTheOutcomeIsUnknown() throws Exception {
    new Targets();
    int before = fakeClient.allJobs().size();
    try (TcpFaultProxy proxy = TcpFaultProxy.builder(endpoint.address()).fault(Fault.resetAfter(1)).start();
        WsmanSession s = session(via(proxy.port()))) {
      JobSpec spec = JobSpec.builder("lost").description("bits4j-transfer=probe")
          .addFile(URI.create("http://127.0.0.1:18399/G/f"), downloads.resolve("lost.bin")).build();
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.bitsClient().createJob(spec))
          .isInstanceOfSatisfying(BitsException.class,
              e -> assertThat(e.hresult()).isEqualTo(WsmanClient.CONNECTION_ERROR));
      assertThat(proxy.connectionCount()).as("one POST, no retry").isEqualTo(1);
    }
    assertThat(fakeClient.allJobs()).hasSize(before + 1);
    assertThat(fakeClient.allJobs().get(before).description()).isEqualTo("bits4j-transfer=probe");
  }

  @Test
  void tlsConnectionCutAtAnyPointIsATransportError() throws Exception {
    UserStore users = UserStore.inMemory();
    users.addUser("admin", "pw".toCharArray(), Set.of(UserStore.ADMINISTRATORS), Set.of());
    try (ManagementEndpoint tls = ManagementEndpoint.builder().compactServer(fakeServer).users(users)
        .tls(TestPki.identity(TestPki.SERVER)).bind(new InetSocketAddress("127.0.0.1", 0)).build()) {
      for (long cut : new long[] {0, 50, 500, 1000, 1500, 2000, 2500, 3000}) {
        try (TcpFaultProxy proxy = TcpFaultProxy.builder(tls.address()).fault(Fault.cutAfter(cut)).start();
            WsmanSession s = WsmanSession.builder(URI.create("https://127.0.0.1:" + proxy.port() + "/wsman"))
                .basic("admin", "pw".toCharArray()).trustCertificates(List.of(TestPki.CA.getCertificate()))
                .operationTimeout(OP_TIMEOUT).build()) {
          long t0 = System.nanoTime();
          Throwable error = null;
          try {
            s.compactServer().urlGroups();
          } catch (Throwable x) {
            error = x;
          }
          Result r = new Result("TLS urlGroups", error, Duration.ofNanos(System.nanoTime() - t0));
          print("TLS cut after " + cut + " bytes", List.of(r));
          if (error != null) {
            assertThat(error).isInstanceOf(BitsException.class);
            assertThat(((BitsException) error).hresult()).as(error.toString())
                .isIn(WsmanClient.CONNECTION_ERROR, WsmanClient.SECURE_FAILURE);
          }
          assertThat(r.took()).isLessThan(BOUND);
        }
      }
    }
  }

  // ------------------------------------------------------------ scripted raw targets

  @Test
  void connectionRefused() throws Exception {
    int port = io.bits4j.testkit.LoopbackPorts.next(); // nothing listens there
    assertTransportFailure("connection refused", runAll(via(port), new Targets()), Set.of(WsmanClient.CANNOT_CONNECT));
  }

  @Test
  void resetBeforeTheRequestIsRead() throws Exception {
    try (RawTarget raw = new RawTarget(false, (in, out, s) -> rst(s))) {
      assertTransportFailure("RST on accept", runAll(via(raw.port()), new Targets()),
          Set.of(WsmanClient.CANNOT_CONNECT, WsmanClient.CONNECTION_ERROR));
    }
  }

  @Test
  void resetAfterTheRequestIsRead() throws Exception {
    try (RawTarget raw = new RawTarget(true, (in, out, s) -> rst(s))) {
      assertTransportFailure("RST after reading request", runAll(via(raw.port()), new Targets()),
          Set.of(WsmanClient.CONNECTION_ERROR));
    }
  }

  @Test
  void closedAfterTheHeaders() throws Exception {
    try (RawTarget raw = new RawTarget(true, (in, out, s) -> {
      out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/soap+xml;charset=UTF-8\r\nContent-Length: 900\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      s.close();
    })) {
      assertTransportFailure("FIN after the headers", runAll(via(raw.port()), new Targets()),
          Set.of(WsmanClient.CONNECTION_ERROR));
    }
  }

  static void rst(Socket s) throws IOException {
    s.setSoLinger(true, 0);
    s.close();
  }

  interface Script {
    void run(InputStream in, OutputStream out, Socket s) throws IOException;
  }

  /** A loopback target that runs a script on each connection, optionally after reading one request. */
  static final class RawTarget implements AutoCloseable {
    final ServerSocket listener;
    final ExecutorService threads = Executors.newCachedThreadPool();
    final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

    RawTarget(boolean readRequest, Script script) throws IOException {
      listener = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
      threads.submit(() -> {
        while (!listener.isClosed()) {
          Socket s = listener.accept();
          sockets.add(s);
          threads.submit(() -> {
            try {
              if (readRequest) {
                MisbehavingTargetTest.readRequest(s.getInputStream());
              }
              script.run(s.getInputStream(), s.getOutputStream(), s);
            } catch (IOException e) {
              // the client went away
            }
            return null;
          });
        }
        return null;
      });
    }

    int port() {
      return listener.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      listener.close();
      for (Socket s : sockets) {
        s.close();
      }
      threads.shutdownNow();
    }
  }
}
