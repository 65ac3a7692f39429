package io.bits4j.server.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ResponseHeadTest {
  private static final UnpooledByteBufAllocator ALLOC = new UnpooledByteBufAllocator(false);
  private static final long SECOND = 784111777L; // Sun, 06 Nov 1994 08:49:37 GMT

  private static String text(ByteBuf b) {
    try {
      return b.toString(StandardCharsets.ISO_8859_1);
    } finally {
      b.release();
    }
  }

  @Test
  void statusLineHeadersInOrderThenDateConnectionAndTheEmptyLine() {
    ByteBuf b = new ResponseHead(ALLOC, 206).add("Content-Range", "bytes 0-9/100").add("Content-Length", "10")
        .end(SECOND, true);
    assertThat(text(b)).isEqualTo("HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 0-9/100\r\nContent-Length: 10\r\n"
        + "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\nConnection: keep-alive\r\n\r\n");
  }

  @Test
  void closeAndReasonPhrasesOfOtherStatuses() {
    assertThat(text(new ResponseHead(ALLOC, 416).end(SECOND, false)))
        .isEqualTo("HTTP/1.1 416 Requested Range Not Satisfiable\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
            + "Connection: close\r\n\r\n");
    assertThat(text(new ResponseHead(ALLOC, 599).end(SECOND, true))).startsWith("HTTP/1.1 599 ");
  }

  @Test
  void aHeadLongerThanTheFirstArrayGrows() {
    ResponseHead h = new ResponseHead(ALLOC, 401);
    String challenge = "Digest realm=\"" + "r".repeat(1000) + "\"";
    for (int i = 0; i < 5; i++) {
      h.add("WWW-Authenticate", challenge + i);
    }
    String t = text(h.end(SECOND, true));
    for (int i = 0; i < 5; i++) {
      assertThat(t).contains("WWW-Authenticate: " + challenge + i + "\r\n");
    }
    assertThat(t).endsWith("Connection: keep-alive\r\n\r\n").hasSize(t.indexOf("\r\n\r\n") + 4);
  }

  @Test
  void crLfOrNulInANameOrValueIsRefusedAndNonAsciiBecomesAQuestionMark() {
    assertThatThrownBy(() -> new ResponseHead(ALLOC, 200).add("X", "a\r\nSet-Cookie: x"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CR, LF");
    assertThatThrownBy(() -> new ResponseHead(ALLOC, 200).add("X\n", "a")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ResponseHead(ALLOC, 200).add("X", "a\0")).isInstanceOf(IllegalArgumentException.class);
    // U+010D would be CR if only its low byte were kept
    assertThat(text(new ResponseHead(ALLOC, 200).add("X", "\u010d\u00e9!").end(SECOND, true))).contains("X: ??!\r\n");
  }

  @Test
  void statusesOutside100To599AreRefused() {
    assertThatThrownBy(() -> new ResponseHead(ALLOC, 99)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ResponseHead(ALLOC, 600)).isInstanceOf(IllegalArgumentException.class);
  }
}
