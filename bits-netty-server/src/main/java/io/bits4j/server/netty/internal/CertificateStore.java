package io.bits4j.server.netty.internal;

import io.bits4j.BitsException;
import io.bits4j.ErrorContext;
import io.bits4j.Hresult;
import io.bits4j.TlsIdentity;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Locale;

/**
 * A certificate store on disk, as {@code bits node --cert-store DIR} names it: one sub-folder per
 * store name ({@code MY} by default) holding PEM files (certificate chain and key in one file, or
 * {@code name.pem}/{@code name.crt} with {@code name.key}) or PKCS#12 files ({@code .p12}, {@code
 * .pfx}). Looked up by SHA-1 thumbprint of the leaf.
 */
final class CertificateStore {
  private CertificateStore() {}

  static TlsIdentity find(Path dir, String storeName, byte[] thumbprint, char[] password) {
    if (thumbprint.length != 20) {
      throw new BitsException(Hresult.E_INVALIDARG, "a SHA-1 thumbprint has 20 bytes, not " + thumbprint.length);
    }
    if (storeName.isEmpty() || storeName.contains("/") || storeName.contains("\\") || storeName.equals("..")
        || storeName.equals(".")) {
      throw new BitsException(Hresult.E_INVALIDARG, "bad store name: " + storeName);
    }
    Path store = dir.resolve(storeName);
    if (!Files.isDirectory(store)) {
      // store names are case-insensitive on Windows: try the other spellings present
      store = caseInsensitive(dir, storeName);
    }
    if (store == null || !Files.isDirectory(store)) {
      throw new BitsException(Hresult.E_NOT_FOUND, "no certificate store " + storeName + " in " + dir);
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(store)) {
      for (Path f : files) {
        String name = f.getFileName().toString().toLowerCase(Locale.ROOT);
        try {
          if (name.endsWith(".p12") || name.endsWith(".pfx")) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(f)) {
              ks.load(in, password);
            }
            for (String alias : Collections.list(ks.aliases())) {
              if (ks.isKeyEntry(alias)) {
                TlsIdentity id = TlsIdentity.fromKeyStore(ks, alias, password);
                if (Arrays.equals(id.thumbprint(), thumbprint)) {
                  return id;
                }
              }
            }
          } else if (name.endsWith(".pem") || name.endsWith(".crt") || name.endsWith(".cer")) {
            String text = Files.readString(f, StandardCharsets.US_ASCII);
            String key = text;
            if (!text.contains("PRIVATE KEY-----")) {
              String base = f.getFileName().toString().replaceFirst("\\.[^.]+$", "");
              Path keyFile = f.resolveSibling(base + ".key");
              if (!Files.exists(keyFile)) {
                continue;
              }
              key = Files.readString(keyFile, StandardCharsets.US_ASCII);
            }
            TlsIdentity id = TlsIdentity.fromPem(text, key);
            if (Arrays.equals(id.thumbprint(), thumbprint)) {
              return id;
            }
          }
        } catch (IOException | GeneralSecurityException | BitsException e) {
          ServerCore.LOG.debug("certificate store: skipping {}: {}", f, e.getMessage());
        }
      }
    } catch (IOException e) {
      throw new BitsException(Hresult.E_ACCESSDENIED, ErrorContext.NONE, "cannot read certificate store " + store, e);
    }
    throw new BitsException(Hresult.E_NOT_FOUND, "no certificate with thumbprint "
        + HexFormat.of().formatHex(thumbprint) + " in store " + storeName);
  }

  private static Path caseInsensitive(Path dir, String storeName) {
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        if (p.getFileName().toString().equalsIgnoreCase(storeName)) {
          return p;
        }
      }
    } catch (IOException e) {
      return null;
    }
    return null;
  }
}
