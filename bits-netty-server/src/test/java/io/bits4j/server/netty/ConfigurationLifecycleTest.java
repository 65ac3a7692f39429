package io.bits4j.server.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.bits4j.AccessPolicy;
import io.bits4j.BitsException;
import io.bits4j.Hresult;
import io.bits4j.UrlGroup;
import io.bits4j.UrlPrefix;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Configuration calls racing requests and {@code close()}: groups and files created and deleted
 * from many threads while clients download, a group re-created under a running download, and a
 * close racing both.
 */
class ConfigurationLifecycleTest {
  @TempDir
  Path dir;

  static byte[] contentFor(String id, int size) {
    byte[] b = new byte[size];
    byte[] tag = id.getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < size; i++) {
      b[i] = tag[i % tag.length];
    }
    return b;
  }

  static Set<Thread> threads() {
    return Thread.getAllStackTraces().keySet();
  }

  static List<String> leftover(Set<Thread> before) {
    List<String> out = new ArrayList<>();
    for (Thread t : threads()) {
      if (!before.contains(t) && t.isAlive() && !t.getName().startsWith("globalEventExecutor")
          && !t.getName().startsWith("lifecycle-") && !t.getName().startsWith("HttpClient")
          && !t.getName().startsWith("ForkJoinPool")) {
        out.add(t.getName() + " " + t.getState());
      }
    }
    return out;
  }

  static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  void groupsAndFilesChangingFromManyThreadsNeverServeAWrongFileAndListenersFollowTheGroups() throws Exception {
    int[] ports = {TestSupport.freePort(), TestSupport.freePort(), TestSupport.freePort()};
    String[] names = {"A", "B"};
    String[] suffixes = {"x.bin", "y.bin"};
    Map<String, Path> files = new HashMap<>();
    Map<String, byte[]> bytes = new HashMap<>();
    for (int port : ports) {
      for (String n : names) {
        for (String s : suffixes) {
          String id = port + "/" + n + "/" + s;
          byte[] c = contentFor(id + ";", 20_000 + ThreadLocalRandom.current().nextInt(1000));
          Path p = dir.resolve(port + "-" + n + "-" + s);
          Files.write(p, c);
          files.put(id, p);
          bytes.put(id, c);
        }
      }
    }
    List<String> problems = new CopyOnWriteArrayList<>();
    ConcurrentHashMap<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
    try (NettyCompactServer server = NettyCompactServer.builder().workerThreads(2).build()) {
      AtomicBoolean done = new AtomicBoolean();
      CyclicBarrier start = new CyclicBarrier(16);
      ExecutorService pool = Executors.newFixedThreadPool(16, r -> new Thread(r, "lifecycle-" + r.hashCode()));
      List<Future<?>> fs = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        fs.add(pool.submit(() -> {
          start.await();
          ThreadLocalRandom r = ThreadLocalRandom.current();
          for (int i = 0; i < 200; i++) {
            int port = ports[r.nextInt(ports.length)];
            String n = names[r.nextInt(names.length)];
            String s = suffixes[r.nextInt(suffixes.length)];
            UrlPrefix p = UrlPrefix.parse("http://127.0.0.1:" + port + "/" + n);
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
            try {
              switch (r.nextInt(6)) {
                case 0, 1, 2 -> server.createUrlGroup(p).host(s, files.get(port + "/" + n + "/" + s), AccessPolicy.NONE);
                case 3, 4 -> server.findUrlGroup(p).ifPresent(g -> g.remove(s));
                default -> server.deleteUrlGroup(p);
              }
            } catch (BitsException e) {
              if (e.hresult() == Hresult.E_ALREADY_EXISTS && e.getMessage().contains("listen")) {
                problems.add("bind: " + e);
              } else if (e.hresult() != Hresult.E_NOT_FOUND && e.hresult() != Hresult.E_ALREADY_EXISTS) {
                problems.add("config: " + e);
              }
            }
          }
          return null;
        }));
      }
      for (int t = 0; t < 8; t++) {
        fs.add(pool.submit(() -> {
          start.await();
          ThreadLocalRandom r = ThreadLocalRandom.current();
          while (!done.get()) {
            int port = ports[r.nextInt(ports.length)];
            String n = names[r.nextInt(names.length)];
            String s = suffixes[r.nextInt(suffixes.length)];
            String id = port + "/" + n + "/" + s;
            try (RawHttp c = RawHttp.plain(port)) {
              c.socket.setSoTimeout(10_000);
              for (int k = 0; k < 3; k++) {
                RawHttp.Response resp = c.request("GET", "/" + n + "/" + s);
                outcomes.computeIfAbsent("" + resp.status(), x -> new AtomicInteger()).incrementAndGet();
                if (resp.status() == 200) {
                  if (!Arrays.equals(resp.body(), bytes.get(id))) {
                    problems.add("wrong bytes for " + id + ": " + new String(resp.body(), 0, Math.min(30, resp.body().length), StandardCharsets.US_ASCII));
                  }
                } else if (resp.status() != 404 && resp.status() != 503) {
                  problems.add("status " + resp.status() + " for " + id);
                }
              }
            } catch (ConnectException e) {
              outcomes.computeIfAbsent("refused", x -> new AtomicInteger()).incrementAndGet();
            } catch (java.net.SocketTimeoutException e) {
              problems.add("hang: " + id);
            } catch (IOException e) {
              outcomes.computeIfAbsent("io:" + e.getMessage(), x -> new AtomicInteger()).incrementAndGet();
            }
          }
          return null;
        }));
      }
      for (int i = 0; i < 8; i++) {
        fs.get(i).get(60, TimeUnit.SECONDS);
      }
      done.set(true);
      for (Future<?> f : fs) {
        f.get(60, TimeUnit.SECONDS);
      }
      pool.shutdown();
      for (int port : ports) {
        boolean hasGroups = server.urlGroups().stream().anyMatch(g -> g.prefix().port() == port);
        assertThat(listening(port)).as("port %d groups %s", port, hasGroups).isEqualTo(hasGroups);
      }
      assertThat(outcomes.get("200")).as("outcomes %s", outcomes).isNotNull();
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void aGroupReCreatedUnderARunningDownloadServesTheNewFileAndTheOldDownloadKeepsItsBytes() throws Exception {
    Path big = TestSupport.sparse(dir, "big.bin", 64L << 20);
    Path other = dir.resolve("other.bin");
    Files.write(other, contentFor("other;", 50_000));
    int port = TestSupport.freePort();
    try (NettyCompactServer server = NettyCompactServer.builder().workerThreads(2).build()) {
      UrlPrefix p = UrlPrefix.parse("http://127.0.0.1:" + port + "/G");
      server.createUrlGroup(p).host("f.bin", big, AccessPolicy.NONE);
      try (RawHttp c = RawHttp.plain(port)) {
        c.sendRaw("GET /G/f.bin HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        java.io.InputStream in = c.socket.getInputStream();
        StringBuilder hd = new StringBuilder();
        while (!hd.toString().endsWith("\r\n\r\n")) {
          hd.append((char) in.read());
        }
        assertThat(hd.toString()).startsWith("HTTP/1.1 200");
        byte[] firstBody = in.readNBytes(1000);
        assertThat(firstBody).isEqualTo(TestSupport.read(big, 0, 999));
        assertThat(server.deleteUrlGroup(p)).isTrue();
        server.createUrlGroup(p).host("f.bin", other, AccessPolicy.NONE);
        try (RawHttp n = RawHttp.plain(port)) {
          RawHttp.Response r = n.request("GET", "/G/f.bin");
          assertThat(r.status()).isEqualTo(200);
          assertThat(r.body()).isEqualTo(Files.readAllBytes(other));
        }
        // the old download: the rest of its bytes are the old file's, or it is cut
        byte[] buf = new byte[1 << 16];
        long total = 1000;
        int r;
        long mismatches = 0;
        while (total < (64L << 20) && (r = in.read(buf, 0, (int) Math.min(buf.length, (64L << 20) - total))) > 0) {
          byte[] want = TestSupport.read(big, total, total + r - 1);
          if (!Arrays.equals(Arrays.copyOf(buf, r), want)) {
            mismatches++;
          }
          total += r;
        }
        assertThat(mismatches).isZero(); // and total < 64 MiB would be a cut: allowed
      }
    }
  }

  @Test
  void closeRacingDownloadsAndConfigurationEndsEverythingWithTypedErrorsOnly() throws Exception {
    Set<Thread> before = threads();
    Path big = TestSupport.sparse(dir, "big.bin", 32L << 20);
    int port = TestSupport.freePort();
    int port2 = TestSupport.freePort();
    NettyCompactServer server = NettyCompactServer.builder().workerThreads(2).build();
    UrlPrefix p = UrlPrefix.parse("http://127.0.0.1:" + port + "/G");
    server.createUrlGroup(p).host("f.bin", big, AccessPolicy.NONE);
    List<String> problems = new CopyOnWriteArrayList<>();
    ConcurrentHashMap<String, AtomicInteger> ex = new ConcurrentHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(58, r -> new Thread(r, "lifecycle-" + r.hashCode()));
    CountDownLatch started = new CountDownLatch(50);
    CyclicBarrier go = new CyclicBarrier(9);
    List<Future<?>> fs = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      fs.add(pool.submit(() -> {
        try (RawHttp c = RawHttp.plain(port)) {
          c.sendRaw("GET /G/f.bin HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
          c.socket.getInputStream().read();
          started.countDown();
          long n = c.drain();
          if (n >= (32L << 20) + 100) {
            ex.computeIfAbsent("complete", x -> new AtomicInteger()).incrementAndGet();
          }
        } catch (IOException e) {
          started.countDown();
          ex.computeIfAbsent("dl:" + e, x -> new AtomicInteger()).incrementAndGet();
        }
        return null;
      }));
    }
    assertThat(started.await(20, TimeUnit.SECONDS)).isTrue();
    for (int i = 0; i < 8; i++) {
      int k = i;
      fs.add(pool.submit(() -> {
        go.await();
        for (int j = 0; j < 200; j++) {
          try {
            UrlPrefix q = UrlPrefix.parse("http://127.0.0.1:" + (k % 2 == 0 ? port : port2) + "/C" + (j % 3));
            UrlGroup g = server.createUrlGroup(q);
            g.host("f" + k, big, AccessPolicy.NONE);
            g.remove("f" + k);
            if (j % 2 == 0) {
              g.delete();
            }
          } catch (IllegalStateException e) {
            ex.computeIfAbsent("ISE", x -> new AtomicInteger()).incrementAndGet();
          } catch (BitsException e) {
            ex.computeIfAbsent("Bits:" + Hresult.hex(e.hresult()), x -> new AtomicInteger()).incrementAndGet();
            if (e.hresult() != Hresult.E_NOT_FOUND && e.hresult() != Hresult.E_ALREADY_EXISTS) {
              problems.add(e.toString());
            }
          } catch (RuntimeException e) {
            problems.add(e.toString());
          }
        }
        return null;
      }));
    }
    go.await();
    long t0 = System.nanoTime();
    server.close();
    long ms = (System.nanoTime() - t0) / 1_000_000;
    for (Future<?> f : fs) {
      f.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();
    assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    assertThat(ms).isLessThan(10_000);
    assertThat(problems).isEmpty();
    assertThat(leftover(before)).isEmpty();
    for (int q : new int[] {port, port2}) {
      try (ServerSocket s = new ServerSocket()) {
        s.bind(new InetSocketAddress("127.0.0.1", q));
      }
    }
  }
}
