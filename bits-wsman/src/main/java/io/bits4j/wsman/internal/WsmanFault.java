package io.bits4j.wsman.internal;

import org.jspecify.annotations.Nullable;

/**
 * A protocol error answered with a SOAP fault (never with a stack trace): SOAP code, WS-Man
 * subcode, reason text, and the {@code WSManFault/@Code} (a Win32 error, a WinRM error code or,
 * for provider failures, an HRESULT). Codes are those of Windows' winerror.h
 * ({@code ERROR_WSMAN_*}).
 */
public final class WsmanFault extends Exception {
  private static final long serialVersionUID = 1L;

  public static final long ERROR_ACCESS_DENIED = 5;
  public static final long RESOURCE_NOT_FOUND = 2150858752L;
  public static final long INVALID_ACTIONURI = 2150858753L;
  public static final long INVALID_MESSAGE_INFORMATION_HEADER = 2150858767L;
  public static final long MESSAGE_INFORMATION_HEADER_REQUIRED = 2150858769L;
  public static final long INVALID_SOAP_BODY = 2150858791L;
  public static final long OPERATION_TIMEDOUT = 2150858793L;
  public static final long INVALID_SELECTORS = 2150858813L;
  public static final long QUOTA_LIMIT = 2150858815L;
  public static final long SCHEMA_VALIDATION_ERROR = 2150858817L;
  public static final long INVALID_XML = 2150858819L;
  public static final long MAX_ENVELOPE_SIZE = 2150858823L;
  public static final long MAX_ENVELOPE_SIZE_EXCEEDED = 2150858824L;
  public static final long INVALID_PARAMETER = 2150858810L;
  public static final long ENUMERATION_INVALID = 2150858884L;
  public static final long MUSTUNDERSTAND_ON_LOCALE_UNSUPPORTED = 2150858887L;
  public static final long INVALID_HEADER = 2150859035L;
  public static final long OPTIONS_NOT_SUPPORTED = 2150858833L;
  public static final long FILTERING_NOT_SUPPORTED = 2150858785L;

  private final String code;
  private String subcodeNs;
  private final String subcode;
  private final long wsmanCode;
  private final @Nullable String detail;
  private final int httpStatus;

  private WsmanFault(String code, String subcodeNs, String subcode, String reason, long wsmanCode,
      @Nullable String detail) {
    super(bounded(reason), null, false, false);
    this.code = code;
    this.subcodeNs = subcodeNs;
    this.subcode = subcode;
    this.wsmanCode = wsmanCode;
    this.detail = detail;
    this.httpStatus = 500;
  }

  /** Longest reason text: faults quote what the client sent, which must not make them large. */
  static final int MAX_REASON = 1024;

  private static String bounded(String reason) {
    if (reason.length() <= MAX_REASON) {
      return reason;
    }
    int end = Character.isHighSurrogate(reason.charAt(MAX_REASON - 1)) ? MAX_REASON - 1 : MAX_REASON;
    return reason.substring(0, end) + "\u2026";
  }

  /** A fault with a WS-Management subcode. */
  public static WsmanFault wsman(boolean sender, String subcode, String reason, long wsmanCode, @Nullable String detail) {
    return new WsmanFault(sender ? "Sender" : "Receiver", Ns.WSMAN, subcode, reason, wsmanCode, detail);
  }

  /** A fault with a WS-Addressing subcode. */
  public static WsmanFault addressing(String subcode, String reason, long wsmanCode) {
    return new WsmanFault("Sender", Ns.WSA, subcode, reason, wsmanCode, null);
  }

  public static WsmanFault accessDenied(String reason) {
    return wsman(true, "AccessDenied", reason, ERROR_ACCESS_DENIED, null);
  }

  public static WsmanFault invalidSelectors(String reason) {
    return wsman(true, "InvalidSelectors", reason, INVALID_SELECTORS, null);
  }

  /** Unknown resource URI or instance; {@code code} is the WSManFault code (an HRESULT for a missing instance). */
  public static WsmanFault destinationUnreachable(String reason, long code) {
    return new WsmanFault("Sender", Ns.WSA, "DestinationUnreachable", reason, code,
        Ns.FAULT_DETAIL + "InvalidResourceURI");
  }

  public static WsmanFault encodingLimit(String reason, long code, String detail) {
    return wsman(true, "EncodingLimit", reason, code, Ns.FAULT_DETAIL + detail);
  }

  public static WsmanFault quotaLimit(String reason) {
    return wsman(false, "QuotaLimit", reason, QUOTA_LIMIT, null);
  }

  public static WsmanFault timedOut(String reason) {
    return wsman(false, "TimedOut", reason, OPERATION_TIMEDOUT, null);
  }

  public static WsmanFault schemaValidation(String reason) {
    return wsman(true, "SchemaValidationError", reason, SCHEMA_VALIDATION_ERROR, null);
  }

  public static WsmanFault actionNotSupported(String action) {
    return addressing("ActionNotSupported", "The action is not supported by this resource: " + action,
        INVALID_ACTIONURI);
  }

  public static WsmanFault unsupportedFeature(String reason, long code, String detail) {
    return wsman(true, "UnsupportedFeature", reason, code, Ns.FAULT_DETAIL + detail);
  }

  /** SOAP 1.2 {@code env:MustUnderstand}: a mandatory header this endpoint does not process. */
  public static WsmanFault mustUnderstand(String header) {
    return new WsmanFault("MustUnderstand", "", "", "Header not understood: " + header, INVALID_HEADER, null);
  }

  /** A provider (method) failure carrying its HRESULT, for Get/Put where there is no ReturnValue. */
  public static WsmanFault provider(int hresult, String reason) {
    return wsman(false, "InternalError", reason, hresult & 0xFFFF_FFFFL, null);
  }

  /** Moves the subcode into another namespace (WS-Enumeration faults). */
  WsmanFault withSubcodeNs(String ns) {
    this.subcodeNs = ns;
    return this;
  }

  public String code() {
    return code;
  }

  public String subcode() {
    return subcode;
  }

  public long wsmanCode() {
    return wsmanCode;
  }

  public int httpStatus() {
    return httpStatus;
  }

  /** The {@code s:Fault} element. */
  public XmlElement toXml() {
    XmlElement fault = XmlElement.of(Ns.SOAP, "Fault");
    XmlElement c = fault.child(Ns.SOAP, "Code");
    c.leaf(Ns.SOAP, "Value", "s:" + code);
    if (!subcode.isEmpty()) {
      String prefix = subcodeNs.equals(Ns.WSA) ? "a" : subcodeNs.equals(Ns.WSEN) ? "n" : "w";
      XmlElement sub = c.child(Ns.SOAP, "Subcode");
      if (prefix.equals("n")) {
        sub.declare(Ns.WSEN);
      }
      sub.leaf(Ns.SOAP, "Value", prefix + ":" + subcode);
    }
    fault.child(Ns.SOAP, "Reason").add(XmlElement.of(Ns.SOAP, "Text").attr(Ns.XML, "lang", "en-US")
        .text(getMessage()));
    XmlElement d = fault.child(Ns.SOAP, "Detail");
    if (detail != null) {
      d.leaf(Ns.WSMAN, "FaultDetail", detail);
    }
    XmlElement wf = d.child(Ns.WSMANFAULT, "WSManFault").attr("Code", Long.toString(wsmanCode)).attr("Machine", "");
    wf.leaf(Ns.WSMANFAULT, "Message", getMessage());
    return fault;
  }
}
