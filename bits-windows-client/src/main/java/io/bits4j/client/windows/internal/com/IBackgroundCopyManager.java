package io.bits4j.client.windows.internal.com;

import com.sun.jna.Pointer;
import com.sun.jna.WString;
import com.sun.jna.platform.win32.Guid;
import com.sun.jna.ptr.PointerByReference;

/**
 * IBackgroundCopyManager : IUnknown (bits.h), slots 3–6.
 *
 * <p>Raw mirror: IDL names and order, absolute vtable slots, HRESULT returned as is. Wide strings
 * go in as {@code WString}; out-strings ({@code LPWSTR*}) come back in a {@code
 * PointerByReference} the caller frees with CoTaskMemFree; out-interfaces come back in a {@code
 * PointerByReference} the caller must Release. Confined to the thread that owns the pointer.
 */
public class IBackgroundCopyManager extends BitsUnknown {
  /** Slot of {@link #CreateJob}. */
  public static final int SLOT_CreateJob = 3;
  /** Slot of {@link #GetJob}. */
  public static final int SLOT_GetJob = 4;
  /** Slot of {@link #EnumJobs}. */
  public static final int SLOT_EnumJobs = 5;
  /** Slot of {@link #GetErrorDescription}. */
  public static final int SLOT_GetErrorDescription = 6;

  /** A null interface pointer (JNA's NativeMapped conversion needs a no-argument constructor). */
  public IBackgroundCopyManager() {}

  /** Wraps an interface pointer; the caller keeps its reference. */
  public IBackgroundCopyManager(Pointer p) {
    super(p);
  }

  /**
   * Slot 3: CreateJob([in] LPCWSTR DisplayName, [in] BG_JOB_TYPE Type, [out] GUID *pJobId, [out] IBackgroundCopyJob **ppJob).
   *
   * @return the HRESULT
   */
  public int CreateJob(WString DisplayName, int Type, Guid.GUID pJobId, PointerByReference ppJob) {
    return _invokeNativeInt(SLOT_CreateJob, new Object[] {getPointer(), DisplayName, Type, pJobId, ppJob});
  }

  /**
   * Slot 4: GetJob([in] REFGUID jobID, [out] IBackgroundCopyJob **ppJob).
   *
   * @return the HRESULT
   */
  public int GetJob(Guid.GUID jobID, PointerByReference ppJob) {
    return _invokeNativeInt(SLOT_GetJob, new Object[] {getPointer(), jobID, ppJob});
  }

  /**
   * Slot 5: EnumJobs([in] DWORD dwFlags, [out] IEnumBackgroundCopyJobs **ppEnum).
   *
   * @return the HRESULT
   */
  public int EnumJobs(int dwFlags, PointerByReference ppEnum) {
    return _invokeNativeInt(SLOT_EnumJobs, new Object[] {getPointer(), dwFlags, ppEnum});
  }

  /**
   * Slot 6: GetErrorDescription([in] HRESULT hResult, [in] DWORD LanguageId, [out] LPWSTR *pErrorDescription).
   *
   * @return the HRESULT
   */
  public int GetErrorDescription(int hResult, int LanguageId, PointerByReference pErrorDescription) {
    return _invokeNativeInt(SLOT_GetErrorDescription, new Object[] {getPointer(), hResult, LanguageId, pErrorDescription});
  }
}
