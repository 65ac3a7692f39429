package io.bits4j.wsman.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvelopeTest {
  /** An Invoke envelope shaped as pywinrm's build_wsman_header + xmltodict produce it. */
  static final String PYWINRM_INVOKE = """
      <?xml version="1.0" encoding="utf-8"?>
      <env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" \
      xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" \
      xmlns:b="http://schemas.dmtf.org/wbem/wsman/1/cimbinding.xsd" \
      xmlns:n="http://schemas.xmlsoap.org/ws/2004/09/enumeration" \
      xmlns:x="http://schemas.xmlsoap.org/ws/2004/09/transfer" \
      xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd" \
      xmlns:p="http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd" \
      xmlns:rsp="http://schemas.microsoft.com/wbem/wsman/1/windows/shell" \
      xmlns:cfg="http://schemas.microsoft.com/wbem/wsman/1/config"><env:Header>\
      <a:To>https://127.0.0.1:5986/wsman</a:To>\
      <a:ReplyTo><a:Address env:mustUnderstand="true">http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:Address></a:ReplyTo>\
      <w:MaxEnvelopeSize env:mustUnderstand="true">153600</w:MaxEnvelopeSize>\
      <a:MessageID>uuid:2C7E3F9A-46F1-4C57-9A40-0D5A34A4B3A1</a:MessageID>\
      <w:Locale env:mustUnderstand="false" xml:lang="en-US"></w:Locale>\
      <p:DataLocale env:mustUnderstand="false" xml:lang="en-US"></p:DataLocale>\
      <w:OperationTimeout>PT20S</w:OperationTimeout>\
      <w:ResourceURI env:mustUnderstand="true">http://schemas.microsoft.com/wbem/wsman/1/wmi/root/microsoft/bits/BitsClientJob</w:ResourceURI>\
      <a:Action env:mustUnderstand="true">http://schemas.microsoft.com/wbem/wsman/1/wmi/root/microsoft/bits/BitsClientJob/SetJobState</a:Action>\
      <w:SelectorSet><w:Selector Name="JobId">{6F0F4B7A-1111-2222-3333-444455556666}</w:Selector></w:SelectorSet>\
      </env:Header><env:Body>\
      <p:SetJobState_INPUT xmlns:p="http://schemas.microsoft.com/wbem/wsman/1/wmi/root/microsoft/bits/BitsClientJob">\
      <p:JobState>1</p:JobState></p:SetJobState_INPUT></env:Body></env:Envelope>""";

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String replace(String envelope, String from, String to) {
    assertThat(envelope).contains(from);
    return envelope.replace(from, to);
  }

  @Test
  void readsAPywinrmInvoke() throws Exception {
    Envelope e = Envelope.parse(bytes(PYWINRM_INVOKE));
    assertThat(e.isIdentify()).isFalse();
    assertThat(e.action()).isEqualTo(Ns.JOB_URI + "/SetJobState");
    assertThat(e.resourceUri()).isEqualTo(Ns.JOB_URI);
    assertThat(e.messageId()).isEqualTo("uuid:2C7E3F9A-46F1-4C57-9A40-0D5A34A4B3A1");
    assertThat(e.to()).isEqualTo("https://127.0.0.1:5986/wsman");
    assertThat(e.maxEnvelopeSize()).hasValue(153600);
    assertThat(e.operationTimeout()).contains(Duration.ofSeconds(20));
    assertThat(e.selectors()).containsEntry("jobid", "{6F0F4B7A-1111-2222-3333-444455556666}");
    XmlElement input = e.payload().orElseThrow();
    assertThat(input.localName()).isEqualTo("SetJobState_INPUT");
    assertThat(new Wmi.Params(input).requiredUnsigned("JobState", 0xFFFF)).isEqualTo(1);
  }

  @Test
  void readsAnIdentifyWithoutAddressingHeaders() throws Exception {
    String identify = "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" "
        + "xmlns:wsmid=\"http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd\">"
        + "<s:Header/><s:Body><wsmid:Identify/></s:Body></s:Envelope>";
    Envelope e = Envelope.parse(bytes(identify));
    assertThat(e.isIdentify()).isTrue();
    assertThat(e.action()).isNull();
  }

  @Test
  void roundTripsOwnRequests() throws Exception {
    XmlElement in = XmlElement.of(Ns.JOB_URI, "AddFile_INPUT")
        .leaf(Ns.JOB_URI, "RemoteUrl", "https://h/a?b=1&c=<2>")
        .leaf(Ns.JOB_URI, "LocalFile", "/tmp/é x");
    byte[] b = XmlCodec.write(Messages.request("https://h:1/wsman", Ns.JOB_URI, Ns.JOB_URI + "/AddFile",
        Map.of("JobId", "{X}"), 153600, 60_000, in));
    Envelope e = Envelope.parse(b);
    assertThat(e.action()).isEqualTo(Ns.JOB_URI + "/AddFile");
    assertThat(e.selectors()).containsEntry("JobId", "{X}");
    assertThat(e.operationTimeout()).contains(Duration.ofSeconds(60));
    Wmi.Params p = new Wmi.Params(e.payload().orElseThrow());
    assertThat(p.requiredString("RemoteUrl")).isEqualTo("https://h/a?b=1&c=<2>");
    assertThat(p.requiredString("localfile")).isEqualTo("/tmp/é x");
  }

  @Test
  void refusesExternalEntities() {
    String xxe = "<?xml version=\"1.0\"?><!DOCTYPE s:Envelope [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
        + PYWINRM_INVOKE.substring(PYWINRM_INVOKE.indexOf("<env:Envelope")).replace("<p:JobState>1</p:JobState>",
            "<p:JobState>&xxe;</p:JobState>");
    assertThatThrownBy(() -> Envelope.parse(bytes(xxe)))
        .isInstanceOf(WsmanFault.class)
        .satisfies(f -> assertThat(((WsmanFault) f).subcode()).isEqualTo("SchemaValidationError"))
        .satisfies(f -> assertThat(XmlCodec.toString(((WsmanFault) f).toXml())).doesNotContain("root:"));
  }

  @Test
  void refusesExternalDtd() {
    String dtd = "<?xml version=\"1.0\"?><!DOCTYPE foo SYSTEM \"http://127.0.0.1:9/evil.dtd\"><foo/>";
    assertThatThrownBy(() -> Envelope.parse(bytes(dtd))).isInstanceOf(WsmanFault.class);
  }

  @Test
  void refusesEntityExpansionQuickly() {
    StringBuilder lol = new StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">");
    String prev = "lol";
    for (int i = 1; i <= 9; i++) {
      lol.append("<!ENTITY lol").append(i).append(" \"");
      for (int k = 0; k < 10; k++) {
        lol.append('&').append(prev).append(';');
      }
      lol.append("\">");
      prev = "lol" + i;
    }
    lol.append("]><lolz>&").append(prev).append(";</lolz>");
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> Envelope.parse(bytes(lol.toString()))).isInstanceOf(WsmanFault.class)
        .satisfies(f -> assertThat(f.getMessage()).doesNotContain("lollollol"));
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
  }

  @Test
  void refusesDeepNesting() {
    String deep = "<a>".repeat(XmlCodec.MAX_DEPTH + 5) + "</a>".repeat(XmlCodec.MAX_DEPTH + 5);
    assertThatThrownBy(() -> Envelope.parse(bytes(deep))).isInstanceOf(WsmanFault.class);
  }

  @Test
  void refusesMalformedAndNonSoap() {
    assertThatThrownBy(() -> Envelope.parse(bytes("<s:Envelope"))).isInstanceOf(WsmanFault.class);
    assertThatThrownBy(() -> Envelope.parse(bytes(""))).isInstanceOf(WsmanFault.class);
    assertThatThrownBy(() -> Envelope.parse(bytes("<Envelope/>"))).isInstanceOf(WsmanFault.class);
    String soap11 = "<e:Envelope xmlns:e=\"http://schemas.xmlsoap.org/soap/envelope/\"><e:Body/></e:Envelope>";
    assertThatThrownBy(() -> Envelope.parse(bytes(soap11))).isInstanceOf(WsmanFault.class);
  }

  @Test
  void unknownMandatoryHeaderIsAMustUnderstandFault() {
    String env = replace(PYWINRM_INVOKE, "<w:OperationTimeout>",
        "<x:Bogus xmlns:x=\"urn:bogus\" env:mustUnderstand=\"true\">1</x:Bogus><w:OperationTimeout>");
    assertThatThrownBy(() -> Envelope.parse(bytes(env)))
        .isInstanceOfSatisfying(WsmanFault.class, f -> {
          assertThat(f.code()).isEqualTo("MustUnderstand");
          assertThat(XmlCodec.toString(f.toXml())).contains("s:MustUnderstand");
        });
  }

  @Test
  void unknownOptionalHeaderIsIgnored() throws Exception {
    String env = replace(PYWINRM_INVOKE, "<w:OperationTimeout>",
        "<x:Bogus xmlns:x=\"urn:bogus\" env:mustUnderstand=\"false\">1</x:Bogus><x:Other xmlns:x=\"urn:b\"/>"
            + "<w:OperationTimeout>");
    assertThat(Envelope.parse(bytes(env)).action()).endsWith("/SetJobState");
  }

  @Test
  void mandatoryLocaleIsUnsupported() {
    String env = replace(PYWINRM_INVOKE, "<w:Locale env:mustUnderstand=\"false\"", "<w:Locale env:mustUnderstand=\"true\"");
    assertThatThrownBy(() -> Envelope.parse(bytes(env)))
        .isInstanceOfSatisfying(WsmanFault.class, f -> assertThat(f.subcode()).isEqualTo("UnsupportedFeature"));
    String env2 = replace(PYWINRM_INVOKE, "<p:DataLocale env:mustUnderstand=\"false\"",
        "<p:DataLocale env:mustUnderstand=\"1\"");
    assertThatThrownBy(() -> Envelope.parse(bytes(env2)))
        .isInstanceOfSatisfying(WsmanFault.class, f -> assertThat(f.subcode()).isEqualTo("UnsupportedFeature"));
  }

  @Test
  void addressingHeadersAreChecked() {
    String noAction = PYWINRM_INVOKE.replaceAll("<a:Action[^>]*>[^<]*</a:Action>", "");
    assertThatThrownBy(() -> Envelope.parse(bytes(noAction)))
        .isInstanceOfSatisfying(WsmanFault.class, f -> assertThat(f.subcode()).isEqualTo("MessageInformationHeaderRequired"));
    String noId = PYWINRM_INVOKE.replaceAll("<a:MessageID>[^<]*</a:MessageID>", "");
    assertThatThrownBy(() -> Envelope.parse(bytes(noId)))
        .isInstanceOfSatisfying(WsmanFault.class, f -> assertThat(f.subcode()).isEqualTo("MessageInformationHeaderRequired"));
    String emptyId = PYWINRM_INVOKE.replaceAll("<a:MessageID>[^<]*</a:MessageID>", "<a:MessageID> </a:MessageID>");
    assertThatThrownBy(() -> Envelope.parse(bytes(emptyId)))
        .isInstanceOfSatisfying(WsmanFault.class, f -> assertThat(f.subcode()).isEqualTo("InvalidMessageInformationHeader"));
    String otherReply = replace(PYWINRM_INVOKE, "addressing/role/anonymous</a:Address>", "addressing/role/x</a:Address>");
    assertThatThrownBy(() -> Envelope.parse(bytes(otherReply)))
        .isInstanceOfSatisfying(WsmanFault.class, f -> assertThat(f.subcode()).isEqualTo("UnsupportedFeature"));
    String twoActions = replace(PYWINRM_INVOKE, "<w:SelectorSet>",
        "<a:Action>urn:x</a:Action><w:SelectorSet>");
    assertThatThrownBy(() -> Envelope.parse(bytes(twoActions)))
        .isInstanceOfSatisfying(WsmanFault.class, f -> assertThat(f.subcode()).isEqualTo("InvalidMessageInformationHeader"));
  }

  @Test
  void tooSmallMaxEnvelopeSizeIsAnEncodingLimit() {
    String env = replace(PYWINRM_INVOKE, ">153600<", ">4096<");
    assertThatThrownBy(() -> Envelope.parse(bytes(env)))
        .isInstanceOfSatisfying(WsmanFault.class, f -> {
          assertThat(f.subcode()).isEqualTo("EncodingLimit");
          assertThat(f.wsmanCode()).isEqualTo(WsmanFault.MAX_ENVELOPE_SIZE);
        });
  }

  @Test
  void badTimeoutIsAFault() {
    String env = replace(PYWINRM_INVOKE, ">PT20S<", ">soon<");
    assertThatThrownBy(() -> Envelope.parse(bytes(env))).isInstanceOf(WsmanFault.class);
  }

  @Test
  void negativeTimeoutComponentsAreFaults() {
    // xs:duration has one leading sign only; java.time would read these as negative (an instant TimedOut)
    for (String t : new String[] {"PT-5S", "P-1D", "PT1H-30M"}) {
      String env = replace(PYWINRM_INVOKE, ">PT20S<", ">" + t + "<");
      assertThatThrownBy(() -> Envelope.parse(bytes(env))).as(t)
          .isInstanceOfSatisfying(WsmanFault.class, f -> assertThat(f.subcode()).isEqualTo("InvalidHeader"));
    }
  }

  @Test
  void faultsAreWellFormedAndCarryCodes() throws Exception {
    WsmanFault f = WsmanFault.invalidSelectors("bad <selector> & more");
    byte[] b = XmlCodec.write(Messages.fault(f, "uuid:1"));
    XmlElement root = XmlCodec.parse(b);
    XmlElement fault = root.first(Ns.SOAP, "Body").orElseThrow().first(Ns.SOAP, "Fault").orElseThrow();
    String sub = fault.first(Ns.SOAP, "Code").orElseThrow().first(Ns.SOAP, "Subcode").orElseThrow()
        .first(Ns.SOAP, "Value").orElseThrow().text();
    assertThat(sub).isEqualTo("w:InvalidSelectors");
    assertThat(new String(b, StandardCharsets.UTF_8)).contains("xmlns:w=\"" + Ns.WSMAN + "\"")
        .contains("Code=\"2150858813\"").contains("bad &lt;selector&gt; &amp; more")
        .contains("<a:RelatesTo>uuid:1</a:RelatesTo>");
  }
}
