package io.bits4j;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A TLS server (or client) identity: a private key and its certificate chain, leaf first.
 *
 * <p>The compact server binds one per HTTPS port ({@link CompactServer#setSslCertificate(int,
 * TlsIdentity)}); Windows names certificates by their SHA-1 {@link #thumbprint()}.
 *
 * <pre>{@code
 * TlsIdentity id = TlsIdentity.fromPem(Path.of("server.crt"), Path.of("server.key"));
 * server.setSslCertificate(8443, id);
 * }</pre>
 *
 * <p>PEM keys must be unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY}) or PKCS#1 RSA ({@code BEGIN
 * RSA PRIVATE KEY}); convert others with {@code openssl pkcs8 -topk8 -nocrypt}. Immutable.
 */
public final class TlsIdentity {
  private static final Pattern PEM =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END \\1-----");

  private final PrivateKey privateKey;
  private final List<X509Certificate> chain;
  private final byte[] thumbprint;

  private TlsIdentity(PrivateKey privateKey, List<X509Certificate> chain) {
    if (chain.isEmpty()) {
      throw new BitsException(Hresult.E_INVALIDARG, "a TLS identity needs at least one certificate");
    }
    if (!matches(privateKey, chain.get(0).getPublicKey())) {
      for (int i = 1; i < chain.size(); i++) {
        if (matches(privateKey, chain.get(i).getPublicKey())) {
          throw new BitsException(Hresult.E_INVALIDARG, "the certificate chain must be leaf first: the private key"
              + " belongs to certificate " + (i + 1) + " (" + chain.get(i).getSubjectX500Principal().getName() + ")");
        }
      }
      throw new BitsException(Hresult.E_INVALIDARG, "the private key does not belong to the certificate "
          + chain.get(0).getSubjectX500Principal().getName());
    }
    this.privateKey = privateKey;
    this.chain = List.copyOf(chain);
    this.thumbprint = sha1(chain.get(0));
  }

  /**
   * An identity from a key and its chain (leaf first).
   *
   * @throws BitsException E_INVALIDARG if the chain is empty or the key does not belong to its
   *     first certificate
   */
  public static TlsIdentity of(PrivateKey privateKey, List<X509Certificate> chain) {
    return new TlsIdentity(Objects.requireNonNull(privateKey, "privateKey"), chain);
  }

  /**
   * Reads a PEM certificate chain file and a PEM private key file.
   *
   * @throws BitsException E_FILE_NOT_FOUND if a file is missing; E_INVALIDARG if one is not
   *     usable PEM or the key does not belong to the first certificate
   */
  public static TlsIdentity fromPem(Path certificateChain, Path privateKey) {
    List<X509Certificate> chain = inFile(certificateChain, () -> parseCertificates(read(certificateChain)));
    PrivateKey key = inFile(privateKey, () -> parseKey(read(privateKey)));
    return new TlsIdentity(key, chain);
  }

  /** Runs a parse of {@code file}'s text, naming the file in its error. */
  private static <T> T inFile(Path file, java.util.function.Supplier<T> parse) {
    try {
      return parse.get();
    } catch (BitsException e) {
      if (e.detail().contains(file.toString())) {
        throw e;
      }
      throw new BitsException(e.hresult(), e.context(), file + ": " + e.detail(), e);
    }
  }

  /**
   * Parses PEM text: certificates (leaf first) and a private key.
   *
   * @throws BitsException E_INVALIDARG if the text is not usable PEM or the key does not belong
   *     to the first certificate
   */
  public static TlsIdentity fromPem(String certificateChainPem, String privateKeyPem) {
    return new TlsIdentity(parseKey(privateKeyPem), parseCertificates(certificateChainPem));
  }

  /**
   * Reads the PEM certificates of a file, in order (for example the authorities client
   * certificates must chain to).
   *
   * @throws BitsException E_FILE_NOT_FOUND if the file is missing; E_INVALIDARG if it holds no
   *     usable PEM certificate
   */
  public static List<X509Certificate> readCertificates(Path pemFile) {
    return inFile(pemFile, () -> parseCertificates(read(pemFile)));
  }

  private static List<X509Certificate> parseCertificates(String pem) {
    List<X509Certificate> chain = new ArrayList<>();
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      Matcher m = PEM.matcher(pem);
      while (m.find()) {
        if (m.group(1).equals("CERTIFICATE")) {
          byte[] der = Base64.getMimeDecoder().decode(m.group(2));
          chain.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(der)));
        }
      }
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new BitsException(Hresult.E_INVALIDARG, ErrorContext.NONE, "bad PEM certificate: " + e.getMessage(), e);
    }
    if (chain.isEmpty()) {
      throw new BitsException(Hresult.E_INVALIDARG, "no PEM certificate found");
    }
    return List.copyOf(chain);
  }

  /**
   * Takes a private-key entry from a key store.
   *
   * @throws BitsException E_INVALIDARG if the alias is missing, not a key entry, or its key does
   *     not belong to the first certificate of its chain
   */
  public static TlsIdentity fromKeyStore(KeyStore keyStore, String alias, char[] password) {
    try {
      Key key = keyStore.getKey(alias, password);
      Certificate[] certs = keyStore.getCertificateChain(alias);
      if (!(key instanceof PrivateKey pk) || certs == null) {
        throw new BitsException(Hresult.E_INVALIDARG, "no private-key entry '" + alias + "' in the key store");
      }
      List<X509Certificate> chain = new ArrayList<>();
      for (Certificate c : certs) {
        chain.add((X509Certificate) c);
      }
      return new TlsIdentity(pk, chain);
    } catch (GeneralSecurityException e) {
      throw new BitsException(Hresult.E_INVALIDARG, ErrorContext.NONE, "cannot read key entry '" + alias + "': " + e.getMessage(), e);
    }
  }

  /** The private key. */
  public PrivateKey privateKey() {
    return privateKey;
  }

  /** The certificate chain, leaf first. */
  public List<X509Certificate> chain() {
    return chain;
  }

  /** The leaf certificate. */
  public X509Certificate certificate() {
    return chain.get(0);
  }

  /**
   * What TLS clients will refuse in this identity's certificate now (empty when nothing): out of
   * its validity period, an issuing CA's certificate used as a server's, an RSA key under 2048
   * bits (RFC 9325, section 4.3). Servers accept such identities, as HTTP.SYS accepts such
   * bindings, and log these; the {@code bits} command line prints them.
   */
  public List<String> weaknesses() {
    X509Certificate c = chain.get(0);
    List<String> out = new java.util.ArrayList<>();
    java.util.Date now = new java.util.Date();
    if (now.after(c.getNotAfter())) {
      out.add("the certificate expired on " + c.getNotAfter().toInstant());
    } else if (now.before(c.getNotBefore())) {
      out.add("the certificate is not valid before " + c.getNotBefore().toInstant());
    }
    // a self-signed certificate is its own anchor (openssl req -x509 marks it CA:TRUE): clients that
    // trust it accept it; an issuing CA's certificate is refused as a server's
    if (c.getBasicConstraints() >= 0 && !c.getSubjectX500Principal().equals(c.getIssuerX500Principal())) {
      out.add("the certificate is a CA's (basic constraints CA:TRUE), which clients refuse as a server's");
    }
    if (c.getPublicKey() instanceof java.security.interfaces.RSAPublicKey rsa && rsa.getModulus().bitLength() < 2048) {
      out.add("the RSA key has " + rsa.getModulus().bitLength() + " bits; clients want at least 2048");
    }
    return List.copyOf(out);
  }

  /** A copy of the leaf's SHA-1 thumbprint (20 bytes), as Windows names certificates. */
  public byte[] thumbprint() {
    return thumbprint.clone();
  }

  /** The thumbprint as 40 lower-case hex digits. */
  public String thumbprintHex() {
    return HexFormat.of().formatHex(thumbprint);
  }

  /** The leaf's SHA-1 thumbprint. */
  public static byte[] sha1(X509Certificate certificate) {
    try {
      return MessageDigest.getInstance("SHA-1").digest(certificate.getEncoded());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot hash certificate", e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TlsIdentity t && Arrays.equals(t.thumbprint, thumbprint) && t.privateKey.equals(privateKey);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(thumbprint);
  }

  @Override
  public String toString() {
    return "TlsIdentity[" + certificate().getSubjectX500Principal().getName() + ", sha1=" + thumbprintHex() + "]";
  }

  /**
   * True if the private key belongs to the public key: same RSA modulus, or else a signature made
   * with the private key verifies with the public key. Keys no signature algorithm here handles
   * are taken as they are.
   */
  private static boolean matches(PrivateKey privateKey, PublicKey publicKey) {
    if (privateKey instanceof RSAKey priv && publicKey instanceof RSAKey pub) {
      return priv.getModulus().equals(pub.getModulus());
    }
    String algorithm = switch (publicKey.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "DSA" -> "SHA256withDSA";
      case "EdDSA", "Ed25519", "Ed448" -> "EdDSA";
      default -> null;
    };
    if (algorithm == null) {
      return true;
    }
    try {
      byte[] challenge = new byte[32];
      new SecureRandom().nextBytes(challenge);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(privateKey);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(challenge);
      return verifier.verify(signature);
    } catch (java.security.InvalidKeyException | java.security.SignatureException e) {
      return false;
    } catch (GeneralSecurityException e) {
      return true; // no provider for the algorithm: nothing to compare with
    }
  }

  private static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.US_ASCII);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new BitsException(Hresult.E_FILE_NOT_FOUND, ErrorContext.NONE, "no such file: " + p, e);
    } catch (java.nio.file.AccessDeniedException e) {
      throw new BitsException(Hresult.E_ACCESSDENIED, ErrorContext.NONE, "cannot read " + p + ": permission denied", e);
    } catch (IOException e) {
      throw new BitsException(Hresult.E_INVALIDARG, ErrorContext.NONE, "cannot read " + p + ": " + e.getMessage(), e);
    }
  }

  private static PrivateKey parseKey(String pem) {
    Matcher m = PEM.matcher(pem);
    while (m.find()) {
      String type = m.group(1);
      byte[] der;
      try {
        der = Base64.getMimeDecoder().decode(m.group(2));
      } catch (IllegalArgumentException e) {
        throw new BitsException(Hresult.E_INVALIDARG, "bad base64 in PEM " + type);
      }
      if (type.equals("PRIVATE KEY")) {
        for (String alg : new String[] {"RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS"}) {
          try {
            return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
          } catch (GeneralSecurityException ignored) {
            // try the next algorithm
          }
        }
        throw new BitsException(Hresult.E_INVALIDARG, "unsupported PKCS#8 private key algorithm");
      }
      if (type.equals("RSA PRIVATE KEY")) {
        try {
          return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(wrapPkcs1(der)));
        } catch (GeneralSecurityException e) {
          throw new BitsException(Hresult.E_INVALIDARG, ErrorContext.NONE, "bad PKCS#1 RSA key: " + e.getMessage(), e);
        }
      }
      if (type.contains("ENCRYPTED") || type.equals("EC PRIVATE KEY")) {
        throw new BitsException(Hresult.E_INVALIDARG, "PEM " + type
            + " is not supported; convert with: openssl pkcs8 -topk8 -nocrypt -in key.pem -out key8.pem");
      }
    }
    if (pem.contains("Proc-Type: 4,ENCRYPTED")) {
      // OpenSSL's legacy encrypted form: its headers contain '-', so PEM above does not match it.
      throw new BitsException(Hresult.E_INVALIDARG, "an encrypted PEM private key is not supported;"
          + " convert with: openssl pkcs8 -topk8 -nocrypt -in key.pem -out key8.pem");
    }
    throw new BitsException(Hresult.E_INVALIDARG, "no PEM private key found");
  }

  /** Wraps a PKCS#1 RSAPrivateKey in a PKCS#8 PrivateKeyInfo. */
  private static byte[] wrapPkcs1(byte[] pkcs1) {
    byte[] algId = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
    byte[] version = {0x02, 0x01, 0x00};
    byte[] octet = der(0x04, pkcs1);
    byte[] body = new byte[version.length + algId.length + octet.length];
    System.arraycopy(version, 0, body, 0, version.length);
    System.arraycopy(algId, 0, body, version.length, algId.length);
    System.arraycopy(octet, 0, body, version.length + algId.length, octet.length);
    return der(0x30, body);
  }

  private static byte[] der(int tag, byte[] content) {
    int n = content.length;
    byte[] len;
    if (n < 0x80) {
      len = new byte[] {(byte) n};
    } else if (n < 0x100) {
      len = new byte[] {(byte) 0x81, (byte) n};
    } else if (n < 0x10000) {
      len = new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n};
    } else {
      len = new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
    }
    byte[] out = new byte[1 + len.length + n];
    out[0] = (byte) tag;
    System.arraycopy(len, 0, out, 1, len.length);
    System.arraycopy(content, 0, out, 1 + len.length, n);
    return out;
  }
}
