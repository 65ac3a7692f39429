package io.bits4j.wsman.internal;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * A parsed request envelope (SOAP 1.2 + WS-Addressing + WS-Management headers), validated per
 * MS-WSMV §3.1.4.1: mandatory headers present, {@code mustUnderstand} honoured (an unknown header
 * marked mandatory is a {@code MustUnderstand} fault; {@code Locale}/{@code DataLocale} marked
 * mandatory is {@code UnsupportedFeature}), anonymous {@code ReplyTo} only, {@code
 * MaxEnvelopeSize} at least 8192. Immutable.
 */
public final class Envelope {
  /** Smallest MaxEnvelopeSize a client may ask for (MS-WSMV §3.1.4.1.7). */
  public static final long MIN_ENVELOPE_SIZE = 8192;
  /** Longest MessageID accepted. */
  public static final int MAX_MESSAGE_ID = 2048;

  private final @Nullable String action;
  private final @Nullable String messageId;
  private final @Nullable String to;
  private final @Nullable String resourceUri;
  private final OptionalLong maxEnvelopeSize;
  private final Optional<Duration> operationTimeout;
  private final Map<String, String> selectors;
  private final Map<String, String> options;
  private final XmlElement body;
  private final boolean identify;

  private Envelope(@Nullable String action, @Nullable String messageId, @Nullable String to,
      @Nullable String resourceUri, OptionalLong maxEnvelopeSize, Optional<Duration> operationTimeout,
      Map<String, String> selectors, Map<String, String> options, XmlElement body, boolean identify) {
    this.action = action;
    this.messageId = messageId;
    this.to = to;
    this.resourceUri = resourceUri;
    this.maxEnvelopeSize = maxEnvelopeSize;
    this.operationTimeout = operationTimeout;
    this.selectors = Collections.unmodifiableMap(selectors);
    this.options = Collections.unmodifiableMap(options);
    this.body = body;
    this.identify = identify;
  }

  /**
   * Parses and validates a request.
   *
   * @throws WsmanFault for malformed XML (including any DTD or entity), a missing or invalid
   *     header, or a mandatory header this endpoint does not understand
   */
  public static Envelope parse(byte[] bytes) throws WsmanFault {
    XmlElement root;
    try {
      root = XmlCodec.parse(bytes);
    } catch (XmlCodec.BadXmlException e) {
      throw WsmanFault.wsman(true, "SchemaValidationError", "The request is not acceptable XML: " + e.getMessage(),
          WsmanFault.INVALID_XML, null);
    }
    return of(root);
  }

  /** Validates an already parsed envelope. */
  public static Envelope of(XmlElement root) throws WsmanFault {
    if (!root.is(Ns.SOAP, "Envelope")) {
      throw WsmanFault.schemaValidation("The root element is not a SOAP 1.2 Envelope: " + root);
    }
    XmlElement header = null;
    XmlElement body = null;
    for (XmlElement c : root.children()) {
      if (c.is(Ns.SOAP, "Header") && header == null && body == null) {
        header = c;
      } else if (c.is(Ns.SOAP, "Body") && body == null) {
        body = c;
      } else {
        throw WsmanFault.schemaValidation("Unexpected element in the Envelope: " + c);
      }
    }
    if (body == null) {
      throw WsmanFault.schemaValidation("The Envelope has no Body");
    }
    boolean identify = body.children().size() == 1 && body.children().get(0).is(Ns.WSMID, "Identify");

    String action = null;
    String messageId = null;
    String to = null;
    String resourceUri = null;
    String replyTo = null;
    boolean replyToSeen = false;
    OptionalLong maxEnvelope = OptionalLong.empty();
    Optional<Duration> timeout = Optional.empty();
    Map<String, String> selectors = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    Map<String, String> options = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    if (header != null) {
      for (XmlElement h : header.children()) {
        boolean mustUnderstand = isTrue(h.attribute(Ns.SOAP, "mustUnderstand"));
        String ns = h.namespace();
        String name = h.localName();
        if (ns.equals(Ns.WSA)) {
          switch (name) {
            case "Action":
              action = single(action, h, "Action");
              break;
            case "MessageID":
              messageId = single(messageId, h, "MessageID");
              break;
            case "To":
              to = single(to, h, "To");
              break;
            case "ReplyTo":
              if (replyToSeen) {
                throw duplicate("ReplyTo");
              }
              replyToSeen = true;
              replyTo = h.first(Ns.WSA, "Address").map(a -> a.text().strip()).orElse(null);
              break;
            case "FaultTo":
              String faultTo = h.first(Ns.WSA, "Address").map(a -> a.text().strip()).orElse("");
              if (!faultTo.equals(Ns.ANONYMOUS)) {
                throw WsmanFault.unsupportedFeature("Only the anonymous FaultTo address is supported",
                    WsmanFault.INVALID_MESSAGE_INFORMATION_HEADER, "AddressingMode");
              }
              break;
            default:
              unknown(h, mustUnderstand);
          }
        } else if (ns.equals(Ns.WSMAN)) {
          switch (name) {
            case "ResourceURI":
              resourceUri = single(resourceUri, h, "ResourceURI");
              break;
            case "MaxEnvelopeSize":
              maxEnvelope = OptionalLong.of(parseEnvelopeSize(h.text()));
              break;
            case "OperationTimeout":
              timeout = Optional.of(parseDuration(h.text()));
              break;
            case "Locale":
              if (mustUnderstand) {
                throw WsmanFault.unsupportedFeature("mustUnderstand=true is not supported on Locale",
                    WsmanFault.MUSTUNDERSTAND_ON_LOCALE_UNSUPPORTED, "Locale");
              }
              break;
            case "SelectorSet":
              for (XmlElement s : h.children()) {
                if (!s.is(Ns.WSMAN, "Selector") || s.attribute("Name") == null || !s.children().isEmpty()) {
                  throw WsmanFault.invalidSelectors("Malformed SelectorSet");
                }
                if (selectors.put(s.attribute("Name").strip(), s.text().strip()) != null) {
                  throw WsmanFault.invalidSelectors("Duplicate selector " + s.attribute("Name"));
                }
              }
              break;
            case "OptionSet":
              for (XmlElement o : h.children()) {
                if (o.is(Ns.WSMAN, "Option") && o.attribute("Name") != null) {
                  options.put(o.attribute("Name").strip(), o.text().strip());
                }
              }
              break;
            case "RequestTotalItemsCountEstimate":
              break; // optional hint; no estimate is returned
            default:
              unknown(h, mustUnderstand);
          }
        } else if (ns.equals(Ns.WSMV)) {
          switch (name) {
            case "DataLocale":
              if (mustUnderstand) {
                throw WsmanFault.unsupportedFeature("mustUnderstand=true is not allowed on DataLocale",
                    WsmanFault.MUSTUNDERSTAND_ON_LOCALE_UNSUPPORTED, "Locale");
              }
              break;
            case "SessionId":
            case "OperationID":
            case "SequenceId":
              break; // correlation only
            default:
              unknown(h, mustUnderstand);
          }
        } else {
          unknown(h, mustUnderstand);
        }
      }
    }
    if (!identify) {
      if (action == null || action.isBlank()) {
        throw WsmanFault.addressing("MessageInformationHeaderRequired", "The wsa:Action header is required",
            WsmanFault.MESSAGE_INFORMATION_HEADER_REQUIRED);
      }
      if (messageId == null) {
        throw WsmanFault.addressing("MessageInformationHeaderRequired", "The wsa:MessageID header is required",
            WsmanFault.MESSAGE_INFORMATION_HEADER_REQUIRED);
      }
      if (!replyToSeen || replyTo == null) {
        throw WsmanFault.addressing("MessageInformationHeaderRequired", "The wsa:ReplyTo header is required",
            WsmanFault.MESSAGE_INFORMATION_HEADER_REQUIRED);
      }
    }
    if (messageId != null && (messageId.isBlank() || messageId.length() > MAX_MESSAGE_ID)) {
      throw WsmanFault.addressing("InvalidMessageInformationHeader", "The wsa:MessageID is empty or too long",
          WsmanFault.INVALID_MESSAGE_INFORMATION_HEADER);
    }
    if (replyTo != null && !replyTo.equals(Ns.ANONYMOUS)) {
      throw WsmanFault.unsupportedFeature("Only the anonymous ReplyTo address is supported",
          WsmanFault.INVALID_MESSAGE_INFORMATION_HEADER, "AddressingMode");
    }
    return new Envelope(action == null ? null : action.strip(), messageId, to,
        resourceUri == null ? null : resourceUri.strip(), maxEnvelope, timeout, selectors, options, body, identify);
  }

  private static String single(@Nullable String previous, XmlElement h, String name) throws WsmanFault {
    if (previous != null) {
      throw duplicate(name);
    }
    return h.text().strip();
  }

  private static WsmanFault duplicate(String name) {
    return WsmanFault.addressing("InvalidMessageInformationHeader", "Duplicate header " + name,
        WsmanFault.INVALID_MESSAGE_INFORMATION_HEADER);
  }

  private static void unknown(XmlElement h, boolean mustUnderstand) throws WsmanFault {
    if (mustUnderstand) {
      throw WsmanFault.mustUnderstand("{" + h.namespace() + "}" + h.localName());
    }
  }

  static boolean isTrue(@Nullable String v) {
    return v != null && (v.strip().equals("true") || v.strip().equals("1"));
  }

  private static long parseEnvelopeSize(String text) throws WsmanFault {
    long n;
    try {
      n = Long.parseLong(text.strip());
    } catch (NumberFormatException e) {
      throw WsmanFault.schemaValidation("MaxEnvelopeSize is not a number");
    }
    if (n < MIN_ENVELOPE_SIZE) {
      throw WsmanFault.encodingLimit("MaxEnvelopeSize must be at least 8192 octets",
          WsmanFault.MAX_ENVELOPE_SIZE, "MinimumEnvelopeLimit");
    }
    return n;
  }

  /**
   * Parses an xs:duration such as {@code PT60.000S} or {@code P1DT2H}. A negative duration is
   * refused, including the per-component signs ({@code PT-5S}) that {@link Duration#parse} accepts
   * but xs:duration does not have.
   */
  static Duration parseDuration(String text) throws WsmanFault {
    String t = text.strip().toUpperCase(Locale.ROOT);
    try {
      if (t.indexOf('-') >= 0) {
        throw new DateTimeParseException("negative", t, 0);
      }
      return Duration.parse(t);
    } catch (DateTimeParseException e) {
      throw WsmanFault.wsman(true, "InvalidHeader", "OperationTimeout is not an xs:duration: " + text,
          WsmanFault.INVALID_HEADER, null);
    }
  }

  public @Nullable String action() {
    return action;
  }

  public @Nullable String messageId() {
    return messageId;
  }

  public @Nullable String to() {
    return to;
  }

  public @Nullable String resourceUri() {
    return resourceUri;
  }

  public OptionalLong maxEnvelopeSize() {
    return maxEnvelopeSize;
  }

  public Optional<Duration> operationTimeout() {
    return operationTimeout;
  }

  /** Selectors by name, case-insensitive. */
  public Map<String, String> selectors() {
    return selectors;
  }

  /** Options by name, case-insensitive. */
  public Map<String, String> options() {
    return options;
  }

  /** The SOAP Body element. */
  public XmlElement body() {
    return body;
  }

  /** The Body's first element, if any. */
  public Optional<XmlElement> payload() {
    return body.children().isEmpty() ? Optional.empty() : Optional.of(body.children().get(0));
  }

  /** True for a WS-Management Identify request. */
  public boolean isIdentify() {
    return identify;
  }
}
