package io.bits4j;

/**
 * A job's type ({@code BG_JOB_TYPE}). bits4j transfers downloads; the upload types exist so that
 * jobs created by other programs on Windows can be listed.
 */
public enum JobType {
  /** Download files from a server (the default, and the only type bits4j creates). */
  DOWNLOAD(0),
  /** Upload one file. */
  UPLOAD(1),
  /** Upload one file and download the server's reply. */
  UPLOAD_REPLY(2);

  private final int code;

  JobType(int code) {
    this.code = code;
  }

  /** The {@code BG_JOB_TYPE} value. */
  public int code() {
    return code;
  }

  /**
   * The type with this code.
   *
   * @throws BitsException E_INVALIDARG for a code outside 0–2
   */
  public static JobType ofCode(int code) {
    for (JobType t : values()) {
      if (t.code == code) {
        return t;
      }
    }
    throw new BitsException(Hresult.E_INVALIDARG, "no BG_JOB_TYPE " + code);
  }
}
