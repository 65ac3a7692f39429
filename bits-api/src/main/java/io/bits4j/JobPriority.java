package io.bits4j;

/**
 * A job's priority ({@code BG_JOB_PRIORITY}, codes 0–3). Higher priorities preempt lower ones;
 * jobs of one priority share time; foreground jobs run concurrently and compete with applications
 * for bandwidth. The default is {@link #NORMAL}.
 */
public enum JobPriority {
  /** Transfers in the foreground, concurrently with other foreground jobs. */
  FOREGROUND(0),
  /** Highest background priority. */
  HIGH(1),
  /** The default background priority. */
  NORMAL(2),
  /** Lowest background priority. */
  LOW(3);

  private final int code;

  JobPriority(int code) {
    this.code = code;
  }

  /** The {@code BG_JOB_PRIORITY} value. */
  public int code() {
    return code;
  }

  /**
   * The priority with this code.
   *
   * @throws BitsException E_INVALIDARG for a code outside 0–3
   */
  public static JobPriority ofCode(int code) {
    for (JobPriority p : values()) {
      if (p.code == code) {
        return p;
      }
    }
    throw new BitsException(Hresult.E_INVALIDARG, "no BG_JOB_PRIORITY " + code);
  }
}
