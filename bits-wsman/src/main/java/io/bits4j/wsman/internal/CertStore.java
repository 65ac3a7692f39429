package io.bits4j.wsman.internal;

import io.bits4j.BitsException;
import io.bits4j.Hresult;
import io.bits4j.TlsIdentity;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Arrays;
import java.util.Collections;
import java.util.Locale;
import java.util.Optional;

/**
 * The node's certificate store (ARCHITECTURE §6): a folder whose sub-folders are stores ({@code
 * MY} by default), holding PEM files (certificate chain and private key in one file, or {@code
 * name.crt}/{@code name.pem} with {@code name.key}) or PKCS#12 files ({@code .p12}/{@code .pfx})
 * with an empty password. Certificates are found by SHA-1 thumbprint. Thread-safe (reads the folder
 * on each lookup).
 */
public final class CertStore {
  private final Path root;

  public CertStore(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  /**
   * Finds the identity with this thumbprint in a store.
   *
   * @throws BitsException E_INVALIDARG for a bad store name or thumbprint; E_NOT_FOUND if absent
   */
  public TlsIdentity find(String storeName, byte[] thumbprint) {
    if (thumbprint.length != 20) {
      throw new BitsException(Hresult.E_INVALIDARG, "a SHA-1 thumbprint has 20 bytes, not " + thumbprint.length);
    }
    Path store = store(storeName);
    if (store == null) {
      throw new BitsException(Hresult.E_NOT_FOUND, "no certificate store " + storeName);
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(store)) {
      for (Path f : files) {
        Optional<TlsIdentity> id = load(f);
        if (id.isPresent() && Arrays.equals(id.get().thumbprint(), thumbprint)) {
          return id.get();
        }
      }
    } catch (IOException e) {
      throw new BitsException(Hresult.E_NOT_FOUND, "cannot read certificate store " + storeName);
    }
    throw new BitsException(Hresult.E_NOT_FOUND, "no certificate with this thumbprint in store " + storeName);
  }

  private Path store(String storeName) {
    if (storeName.isEmpty() || storeName.contains("/") || storeName.contains("\\") || storeName.startsWith(".")
        || storeName.length() > 64) {
      throw new BitsException(Hresult.E_INVALIDARG, "bad certificate store name: " + storeName);
    }
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, Files::isDirectory)) {
      for (Path d : dirs) {
        if (d.getFileName().toString().equalsIgnoreCase(storeName)) {
          return d;
        }
      }
    } catch (IOException e) {
      return null;
    }
    return null;
  }

  private static Optional<TlsIdentity> load(Path f) {
    String name = f.getFileName().toString().toLowerCase(Locale.ROOT);
    try {
      if (name.endsWith(".p12") || name.endsWith(".pfx")) {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(f)) {
          ks.load(in, new char[0]);
        }
        for (String alias : Collections.list(ks.aliases())) {
          if (ks.isKeyEntry(alias)) {
            return Optional.of(TlsIdentity.fromKeyStore(ks, alias, new char[0]));
          }
        }
        return Optional.empty();
      }
      if (name.endsWith(".pem") || name.endsWith(".crt")) {
        String text = Files.readString(f);
        if (text.contains("PRIVATE KEY-----")) {
          return Optional.of(TlsIdentity.fromPem(text, text));
        }
        String base = f.getFileName().toString();
        base = base.substring(0, base.lastIndexOf('.'));
        Path key = f.resolveSibling(base + ".key");
        if (Files.isRegularFile(key)) {
          return Optional.of(TlsIdentity.fromPem(f, key));
        }
      }
    } catch (IOException | java.security.GeneralSecurityException | BitsException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }
}
