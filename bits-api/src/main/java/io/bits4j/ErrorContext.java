package io.bits4j;

/**
 * Where an error happened: BITS's {@code BG_ERROR_CONTEXT}, with its numeric codes 0–8 (the same
 * values over COM and the WMI provider's {@code GetError}).
 */
public enum ErrorContext {
  /** No error. */
  NONE(0),
  /** Unknown location. */
  UNKNOWN(1),
  /** The queue manager (job management). */
  GENERAL_QUEUE_MANAGER(2),
  /** While notifying the application. */
  QUEUE_MANAGER_NOTIFICATION(3),
  /** The local file (permission, volume, disk full). */
  LOCAL_FILE(4),
  /** The remote file or URL; HTTP status errors land here. */
  REMOTE_FILE(5),
  /** The transport layer, not file-specific (connect failures, resets). */
  GENERAL_TRANSPORT(6),
  /** The upload server application. */
  REMOTE_APPLICATION(7),
  /** The application's server-certificate validation callback. */
  SERVER_CERTIFICATE_CALLBACK(8);

  private final int code;

  ErrorContext(int code) {
    this.code = code;
  }

  /** The {@code BG_ERROR_CONTEXT} value. */
  public int code() {
    return code;
  }

  /**
   * The context with this code.
   *
   * @throws BitsException E_INVALIDARG for a code outside 0–8
   */
  public static ErrorContext ofCode(int code) {
    for (ErrorContext c : values()) {
      if (c.code == code) {
        return c;
      }
    }
    throw new BitsException(Hresult.E_INVALIDARG, "no BG_ERROR_CONTEXT " + code);
  }
}
