package io.bits4j.testkit;

import io.bits4j.TlsIdentity;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;

/** A self-signed test certificate made with the JDK's keytool (bounded wait). */
final class TestCertificates {
  private TestCertificates() {}

  static TlsIdentity selfSigned(Path dir) throws IOException, InterruptedException, GeneralSecurityException {
    Path ks = dir.resolve("test.p12");
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "test", "-keyalg", "EC",
        "-groupname", "secp256r1", "-dname", "CN=bits4j test", "-validity", "2", "-storetype", "PKCS12",
        "-keystore", ks.toString(), "-storepass", "changeit", "-keypass", "changeit")
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("keytool.log").toFile())
        .start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("keytool did not finish within 60 s");
    }
    if (p.exitValue() != 0) {
      throw new IOException("keytool failed: " + Files.readString(dir.resolve("keytool.log")));
    }
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(ks)) {
      store.load(in, "changeit".toCharArray());
    }
    return TlsIdentity.fromKeyStore(store, "test", "changeit".toCharArray());
  }
}
