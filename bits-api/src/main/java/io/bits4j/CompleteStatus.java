package io.bits4j;

/**
 * What {@link ClientJob#complete()} achieved. Each value carries the success HRESULT BITS returns.
 */
public enum CompleteStatus {
  /** Every file is now under its final name ({@code S_OK}). */
  COMPLETE(Hresult.S_OK),
  /** Only the fully transferred files were kept; the others were deleted ({@code BG_S_PARTIAL_COMPLETE}). */
  PARTIAL_COMPLETE(Hresult.BG_S_PARTIAL_COMPLETE),
  /** The files are in place but some temporary files could not be deleted ({@code BG_S_UNABLE_TO_DELETE_FILES}). */
  UNABLE_TO_DELETE_FILES(Hresult.BG_S_UNABLE_TO_DELETE_FILES);

  private final int hresult;

  CompleteStatus(int hresult) {
    this.hresult = hresult;
  }

  /** The success HRESULT. */
  public int hresult() {
    return hresult;
  }
}
