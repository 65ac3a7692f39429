package io.bits4j.examples;

import io.bits4j.TlsIdentity;
import io.bits4j.client.portable.PortableBitsClient;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** Options shared by the commands that open the portable client's state directory. */
final class ClientOptions {
  @Option(names = "--state-dir", paramLabel = "DIR",
      description = "The portable client's state directory (default: ~/.bits4j).")
  @Nullable Path stateDir;

  @Option(names = "--trust", paramLabel = "PEM",
      description = "Trust the CA certificates in this PEM file for HTTPS (instead of the system's).")
  @Nullable Path trust;

  Path stateDirectory() {
    return stateDir != null ? stateDir : Path.of(System.getProperty("user.home"), ".bits4j");
  }

  /**
   * Opens the client: the state directory is locked until it is closed.
   *
   * @param transfers false for short-lived commands (jobs, cancel, …) that must not start the
   *     persisted downloads
   */
  PortableBitsClient open(boolean transfers) {
    return open(transfers, true);
  }

  /** As {@link #open(boolean)}, with the client's {@code directWrites} setting. */
  PortableBitsClient open(boolean transfers, boolean directWrites) {
    PortableBitsClient.Builder b = PortableBitsClient.builder().stateDirectory(stateDirectory()).transfers(transfers)
        .directWrites(directWrites);
    if (trust != null) {
      b.trustStore(trustStore(TlsIdentity.readCertificates(trust)));
    }
    return b.build();
  }

  static KeyStore trustStore(List<X509Certificate> certificates) {
    try {
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      int i = 0;
      for (X509Certificate c : certificates) {
        ks.setCertificateEntry("trusted-" + i++, c);
      }
      return ks;
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException("cannot build a trust store: " + e.getMessage(), e);
    }
  }
}
