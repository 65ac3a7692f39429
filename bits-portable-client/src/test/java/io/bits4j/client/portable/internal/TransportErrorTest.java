package io.bits4j.client.portable.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.bits4j.Hresult;
import io.bits4j.ProxySettings;
import java.net.ProxySelector;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** How TLS failures map to the errors BITS reports. */
class TransportErrorTest {
  private static TransferException mapped(String message) {
    HttpSession.Net net = new HttpSession.Net(ProxySelector.getDefault(), new TlsSupport(null, null),
        Duration.ofSeconds(1), Duration.ofSeconds(1), "test");
    try (HttpSession s = new HttpSession(net, new HttpSession.JobNet(List.of(), null, ProxySettings.PRECONFIG, Map.of()))) {
      return s.transportError(new SSLHandshakeException(message), null);
    }
  }

  /**
   * The server's alerts about the certificate we presented are the fatal CLIENT_AUTH_CERT_NEEDED
   * ("requires a client certificate, or refused the one presented"), not a failure of the server's
   * certificate; a local verdict on the server's certificate (no alert received) stays SECURE_FAILURE.
   */
  @Test
  void alertsAboutOurCertificateAreClientAuthFailures() {
    for (String alert : new String[] {"certificate_required", "bad_certificate", "certificate_unknown", "unknown_ca",
        "certificate_expired", "certificate_revoked", "unsupported_certificate", "access_denied"}) {
      TransferException e = mapped("Received fatal alert: " + alert);
      assertThat(e.hresult()).as(alert).isEqualTo(Hresult.E_WINHTTP_CLIENT_AUTH_CERT_NEEDED);
      assertThat(e.isTransient()).as(alert).isFalse();
    }
    TransferException local = mapped("PKIX path building failed: unable to find valid certification path");
    assertThat(local.hresult()).isEqualTo(Hresult.E_WINHTTP_SECURE_FAILURE);
    TransferException internal = mapped("Received fatal alert: internal_error");
    assertThat(internal.hresult()).as("without a certificate of ours: not about it").isEqualTo(Hresult.E_WINHTTP_SECURE_FAILURE);
  }
}
