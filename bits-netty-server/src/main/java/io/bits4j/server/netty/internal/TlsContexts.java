package io.bits4j.server.netty.internal;

import io.bits4j.BitsException;
import io.bits4j.ErrorContext;
import io.bits4j.Hresult;
import io.bits4j.SslBinding;
import io.bits4j.TlsIdentity;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/**
 * The TLS contexts of one port's certificate: one without and (lazily) one requiring client
 * certificates. TLS 1.2 and 1.3 only. Thread-safe.
 */
final class TlsContexts {
  private final TlsIdentity identity;
  private final SslBinding binding;
  private final boolean openSsl;
  private final List<X509Certificate> clientCas;
  private final SslContext plain;
  private volatile @Nullable SslContext clientAuth;

  TlsContexts(TlsIdentity identity, SslBinding binding, boolean openSsl, List<X509Certificate> clientCas) {
    this.identity = identity;
    this.binding = binding;
    this.openSsl = openSsl;
    this.clientCas = clientCas;
    this.plain = build(false);
  }

  SslBinding binding() {
    return binding;
  }

  SslContext context(boolean requireClientCertificate) {
    if (!requireClientCertificate) {
      return plain;
    }
    SslContext c = clientAuth;
    if (c == null) {
      synchronized (this) {
        c = clientAuth;
        if (c == null) {
          c = build(true);
          clientAuth = c;
        }
      }
    }
    return c;
  }

  private SslContext build(boolean requireClientCertificate) {
    try {
      SslContextBuilder b = SslContextBuilder
          .forServer(identity.privateKey(), identity.chain().toArray(new X509Certificate[0]))
          .sslProvider(openSsl ? SslProvider.OPENSSL : SslProvider.JDK)
          .protocols("TLSv1.3", "TLSv1.2")
          .ciphers(io.bits4j.internal.TlsPolicy.CIPHER_SUITES, io.netty.handler.ssl.SupportedCipherSuiteFilter.INSTANCE);
      if (requireClientCertificate) {
        b.clientAuth(ClientAuth.REQUIRE).trustManager(clientCas.toArray(new X509Certificate[0]));
      }
      return b.build();
    } catch (SSLException | RuntimeException e) {
      throw new BitsException(Hresult.E_INVALIDARG, ErrorContext.NONE,
          "cannot use this certificate for TLS: " + e.getMessage(), e);
    }
  }
}
