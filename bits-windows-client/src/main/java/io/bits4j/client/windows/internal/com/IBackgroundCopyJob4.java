package io.bits4j.client.windows.internal.com;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;

/**
 * IBackgroundCopyJob4 : IBackgroundCopyJob3 (bits3_0.h), slots 47–52.
 *
 * <p>Raw mirror: IDL names and order, absolute vtable slots, HRESULT returned as is. Wide strings
 * go in as {@code WString}; out-strings ({@code LPWSTR*}) come back in a {@code
 * PointerByReference} the caller frees with CoTaskMemFree; out-interfaces come back in a {@code
 * PointerByReference} the caller must Release. Confined to the thread that owns the pointer.
 */
public class IBackgroundCopyJob4 extends IBackgroundCopyJob3 {
  /** Slot of {@link #SetPeerCachingFlags}. */
  public static final int SLOT_SetPeerCachingFlags = 47;
  /** Slot of {@link #GetPeerCachingFlags}. */
  public static final int SLOT_GetPeerCachingFlags = 48;
  /** Slot of {@link #GetOwnerIntegrityLevel}. */
  public static final int SLOT_GetOwnerIntegrityLevel = 49;
  /** Slot of {@link #GetOwnerElevationState}. */
  public static final int SLOT_GetOwnerElevationState = 50;
  /** Slot of {@link #SetMaximumDownloadTime}. */
  public static final int SLOT_SetMaximumDownloadTime = 51;
  /** Slot of {@link #GetMaximumDownloadTime}. */
  public static final int SLOT_GetMaximumDownloadTime = 52;

  /** A null interface pointer (JNA's NativeMapped conversion needs a no-argument constructor). */
  public IBackgroundCopyJob4() {}

  /** Wraps an interface pointer; the caller keeps its reference. */
  public IBackgroundCopyJob4(Pointer p) {
    super(p);
  }

  /**
   * Slot 47: SetPeerCachingFlags(DWORD Flags).
   *
   * @return the HRESULT
   */
  public int SetPeerCachingFlags(int Flags) {
    return _invokeNativeInt(SLOT_SetPeerCachingFlags, new Object[] {getPointer(), Flags});
  }

  /**
   * Slot 48: GetPeerCachingFlags([out, ref] DWORD *pFlags).
   *
   * @return the HRESULT
   */
  public int GetPeerCachingFlags(IntByReference pFlags) {
    return _invokeNativeInt(SLOT_GetPeerCachingFlags, new Object[] {getPointer(), pFlags});
  }

  /**
   * Slot 49: GetOwnerIntegrityLevel([out, ref] ULONG *pLevel).
   *
   * @return the HRESULT
   */
  public int GetOwnerIntegrityLevel(IntByReference pLevel) {
    return _invokeNativeInt(SLOT_GetOwnerIntegrityLevel, new Object[] {getPointer(), pLevel});
  }

  /**
   * Slot 50: GetOwnerElevationState([out, ref] BOOL *pElevated).
   *
   * @return the HRESULT
   */
  public int GetOwnerElevationState(IntByReference pElevated) {
    return _invokeNativeInt(SLOT_GetOwnerElevationState, new Object[] {getPointer(), pElevated});
  }

  /**
   * Slot 51: SetMaximumDownloadTime(ULONG Timeout).
   *
   * @return the HRESULT
   */
  public int SetMaximumDownloadTime(int Timeout) {
    return _invokeNativeInt(SLOT_SetMaximumDownloadTime, new Object[] {getPointer(), Timeout});
  }

  /**
   * Slot 52: GetMaximumDownloadTime([out, ref] ULONG *pTimeout).
   *
   * @return the HRESULT
   */
  public int GetMaximumDownloadTime(IntByReference pTimeout) {
    return _invokeNativeInt(SLOT_GetMaximumDownloadTime, new Object[] {getPointer(), pTimeout});
  }
}
