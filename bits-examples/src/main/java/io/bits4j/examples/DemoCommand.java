package io.bits4j.examples;

import io.bits4j.Controller;
import io.bits4j.TlsIdentity;
import io.bits4j.TransferPlan;
import io.bits4j.TransferReport;
import io.bits4j.UrlPrefix;
import io.bits4j.UserStore;
import io.bits4j.client.portable.PortableBitsClient;
import io.bits4j.server.netty.NettyCompactServer;
import io.bits4j.wsman.WsmanSession;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bits demo}: the whole seed flow in one JVM — a server node and a client node, each a
 * management endpoint on loopback over HTTPS, driven by the {@link Controller} over WS-Management
 * — on a generated file, verified by SHA-256.
 */
@Command(
    name = "demo",
    sortOptions = false,
    mixinStandardHelpOptions = true,
    description = "Run the seed flow in one JVM: start a server node and a client node (WS-Man over HTTPS on loopback), "
        + "publish a generated file, download it on the client node, complete, clean up and verify SHA-256.")
final class DemoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--size", paramLabel = "MIB", description = "Size of the generated file in MiB (default: ${DEFAULT-VALUE}).")
  int sizeMib = 64;

  @Option(names = "--keep", description = "Keep the temporary directory (file, download, client state) and print its path.")
  boolean keep;

  /** Set by the Ctrl-C hook: the demo stops what it is doing and cleans up. */
  private volatile boolean stopping;

  @Option(names = "--progress", paramLabel = "MODE", description = "bar, lines or none (default: bar on a terminal, lines otherwise).")
  @Nullable String progressMode;

  @Option(names = "--verbose", description = "Show the nodes' audit and access logs (INFO lines on standard error).")
  boolean verbose;

  @Override
  public Integer call() {
    if (!verbose) {
      // slf4j-simple reads these when the first logger is made; -D on the command line still wins.
      for (String logger : new String[] {"io.bits4j.wsman.audit", "io.bits4j.server.access"}) {
        String key = "org.slf4j.simpleLogger.log." + logger;
        if (System.getProperty(key) == null) {
          System.setProperty(key, "warn");
        }
      }
    }
    return run(spec.commandLine().getOut(), spec.commandLine().getErr());
  }

  /** Runs the demo; returns the exit code (0 only when the destination's SHA-256 equals the source's). */
  int run(PrintWriter out, PrintWriter err) {
    if (sizeMib < 1 || sizeMib > 65536) {
      throw new IllegalArgumentException("--size must be 1-65536 MiB: " + sizeMib);
    }
    TransferCommand.ProgressView.Mode mode = TransferCommand.ProgressView.mode(progressMode);
    long t0 = System.nanoTime();
    Path tmp;
    try {
      tmp = Files.createTempDirectory("bits-demo-");
    } catch (IOException e) {
      err.println("bits demo: FAILED: cannot create a temporary directory: " + e.getMessage());
      return BitsCli.EXIT_REFUSED;
    }
    // On Ctrl-C the transfer's own hook cancels it; this one holds the JVM (briefly) until the
    // main thread has closed the nodes and removed the temporary directory.
    CountDownLatch finished = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      stopping = true; // the file being generated stops at its next MiB
      try {
        finished.await(20, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "bits-demo-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      int code;
      try {
        code = seed(tmp, out, err, mode);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        err.println("bits demo: interrupted");
        code = BitsCli.EXIT_REFUSED;
      } catch (Exception e) {
        // during Ctrl-C the JVM refuses new shutdown hooks and the like: that is the interruption
        err.println(stopping ? "bits demo: interrupted" : "bits demo: FAILED: " + e);
        code = BitsCli.EXIT_REFUSED;
      } finally {
        if (keep) {
          out.println("  temp dir:    kept at " + tmp);
        } else {
          try {
            deleteTree(tmp);
            out.println("  temp dir:    removed");
          } catch (IOException e) {
            err.println("bits demo: could not remove " + tmp + ": " + e);
          }
        }
      }
      out.printf(Locale.ROOT, "  wall time:   %.2f s%n", (System.nanoTime() - t0) / 1e9);
      out.flush();
      return code;
    } finally {
      finished.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // shutting down: the hook is running and has just been released
      }
    }
  }

  private int seed(Path tmp, PrintWriter out, PrintWriter err, TransferCommand.ProgressView.Mode mode) throws Exception {
    Path serveRoot = Files.createDirectories(tmp.resolve("serve"));
    Path downloadRoot = Files.createDirectories(tmp.resolve("downloads"));
    Path source = serveRoot.resolve("demo.bin");
    Path dest = downloadRoot.resolve("demo.bin");
    long size = (long) sizeMib << 20;
    String sourceSha = generate(source, size, () -> stopping);
    out.println("bits demo: generated " + TransferCommand.mib(size) + " at " + source);

    TlsIdentity identity = SelfSigned.create("localhost", List.of("localhost"),
        List.of(InetAddress.getByName("127.0.0.1")), Duration.ofDays(1));
    UserStore users = UserStore.inMemory();
    char[] password = randomPassword();
    users.addUser("admin", password, Set.of(UserStore.ADMINISTRATORS), Set.of());
    InetSocketAddress loopback = new InetSocketAddress("127.0.0.1", 0);
    Duration poll = Duration.ofMillis(200);

    try (NodeCommand.Node serverNode = NodeCommand.Node.open(users, loopback, identity,
            NettyCompactServer.builder().users(users), null, serveRoot, null, null, b -> {});
        NodeCommand.Node clientNode = NodeCommand.Node.open(users, loopback, identity, null,
            PortableBitsClient.builder().stateDirectory(tmp.resolve("client-state")), null, downloadRoot, null,
            b -> {});
        WsmanSession serverSession = WsmanSession.builder(serverNode.uri()).basic("admin", password)
            .pinSha256(serverNode.fingerprint().orElseThrow()).pollInterval(poll).build();
        WsmanSession clientSession = WsmanSession.builder(clientNode.uri()).basic("admin", password)
            .pinSha256(clientNode.fingerprint().orElseThrow()).pollInterval(poll).build();
        Controller controller = Controller.builder().server(serverSession.compactServer())
            .client("client", clientSession.bitsClient()).pollInterval(poll).build()) {
      out.println("  server node: " + serverNode.uri() + " (" + serverNode.roles() + ")");
      out.println("  client node: " + clientNode.uri() + " (" + clientNode.roles() + ")");
      out.println("  tls sha256:  " + serverNode.fingerprint().orElseThrow() + " (self-signed, pinned)");
      UrlPrefix prefix = UrlPrefix.parse("http://127.0.0.1:" + freePort() + "/Carmine");
      TransferPlan plan = TransferPlan.builder(source, prefix).suffix("demo.bin").target("client", dest)
          .displayName("bits4j demo").deadline(Duration.ofMinutes(5)).build();
      // The first exchange on each session pays for TLS and class loading; do it before the clock starts.
      serverSession.identify();
      clientSession.identify();
      out.println("  publishing under " + prefix + " and downloading on the client node over WS-Man ...");
      out.flush();
      long start = System.nanoTime();
      TransferReport report = TransferCommand.runWithProgress(controller, plan, out, "demo", mode);
      double seconds = (System.nanoTime() - start) / 1e9;
      TransferCommand.printReport(out, report);
      if (!report.isSuccess()) {
        err.println("bits demo: FAILED: the transfer ended " + report.outcome());
        return TransferCommand.exitCode(report);
      }
      String destSha = sha256(dest);
      boolean same = destSha.equals(sourceSha);
      out.printf(Locale.ROOT, "bits demo: %s seeded over WS-Man in %.2f s (%.1f MiB/s)%n",
          TransferCommand.mib(size), seconds, size / 1048576.0 / seconds);
      // Ask the nodes themselves, over WS-Man, what is left.
      int groupsLeft = serverSession.compactServer().urlGroups().size();
      int jobsLeft = clientSession.bitsClient().jobs().size();
      out.println("  outcome:     " + report.outcome() + ", cleanup " + (report.isClean() ? "clean" : "INCOMPLETE")
          + " (left on the nodes: " + groupsLeft + " URL groups, " + jobsLeft + " jobs)");
      out.println("  sha256:      " + destSha + (same ? " (destination = source)" : " MISMATCH, source " + sourceSha));
      if (!same) {
        err.println("bits demo: FAILED: the destination's SHA-256 differs from the source's");
        return BitsCli.EXIT_JOB_ERROR;
      }
      if (!report.isClean() || groupsLeft != 0 || jobsLeft != 0) {
        err.println("bits demo: FAILED: cleanup left " + report.cleanupProblems() + ", " + groupsLeft + " URL groups, "
            + jobsLeft + " jobs");
        return BitsCli.EXIT_REFUSED;
      }
      return 0;
    } finally {
      java.util.Arrays.fill(password, '\0');
    }
  }

  /** Writes {@code size} random bytes (really written, not sparse) and returns their SHA-256. */
  static String generate(Path file, long size) throws IOException {
    return generate(file, size, () -> false);
  }

  /** As {@link #generate(Path, long)}, stopping with an {@link InterruptedIOException} once {@code stop} says so. */
  static String generate(Path file, long size, java.util.function.BooleanSupplier stop) throws IOException {
    MessageDigest sha = sha256();
    SplittableRandom random = new SplittableRandom();
    byte[] buf = new byte[1 << 20];
    try (OutputStream os = Files.newOutputStream(file)) {
      for (long left = size; left > 0; ) {
        if (stop.getAsBoolean()) {
          throw new InterruptedIOException("interrupted while generating " + file);
        }
        int n = (int) Math.min(buf.length, left);
        for (int i = 0; i < n; i += 8) {
          long v = random.nextLong();
          for (int j = 0; j < 8 && i + j < n; j++) {
            buf[i + j] = (byte) (v >>> (8 * j));
          }
        }
        os.write(buf, 0, n);
        sha.update(buf, 0, n);
        left -= n;
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  static String sha256(Path file) throws IOException {
    MessageDigest sha = sha256();
    byte[] buf = new byte[1 << 20];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buf)) > 0; ) {
        sha.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("no SHA-256", e);
    }
  }

  private static char[] randomPassword() {
    byte[] b = new byte[18];
    new SecureRandom().nextBytes(b);
    return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b).toCharArray();
  }

  /** A port free on loopback right now (for the URL group's hosting listener). */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }

  /**
   * A throw-away self-signed TLS identity made with the JDK alone (an EC P-256 key and a minimal
   * X.509 v3 certificate encoded here in DER), for loopback management endpoints. No external tool
   * and no test-only library is needed, so it works from the shaded {@code bits.jar}.
   */
  static final class SelfSigned {
    private SelfSigned() {}

    /**
     * Creates an identity for {@code CN=commonName} whose subject alternative names are the given
     * DNS names and IP addresses, valid from an hour ago for {@code validity}.
     */
    static TlsIdentity create(String commonName, List<String> dnsNames, List<InetAddress> addresses, Duration validity) {
      try {
        KeyPairGenerator kpg = KeyPairGenerator.getInstance("EC");
        kpg.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair kp = kpg.generateKeyPair();
        byte[] sigAlg = seq(oid(1, 2, 840, 10045, 4, 3, 2)); // ecdsa-with-SHA256
        byte[] name = seq(set(seq(oid(2, 5, 4, 3), tlv(0x0c, commonName.getBytes(StandardCharsets.UTF_8)))));
        Instant now = Instant.now();
        byte[] validityDer = seq(time(now.minus(Duration.ofHours(1))), time(now.plus(validity)));
        ByteArrayOutputStream sans = new ByteArrayOutputStream();
        for (String dns : dnsNames) {
          sans.writeBytes(tlv(0x82, dns.getBytes(StandardCharsets.US_ASCII)));
        }
        for (InetAddress a : addresses) {
          sans.writeBytes(tlv(0x87, a.getAddress()));
        }
        byte[] extensions = tlv(0xa3, seq(
            seq(oid(2, 5, 29, 19), tlv(0x01, new byte[] {(byte) 0xff}), tlv(0x04, seq())), // basicConstraints, critical, cA false
            seq(oid(2, 5, 29, 37), tlv(0x04, seq(oid(1, 3, 6, 1, 5, 5, 7, 3, 1)))), // extKeyUsage serverAuth
            seq(oid(2, 5, 29, 17), tlv(0x04, tlv(0x30, sans.toByteArray()))))); // subjectAltName
        byte[] serial = new byte[16];
        new SecureRandom().nextBytes(serial);
        serial[0] &= 0x7f;
        serial[0] |= 0x01;
        byte[] tbs = seq(
            tlv(0xa0, tlv(0x02, new byte[] {2})), // v3
            tlv(0x02, new BigInteger(serial).toByteArray()),
            sigAlg, name, validityDer, name, kp.getPublic().getEncoded(), extensions);
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(kp.getPrivate());
        signer.update(tbs);
        byte[] sig = signer.sign();
        byte[] bitString = new byte[sig.length + 1];
        System.arraycopy(sig, 0, bitString, 1, sig.length);
        byte[] der = seq(tbs, sigAlg, tlv(0x03, bitString));
        X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
            .generateCertificate(new ByteArrayInputStream(der));
        cert.verify(kp.getPublic());
        return TlsIdentity.of(kp.getPrivate(), List.of(cert));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("cannot create a self-signed certificate: " + e.getMessage(), e);
      }
    }

    /** The SHA-256 fingerprint of a certificate as colon-separated upper-case hex, as openssl prints it. */
    static String sha256Fingerprint(X509Certificate certificate) {
      try {
        byte[] d = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(d);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("cannot hash the certificate", e);
      }
    }

    private static byte[] time(Instant t) {
      String s = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC).format(t);
      return tlv(0x17, s.getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] oid(int... arcs) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(40 * arcs[0] + arcs[1]);
      for (int i = 2; i < arcs.length; i++) {
        int v = arcs[i];
        int shift = 28;
        while (shift > 0 && (v >>> shift) == 0) {
          shift -= 7;
        }
        for (; shift > 0; shift -= 7) {
          out.write(0x80 | ((v >>> shift) & 0x7f));
        }
        out.write(v & 0x7f);
      }
      return tlv(0x06, out.toByteArray());
    }

    private static byte[] seq(byte[]... parts) {
      return tlv(0x30, concat(parts));
    }

    private static byte[] set(byte[]... parts) {
      return tlv(0x31, concat(parts));
    }

    private static byte[] concat(byte[]... parts) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (byte[] p : parts) {
        out.writeBytes(p);
      }
      return out.toByteArray();
    }

    private static byte[] tlv(int tag, byte[] content) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(tag);
      int n = content.length;
      if (n < 0x80) {
        out.write(n);
      } else if (n < 0x100) {
        out.write(0x81);
        out.write(n);
      } else if (n < 0x10000) {
        out.write(0x82);
        out.write(n >> 8);
        out.write(n);
      } else {
        out.write(0x83);
        out.write(n >> 16);
        out.write(n >> 8);
        out.write(n);
      }
      out.writeBytes(content);
      return out.toByteArray();
    }
  }
}
