package io.bits4j.client.portable.internal;

import io.bits4j.ClientCertificate;
import io.bits4j.ErrorContext;
import io.bits4j.Hresult;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509KeyManager;
import org.jspecify.annotations.Nullable;

/**
 * TLS socket factories: the client's trust (a fixed {@link SSLContext}, a trust store, or the JDK
 * default) combined with a job's client certificate from a key store.
 */
public final class TlsSupport {

  private final @Nullable SSLContext fixed;
  private final TrustManager @Nullable [] trustManagers;
  private final Map<ClientCertificate.FromKeyStore, SSLSocketFactory> perCertificate = new ConcurrentHashMap<>();
  private volatile @Nullable SSLSocketFactory defaultFactory;

  /**
   * @param fixed a context used as is (client certificates then cannot be added)
   * @param trustStore trusted certificates, or null for the JDK's default trust
   */
  public TlsSupport(@Nullable SSLContext fixed, @Nullable KeyStore trustStore) {
    this.fixed = fixed;
    if (trustStore != null) {
      try {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trustStore);
        this.trustManagers = io.bits4j.internal.LeafValidity.wrap(tmf.getTrustManagers());
      } catch (GeneralSecurityException e) {
        throw new IllegalArgumentException("unusable trust store: " + e.getMessage(), e);
      }
    } else {
      this.trustManagers = null;
    }
  }

  /** The factory for a job with an optional key-store client certificate. */
  SSLSocketFactory factory(ClientCertificate.@Nullable FromKeyStore cert) throws TransferException {
    if (cert == null) {
      SSLSocketFactory f = defaultFactory;
      if (f == null) {
        f = fixed != null ? fixed.getSocketFactory() : build(null).getSocketFactory();
        defaultFactory = f;
      }
      return f;
    }
    if (fixed != null) {
      throw TransferException.fatal(Hresult.E_INVALIDARG, ErrorContext.GENERAL_TRANSPORT,
          "the client was built with a fixed SSLContext; use trustStore(...) to combine trust with a "
              + "job's client certificate");
    }
    SSLSocketFactory f = perCertificate.get(cert);
    if (f == null) {
      f = build(cert).getSocketFactory();
      perCertificate.put(cert, f);
    }
    return f;
  }

  private SSLContext build(ClientCertificate.@Nullable FromKeyStore cert) throws TransferException {
    try {
      KeyManager[] kms = null;
      if (cert != null) {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(cert.keyStore(), cert.password());
        for (KeyManager km : kmf.getKeyManagers()) {
          if (km instanceof X509KeyManager x) {
            kms = new KeyManager[] {new AliasKeyManager(x, cert.alias())};
          }
        }
        if (!cert.keyStore().isKeyEntry(cert.alias())) {
          throw TransferException.fatal(Hresult.E_INVALIDARG, ErrorContext.GENERAL_TRANSPORT,
              "client certificate alias '" + cert.alias() + "' is not a key entry");
        }
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kms, trustManagers, null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw TransferException.fatal(Hresult.E_INVALIDARG, ErrorContext.GENERAL_TRANSPORT,
          "unusable client certificate: " + e.getMessage(), e);
    }
  }

  /** Presents only the chosen alias. */
  private static final class AliasKeyManager implements X509KeyManager {
    private final X509KeyManager delegate;
    private final String alias;

    AliasKeyManager(X509KeyManager delegate, String alias) {
      this.delegate = delegate;
      this.alias = alias;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return new String[] {alias};
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return alias;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return new String[0];
    }

    @Override
    public @Nullable String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String a) {
      return delegate.getCertificateChain(a);
    }

    @Override
    public PrivateKey getPrivateKey(String a) {
      return delegate.getPrivateKey(a);
    }
  }
}
