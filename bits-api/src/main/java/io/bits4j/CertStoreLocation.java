package io.bits4j;

/**
 * A Windows certificate store location ({@code BG_CERT_STORE_LOCATION}, codes 0–7; WMI and COM
 * agree).
 */
public enum CertStoreLocation {
  /** The current user's stores. */
  CURRENT_USER(0),
  /** The machine's stores. */
  LOCAL_MACHINE(1),
  /** The current service's stores. */
  CURRENT_SERVICE(2),
  /** All services' stores. */
  SERVICES(3),
  /** All users' stores. */
  USERS(4),
  /** The current user's Group Policy stores. */
  CURRENT_USER_GROUP_POLICY(5),
  /** The machine's Group Policy stores. */
  LOCAL_MACHINE_GROUP_POLICY(6),
  /** The machine's enterprise stores. */
  LOCAL_MACHINE_ENTERPRISE(7);

  private final int code;

  CertStoreLocation(int code) {
    this.code = code;
  }

  /** The {@code BG_CERT_STORE_LOCATION} value. */
  public int code() {
    return code;
  }

  /**
   * The location with this code.
   *
   * @throws BitsException E_INVALIDARG for a code outside 0–7
   */
  public static CertStoreLocation ofCode(int code) {
    for (CertStoreLocation l : values()) {
      if (l.code == code) {
        return l;
      }
    }
    throw new BitsException(Hresult.E_INVALIDARG, "no certificate store location " + code);
  }
}
