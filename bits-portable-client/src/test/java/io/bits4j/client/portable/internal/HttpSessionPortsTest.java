package io.bits4j.client.portable.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bits4j.Hresult;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Proxy entries that bits-api now refuses at setup can still reach a transfer from a state file
 * an older version wrote: there a port that cannot exist is invalid proxy information.
 */
class HttpSessionPortsTest {
  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1:70000", "127.0.0.1:-5", "http://h:65536/"})
  void aProxyPortOutOfRangeIsInvalidProxyInfo(String entry) {
    assertThatThrownBy(() -> HttpSession.parseHostPort(entry))
        .isInstanceOfSatisfying(TransferException.class, e -> assertThat(e.hresult()).isEqualTo(Hresult.BG_E_INVALID_PROXY_INFO));
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1:3128", "http://h:3128/", "[::1]:3128"})
  void aProxyPortInRangeIsKept(String entry) throws TransferException {
    assertThat(HttpSession.parseHostPort(entry).getPort()).isEqualTo(3128);
  }
}
