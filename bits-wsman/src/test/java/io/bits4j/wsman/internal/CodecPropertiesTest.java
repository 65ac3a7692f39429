package io.bits4j.wsman.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Properties of the envelope codec: round trips, and nothing but faults for bad input. */
class CodecPropertiesTest {
  @Provide
  Arbitrary<String> xmlText() {
    // XML 1.0 characters; CR is normalised to LF by every parser, so it is left out here
    return Arbitraries.strings().withCharRange('\t', '\t').withCharRange('\n', '\n').withCharRange(' ', '\uD7FF')
        .withCharRange('\uE000', '\uFFFD').ofMaxLength(200);
  }

  @Property
  void parametersAndSelectorsRoundTrip(@ForAll("xmlText") String value, @ForAll("xmlText") String selector)
      throws Exception {
    XmlElement in = XmlElement.of(Ns.JOB_URI, "AddFile_INPUT").leaf(Ns.JOB_URI, "RemoteUrl", value);
    byte[] bytes = XmlCodec.write(Messages.request("https://h:1/wsman", Ns.JOB_URI, Ns.JOB_URI + "/AddFile",
        Map.of("JobId", selector), 153600, 60_000, in));
    Envelope e = Envelope.parse(bytes);
    assertThat(new Wmi.Params(e.payload().orElseThrow()).string("RemoteUrl").orElse("")).isEqualTo(value);
    assertThat(e.selectors().get("JobId")).isEqualTo(selector.strip());
  }

  @Property
  void anyJavaStringCanBeWrittenAndReadBack(@ForAll String value) throws Exception {
    XmlElement root = XmlElement.of(Ns.SOAP, "Envelope").attr("a", value).text(value);
    XmlElement back = XmlCodec.parse(XmlCodec.write(root));
    assertThat(back.text().length()).isLessThanOrEqualTo(value.length());
    assertThat(back.localName()).isEqualTo("Envelope");
  }

  @Property
  void garbageIsAFaultNeverAnotherException(@ForAll byte[] garbage) {
    assertOnlyFaults(garbage);
  }

  @Property
  void truncatedEnvelopesAreFaults(@ForAll @IntRange(min = 0, max = 2500) int cut) {
    byte[] full = EnvelopeTest.PYWINRM_INVOKE.getBytes(StandardCharsets.UTF_8);
    byte[] part = java.util.Arrays.copyOf(full, Math.min(cut, full.length));
    assertOnlyFaults(part);
  }

  @Property
  void mutatedEnvelopesAreFaultsOrParse(@ForAll @IntRange(min = 0, max = 2400) int at, @ForAll byte b) {
    byte[] env = EnvelopeTest.PYWINRM_INVOKE.getBytes(StandardCharsets.UTF_8);
    env[Math.min(at, env.length - 1)] = b;
    assertOnlyFaults(env);
  }

  private static void assertOnlyFaults(byte[] input) {
    try {
      Envelope.parse(input);
    } catch (WsmanFault expected) {
      assertThat(XmlCodec.toString(expected.toXml())).contains("Fault");
    }
  }
}
