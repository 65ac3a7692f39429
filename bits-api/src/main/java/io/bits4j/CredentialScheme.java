package io.bits4j;

/**
 * How a client authenticates to a server or proxy ({@code BG_AUTH_SCHEME}). WMI numbers from 0,
 * COM from 1. bits4j's portable client speaks {@link #BASIC} and {@link #DIGEST}; the others are
 * passed through to Windows BITS.
 */
public enum CredentialScheme {
  /** HTTP Basic: the password travels base64-encoded; use only over HTTPS. */
  BASIC(0, 1),
  /** HTTP Digest (RFC 7616). */
  DIGEST(1, 2),
  /** NTLM (Windows only). */
  NTLM(2, 3),
  /** Negotiate: Kerberos or NTLM (Windows only). */
  NEGOTIATE(3, 4),
  /** Passport (obsolete; Windows only). */
  PASSPORT(4, 5);

  private final int wmiCode;
  private final int comCode;

  CredentialScheme(int wmiCode, int comCode) {
    this.wmiCode = wmiCode;
    this.comCode = comCode;
  }

  /** The WMI provider's value ({@code SetCredentials} Scheme): 0 Basic … 4 Passport. */
  public int wmiCode() {
    return wmiCode;
  }

  /** The COM {@code BG_AUTH_SCHEME} value: 1 Basic … 5 Passport. */
  public int comCode() {
    return comCode;
  }

  /**
   * The scheme with this WMI code.
   *
   * @throws BitsException BG_E_INVALID_AUTH_SCHEME for an unknown code
   */
  public static CredentialScheme ofWmiCode(int code) {
    for (CredentialScheme s : values()) {
      if (s.wmiCode == code) {
        return s;
      }
    }
    throw new BitsException(Hresult.BG_E_INVALID_AUTH_SCHEME, "no authentication scheme " + code);
  }
}
