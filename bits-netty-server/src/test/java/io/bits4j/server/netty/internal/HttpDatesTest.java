package io.bits4j.server.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HttpDatesTest {
  @Test
  void dateAndFormatAgreeAlsoForSecondsThatShareACacheSlot() {
    long mtime = 784111777L; // Sun, 06 Nov 1994 08:49:37 GMT
    long now = mtime + 64 * 1_000_000L; // the same slot of the Last-Modified cache
    for (int i = 0; i < 3; i++) {
      assertThat(HttpDates.format(mtime)).isEqualTo("Sun, 06 Nov 1994 08:49:37 GMT");
      assertThat(HttpDates.date(now)).isEqualTo("Sat, 16 Nov 1996 02:36:17 GMT");
      assertThat(HttpDates.format(now)).isEqualTo(HttpDates.date(now));
      assertThat(HttpDates.date(now + 1)).isEqualTo("Sat, 16 Nov 1996 02:36:18 GMT");
    }
    assertThat(HttpDates.parse(HttpDates.date(now)).getAsLong()).isEqualTo(now);
  }
}
