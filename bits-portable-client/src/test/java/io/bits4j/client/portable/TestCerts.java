package io.bits4j.client.portable;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** Self-signed test certificates made with the JDK's keytool. */
final class TestCerts {
  static final char[] PASSWORD = "changeit".toCharArray();

  private TestCerts() {}

  /** A PKCS#12 key store with one self-signed key entry {@code alias} for CN=cn (SAN 127.0.0.1). */
  static KeyStore generate(Path dir, String alias, String cn) throws Exception {
    Path file = dir.resolve(alias + ".p12");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", alias, "-keyalg", "EC",
        "-groupname", "secp256r1", "-dname", "CN=" + cn, "-ext", "SAN=ip:127.0.0.1,dns:localhost",
        "-validity", "2", "-keystore", file.toString(), "-storetype", "PKCS12",
        "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD))
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("keytool failed: " + out);
    }
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      ks.load(in, PASSWORD);
    }
    return ks;
  }

  /** A trust store holding the certificate of {@code alias} from a key store. */
  static KeyStore trustOf(KeyStore ks, String alias) throws Exception {
    KeyStore t = KeyStore.getInstance("PKCS12");
    t.load(null, null);
    t.setCertificateEntry(alias, ks.getCertificate(alias));
    return t;
  }

  /** A server context with this key store, trusting {@code trusted} for client certificates. */
  static SSLContext server(KeyStore keys, KeyStore trusted) throws Exception {
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, PASSWORD);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trusted);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return ctx;
  }
}
