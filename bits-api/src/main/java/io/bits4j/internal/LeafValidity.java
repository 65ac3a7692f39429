package io.bits4j.internal;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A trust manager that also checks that the server's certificate is within its validity period.
 * PKIX does not check the dates of a trust anchor, so a trust store holding the server's own
 * (self-signed) certificate would otherwise accept it expired or not yet valid; BITS checks the
 * dates unless a job sets {@code BG_SSL_IGNORE_CERT_DATE_INVALID} (bits-spec §1.4), which bits4j's
 * clients do not offer. Used by the portable client and the WS-Man client; not an API.
 */
public final class LeafValidity extends X509ExtendedTrustManager {
  private final X509ExtendedTrustManager delegate;

  /** The trust managers with every X.509 one wrapped (the array is changed and returned). */
  public static javax.net.ssl.TrustManager[] wrap(javax.net.ssl.TrustManager[] managers) {
    for (int i = 0; i < managers.length; i++) {
      if (managers[i] instanceof X509ExtendedTrustManager x) {
        managers[i] = new LeafValidity(x);
      }
    }
    return managers;
  }

  /** Wraps {@code delegate}, which decides trust. */
  public LeafValidity(X509ExtendedTrustManager delegate) {
    this.delegate = delegate;
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    delegate.checkServerTrusted(chain, authType, socket);
    chain[0].checkValidity();
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    delegate.checkServerTrusted(chain, authType, engine);
    chain[0].checkValidity();
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    delegate.checkServerTrusted(chain, authType);
    chain[0].checkValidity();
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    delegate.checkClientTrusted(chain, authType, socket);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    delegate.checkClientTrusted(chain, authType, engine);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    delegate.checkClientTrusted(chain, authType);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return delegate.getAcceptedIssuers();
  }
}
