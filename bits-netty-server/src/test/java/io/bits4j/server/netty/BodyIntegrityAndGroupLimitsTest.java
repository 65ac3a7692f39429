package io.bits4j.server.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.bits4j.AccessPolicy;
import io.bits4j.UrlGroup;
import io.bits4j.UrlPrefix;
import io.bits4j.server.netty.internal.GroupProbe;
import io.bits4j.server.netty.internal.Multipart;
import io.bits4j.server.netty.internal.TokenBucket;
import io.netty.handler.ssl.OpenSsl;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Response bodies against files changing under them on every path (zero-copy, chunked TLS with
 * JDK and OpenSSL, bandwidth-limited, multipart), group bandwidth limits against the bucket's
 * manual clock, and group connection-limit slots.
 */
class BodyIntegrityAndGroupLimitsTest {
  @TempDir
  Path dir;

  /** A response read on its own thread: head parsed, body counted (and kept if asked). */
  static final class Reader extends Thread {
    final Socket socket;
    final String request;
    final boolean keepBytes;
    final AtomicLong received = new AtomicLong();
    final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    volatile long contentLength = -1;
    volatile String contentType = "";
    volatile boolean ended;
    volatile Throwable error;

    Reader(int port, SSLContext tls, String request, boolean keepBytes, int receiveBuffer) throws IOException {
      Socket s = new Socket();
      if (receiveBuffer > 0) {
        s.setReceiveBufferSize(receiveBuffer);
      }
      s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      s.setSoTimeout(30_000);
      if (tls != null) {
        s = tls.getSocketFactory().createSocket(s, "127.0.0.1", port, true);
        ((SSLSocket) s).startHandshake();
      }
      this.socket = s;
      this.request = request;
      this.keepBytes = keepBytes;
      setDaemon(true);
    }

    @Override
    public void run() {
      try {
        socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        InputStream in = socket.getInputStream();
        String line = line(in);
        while (!(line = line(in)).isEmpty()) {
          if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
            contentLength = Long.parseLong(line.substring(15).strip());
          } else if (line.toLowerCase(Locale.ROOT).startsWith("content-type:")) {
            contentType = line.substring(13).strip();
          }
        }
        byte[] b = new byte[65536];
        while (received.get() < contentLength) {
          int n = in.read(b, 0, (int) Math.min(b.length, contentLength - received.get()));
          if (n < 0) {
            ended = true; // end of stream before the promised length
            return;
          }
          if (keepBytes) {
            kept.write(b, 0, n);
          }
          received.addAndGet(n);
        }
      } catch (Throwable t) {
        error = t;
        ended = true;
      }
    }

    private static String line(InputStream in) throws IOException {
      StringBuilder sb = new StringBuilder();
      int c;
      while ((c = in.read()) >= 0 && c != '\n') {
        if (c != '\r') {
          sb.append((char) c);
        }
      }
      if (c < 0) {
        throw new IOException("end of stream in the response head");
      }
      return sb.toString();
    }
  }

  /**
   * Moves the server's clock {@code steps} times by {@code stepNanos}; after each, exactly {@code
   * perStep} more bytes than {@code base} have arrived (the limited rate, to the byte).
   */
  private static void expectSteps(Reader r, AtomicLong clock, long stepNanos, long base, long perStep, int steps,
      String what) throws InterruptedException {
    for (int i = 1; i <= steps; i++) {
      clock.addAndGet(stepNanos);
      long want = base + perStep * i;
      await(() -> r.received.get() >= want, what);
      assertThat(r.received.get()).as("%s, step %d", what, i).isEqualTo(want);
    }
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    await(condition, () -> what);
  }

  private static void await(BooleanSupplier condition, java.util.function.Supplier<String> what)
      throws InterruptedException {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for: " + what.get());
      }
      Thread.sleep(2);
    }
  }

  private static String get(String path, String... headers) {
    StringBuilder sb = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: x\r\n");
    for (String h : headers) {
      sb.append(h).append("\r\n");
    }
    return sb.append("\r\n").toString();
  }

  private static boolean tls(String mode) {
    return mode.startsWith("jdk") || mode.startsWith("openssl");
  }

  private static NettyCompactServer.Builder builder(String mode) {
    NettyCompactServer.Builder b = NettyCompactServer.builder().workerThreads(2);
    if (tls(mode)) {
      b.tlsProvider(mode.startsWith("jdk") ? NettyCompactServer.TlsProvider.JDK : NettyCompactServer.TlsProvider.OPENSSL);
    }
    return b;
  }

  private static UrlGroup group(NettyCompactServer s, boolean tls, int port) {
    if (tls) {
      s.setSslCertificate(port, TestSupport.pki().serverIdentity());
    }
    return s.createUrlGroup(UrlPrefix.parse((tls ? "https" : "http") + "://127.0.0.1:" + port + "/G"));
  }

  private static SSLContext client(boolean tls) throws Exception {
    return tls ? TestSupport.pki().clientContext(false, "TLS") : null;
  }

  // ---- files changing mid-send: the planned version whole, or an aborted connection

  @ParameterizedTest
  @ValueSource(strings = {"plain", "plain-multi", "plain-throttled", "jdk", "jdk-multi", "openssl-throttled-multi"})
  void aFileReplacedMidSendIsSentWholeFromTheVersionPlanned(String mode) throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(!mode.startsWith("openssl") || OpenSsl.isAvailable());
    boolean multi = mode.contains("multi");
    Path f = TestSupport.file(dir, "r.bin", 12L << 20);
    int port = TestSupport.freePort();
    try (NettyCompactServer s = builder(mode).build()) {
      UrlGroup g = group(s, tls(mode), port);
      g.host("r.bin", f, AccessPolicy.NONE);
      if (mode.contains("throttled")) {
        g.setBandwidthLimit(8_000_000);
      }
      for (int round = 0; round < 2; round++) {
        byte[] want = Files.readAllBytes(f);
        String req = multi ? get("/G/r.bin", "Range: bytes=0-9,100-" + (want.length - 1)) : get("/G/r.bin");
        Reader r = new Reader(port, client(tls(mode)), req, true, 8192);
        r.start();
        await(() -> r.received.get() > 100_000, "part of the body");
        // replaced: another version (longer, then shorter) renamed over it
        Path next = dir.resolve("next.bin");
        byte[] other = new byte[want.length + (round == 0 ? 5000 : -5000)];
        Arrays.fill(other, (byte) (0x55 + round));
        Files.write(next, other);
        Files.move(next, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        r.join(30_000);
        assertThat(r.isAlive()).isFalse();
        assertThat(r.error).isNull();
        assertThat(r.received.get()).isEqualTo(r.contentLength);
        byte[] got = r.kept.toByteArray();
        if (multi) {
          String text = new String(got, StandardCharsets.ISO_8859_1);
          int body = text.indexOf("\r\n\r\n", text.indexOf("bytes 100-")) + 4;
          got = Arrays.copyOfRange(got, body, body + want.length - 100);
          want = Arrays.copyOfRange(want, 100, want.length);
        }
        assertThat(Arrays.equals(got, want)).as("round %d: the planned version, byte for byte", round).isTrue();
        r.socket.close();
      }
    }
  }

  /**
   * A file written in place while a response reads it (truncated, appended to, or rewritten at
   * the same size): the connection is cut before the promised length, never a short body and
   * never the bytes of two versions under one validator (the client resumes with If-Range and
   * gets the new version whole). Every body path: the chain of zero-copy pieces, multipart
   * slices, bandwidth-limited chunks, TLS chunks with JDK and OpenSSL.
   */
  @ParameterizedTest
  @ValueSource(strings = {"plain-multi:truncate", "plain-throttled:truncate", "plain-throttled-multi:truncate",
      "jdk-multi:truncate", "jdk-throttled-multi:truncate", "openssl:truncate", "openssl-multi:truncate",
      "plain:append", "plain:rewrite", "plain-multi:rewrite", "plain-throttled:append", "jdk:rewrite",
      "jdk-multi:append", "openssl:rewrite"})
  void aFileWrittenInPlaceMidSendAbortsTheConnection(String spec) throws Exception {
    String mode = spec.substring(0, spec.indexOf(':'));
    String how = spec.substring(spec.indexOf(':') + 1);
    org.junit.jupiter.api.Assumptions.assumeTrue(!mode.startsWith("openssl") || OpenSsl.isAvailable());
    long size = 64L << 20;
    Path f = TestSupport.sparse(dir, "w.bin", size);
    int port = TestSupport.freePort();
    try (NettyCompactServer s = builder(mode).build()) {
      UrlGroup g = group(s, tls(mode), port);
      g.host("w.bin", f, AccessPolicy.NONE);
      if (mode.contains("throttled")) {
        g.setBandwidthLimit(8_000_000);
      }
      String req = mode.contains("multi") ? get("/G/w.bin", "Range: bytes=0-9,100-" + (size - 1)) : get("/G/w.bin");
      Reader r = new Reader(port, client(tls(mode)), req, false, 8192);
      r.start();
      await(() -> r.received.get() > 100_000, "part of the body");
      if (how.equals("truncate")) {
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
          ch.truncate(1 << 20);
        }
      } else if (how.equals("append")) {
        Files.write(f, new byte[100_000], StandardOpenOption.APPEND);
      } else { // the same size, new bytes, a new modification time (as any writer leaves it)
        java.nio.file.attribute.FileTime was = Files.getLastModifiedTime(f);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
          byte[] other = new byte[1 << 20];
          Arrays.fill(other, (byte) 0x77);
          ch.write(java.nio.ByteBuffer.wrap(other), 40L << 20);
        }
        Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.fromMillis(was.toMillis() + 10_000));
      }
      r.join(30_000);
      assertThat(r.isAlive()).isFalse();
      assertThat(r.ended).as("connection cut").isTrue();
      assertThat(r.received.get()).isLessThan(r.contentLength);
      r.socket.close();
      await(() -> g.stats().activeConnections() == 0, "the slot released");
      // the next request gets the new version whole, under new validators
      Reader next = new Reader(port, client(tls(mode)), get("/G/w.bin"), false, 0);
      next.start();
      next.join(30_000);
      assertThat(next.error).isNull();
      assertThat(next.received.get()).isEqualTo(next.contentLength).isEqualTo(Files.size(f));
      next.socket.close();
    }
  }

  // ---- bandwidth against the bucket's (manual) clock

  @ParameterizedTest
  @ValueSource(strings = {"1024x1", "4000000x1", "4000000x8", "4000000x8tls"})
  void theRateIsExactTheBurstBoundedAndConnectionsShareIt(String spec) throws Exception {
    boolean tls = spec.endsWith("tls");
    String[] p = spec.replace("tls", "").split("x");
    long rate = Long.parseLong(p[0]);
    int connections = Integer.parseInt(p[1]);
    AtomicLong clock = new AtomicLong(1_000_000_000L);
    long burst = TokenBucket.burstFor(rate);
    long stepNanos = burst * 1_000_000_000L / rate;
    long perStep = rate * stepNanos / 1_000_000_000L;
    int steps = rate < 10_000 ? 4 : 24;
    Path f = TestSupport.file(dir, "b.bin", burst + perStep * (steps + 2));
    int port = TestSupport.freePort();
    try (NettyCompactServer s = NettyCompactServer.builder().workerThreads(2).nanoClock(clock::get).build()) {
      UrlGroup g = group(s, tls, port);
      g.host("b.bin", f, AccessPolicy.NONE);
      g.setBandwidthLimit(rate);
      List<Reader> readers = new ArrayList<>();
      for (int i = 0; i < connections; i++) {
        readers.add(new Reader(port, client(tls), get("/G/b.bin"), false, 0));
      }
      readers.forEach(Thread::start);
      LongSupplier total = () -> readers.stream().mapToLong(r -> r.received.get()).sum();
      await(() -> total.getAsLong() >= burst, "the burst");
      assertThat(total.getAsLong()).as("no more than the burst before the clock moves").isEqualTo(burst);
      for (int i = 1; i <= steps; i++) {
        clock.addAndGet(stepNanos);
        long expect = burst + perStep * i;
        await(() -> total.getAsLong() >= expect, "the bytes of step " + expect);
        assertThat(total.getAsLong()).as("step %d", i).isEqualTo(expect);
      }
      long[] each = readers.stream().mapToLong(r -> r.received.get()).toArray();
      long fair = total.getAsLong() / connections;
      for (long e : each) {
        assertThat(e).as("every connection's share, in %s", Arrays.toString(each)).isGreaterThan(fair / 4);
      }
      for (Reader r : readers) {
        r.socket.close();
      }
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aLimitChangedOrRemovedAppliesToTheTransfersUnderWay(boolean tls) throws Exception {
    AtomicLong clock = new AtomicLong(1_000_000_000L);
    long size = 4L << 20;
    Path f = TestSupport.file(dir, "c.bin", size);
    int port = TestSupport.freePort();
    try (NettyCompactServer s = NettyCompactServer.builder().workerThreads(2).nanoClock(clock::get).build()) {
      UrlGroup g = group(s, tls, port);
      g.host("c.bin", f, AccessPolicy.NONE);
      g.setBandwidthLimit(1024);
      Reader r = new Reader(port, client(tls), get("/G/c.bin"), false, 0);
      r.start();
      await(() -> r.received.get() >= 1024, "the burst");
      g.setBandwidthLimit(1_000_000); // raised: the new burst at the next turn, then 250,000 B a quarter second
      await(() -> r.received.get() >= 1024 + 250_000 - 16_384, "the raised limit's burst");
      long base = r.received.get();
      for (int i = 1; i <= 4; i++) {
        clock.addAndGet(250_000_000L);
        // each step's 250,000 B, less up to one 16 KiB chunk per step: tokens beyond the burst are
        // dropped when a step's refill finds the response between two reservations (a full socket)
        long want = base + (250_000L - 16_384) * i - 16_384;
        int step = i;
        await(() -> r.received.get() >= want,
            () -> "the raised rate at step " + step + ": " + r.received.get() + " of " + want + " (base " + base + ")");
      }
      g.setBandwidthLimit(0); // removed: the rest goes at once, the clock standing still
      r.join(20_000);
      assertThat(r.received.get()).isEqualTo(size);
    }
  }

  @Test
  void aLimitSetDuringAZeroCopyResponseTakesOverItsRest() throws Exception {
    AtomicLong clock = new AtomicLong(1_000_000_000L);
    long piece = 2L << 20; // the server's zero-copy piece: the limit takes over at the next one
    long rate = 1L << 20; // a burst (a quarter second) of whole 16 KiB chunks
    long burst = TokenBucket.burstFor(rate);
    long stepNanos = 250_000_000L;
    long perStep = rate * stepNanos / 1_000_000_000L;
    long size = 64L << 20;
    Path f = TestSupport.sparse(dir, "z.bin", size);
    int port = TestSupport.freePort();
    try (NettyCompactServer s = NettyCompactServer.builder().workerThreads(2).nanoClock(clock::get).build()) {
      UrlGroup g = group(s, false, port);
      g.host("z.bin", f, AccessPolicy.NONE);
      Reader r = new Reader(port, null, get("/G/z.bin"), false, 8192);
      r.start();
      await(() -> r.received.get() > 100_000, "part of the first piece");
      g.setBandwidthLimit(rate);
      // the pieces under way go out whole; then the clock standing still lets the burst through
      await(() -> {
        long x = r.received.get();
        return x >= piece + burst && (x - burst) % piece == 0;
      }, () -> "whole pieces, then the burst; got " + r.received.get());
      long base = r.received.get();
      expectSteps(r, clock, stepNanos, base, perStep, 4, "the limited rate");
      assertThat(r.received.get()).isLessThan(size);
      g.setBandwidthLimit(0); // removed: the rest goes at once
      r.join(30_000);
      assertThat(r.error).isNull();
      assertThat(r.received.get()).isEqualTo(size);
    }
  }

  /**
   * The multi-range counterpart of the test above: an unlimited multipart response goes out in
   * zero-copy steps of one piece of file bytes; a limit set meanwhile takes over its rest at the
   * next step (the second part's framing and slice included), a lowered one applies at once, and
   * once removed the rest goes at once. The body, parsed as a client would, is the file's ranges
   * byte for byte.
   */
  @Test
  void aLimitSetDuringAMultiRangeResponseTakesOverItsRest() throws Exception {
    AtomicLong clock = new AtomicLong(1_000_000_000L);
    long piece = 2L << 20; // the file bytes of one zero-copy step: the limit takes over at the next one
    long rate = 1L << 20; // a burst (a quarter second) of whole 16 KiB chunks
    long burst = TokenBucket.burstFor(rate);
    long stepNanos = 250_000_000L;
    long perStep = rate * stepNanos / 1_000_000_000L;
    long lowered = 256L << 10; // its burst, a quarter second's worth, is four whole chunks too
    long loweredBurst = TokenBucket.burstFor(lowered);
    long loweredStep = lowered * stepNanos / 1_000_000_000L;
    long size = 40L << 20;
    Path f = TestSupport.file(dir, "m.bin", size);
    // the first slice is long enough to hold the steps under way, the burst and every step below
    long[][] ranges = {{10, (24L << 20) - 1}, {28L << 20, size - 1}};
    int port = TestSupport.freePort();
    try (NettyCompactServer s = NettyCompactServer.builder().workerThreads(2).nanoClock(clock::get).build()) {
      UrlGroup g = group(s, false, port);
      g.host("m.bin", f, AccessPolicy.NONE);
      String range = "Range: bytes=" + ranges[0][0] + "-" + ranges[0][1] + "," + ranges[1][0] + "-" + ranges[1][1];
      Reader r = new Reader(port, null, get("/G/m.bin", range), true, 8192);
      r.start();
      await(() -> r.received.get() > 100_000, "part of the first step");
      g.setBandwidthLimit(rate);
      long firstHead = ("--" + Multipart.boundaryOf(r.contentType) + "\r\nContent-Type: application/octet-stream\r\n"
          + "Content-Range: bytes " + ranges[0][0] + "-" + ranges[0][1] + "/" + size + "\r\n\r\n").length();
      // the steps under way go out whole; then the clock standing still lets the burst through
      // (without the limit taking over, the body would end here)
      await(() -> {
        long x = r.received.get();
        return x == r.contentLength || GroupProbe.bucketExhausted(g) && x >= firstHead + piece + burst
            && (x - firstHead - burst) % piece == 0;
      }, () -> "whole steps, then the burst; got " + r.received.get());
      assertThat(r.received.get()).as("the rest under the limit").isLessThan(r.contentLength);
      long base = r.received.get();
      expectSteps(r, clock, stepNanos, base, perStep, 4, "the limited rate");
      // lowered: the new bucket's burst at the next turn (the chunk reserved under the old one is
      // not sent), then its rate
      long lowBase = r.received.get();
      g.setBandwidthLimit(lowered);
      await(() -> r.received.get() >= lowBase + loweredBurst, "the lowered limit's burst");
      assertThat(r.received.get()).isEqualTo(lowBase + loweredBurst);
      expectSteps(r, clock, stepNanos, lowBase + loweredBurst, loweredStep, 2, "the lowered rate");
      assertThat(r.received.get()).as("still in the first part: the second one goes through the bucket too")
          .isLessThan(firstHead + ranges[0][1] - ranges[0][0] + 1);
      g.setBandwidthLimit(0); // removed: the rest goes at once
      r.join(30_000);
      assertThat(r.isAlive()).isFalse();
      assertThat(r.error).isNull();
      assertThat(r.received.get()).isEqualTo(r.contentLength);
      List<Multipart.Part> parts = Multipart.parse(r.kept.toByteArray(), Multipart.boundaryOf(r.contentType));
      assertThat(parts).hasSize(2);
      byte[] want = Files.readAllBytes(f);
      for (int i = 0; i < 2; i++) {
        assertThat(parts.get(i).headers().get("content-range"))
            .isEqualTo("bytes " + ranges[i][0] + "-" + ranges[i][1] + "/" + size);
        assertThat(Arrays.equals(parts.get(i).data(), Arrays.copyOfRange(want, (int) ranges[i][0],
            (int) ranges[i][1] + 1))).as("part %d, byte for byte", i).isTrue();
      }
      r.socket.close();
      await(() -> g.stats().activeConnections() == 0, "the slot released");
    }
  }

  // ---- connection limit

  @Test
  void exactlyTheLimitIsServedAndEveryPathReleasesItsSlot() throws Exception {
    Path big = TestSupport.sparse(dir, "big.bin", 256L << 20);
    Path small = TestSupport.file(dir, "small.bin", 10_000);
    int port = TestSupport.freePort();
    int tlsPort = TestSupport.freePort();
    try (NettyCompactServer s = NettyCompactServer.builder().workerThreads(2).build()) {
      UrlGroup g = group(s, false, port);
      UrlGroup t = group(s, true, tlsPort);
      for (UrlGroup x : List.of(g, t)) {
        Path gone = TestSupport.file(dir, "gone-" + x.prefix().port() + ".bin", 10);
        x.host("big.bin", big, AccessPolicy.NONE);
        x.host("small.bin", small, AccessPolicy.NONE);
        x.host("gone.bin", gone, AccessPolicy.NONE);
        Files.delete(gone);
        x.setConnectionLimit(3);
      }
      List<RawHttp> holders = new ArrayList<>();
      for (int i = 1; i <= 3; i++) { // responses whose readers do not read
        RawHttp h = RawHttp.plain(port);
        h.socket.setReceiveBufferSize(4096);
        h.sendRaw(get("/G/big.bin").getBytes(StandardCharsets.US_ASCII));
        holders.add(h);
        int n = i;
        await(() -> g.stats().activeConnections() == n, n + " in flight");
      }
      try (RawHttp c = RawHttp.plain(port)) {
        RawHttp.Response r = c.request("GET", "/G/small.bin");
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.header("Retry-After")).isPresent();
      }
      holders.get(0).socket.setSoLinger(true, 0);
      holders.get(0).close(); // reset mid-body
      await(() -> g.stats().activeConnections() == 2, "the reset response's slot");
      for (RawHttp h : holders) {
        h.close();
      }
      await(() -> g.stats().activeConnections() == 0, "every slot");
      String etag;
      try (RawHttp c = RawHttp.plain(port)) {
        etag = c.request("HEAD", "/G/small.bin").header("ETag").orElseThrow();
      }
      g.setBandwidthLimit(1_000_000); // plain responses through chunked reads too
      Random rnd = new Random(7);
      for (int i = 0; i < 200; i++) {
        boolean secure = rnd.nextBoolean();
        String pre = "/G";
        int kind = rnd.nextInt(8);
        if (kind == 7) { // a failed TLS handshake: plain HTTP on the TLS port
          try (Socket sock = new Socket("127.0.0.1", tlsPort)) {
            sock.setSoTimeout(5000);
            sock.getOutputStream().write(get("/G/small.bin").getBytes(StandardCharsets.US_ASCII));
            try {
              sock.getInputStream().readAllBytes();
            } catch (IOException e) {
              // reset: as good as closed
            }
          }
          continue;
        }
        try (RawHttp c = new RawHttp(secure ? tlsPort : port, client(secure))) {
          switch (kind) {
            case 0 -> assertThat(c.request("HEAD", pre + "/small.bin").status()).isEqualTo(200);
            case 1 -> assertThat(c.request("GET", pre + "/small.bin", "If-None-Match: " + etag).status()).isEqualTo(304);
            case 2 -> assertThat(c.request("GET", pre + "/small.bin", "Range: bytes=20000-").status()).isEqualTo(416);
            case 3 -> assertThat(c.request("GET", pre + "/gone.bin").status()).isEqualTo(404);
            case 4 -> assertThat(c.request("GET", pre + "/small.bin", "Range: bytes=0-1,5-9").status()).isEqualTo(206);
            case 5 -> { // reset mid-body
              c.socket.setSoLinger(true, 0);
              c.sendRaw(get(pre + "/big.bin").getBytes(StandardCharsets.US_ASCII));
              assertThat(c.socket.getInputStream().read(new byte[1000])).isPositive();
            }
            default -> assertThat(c.request("GET", pre + "/small.bin").status()).isEqualTo(200);
          }
        }
      }
      await(() -> g.stats().activeConnections() == 0 && t.stats().activeConnections() == 0,
          "every slot after 200 mixed requests");
    }
  }
}
