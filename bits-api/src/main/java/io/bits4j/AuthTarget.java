package io.bits4j;

/**
 * Whom credentials are for ({@code BG_AUTH_TARGET}). WMI numbers from 0, COM from 1.
 */
public enum AuthTarget {
  /** The server hosting the file. */
  SERVER(0, 1),
  /** The proxy server. */
  PROXY(1, 2);

  private final int wmiCode;
  private final int comCode;

  AuthTarget(int wmiCode, int comCode) {
    this.wmiCode = wmiCode;
    this.comCode = comCode;
  }

  /** The WMI provider's value ({@code SetCredentials} Target): 0 server, 1 proxy. */
  public int wmiCode() {
    return wmiCode;
  }

  /** The COM {@code BG_AUTH_TARGET} value: 1 server, 2 proxy. */
  public int comCode() {
    return comCode;
  }

  /**
   * The target with this WMI code.
   *
   * @throws BitsException BG_E_INVALID_AUTH_TARGET for an unknown code
   */
  public static AuthTarget ofWmiCode(int code) {
    for (AuthTarget t : values()) {
      if (t.wmiCode == code) {
        return t;
      }
    }
    throw new BitsException(Hresult.BG_E_INVALID_AUTH_TARGET, "no authentication target " + code);
  }
}
