package io.bits4j.server.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bits4j.UserStore;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Validation of the server's value and builder. */
class ServerLimitsTest {
  @Test
  void defaultsAndCopies() {
    ServerLimits d = ServerLimits.DEFAULTS;
    assertThat(d.maxRequestLineBytes()).isEqualTo(4096);
    assertThat(d.maxHeaderBytes()).isEqualTo(16384);
    ServerLimits x = d.withIdleTimeout(Duration.ofSeconds(5)).withHeaderTimeout(Duration.ofSeconds(2))
        .withMaxConnections(7).withSizes(1024, 2048);
    assertThat(x).isEqualTo(new ServerLimits(1024, 2048, Duration.ofSeconds(5), Duration.ofSeconds(2), 7));
  }

  @Test
  void invalidValuesAreRefused() {
    assertThatThrownBy(() -> ServerLimits.DEFAULTS.withSizes(10, 4096)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ServerLimits.DEFAULTS.withMaxConnections(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ServerLimits.DEFAULTS.withIdleTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ServerLimits.DEFAULTS.withHeaderTimeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ServerLimits.DEFAULTS.withIdleTimeout(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void builderValidates() {
    NettyCompactServer.Builder b = NettyCompactServer.builder();
    assertThatThrownBy(() -> b.digestRealm("a\"b")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.digestRealm("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.digestNonceLifetime(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.digestAlgorithms(List.of())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.digestAlgorithms(List.of(UserStore.DigestAlgorithm.MD5, UserStore.DigestAlgorithm.MD5)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.workerThreads(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.users(null)).isInstanceOf(NullPointerException.class);
  }
}
