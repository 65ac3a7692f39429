package io.bits4j.client.portable;

import static org.assertj.core.api.Assertions.assertThat;

import io.bits4j.ClientJob;
import io.bits4j.CompleteStatus;
import io.bits4j.JobPriority;
import io.bits4j.JobSpec;
import io.bits4j.JobState;
import io.bits4j.Scheduler;
import io.bits4j.testkit.ManualClock;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.ref.WeakReference;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Resource and leftover soak: many jobs through every ending (complete, cancel in each state,
 * suspend/resume, server errors, local errors, close and reopen, files added over time), and after
 * each cell: file descriptors back to the baseline, no client thread left after close and none
 * growing with the jobs, no temp file of an ended job, no partial file under a final name, the
 * state directory holding exactly the live jobs, no scheduled task kept for an ended job, and the
 * client still working. {@code -Dbits4j.soak.iterations=N} runs N jobs per cell (default 12).
 */
class ResourceSoakTest {
  private static final int N = Integer.getInteger("bits4j.soak.iterations", 12);
  private static final int SIZE = 300_000;
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path tmp;
  Path source;
  Path bigSource;
  TestServer ok;
  TestServer slow;
  ScriptServer script;
  volatile CountDownLatch headGate = new CountDownLatch(1);
  ManualClock clock;
  PortableBitsClient client;
  Path stateDir;
  Path out;
  int seq;
  final Map<String, String> report = new TreeMap<>();
  java.security.KeyStore tlsKeys;
  long cellStart;

  @BeforeEach
  void setUp() throws Exception {
    source = TestFiles.generate(tmp.resolve("source.bin"), SIZE, 7);
    bigSource = TestFiles.generate(tmp.resolve("big.bin"), 2_000_000, 8);
    ok = new TestServer(source);
    slow = new TestServer(bigSource);
    slow.bytesPerSecond = 8_000_000;
    script = new ScriptServer();
    script.handler = this::scripted;
    stateDir = tmp.resolve("state");
    out = Files.createDirectories(tmp.resolve("out"));
    clock = new ManualClock();
    client = open();
  }

  @AfterEach
  void tearDown() throws IOException {
    headGate.countDown();
    if (client != null) {
      client.close();
    }
    ok.close();
    slow.close();
    script.close();
    report.forEach((k, v) -> System.out.println("[soak] " + k + ": " + v));
  }

  private PortableBitsClient open() {
    return PortableBitsClient.builder().stateDirectory(stateDir).scheduler(clock).transferWorkers(2)
        .readTimeout(Duration.ofMillis(400)).connectTimeout(Duration.ofSeconds(2))
        .durability(256 * 1024, Duration.ofSeconds(1)).build();
  }

  /** Scripted routes: HEAD held at a gate, 404, 416, 500. */
  private boolean scripted(TestServer.Request req, OutputStream o) throws IOException {
    String t = req.target();
    if (t.startsWith("/hang")) {
      try {
        headGate.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        return false;
      }
      return false;
    }
    if (t.startsWith("/404")) {
      ScriptServer.write(o, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
      return true;
    }
    if (req.method().equals("HEAD")) {
      ScriptServer.write(o, "HTTP/1.1 200 OK\r\nETag: \"e\"\r\nContent-Length: 1000\r\n\r\n");
      return true;
    }
    int status = t.startsWith("/416") ? 416 : 500;
    ScriptServer.write(o, "HTTP/1.1 " + status + " X\r\nContent-Length: 0\r\n\r\n");
    return true;
  }

  // ------------------------------------------------------------------ the soak

  @Test
  void soak() throws Exception {
    tlsKeys = TestCerts.generate(tmp, "server", "127.0.0.1"); // before the baseline: keytool's pipes
    // warm up (class loading, JIT, the JDK's lazily opened files), then take the baseline
    completeCell("warm-up", 2);
    Baseline base = Baseline.take();
    cellStart = System.nanoTime();

    completeCell("complete after TRANSFERRED", N);
    check(base, "complete after TRANSFERRED");

    cancelTransferred(N);
    check(base, "cancel in TRANSFERRED");

    cancelQueuedAndConnecting(N);
    check(base, "cancel in QUEUED / CONNECTING");

    endWhileTransferring(N);
    check(base, "cancel / complete in TRANSFERRING");

    suspendResume(N);
    check(base, "suspend/resume mid-transfer");

    serverErrors(N);
    check(base, "404 / 416 / 500 / auth");

    resetAndStall(N);
    check(base, "reset mid-body / stall until timeout");

    tlsFailure(Math.max(2, N / 3));
    check(base, "TLS failure");

    localFailures(N);
    check(base, "destination removed / unwritable");

    filesAddedOverTime(Math.max(2, N / 2));
    check(base, "files added over time");

    closeAndReopen(Math.max(2, N / 3));
    check(base, "close with active jobs + reopen");

    // (e) the client still works
    completeCell("after the soak", 3);
    check(base, "after the soak");
    Set<Thread> before = clientThreads();
    client.close();
    client = null;
    awaitThreadsGone(before, "final close");
    assertThat(lsState()).containsExactly("lock");
    awaitFds(base, "final close");
  }

  /** Jobs downloaded and completed: final files complete, nothing else left. */
  private void completeCell(String cell, int n) throws Exception {
    for (int i = 0; i < n; i++) {
      ClientJob j = start(ok.uri("/ok" + i), JobPriority.FOREGROUND);
      Path dest = j.files().get(0).localFile();
      assertThat(settle(j)).isEqualTo(JobState.TRANSFERRED);
      assertThat(Files.exists(dest)).as("no partial file under a final name").isFalse();
      assertThat(j.complete()).isEqualTo(CompleteStatus.COMPLETE);
      assertThat(Files.size(dest)).isEqualTo(SIZE);
      Files.delete(dest);
    }
    report.put(cell, n + " jobs");
  }

  private void cancelTransferred(int n) throws Exception {
    for (int i = 0; i < n; i++) {
      ClientJob j = start(ok.uri("/c" + i), JobPriority.FOREGROUND);
      assertThat(settle(j)).isEqualTo(JobState.TRANSFERRED);
      j.cancel();
    }
    report.put("cancel in TRANSFERRED", n + " jobs");
  }

  private void cancelQueuedAndConnecting(int n) throws Exception {
    headGate = new CountDownLatch(1);
    ClientJob blocker = start(script.uri("/hang"), JobPriority.NORMAL);
    TestFiles.await("CONNECTING", WAIT, () -> blocker.state() == JobState.CONNECTING);
    List<ClientJob> queued = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      queued.add(start(ok.uri("/q" + i), JobPriority.LOW));
    }
    for (ClientJob q : queued) {
      assertThat(q.state()).isEqualTo(JobState.QUEUED);
      q.cancel();
    }
    blocker.cancel();
    // more CONNECTING cancels, each held at its HEAD
    for (int i = 0; i < n; i++) {
      ClientJob h = start(script.uri("/hang" + i), JobPriority.FOREGROUND);
      TestFiles.await("CONNECTING", WAIT, () -> h.state() == JobState.CONNECTING);
      if (i % 2 == 0) {
        h.cancel();
      } else {
        assertThat(h.complete()).isEqualTo(CompleteStatus.PARTIAL_COMPLETE);
      }
    }
    headGate.countDown(); // the server's held connections end
    report.put("cancel in QUEUED / CONNECTING", n + " QUEUED + " + n + " CONNECTING (half complete())");
  }

  private void endWhileTransferring(int n) throws Exception {
    for (int i = 0; i < n; i++) {
      ClientJob j = start(slow.uri("/t" + i), JobPriority.FOREGROUND);
      awaitBytes(j);
      Path dest = j.files().get(0).localFile();
      if (i % 2 == 0) {
        j.cancel();
      } else {
        assertThat(j.complete()).isEqualTo(CompleteStatus.PARTIAL_COMPLETE);
      }
      assertThat(Files.exists(dest)).as("no partial file under a final name").isFalse();
    }
    report.put("cancel / complete in TRANSFERRING", n + " jobs (alternating)");
  }

  private void suspendResume(int n) throws Exception {
    for (int i = 0; i < n; i++) {
      ClientJob j = start(slow.uri("/s" + i), JobPriority.FOREGROUND);
      awaitBytes(j);
      j.suspend();
      assertThat(j.state()).isEqualTo(JobState.SUSPENDED);
      assertThat(Files.exists(j.files().get(0).localFile())).isFalse();
      if (i % 3 == 0) {
        j.cancel(); // cancel in SUSPENDED
        continue;
      }
      j.resume();
      if (i % 3 == 1) {
        assertThat(settle(j)).isEqualTo(JobState.TRANSFERRED);
        j.complete();
        assertThat(TestFiles.sha256(j.files().get(0).localFile())).isEqualTo(TestFiles.sha256(bigSource));
        Files.delete(j.files().get(0).localFile());
      } else {
        awaitBytes(j);
        j.cancel();
      }
    }
    report.put("suspend/resume mid-transfer", n + " jobs (then cancel in SUSPENDED / complete / cancel)");
  }

  private void serverErrors(int n) throws Exception {
    ok.basicAuth = null;
    try (TestServer auth = new TestServer(source)) {
      auth.basicAuth = "u:p";
      for (int i = 0; i < n; i++) {
        ClientJob e404 = start(script.uri("/404/" + i), JobPriority.FOREGROUND);
        ClientJob e416 = start(script.uri("/416/" + i), JobPriority.FOREGROUND);
        assertThat(settle(e404)).isEqualTo(JobState.ERROR);
        assertThat(settle(e416)).isEqualTo(JobState.ERROR);
        ClientJob e500 = start(script.uri("/500/" + i), JobPriority.FOREGROUND);
        TestFiles.await("TRANSIENT_ERROR", WAIT, () -> e500.state() == JobState.TRANSIENT_ERROR);
        ClientJob e401 = start(auth.uri("/a" + i), JobPriority.FOREGROUND);
        assertThat(settle(e401)).isEqualTo(JobState.ERROR);
        e404.cancel();
        e416.complete();
        if (i % 2 == 0) {
          e500.cancel();
        } else {
          e500.complete();
        }
        e401.cancel();
      }
    }
    report.put("404 / 416 / 500 / auth", n + " rounds x 4 jobs (ERROR, ERROR, TRANSIENT_ERROR, ERROR)");
  }

  private void resetAndStall(int n) throws Exception {
    try (TestServer faulty = new TestServer(source)) {
      for (int i = 0; i < n; i++) {
        faulty.faults.add(i % 2 == 0 ? TestServer.Fault.cut(100_000) : TestServer.Fault.stall(100_000));
        ClientJob j = start(faulty.uri("/r" + i), JobPriority.FOREGROUND);
        assertThat(settle(j)).isEqualTo(JobState.TRANSFERRED); // retried at once after progress
        j.complete();
        Path dest = j.files().get(0).localFile();
        assertThat(TestFiles.sha256(dest)).isEqualTo(TestFiles.sha256(source));
        Files.delete(dest);
      }
    }
    report.put("reset mid-body / stall until timeout", n + " jobs (alternating), each retried and completed");
  }

  private void tlsFailure(int n) throws Exception {
    var keys = tlsKeys;
    try (TestServer tls = new TestServer(source, TestCerts.server(keys, keys), false)) {
      for (int i = 0; i < n; i++) {
        ClientJob j = start(tls.uri("/tls" + i), JobPriority.FOREGROUND);
        assertThat(settle(j)).isEqualTo(JobState.ERROR); // not trusted
        j.cancel();
      }
    }
    report.put("TLS failure", n + " jobs (untrusted certificate → ERROR → cancel)");
  }

  private void localFailures(int n) throws Exception {
    boolean root = "root".equals(System.getProperty("user.name"));
    for (int i = 0; i < n; i++) {
      Path dir = Files.createDirectories(out.resolve("d" + seq++));
      ClientJob j = createIn(dir, slow.uri("/l" + i), JobPriority.FOREGROUND);
      if (i % 2 == 0) {
        // the destination directory removed mid-transfer
        awaitBytes(j);
        deleteTree(dir);
        assertThat(settle(j)).isEqualTo(JobState.ERROR);
        j.cancel();
      } else {
        // unwritable: read-only (not effective for root), else a file in place of the directory
        j.suspend();
        if (root) {
          deleteTree(dir);
          Files.writeString(dir, "not a directory");
        } else {
          Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-x------"));
        }
        j.resume();
        assertThat(settle(j)).isEqualTo(JobState.ERROR);
        j.complete();
        if (root) {
          Files.delete(dir);
        } else {
          Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
          try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.toList()).isEmpty();
          }
          Files.delete(dir);
        }
      }
    }
    report.put("destination removed / unwritable", n + " jobs (alternating; unwritable = "
        + (root ? "file in place of the directory, running as root" : "read-only directory") + ")");
  }

  private void filesAddedOverTime(int n) throws Exception {
    for (int i = 0; i < n; i++) {
      ClientJob j = start(ok.uri("/m" + i + "-0"), JobPriority.FOREGROUND);
      for (int k = 1; k <= 3; k++) {
        assertThat(settle(j)).isEqualTo(JobState.TRANSFERRED);
        j.addFile(ok.uri("/m" + i + "-" + k), out.resolve("f" + seq++ + ".bin"));
        j.resume();
      }
      assertThat(settle(j)).isEqualTo(JobState.TRANSFERRED);
      if (i % 2 == 0) {
        j.addFile(ok.uri("/never"), out.resolve("f" + seq++ + ".bin")); // added, never transferred
        assertThat(j.complete()).isEqualTo(CompleteStatus.PARTIAL_COMPLETE);
      } else {
        assertThat(j.complete()).isEqualTo(CompleteStatus.COMPLETE);
      }
      for (var f : j.files()) {
        if (f.completed()) {
          assertThat(Files.size(f.localFile())).isEqualTo(SIZE);
          Files.delete(f.localFile());
        }
      }
    }
    report.put("files added over time", n + " jobs x 4-5 files");
  }

  private void closeAndReopen(int n) throws Exception {
    for (int i = 0; i < n; i++) {
      List<ClientJob> active = new ArrayList<>();
      for (int k = 0; k < 3; k++) {
        active.add(start(slow.uri("/x" + i + "-" + k), JobPriority.FOREGROUND));
      }
      active.add(start(script.uri("/500/x" + i), JobPriority.FOREGROUND));
      awaitBytes(active.get(0));
      TestFiles.await("TRANSIENT_ERROR", WAIT, () -> active.get(3).state() == JobState.TRANSIENT_ERROR);
      Set<Thread> threads = clientThreads();
      assertThat(threads.size()).as("client threads " + names(threads)).isLessThanOrEqualTo(2 + 2 + 2);
      client.close();
      awaitThreadsGone(threads, "close with active jobs");
      Set<String> expected = new HashSet<>();
      expected.add("lock");
      active.forEach(j -> expected.add("job-" + j.id().uuid() + ".state"));
      assertThat(lsState()).containsExactlyInAnyOrderElementsOf(expected);
      client = open(); // the lock was released
      assertThat(client.jobs()).hasSize(4);
      for (ClientJob j : client.jobs()) {
        if (j.files().get(0).remoteUrl().getPath().startsWith("/500")) {
          j.cancel();
        } else {
          assertThat(settle(j)).isEqualTo(JobState.TRANSFERRED);
          j.complete();
          assertThat(TestFiles.sha256(j.files().get(0).localFile())).isEqualTo(TestFiles.sha256(bigSource));
          Files.delete(j.files().get(0).localFile());
        }
      }
    }
    report.put("close with active jobs + reopen", n + " rounds x 4 jobs (3 TRANSFERRING, 1 TRANSIENT_ERROR)");
  }

  // ------------------------------------------------------------------ focused leak tests

  /**
   * An ended job leaves no scheduled task behind: neither its retry (from TRANSIENT_ERROR) nor
   * its time slice. Before the fix each TRANSIENT_ERROR job cancelled kept a task (and with it the
   * job) in the scheduler until its retry delay passed, each dispatched background job one until
   * its time slice ended: the pending tasks grew with the number of ended jobs.
   */
  @Test
  void endedJobsLeaveNoScheduledTasks() throws Exception {
    for (int i = 0; i < N; i++) {
      ClientJob t = start(script.uri("/500/p" + i), JobPriority.NORMAL);
      TestFiles.await("TRANSIENT_ERROR", WAIT, () -> t.state() == JobState.TRANSIENT_ERROR);
      t.cancel();
      ClientJob d = start(ok.uri("/p" + i), JobPriority.NORMAL);
      assertThat(settle(d)).isEqualTo(JobState.TRANSFERRED);
      d.complete();
    }
    TestFiles.await("idle", WAIT, () -> client.jobs().isEmpty());
    assertThat(clock.pendingTasks()).as("scheduled tasks after %d ended jobs", 2 * N).isZero();
  }

  /**
   * A closed client is not kept reachable by the JVM-wide {@link Scheduler#system()}: before the
   * fix, a job in TRANSIENT_ERROR at close() left its retry task (600 s by default, up to the
   * no-progress timeout) there, holding the job and the whole engine (its direct-I/O buffers
   * included).
   */
  @Test
  void closedClientIsNotKeptByTheSystemScheduler() throws Exception {
    client.close();
    client = null;
    List<WeakReference<?>> refs = closedSystemClient();
    for (WeakReference<?> r : refs) {
      assertThat(collected(r)).as("closed client and its job collectable").isTrue();
    }
  }

  /** A client on the system scheduler closed with a job in TRANSIENT_ERROR; weak references to both. */
  private List<WeakReference<?>> closedSystemClient() {
    PortableBitsClient c = PortableBitsClient.builder().stateDirectory(tmp.resolve("state-system")).build();
    ClientJob t = c.createJob(JobSpec.builder("t").addFile(script.uri("/500/sys"), out.resolve("sys.bin"))
        .start(true).build());
    TestFiles.await("TRANSIENT_ERROR", WAIT, () -> t.state() == JobState.TRANSIENT_ERROR);
    c.close();
    return List.of(new WeakReference<>(t), new WeakReference<>(c));
  }

  private static boolean collected(WeakReference<?> ref) throws InterruptedException {
    for (int i = 0; i < 50 && ref.get() != null; i++) {
      System.gc();
      Thread.sleep(10);
    }
    return ref.get() == null;
  }

  // ------------------------------------------------------------------ helpers

  private ClientJob start(URI uri, JobPriority p) {
    return createIn(out, uri, p);
  }

  private ClientJob createIn(Path dir, URI uri, JobPriority p) {
    return client.createJob(JobSpec.builder("soak").priority(p).addFile(uri, dir.resolve("f" + seq++ + ".bin"))
        .noProgressTimeout(Duration.ofDays(1)).start(true).build());
  }

  private static JobState settle(ClientJob j) throws Exception {
    return j.outcome().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  private static void awaitBytes(ClientJob j) {
    TestFiles.await("bytes", WAIT, () -> j.state() == JobState.TRANSFERRING && j.progress().bytesTransferred() > 0);
  }

  /** The after-cell checks. */
  private void check(Baseline base, String cell) throws Exception {
    TestFiles.await("no jobs left (" + cell + ")", WAIT, () -> client.jobs().isEmpty());
    // (c) no stray files: temp files, partial files, state files of ended jobs
    try (Stream<Path> s = Files.walk(out)) {
      List<String> left = s.filter(p -> !p.equals(out)).map(p -> out.relativize(p).toString()).toList();
      assertThat(left).as("leftovers under the destinations after " + cell).isEmpty();
    }
    assertThat(lsState()).as("state directory after " + cell).containsExactly("lock");
    // (d) nothing scheduled for ended jobs
    assertThat(clock.pendingTasks()).as("scheduled tasks after " + cell).isZero();
    // (b) client threads bounded (2 workers: transfer + flush each, dispatch, notify)
    Set<Thread> threads = clientThreads();
    assertThat(threads.size()).as("client threads after " + cell + ": " + names(threads)).isLessThanOrEqualTo(6);
    // (a) descriptors back to the baseline
    awaitFds(base, cell + " [server ports: ok " + hex(ok.uri("/").getPort()) + ", slow " + hex(slow.uri("/").getPort())
        + ", script " + hex(script.uri("/").getPort()) + "]");
    long now = System.nanoTime();
    report.merge(cell, " | fds ok, threads " + threads.size() + ", no leftovers, "
        + (now - cellStart) / 1_000_000 + " ms", String::concat);
    cellStart = now;
  }

  private List<String> lsState() throws IOException {
    try (Stream<Path> s = Files.list(stateDir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static Set<Thread> clientThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("bits4j-") && !t.getName().equals("bits4j-scheduler"))
        .collect(Collectors.toSet());
  }

  private static String names(Set<Thread> ts) {
    return ts.stream().map(Thread::getName).sorted().toList().toString();
  }

  private static void awaitThreadsGone(Set<Thread> threads, String what) {
    TestFiles.await("client threads gone after " + what, WAIT,
        () -> threads.stream().noneMatch(Thread::isAlive));
  }

  /** The process's open descriptors, by number → target. */
  private record Baseline(Map<String, String> fds) {
    static Baseline take() throws InterruptedException {
      // settle: connections the servers' threads are still closing
      Map<String, String> b = openFds();
      for (int i = 0; i < 100; i++) {
        Thread.sleep(10);
        Map<String, String> n = openFds();
        if (n.size() <= b.size()) {
          b = n;
          if (i > 10) {
            break;
          }
        }
      }
      return new Baseline(b);
    }
  }

  private static Map<String, String> openFds() {
    Map<String, String> m = new TreeMap<>();
    String[] l = Path.of("/proc/self/fd").toFile().list();
    if (l != null) {
      for (String fd : l) {
        try {
          m.put(fd, Files.readSymbolicLink(Path.of("/proc/self/fd", fd)).toString());
        } catch (IOException e) {
          // closed meanwhile (the listing's own descriptor)
        }
      }
    }
    return m;
  }

  /**
   * Waits (bounded) until the descriptors are back to the baseline. Slack: none beyond what the
   * servers of this test still hold while their threads finish closing (polled away).
   */
  private static void awaitFds(Baseline base, String cell) {
    // compared by target, not number: a reopened client's lock file may get another number
    Function<Map<String, String>, List<String>> extra = now -> {
      List<String> x = new ArrayList<>(now.values());
      base.fds().values().forEach(x::remove);
      return x;
    };
    long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    List<String> x = extra.apply(openFds());
    while (!x.isEmpty() && System.nanoTime() < end) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      x = extra.apply(openFds());
    }
    assertThat(x).as("descriptors open after " + cell + " beyond the baseline" + sockets(x)).isEmpty();
  }

  private static String hex(int port) {
    return String.format("%04X", port);
  }

  /** For a failure message: the TCP lines (ports in hex, state) of the sockets among {@code targets}. */
  private static String sockets(List<String> targets) {
    StringBuilder sb = new StringBuilder();
    for (String t : targets) {
      if (t.startsWith("socket:[")) {
        String inode = t.substring("socket:[".length(), t.length() - 1);
        for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
          try {
            for (String line : Files.readAllLines(Path.of(table))) {
              String[] f = line.strip().split("\\s+");
              if (f.length > 9 && f[9].equals(inode)) {
                sb.append("; ").append(t).append(" local ").append(f[1]).append(" remote ").append(f[2])
                    .append(" state ").append(f[3]);
              }
            }
          } catch (IOException e) {
            // no such table here
          }
        }
      }
    }
    return sb.length() == 0 ? "" : " (" + sb.substring(2) + ")";
  }
}
