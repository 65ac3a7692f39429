package io.bits4j.server.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** Host literals are parsed strictly and never looked up (a lookup would block an event loop). */
class RoutesLiteralTest {
  @Test
  void parsesDottedQuadsAndIpv6Literals() throws Exception {
    assertThat(Routes.literal("127.0.0.1")).isEqualTo(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}));
    assertThat(Routes.literal("[::1]")).isEqualTo(InetAddress.getByAddress(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}));
    assertThat(Routes.literal("::1")).isEqualTo(Routes.literal("[::1]"));
    assertThat(Routes.literal("[::ffff:10.0.0.1]")).isNotNull();
  }

  /**
   * What {@code InetAddress.getByName} would send to DNS (not a literal in its sense) or read in its
   * lenient legacy forms ({@code 127.1}, octal-looking parts) is no literal here.
   */
  @Test
  void anythingElseIsNoLiteral() {
    for (String s : new String[] {"1.2.3.4.5", "127.1", "1.2.3", "256.1.1.1", "1..2.3", "", "[]", "[::1",
        "fe80::1%eth0", "[fe80::1%25eth0]", "example.com", "1.2.3.4.", "::g"}) {
      assertThat(Routes.literal(s)).as(s).isNull();
    }
  }
}
