package io.bits4j.client.windows.internal.com;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;

/**
 * IBackgroundCopyFile : IUnknown (bits.h), slots 3–5.
 *
 * <p>Raw mirror: IDL names and order, absolute vtable slots, HRESULT returned as is. Wide strings
 * go in as {@code WString}; out-strings ({@code LPWSTR*}) come back in a {@code
 * PointerByReference} the caller frees with CoTaskMemFree; out-interfaces come back in a {@code
 * PointerByReference} the caller must Release. Confined to the thread that owns the pointer.
 */
public class IBackgroundCopyFile extends BitsUnknown {
  /** Slot of {@link #GetRemoteName}. */
  public static final int SLOT_GetRemoteName = 3;
  /** Slot of {@link #GetLocalName}. */
  public static final int SLOT_GetLocalName = 4;
  /** Slot of {@link #GetProgress}. */
  public static final int SLOT_GetProgress = 5;

  /** A null interface pointer (JNA's NativeMapped conversion needs a no-argument constructor). */
  public IBackgroundCopyFile() {}

  /** Wraps an interface pointer; the caller keeps its reference. */
  public IBackgroundCopyFile(Pointer p) {
    super(p);
  }

  /**
   * Slot 3: GetRemoteName([out] LPWSTR *pVal).
   *
   * @return the HRESULT
   */
  public int GetRemoteName(PointerByReference pVal) {
    return _invokeNativeInt(SLOT_GetRemoteName, new Object[] {getPointer(), pVal});
  }

  /**
   * Slot 4: GetLocalName([out] LPWSTR *pVal).
   *
   * @return the HRESULT
   */
  public int GetLocalName(PointerByReference pVal) {
    return _invokeNativeInt(SLOT_GetLocalName, new Object[] {getPointer(), pVal});
  }

  /**
   * Slot 5: GetProgress([out] BG_FILE_PROGRESS *pVal).
   *
   * @return the HRESULT
   */
  public int GetProgress(BG_FILE_PROGRESS pVal) {
    return _invokeNativeInt(SLOT_GetProgress, new Object[] {getPointer(), pVal});
  }
}
