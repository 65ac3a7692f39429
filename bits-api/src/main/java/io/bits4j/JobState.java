package io.bits4j;

/**
 * The state of a BITS job ({@code BG_JOB_STATE}), with its numeric codes 0–8 (the same values over
 * COM and the WMI provider's {@code State} property).
 *
 * <pre>
 *   createJob ──► SUSPENDED ──resume()──► QUEUED ◄──────────────── retry delay elapsed / resume()
 *                     ▲   (BG_E_EMPTY      │  ▲                                  │
 *                     │    if no files)    ▼  │ time slice over                  │
 *              suspend()            CONNECTING ──► TRANSFERRING ──transient──► TRANSIENT_ERROR
 *             (any non-final)              │           │    │                     │
 *                                          └─transient─┘    │ fatal        no progress within
 *                                                           ▼              NoProgressTimeout
 *                                   all files done       ERROR ◄──────────────────┘
 *                                          │               │ resume() after a fix ──► QUEUED
 *                                          ▼               │
 *                                     TRANSFERRED ─addFile()+resume()──► QUEUED
 *                                          │
 *           complete() (any non-final) ────┴──► ACKNOWLEDGED      cancel() (any non-final) ──► CANCELLED
 * </pre>
 *
 * <p>ACKNOWLEDGED and CANCELLED are final: the job disappears from {@link BitsClient#jobs()} and
 * every state-changing operation on it throws {@link BitsException} with {@link
 * Hresult#BG_E_INVALID_STATE}. A TRANSFERRED job's files are not visible under their final names
 * until {@link ClientJob#complete()}.
 */
public enum JobState {
  /** Waiting for the scheduler. */
  QUEUED(0),
  /** Connecting to the server. */
  CONNECTING(1),
  /** Moving data. */
  TRANSFERRING(2),
  /** Not running: the initial state of every new job, and the state after {@code suspend()}. */
  SUSPENDED(3),
  /** A fatal error; nothing happens until the application resumes, completes or cancels. */
  ERROR(4),
  /** A recoverable error; retried after the minimum retry delay. */
  TRANSIENT_ERROR(5),
  /** All files transferred; they appear under their final names only on {@code complete()}. */
  TRANSFERRED(6),
  /** Completed by the application: final. */
  ACKNOWLEDGED(7),
  /** Cancelled by the application: final; temporary files deleted. */
  CANCELLED(8);

  private final int code;

  JobState(int code) {
    this.code = code;
  }

  /** The {@code BG_JOB_STATE} value. */
  public int code() {
    return code;
  }

  /** True for ACKNOWLEDGED and CANCELLED, after which the job is gone. */
  public boolean isFinal() {
    return this == ACKNOWLEDGED || this == CANCELLED;
  }

  /**
   * True for the states in which {@link ClientJob#outcome()} completes: TRANSFERRED, ERROR,
   * ACKNOWLEDGED and CANCELLED — the job needs the application (or is gone).
   */
  public boolean isSettled() {
    return this == TRANSFERRED || this == ERROR || isFinal();
  }

  /** True for QUEUED, CONNECTING, TRANSFERRING and TRANSIENT_ERROR: BITS is working on the job. */
  public boolean isActive() {
    return this == QUEUED || this == CONNECTING || this == TRANSFERRING || this == TRANSIENT_ERROR;
  }

  /**
   * The state with this code.
   *
   * @throws BitsException E_INVALIDARG for a code outside 0–8
   */
  public static JobState ofCode(int code) {
    for (JobState s : values()) {
      if (s.code == code) {
        return s;
      }
    }
    throw new BitsException(Hresult.E_INVALIDARG, "no BG_JOB_STATE " + code);
  }
}
