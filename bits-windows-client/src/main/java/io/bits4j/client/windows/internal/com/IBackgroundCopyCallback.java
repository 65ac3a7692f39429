package io.bits4j.client.windows.internal.com;

import com.sun.jna.Pointer;

/**
 * IBackgroundCopyCallback : IUnknown (bits.h), slots 3–5: the caller side. BITS calls these methods on an object the application implements ({@link JavaBackgroundCopyCallback}); this mirror lets a test call such an object through its vtable.
 *
 * <p>Raw mirror: IDL names and order, absolute vtable slots, HRESULT returned as is. Wide strings
 * go in as {@code WString}; out-strings ({@code LPWSTR*}) come back in a {@code
 * PointerByReference} the caller frees with CoTaskMemFree; out-interfaces come back in a {@code
 * PointerByReference} the caller must Release. Confined to the thread that owns the pointer.
 */
public class IBackgroundCopyCallback extends BitsUnknown {
  /** Slot of {@link #JobTransferred}. */
  public static final int SLOT_JobTransferred = 3;
  /** Slot of {@link #JobError}. */
  public static final int SLOT_JobError = 4;
  /** Slot of {@link #JobModification}. */
  public static final int SLOT_JobModification = 5;

  /** A null interface pointer (JNA's NativeMapped conversion needs a no-argument constructor). */
  public IBackgroundCopyCallback() {}

  /** Wraps an interface pointer; the caller keeps its reference. */
  public IBackgroundCopyCallback(Pointer p) {
    super(p);
  }

  /**
   * Slot 3: JobTransferred([in] IBackgroundCopyJob *pJob).
   *
   * @return the HRESULT
   */
  public int JobTransferred(Pointer pJob) {
    return _invokeNativeInt(SLOT_JobTransferred, new Object[] {getPointer(), pJob});
  }

  /**
   * Slot 4: JobError([in] IBackgroundCopyJob *pJob, [in] IBackgroundCopyError *pError).
   *
   * @return the HRESULT
   */
  public int JobError(Pointer pJob, Pointer pError) {
    return _invokeNativeInt(SLOT_JobError, new Object[] {getPointer(), pJob, pError});
  }

  /**
   * Slot 5: JobModification([in] IBackgroundCopyJob *pJob, [in] DWORD dwReserved).
   *
   * @return the HRESULT
   */
  public int JobModification(Pointer pJob, int dwReserved) {
    return _invokeNativeInt(SLOT_JobModification, new Object[] {getPointer(), pJob, dwReserved});
  }
}
