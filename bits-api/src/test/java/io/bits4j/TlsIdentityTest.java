package io.bits4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Test keys were made once with openssl (see the file names); they protect nothing. */
class TlsIdentityTest {
  private static Path res(String name) {
    try {
      return Path.of(TlsIdentityTest.class.getResource("/tls/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @ParameterizedTest
  @CsvSource({"rsa.crt, rsa-pkcs8.key, RSA", "rsa.crt, rsa-pkcs1.key, RSA", "ec.crt, ec-pkcs8.key, EC",
      "ed25519.crt, ed25519-pkcs8.key, EdDSA"})
  void readsPemKeysAndNamesTheCertificateByThumbprint(String crt, String key, String algorithm) {
    TlsIdentity id = TlsIdentity.fromPem(res(crt), res(key));
    assertThat(id.privateKey().getAlgorithm()).isEqualTo(algorithm);
    assertThat(id.chain()).hasSize(1);
    assertThat(id.thumbprint()).hasSize(20).isEqualTo(TlsIdentity.sha1(id.certificate()));
    assertThat(id.thumbprintHex()).hasSize(40);
  }

  @Test
  void rsaThumbprintMatchesOpenssl() {
    TlsIdentity id = TlsIdentity.fromPem(res("rsa.crt"), res("rsa-pkcs8.key"));
    // openssl x509 -in rsa.crt -noout -fingerprint -sha1
    assertThat(id.thumbprintHex()).isEqualTo("ff9dfa129d6072df6306c25980ad835f95a0c5af");
    assertThat(TlsIdentity.fromPem(res("rsa.crt"), res("rsa-pkcs1.key"))).isEqualTo(id);
  }

  @Test
  void roundTripsThroughAKeyStore() throws Exception {
    TlsIdentity id = TlsIdentity.fromPem(res("ec.crt"), res("ec-pkcs8.key"));
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("server", id.privateKey(), "pw".toCharArray(), id.chain().toArray(new X509Certificate[0]));
    assertThat(TlsIdentity.fromKeyStore(ks, "server", "pw".toCharArray())).isEqualTo(id);
    assertThatThrownBy(() -> TlsIdentity.fromKeyStore(ks, "missing", "pw".toCharArray()))
        .isInstanceOfSatisfying(BitsException.class, e -> assertThat(e.hresult()).isEqualTo(Hresult.E_INVALIDARG));
  }

  @Test
  void explainsUnsupportedAndMissingInput() {
    assertThatThrownBy(() -> TlsIdentity.fromPem(res("ec.crt"), res("ec-sec1.key")))
        .isInstanceOf(BitsException.class).hasMessageContaining("openssl pkcs8 -topk8");
    assertThatThrownBy(() -> TlsIdentity.fromPem(Path.of("/nonexistent/x.crt"), res("ec-pkcs8.key")))
        .isInstanceOfSatisfying(BitsException.class, e -> assertThat(e.hresult()).isEqualTo(Hresult.E_FILE_NOT_FOUND));
    assertThatThrownBy(() -> TlsIdentity.fromPem("no pem here", "nor here"))
        .isInstanceOfSatisfying(BitsException.class, e -> assertThat(e.hresult()).isEqualTo(Hresult.E_INVALIDARG));
    // from files, the error names the file at fault (certificate and key given the wrong way round)
    assertThatThrownBy(() -> TlsIdentity.fromPem(res("rsa-pkcs8.key"), res("rsa.crt")))
        .isInstanceOf(BitsException.class)
        .hasMessage("0x80070057 E_INVALIDARG: " + res("rsa-pkcs8.key") + ": no PEM certificate found");
    assertThatThrownBy(() -> TlsIdentity.readCertificates(res("rsa-pkcs8.key")))
        .hasMessageEndingWith(res("rsa-pkcs8.key") + ": no PEM certificate found");
  }

  /** Encrypted keys (password "x"), in both of OpenSSL's forms, are explained, not misreported. */
  @ParameterizedTest
  @CsvSource({"rsa-pkcs8-encrypted.key", "rsa-pkcs1-encrypted.key"})
  void explainsEncryptedKeys(String key) {
    assertThatThrownBy(() -> TlsIdentity.fromPem(res("rsa.crt"), res(key)))
        .isInstanceOfSatisfying(BitsException.class, e -> assertThat(e.hresult()).isEqualTo(Hresult.E_INVALIDARG))
        .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
  }

  @ParameterizedTest
  @CsvSource({"rsa.crt, ec-pkcs8.key", "ec.crt, rsa-pkcs8.key", "ec.crt, ed25519-pkcs8.key", "ed25519.crt, rsa-pkcs1.key"})
  void refusesAKeyThatIsNotTheCertificates(String crt, String key) {
    assertThatThrownBy(() -> TlsIdentity.fromPem(res(crt), res(key)))
        .isInstanceOfSatisfying(BitsException.class, e -> assertThat(e.hresult()).isEqualTo(Hresult.E_INVALIDARG))
        .hasMessageContaining("does not belong");
  }

  @Test
  void ofChecksTheKeyToo() {
    TlsIdentity ec = TlsIdentity.fromPem(res("ec.crt"), res("ec-pkcs8.key"));
    TlsIdentity rsa = TlsIdentity.fromPem(res("rsa.crt"), res("rsa-pkcs8.key"));
    assertThatThrownBy(() -> TlsIdentity.of(ec.privateKey(), rsa.chain()))
        .isInstanceOfSatisfying(BitsException.class, e -> assertThat(e.hresult()).isEqualTo(Hresult.E_INVALIDARG));
    assertThat(TlsIdentity.of(rsa.privateKey(), rsa.chain())).isEqualTo(rsa);
  }

  @Test
  void refusesAChainThatIsNotLeafFirst() throws Exception {
    String chain = Files.readString(res("ec.crt")) + Files.readString(res("rsa.crt"));
    assertThatThrownBy(() -> TlsIdentity.fromPem(chain, Files.readString(res("rsa-pkcs8.key"))))
        .isInstanceOfSatisfying(BitsException.class, e -> assertThat(e.hresult()).isEqualTo(Hresult.E_INVALIDARG))
        .hasMessageContaining("leaf first");
  }

  @Test
  void refusesAKeyStoreEntryWhoseKeyIsNotItsCertificates() throws Exception {
    TlsIdentity ec = TlsIdentity.fromPem(res("ec.crt"), res("ec-pkcs8.key"));
    TlsIdentity rsa = TlsIdentity.fromPem(res("rsa.crt"), res("rsa-pkcs8.key"));
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    List<X509Certificate> wrong = new ArrayList<>(rsa.chain());
    ks.setKeyEntry("mixed", ec.privateKey(), "pw".toCharArray(), wrong.toArray(new X509Certificate[0]));
    assertThatThrownBy(() -> TlsIdentity.fromKeyStore(ks, "mixed", "pw".toCharArray()))
        .isInstanceOfSatisfying(BitsException.class, e -> assertThat(e.hresult()).isEqualTo(Hresult.E_INVALIDARG));
  }

  /** What clients will refuse is reported; a sound certificate, or a self-signed one marked CA, has nothing. */
  @Test
  void weaknessesNameWhatClientsRefuse() throws Exception {
    java.time.Instant now = java.time.Instant.now();
    io.netty.pkitesting.X509Bundle ca = new io.netty.pkitesting.CertificateBuilder().subject("CN=ca")
        .setIsCertificateAuthority(true).ecp256().buildSelfSigned();
    io.netty.pkitesting.X509Bundle sound = new io.netty.pkitesting.CertificateBuilder().subject("CN=localhost")
        .ecp256().buildIssuedBy(ca);
    io.netty.pkitesting.X509Bundle expired = new io.netty.pkitesting.CertificateBuilder().subject("CN=old")
        .notBefore(now.minus(java.time.Duration.ofDays(30))).notAfter(now.minus(java.time.Duration.ofDays(1)))
        .ecp256().buildIssuedBy(ca);
    io.netty.pkitesting.X509Bundle intermediate = new io.netty.pkitesting.CertificateBuilder().subject("CN=sub-ca")
        .setIsCertificateAuthority(true).ecp256().buildIssuedBy(ca);
    java.security.KeyPairGenerator rsa = java.security.KeyPairGenerator.getInstance("RSA");
    rsa.initialize(1024);
    io.netty.pkitesting.X509Bundle weakRsa = new io.netty.pkitesting.CertificateBuilder().subject("CN=weak")
        .keyPair(rsa.generateKeyPair()).buildIssuedBy(ca);
    java.util.function.Function<io.netty.pkitesting.X509Bundle, java.util.List<String>> of = b ->
        TlsIdentity.of(b.getKeyPair().getPrivate(), b.getCertificatePathList()).weaknesses();
    assertThat(of.apply(sound)).isEmpty();
    assertThat(of.apply(ca)).as("self-signed: its own anchor").isEmpty();
    assertThat(of.apply(expired)).singleElement().asString().contains("expired");
    assertThat(of.apply(intermediate)).singleElement().asString().contains("CA");
    assertThat(of.apply(weakRsa)).singleElement().asString().contains("1024 bits");
  }
}
