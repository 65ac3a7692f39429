package io.bits4j;

/**
 * How clients authenticate to a URL group of the compact server.
 *
 * <p>The WMI provider numbers Negotiate 0 and NTLM 1 ({@code SetUrlGroupAuthentication}); codes
 * 16–18 are bits4j extensions of that dialect, never sent to a Windows target. A group with no
 * scheme enabled serves anonymously (its URLs' {@link AccessPolicy} still applies).
 */
public enum AuthScheme {
  /** Negotiate (Kerberos or NTLM): Windows only; bits4j's server refuses it with E_NOTIMPL. */
  NEGOTIATE(0),
  /** NTLM: Windows only; bits4j's server refuses it with E_NOTIMPL. */
  NTLM(1),
  /** HTTP Basic against the server's {@link UserStore}; over TLS only, unless explicitly allowed. */
  BASIC(16),
  /** HTTP Digest (RFC 7616, SHA-256 and MD5) against the server's {@link UserStore}. */
  DIGEST(17),
  /** TLS client certificates: the port requires one in the handshake. */
  CLIENT_CERTIFICATE(18);

  private final int wmiCode;

  AuthScheme(int wmiCode) {
    this.wmiCode = wmiCode;
  }

  /** The {@code Scheme} value of {@code SetUrlGroupAuthentication} (16–18 are bits4j extensions). */
  public int wmiCode() {
    return wmiCode;
  }

  /** True for schemes that are bits4j extensions of the WMI dialect. */
  public boolean isExtension() {
    return wmiCode >= 16;
  }

  /**
   * The scheme with this WMI code.
   *
   * @throws BitsException E_INVALIDARG for an unknown code (2 is reserved by Windows)
   */
  public static AuthScheme ofWmiCode(int code) {
    for (AuthScheme s : values()) {
      if (s.wmiCode == code) {
        return s;
      }
    }
    throw new BitsException(Hresult.E_INVALIDARG, "no URL group authentication scheme " + code);
  }
}
