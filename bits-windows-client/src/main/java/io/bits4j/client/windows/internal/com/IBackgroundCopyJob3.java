package io.bits4j.client.windows.internal.com;

import com.sun.jna.Pointer;
import com.sun.jna.WString;
import com.sun.jna.ptr.IntByReference;

/**
 * IBackgroundCopyJob3 : IBackgroundCopyJob2 (bits2_0.h), slots 43–46.
 *
 * <p>Raw mirror: IDL names and order, absolute vtable slots, HRESULT returned as is. Wide strings
 * go in as {@code WString}; out-strings ({@code LPWSTR*}) come back in a {@code
 * PointerByReference} the caller frees with CoTaskMemFree; out-interfaces come back in a {@code
 * PointerByReference} the caller must Release. Confined to the thread that owns the pointer.
 */
public class IBackgroundCopyJob3 extends IBackgroundCopyJob2 {
  /** Slot of {@link #ReplaceRemotePrefix}. */
  public static final int SLOT_ReplaceRemotePrefix = 43;
  /** Slot of {@link #AddFileWithRanges}. */
  public static final int SLOT_AddFileWithRanges = 44;
  /** Slot of {@link #SetFileACLFlags}. */
  public static final int SLOT_SetFileACLFlags = 45;
  /** Slot of {@link #GetFileACLFlags}. */
  public static final int SLOT_GetFileACLFlags = 46;

  /** A null interface pointer (JNA's NativeMapped conversion needs a no-argument constructor). */
  public IBackgroundCopyJob3() {}

  /** Wraps an interface pointer; the caller keeps its reference. */
  public IBackgroundCopyJob3(Pointer p) {
    super(p);
  }

  /**
   * Slot 43: ReplaceRemotePrefix([in] LPCWSTR OldPrefix, [in] LPCWSTR NewPrefix).
   *
   * @return the HRESULT
   */
  public int ReplaceRemotePrefix(WString OldPrefix, WString NewPrefix) {
    return _invokeNativeInt(SLOT_ReplaceRemotePrefix, new Object[] {getPointer(), OldPrefix, NewPrefix});
  }

  /**
   * Slot 44: AddFileWithRanges([in] LPCWSTR RemoteUrl, [in] LPCWSTR LocalName, [in] DWORD RangeCount, [in, size_is(RangeCount)] BG_FILE_RANGE Ranges[]).
   *
   * @return the HRESULT
   */
  public int AddFileWithRanges(WString RemoteUrl, WString LocalName, int RangeCount, BG_FILE_RANGE Ranges) {
    return _invokeNativeInt(SLOT_AddFileWithRanges, new Object[] {getPointer(), RemoteUrl, LocalName, RangeCount, Ranges});
  }

  /**
   * Slot 45: SetFileACLFlags([in] DWORD Flags).
   *
   * @return the HRESULT
   */
  public int SetFileACLFlags(int Flags) {
    return _invokeNativeInt(SLOT_SetFileACLFlags, new Object[] {getPointer(), Flags});
  }

  /**
   * Slot 46: GetFileACLFlags([out, ref] DWORD *Flags).
   *
   * @return the HRESULT
   */
  public int GetFileACLFlags(IntByReference Flags) {
    return _invokeNativeInt(SLOT_GetFileACLFlags, new Object[] {getPointer(), Flags});
  }
}
