package io.bits4j.examples;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Collections;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * The credentials a client command sends: a user whose password comes from an environment
 * variable (never a flag), and a client certificate from a PKCS#12 file. Shared by {@code get}
 * and {@code check}.
 */
final class CredentialOptions {
  @Option(names = "--user", paramLabel = "U",
      description = "User name for the server's password authentication (get: Basic or Digest, whichever the"
          + " server asks for; check: Basic).")
  @Nullable String user;

  @Option(names = "--password-env", paramLabel = "VAR", description = "Environment variable holding the password for --user.")
  @Nullable String passwordEnv;

  @Option(names = "--client-cert", paramLabel = "P12", description = "PKCS#12 file with the client certificate and key.")
  @Nullable Path clientCert;

  @Option(names = "--client-cert-password-env", paramLabel = "VAR", description = "Environment variable holding the PKCS#12 password.")
  @Nullable String clientCertPasswordEnv;

  /**
   * The password of {@code --user}, read from the variable {@code --password-env} names; null
   * without {@code --user}. Either option without the other, or an unset variable, is a usage error.
   */
  @Nullable String password() {
    if (user == null) {
      if (passwordEnv != null) {
        throw new IllegalArgumentException("--password-env needs --user");
      }
      return null;
    }
    if (passwordEnv == null) {
      throw new IllegalArgumentException("--user needs --password-env VAR, the environment variable holding the password");
    }
    return passwordFromEnv(passwordEnv);
  }

  /** The password in environment variable {@code name}; unset or empty is a usage error. */
  static String passwordFromEnv(String name) {
    String password = System.getenv(name);
    if (password == null || password.isEmpty()) {
      throw new IllegalArgumentException("environment variable " + name + " (--password-env) is "
          + (password == null ? "not set" : "empty: no password to send"));
    }
    return password;
  }

  /** The client certificate's key store, null without {@code --client-cert}. */
  @Nullable Pkcs12 pkcs12() {
    return clientCert == null ? null : Pkcs12.read(clientCert, clientCertPasswordEnv);
  }

  /**
   * A PKCS#12 file's key store, its password (from an environment variable, empty without one)
   * and the alias of its first private key.
   */
  record Pkcs12(KeyStore store, char[] password, String alias) {
    /** Reads {@code file}; a missing or unreadable file, a wrong password or no key is a usage error. */
    static Pkcs12 read(Path file, @Nullable String passwordEnv) {
      char[] pw = new char[0];
      if (passwordEnv != null) {
        String v = System.getenv(passwordEnv);
        if (v == null) {
          throw new IllegalArgumentException("environment variable " + passwordEnv + " is not set");
        }
        pw = v.toCharArray();
      }
      try (InputStream in = Files.newInputStream(file)) {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(in, pw);
        for (String alias : Collections.list(ks.aliases())) {
          if (ks.isKeyEntry(alias)) {
            return new Pkcs12(ks, pw, alias);
          }
        }
        throw new IllegalArgumentException(file + " holds no private key");
      } catch (NoSuchFileException e) {
        throw new IllegalArgumentException("no such file: " + file, e);
      } catch (GeneralSecurityException | IOException e) {
        // A missing, unreadable or non-PKCS#12 file, or a wrong password: the user's input.
        throw new IllegalArgumentException("cannot read " + file + " as PKCS#12: "
            + (e.getMessage() != null ? e.getMessage() : e.toString()), e);
      }
    }
  }
}
