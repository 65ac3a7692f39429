package io.bits4j.wsman.internal;

import java.util.Locale;
import java.util.Optional;

/** Namespace URIs, actions and resource URIs of the WS-Management dialect bits4j speaks. */
public final class Ns {
  private Ns() {}

  public static final String SOAP = "http://www.w3.org/2003/05/soap-envelope";
  public static final String WSA = "http://schemas.xmlsoap.org/ws/2004/08/addressing";
  public static final String WSMAN = "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd";
  public static final String WSMV = "http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd";
  public static final String WSEN = "http://schemas.xmlsoap.org/ws/2004/09/enumeration";
  public static final String WST = "http://schemas.xmlsoap.org/ws/2004/09/transfer";
  public static final String WSMID = "http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd";
  public static final String WSMANFAULT = "http://schemas.microsoft.com/wbem/wsman/1/wsmanfault";
  public static final String CIM = "http://schemas.dmtf.org/wbem/wscim/1/common";
  public static final String XSI = "http://www.w3.org/2001/XMLSchema-instance";
  public static final String XML = "http://www.w3.org/XML/1998/namespace";

  public static final String ANONYMOUS = WSA + "/role/anonymous";

  public static final String ACTION_GET = WST + "/Get";
  public static final String ACTION_GET_RESPONSE = WST + "/GetResponse";
  public static final String ACTION_PUT = WST + "/Put";
  public static final String ACTION_PUT_RESPONSE = WST + "/PutResponse";
  public static final String ACTION_DELETE = WST + "/Delete";
  public static final String ACTION_DELETE_RESPONSE = WST + "/DeleteResponse";
  public static final String ACTION_ENUMERATE = WSEN + "/Enumerate";
  public static final String ACTION_ENUMERATE_RESPONSE = WSEN + "/EnumerateResponse";
  public static final String ACTION_PULL = WSEN + "/Pull";
  public static final String ACTION_PULL_RESPONSE = WSEN + "/PullResponse";
  public static final String ACTION_RELEASE = WSEN + "/Release";
  public static final String ACTION_RELEASE_RESPONSE = WSEN + "/ReleaseResponse";
  public static final String ACTION_FAULT = WSMAN + "/fault";
  public static final String ACTION_FAULT_WSMAN = "http://schemas.dmtf.org/wbem/wsman/1/wsman/fault";

  public static final String FAULT_DETAIL = "http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/";

  /** Prefix of every WMI resource URI. */
  public static final String WMI_ROOT = "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/";
  /** Prefix of the BITS provider's resource URIs. */
  public static final String BITS_ROOT = WMI_ROOT + "microsoft/bits/";
  public static final String URL_GROUP_CLASS = "BitsCompactServerUrlGroup";
  public static final String JOB_CLASS = "BitsClientJob";
  public static final String FILE_CLASS = "BitsClientFile";
  public static final String URL_GROUP_URI = BITS_ROOT + URL_GROUP_CLASS;
  public static final String JOB_URI = BITS_ROOT + JOB_CLASS;
  public static final String FILE_URI = BITS_ROOT + FILE_CLASS;

  /** The BITS classes the endpoint serves. */
  public enum BitsClass {
    URL_GROUP(URL_GROUP_URI),
    JOB(JOB_URI);

    private final String uri;

    BitsClass(String uri) {
      this.uri = uri;
    }

    public String uri() {
      return uri;
    }
  }

  /**
   * The BITS class a resource URI names, compared case-insensitively as Windows does; {@code
   * BitsLightweightServerUrlGroup} (the provider documentation's other name) is accepted too.
   */
  public static Optional<BitsClass> bitsClass(String resourceUri) {
    String u = resourceUri.strip().toLowerCase(Locale.ROOT);
    String root = BITS_ROOT.toLowerCase(Locale.ROOT);
    if (!u.startsWith(root)) {
      return Optional.empty();
    }
    String cls = u.substring(root.length());
    switch (cls) {
      case "bitscompactserverurlgroup":
      case "bitslightweightserverurlgroup":
        return Optional.of(BitsClass.URL_GROUP);
      case "bitsclientjob":
        return Optional.of(BitsClass.JOB);
      default:
        return Optional.empty();
    }
  }
}
