package io.bits4j.wsman.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Client-supplied values in the audit log and in faults are bounded and cannot forge lines. */
class AuditLogTest {
  @Test
  void loggedValuesHaveNoLineBreaksAndAreBounded() {
    String forged = "http://x/Get\r\n[main] INFO io.bits4j.wsman.audit - ok remote=/10.0.0.1 user=admin action=Delete";
    String logged = Processor.loggable(forged);
    assertThat(logged).doesNotContain("\r").doesNotContain("\n").startsWith("http://x/Get??");
    assertThat(Processor.loggable("a\u2028b\u0085c\u0000d")).isEqualTo("a?b?c?d");
    assertThat(Processor.loggable("x".repeat(100_000))).hasSize(Processor.MAX_LOGGED + 1);
    assertThat(Processor.loggable(null)).isEqualTo("null");
  }

  @Test
  void faultReasonsAreBounded() {
    WsmanFault f = WsmanFault.actionNotSupported("x".repeat(400_000));
    assertThat(f.getMessage().length()).isLessThanOrEqualTo(WsmanFault.MAX_REASON + 1);
    assertThat(XmlCodec.write(Messages.fault(f, "uuid:1")).length).isLessThan(8192);
    // a surrogate pair is never cut in half
    String pairs = "\uD83D\uDE00".repeat(1000);
    String m = WsmanFault.schemaValidation(pairs).getMessage();
    assertThat(Character.isHighSurrogate(m.charAt(m.length() - 2))).isFalse();
  }
}
