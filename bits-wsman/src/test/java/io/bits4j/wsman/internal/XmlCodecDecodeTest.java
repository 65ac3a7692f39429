package io.bits4j.wsman.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Documents are decoded strictly before parsing, by BOM, UTF-16 zero bytes, declaration or UTF-8. */
class XmlCodecDecodeTest {
  private static byte[] concat(byte[] a, byte[] b) {
    byte[] all = new byte[a.length + b.length];
    System.arraycopy(a, 0, all, 0, a.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  @Test
  void readsTheEncodingsAClientMaySend() throws Exception {
    String doc = "<a x=\"é\">ü</a>";
    assertThat(XmlCodec.parse(doc.getBytes(StandardCharsets.UTF_8)).text()).isEqualTo("ü");
    assertThat(XmlCodec.parse(concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, doc.getBytes(StandardCharsets.UTF_8)))
        .text()).isEqualTo("ü");
    assertThat(XmlCodec.parse(concat(new byte[] {(byte) 0xFF, (byte) 0xFE}, doc.getBytes(StandardCharsets.UTF_16LE)))
        .text()).isEqualTo("ü");
    assertThat(XmlCodec.parse(doc.getBytes(StandardCharsets.UTF_16BE)).text()).isEqualTo("ü");
    assertThat(XmlCodec.parse(("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>" + doc).getBytes(StandardCharsets.ISO_8859_1))
        .text()).isEqualTo("ü");
  }

  /** Malformed bytes are a BadXmlException, and nothing lands on the process's standard error. */
  @Test
  void malformedBytesAreRefusedQuietly() {
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      assertThatThrownBy(() -> XmlCodec.parse(new byte[] {'<', 'a', '>', (byte) 0xC3, 0x28, '<', '/', 'a', '>'}))
          .isInstanceOf(XmlCodec.BadXmlException.class).hasMessageContaining("UTF-8");
      assertThatThrownBy(() -> XmlCodec.parse("<?xml version=\"1.0\" encoding=\"x-nonesuch\"?><a/>".getBytes(StandardCharsets.US_ASCII)))
          .isInstanceOf(XmlCodec.BadXmlException.class).hasMessageContaining("x-nonesuch");
    } finally {
      System.setErr(err);
    }
    // (other tests' lingering threads may log meanwhile: only the parser's own lines are looked for)
    assertThat(captured.toString(StandardCharsets.UTF_8)).doesNotContain("[Fatal Error]");
  }
}
