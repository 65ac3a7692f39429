package io.bits4j.wsman.internal;

import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** Builds request and response envelopes. Thread-safe (stateless). */
public final class Messages {
  private Messages() {}

  private static XmlElement envelope() {
    return XmlElement.of(Ns.SOAP, "Envelope").declare(Ns.WSA, Ns.WSMAN);
  }

  /** A response envelope: Action, MessageID, anonymous To, RelatesTo, and the body children. */
  public static XmlElement response(String action, @Nullable String relatesTo, @Nullable XmlElement payload) {
    XmlElement env = envelope();
    XmlElement h = env.child(Ns.SOAP, "Header");
    h.leaf(Ns.WSA, "To", Ns.ANONYMOUS);
    h.add(XmlElement.of(Ns.WSA, "Action").attr(Ns.SOAP, "mustUnderstand", "true").text(action));
    h.leaf(Ns.WSA, "MessageID", "uuid:" + UUID.randomUUID().toString().toUpperCase(java.util.Locale.ROOT));
    if (relatesTo != null) {
      h.leaf(Ns.WSA, "RelatesTo", relatesTo);
    }
    XmlElement b = env.child(Ns.SOAP, "Body");
    if (payload != null) {
      b.add(payload);
    }
    return env;
  }

  /** A fault envelope. */
  public static XmlElement fault(WsmanFault fault, @Nullable String relatesTo) {
    return response(Ns.ACTION_FAULT_WSMAN, relatesTo, fault.toXml());
  }

  /** The Identify response (MS-WSMV §3.1.4.1.23); the version is blanked for unauthenticated callers. */
  public static XmlElement identifyResponse(String productVersion, boolean authenticated) {
    XmlElement env = XmlElement.of(Ns.SOAP, "Envelope");
    env.child(Ns.SOAP, "Header");
    XmlElement r = env.child(Ns.SOAP, "Body").child(Ns.WSMID, "IdentifyResponse");
    r.leaf(Ns.WSMID, "ProtocolVersion", Ns.WSMAN);
    r.leaf(Ns.WSMID, "ProductVendor", "bits4j");
    r.leaf(Ns.WSMID, "ProductVersion", authenticated ? productVersion : "OS: 0.0.0 SP: 0.0 Stack: 3.0");
    if (authenticated) {
      r.child(Ns.WSMID, "SecurityProfiles")
          .leaf(Ns.WSMID, "SecurityProfileName", "http://schemas.dmtf.org/wbem/wsman/1/wsman/secprofile/https/basic")
          .leaf(Ns.WSMID, "SecurityProfileName", "http://schemas.dmtf.org/wbem/wsman/1/wsman/secprofile/https/mutual");
    }
    return env;
  }

  /**
   * A request envelope as Windows clients build it (MS-WSMV §4.1): To, ResourceURI, anonymous
   * ReplyTo, Action, MaxEnvelopeSize, MessageID, Locale, OperationTimeout and the selectors.
   */
  public static XmlElement request(String to, @Nullable String resourceUri, String action,
      Map<String, String> selectors, long maxEnvelopeSize, long timeoutMillis, @Nullable XmlElement payload) {
    return request(to, resourceUri, action, selectors, Map.of(), maxEnvelopeSize, timeoutMillis, payload);
  }

  /** A request with an OptionSet (options never marked mustComply). */
  public static XmlElement request(String to, @Nullable String resourceUri, String action,
      Map<String, String> selectors, Map<String, String> options, long maxEnvelopeSize, long timeoutMillis,
      @Nullable XmlElement payload) {
    XmlElement env = envelope();
    XmlElement h = env.child(Ns.SOAP, "Header");
    h.leaf(Ns.WSA, "To", to);
    if (resourceUri != null) {
      h.add(XmlElement.of(Ns.WSMAN, "ResourceURI").attr(Ns.SOAP, "mustUnderstand", "true").text(resourceUri));
    }
    h.child(Ns.WSA, "ReplyTo").add(XmlElement.of(Ns.WSA, "Address").attr(Ns.SOAP, "mustUnderstand", "true")
        .text(Ns.ANONYMOUS));
    h.add(XmlElement.of(Ns.WSA, "Action").attr(Ns.SOAP, "mustUnderstand", "true").text(action));
    h.add(XmlElement.of(Ns.WSMAN, "MaxEnvelopeSize").attr(Ns.SOAP, "mustUnderstand", "true")
        .text(Long.toString(maxEnvelopeSize)));
    h.leaf(Ns.WSA, "MessageID", "uuid:" + UUID.randomUUID().toString().toUpperCase(java.util.Locale.ROOT));
    h.add(XmlElement.of(Ns.WSMAN, "Locale").attr(Ns.SOAP, "mustUnderstand", "false").attr(Ns.XML, "lang", "en-US"));
    h.leaf(Ns.WSMAN, "OperationTimeout", String.format(java.util.Locale.ROOT, "PT%d.%03dS",
        timeoutMillis / 1000, timeoutMillis % 1000));
    if (!selectors.isEmpty()) {
      XmlElement set = h.child(Ns.WSMAN, "SelectorSet");
      for (Map.Entry<String, String> s : selectors.entrySet()) {
        set.add(XmlElement.of(Ns.WSMAN, "Selector").attr("Name", s.getKey()).text(s.getValue()));
      }
    }
    if (!options.isEmpty()) {
      XmlElement set = h.child(Ns.WSMAN, "OptionSet");
      for (Map.Entry<String, String> o : options.entrySet()) {
        set.add(XmlElement.of(Ns.WSMAN, "Option").attr("Name", o.getKey()).text(o.getValue()));
      }
    }
    XmlElement b = env.child(Ns.SOAP, "Body");
    if (payload != null) {
      b.add(payload);
    }
    return env;
  }

  /** An Identify request (no addressing headers). */
  public static XmlElement identifyRequest() {
    XmlElement env = XmlElement.of(Ns.SOAP, "Envelope");
    env.child(Ns.SOAP, "Header");
    env.child(Ns.SOAP, "Body").child(Ns.WSMID, "Identify");
    return env;
  }
}
