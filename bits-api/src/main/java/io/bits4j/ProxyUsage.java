package io.bits4j;

/** How a job finds its proxy ({@code BG_JOB_PROXY_USAGE}, codes 0–3; WMI and COM agree). */
public enum ProxyUsage {
  /** The system's (user's) preconfigured settings: the default. */
  PRECONFIG(0),
  /** Connect directly. */
  NO_PROXY(1),
  /** Use the job's own proxy list and bypass list. */
  OVERRIDE(2),
  /** Detect the proxy automatically. */
  AUTODETECT(3);

  private final int code;

  ProxyUsage(int code) {
    this.code = code;
  }

  /** The {@code BG_JOB_PROXY_USAGE} value. */
  public int code() {
    return code;
  }

  /**
   * The usage with this code.
   *
   * @throws BitsException E_INVALIDARG for a code outside 0–3
   */
  public static ProxyUsage ofCode(int code) {
    for (ProxyUsage u : values()) {
      if (u.code == code) {
        return u;
      }
    }
    throw new BitsException(Hresult.E_INVALIDARG, "no BG_JOB_PROXY_USAGE " + code);
  }
}
