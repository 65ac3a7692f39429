package io.bits4j.wsman;

import io.bits4j.TlsIdentity;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.util.List;

/** Test certificates: one CA, a loopback server certificate and client certificates. */
final class TestPki {
  static final X509Bundle CA;
  static final X509Bundle SERVER;
  static final X509Bundle OTHER_SERVER;

  static {
    try {
      CA = new CertificateBuilder().subject("CN=bits4j test CA").setIsCertificateAuthority(true).ecp256()
          .buildSelfSigned();
      SERVER = new CertificateBuilder().subject("CN=localhost").addSanDnsName("localhost")
          .addSanIpAddress("127.0.0.1").addSanIpAddress("::1").ecp256().addExtendedKeyUsageServerAuth()
          .buildIssuedBy(CA);
      OTHER_SERVER = new CertificateBuilder().subject("CN=other").addSanDnsName("other.example").ecp256()
          .addExtendedKeyUsageServerAuth().buildIssuedBy(CA);
    } catch (Exception e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private TestPki() {}

  static TlsIdentity identity(X509Bundle b) {
    return TlsIdentity.of(b.getKeyPair().getPrivate(), List.of(b.getCertificatePath()));
  }

  static X509Bundle client(String cn) throws Exception {
    return new CertificateBuilder().subject("CN=" + cn).ecp256().addExtendedKeyUsageClientAuth().buildIssuedBy(CA);
  }
}
