package io.bits4j;

import java.security.KeyStore;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The certificate a job presents to the server for TLS client authentication.
 *
 * <p>Two forms: the Windows store form ({@link ByThumbprint}, {@link BySubject}) as {@code
 * SetClientCertificateByID}/{@code ByName} take it, understood by the Windows client and Windows
 * targets; and the Java form ({@link FromKeyStore}), understood by the portable client (see {@link
 * ClientCapability#KEYSTORE_CLIENT_CERTIFICATE}).
 *
 * <pre>{@code
 * job.setClientCertificate(ClientCertificate.fromKeyStore(keyStore, "client", password));
 * job.setClientCertificate(ClientCertificate.byThumbprint(CertStoreLocation.CURRENT_USER, "MY", sha1));
 * }</pre>
 */
public sealed interface ClientCertificate
    permits ClientCertificate.ByThumbprint, ClientCertificate.BySubject, ClientCertificate.FromKeyStore {

  /** A certificate in a Windows store named by its SHA-1 thumbprint. */
  static ClientCertificate byThumbprint(CertStoreLocation location, String storeName, byte[] sha1) {
    return new ByThumbprint(location, storeName, sha1);
  }

  /** A certificate in a Windows store named by its subject. */
  static ClientCertificate bySubject(CertStoreLocation location, String storeName, String subject) {
    return new BySubject(location, storeName, subject);
  }

  /** A key entry of a Java {@link KeyStore}. */
  static ClientCertificate fromKeyStore(KeyStore keyStore, String alias, char[] password) {
    return new FromKeyStore(keyStore, alias, password);
  }

  /**
   * A certificate in a Windows store, by SHA-1 thumbprint.
   *
   * @param location the store location
   * @param storeName the store, e.g. {@code MY}
   * @param sha1 a copy of the 20-byte thumbprint
   */
  record ByThumbprint(CertStoreLocation location, String storeName, byte[] sha1) implements ClientCertificate {
    /**
     * Validates and copies the thumbprint.
     *
     * @throws BitsException E_INVALIDARG unless the thumbprint has 20 bytes
     */
    public ByThumbprint {
      Objects.requireNonNull(location, "location");
      Objects.requireNonNull(storeName, "storeName");
      Objects.requireNonNull(sha1, "sha1");
      if (sha1.length != 20) {
        throw new BitsException(Hresult.E_INVALIDARG, "a SHA-1 thumbprint has 20 bytes, not " + sha1.length);
      }
      sha1 = sha1.clone();
    }

    /** A copy of the thumbprint. */
    @Override
    public byte[] sha1() {
      return sha1.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof ByThumbprint b
          && b.location == location
          && b.storeName.equals(storeName)
          && java.util.Arrays.equals(b.sha1, sha1);
    }

    @Override
    public int hashCode() {
      return Objects.hash(location, storeName, java.util.Arrays.hashCode(sha1));
    }

    @Override
    public String toString() {
      return "ByThumbprint[" + location + "\\" + storeName + ", " + HexFormat.of().formatHex(sha1) + "]";
    }
  }

  /**
   * A certificate in a Windows store, by subject name.
   *
   * @param location the store location
   * @param storeName the store, e.g. {@code MY}
   * @param subject the subject name
   */
  record BySubject(CertStoreLocation location, String storeName, String subject) implements ClientCertificate {
    /** Validates the fields. */
    public BySubject {
      Objects.requireNonNull(location, "location");
      Objects.requireNonNull(storeName, "storeName");
      Objects.requireNonNull(subject, "subject");
    }
  }

  /**
   * A private-key entry of a Java key store (certificate chain plus key).
   *
   * @param keyStore the loaded key store; not copied, so do not change it afterwards
   * @param alias the entry's alias
   * @param password a copy of the entry's password
   */
  record FromKeyStore(KeyStore keyStore, String alias, char[] password) implements ClientCertificate {
    /** Validates the fields and copies the password. */
    public FromKeyStore {
      Objects.requireNonNull(keyStore, "keyStore");
      Objects.requireNonNull(alias, "alias");
      password = Objects.requireNonNull(password, "password").clone();
    }

    /** A copy of the password. */
    @Override
    public char[] password() {
      return password.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof FromKeyStore f && f.keyStore == keyStore && f.alias.equals(alias)
          && java.util.Arrays.equals(f.password, password);
    }

    @Override
    public int hashCode() {
      return Objects.hash(System.identityHashCode(keyStore), alias);
    }

    @Override
    public String toString() {
      return "FromKeyStore[" + keyStore.getType() + ", alias=" + alias + ", password=****]";
    }
  }
}
