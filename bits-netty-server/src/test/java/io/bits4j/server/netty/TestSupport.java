package io.bits4j.server.netty;

import io.bits4j.TlsIdentity;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/** Shared test fixtures: free ports, files with known content, test PKI. */
final class TestSupport {
  private TestSupport() {}

  /**
   * A port free right now on 127.0.0.1, never one handed out before in this JVM (two groups meant
   * for two listeners once got the same port); another process may still take it first.
   */
  static int freePort() {
    return io.bits4j.testkit.LoopbackPorts.next();
  }

  static byte content(long i) {
    return (byte) (i * 31 + (i >>> 9));
  }

  /** A file of {@code size} bytes with {@link #content}. */
  static Path file(Path dir, String name, long size) throws IOException {
    Path p = dir.resolve(name);
    byte[] b = new byte[(int) size];
    for (int i = 0; i < b.length; i++) {
      b[i] = content(i);
    }
    Files.write(p, b);
    return published(p);
  }

  /**
   * Dates a test file an hour back, as a file published a while ago is: a Last-Modified within
   * the current second is weak (RFC 9110 §8.8.2.2), and If-Range dates would never match it.
   */
  static Path published(Path p) throws IOException {
    Files.setLastModifiedTime(p, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 3_600_000L));
    return p;
  }

  /** A sparse file of {@code size} bytes, with {@link #content} written in the first and last MiB. */
  static Path sparse(Path dir, String name, long size) throws IOException {
    Path p = dir.resolve(name);
    try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
      f.setLength(size);
      byte[] b = new byte[1 << 20];
      for (int i = 0; i < b.length; i++) {
        b[i] = content(i);
      }
      f.seek(0);
      f.write(b);
      f.seek(size - b.length);
      f.write(b);
    }
    return published(p);
  }

  static byte[] read(Path p, long first, long last) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "r")) {
      byte[] b = new byte[(int) (last - first + 1)];
      f.seek(first);
      f.readFully(b);
      return b;
    }
  }

  /** Test PKI: one CA, a server certificate for 127.0.0.1/localhost, a client certificate. */
  static final class Pki {
    final X509Bundle ca;
    final X509Bundle server;
    final X509Bundle client;

    Pki(String clientCn) throws Exception {
      ca = new CertificateBuilder().subject("CN=bits4j test CA").setIsCertificateAuthority(true)
          .ecp256().buildSelfSigned();
      server = new CertificateBuilder().subject("CN=localhost").addSanDnsName("localhost")
          .addSanIpAddress("127.0.0.1").addExtendedKeyUsageServerAuth().ecp256().buildIssuedBy(ca);
      client = new CertificateBuilder().subject("CN=" + clientCn).addExtendedKeyUsageClientAuth()
          .ecp256().buildIssuedBy(ca);
    }

    TlsIdentity serverIdentity() {
      return TlsIdentity.of(server.getKeyPair().getPrivate(), server.getCertificatePathList());
    }

    SSLContext clientContext(boolean withCertificate, String protocol) throws Exception {
      SSLContext c = SSLContext.getInstance(protocol);
      KeyManagerFactory kmf = withCertificate ? client.toKeyManagerFactory() : null;
      c.init(kmf == null ? null : kmf.getKeyManagers(), ca.toTrustManagerFactory().getTrustManagers(),
          new SecureRandom());
      return c;
    }
  }

  private static Pki shared;

  static synchronized Pki pki() {
    if (shared == null) {
      try {
        shared = new Pki("alice");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    return shared;
  }

  /** Whether an external program is on PATH; when missing, a skip unless CI=true (then a failure). */
  static boolean program(String name, String debianPackage) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(dir, name))) {
        return true;
      }
    }
    String msg = name + " not found: install the Debian package '" + debianPackage + "'";
    if ("true".equals(System.getenv("CI"))) {
      throw new AssertionError(msg + " (CI=true: missing programs fail the build)");
    }
    org.junit.jupiter.api.Assumptions.assumeTrue(false, msg);
    return false;
  }
}
