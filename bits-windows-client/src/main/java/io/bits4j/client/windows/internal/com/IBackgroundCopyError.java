package io.bits4j.client.windows.internal.com;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * IBackgroundCopyError : IUnknown (bits.h), slots 3–7.
 *
 * <p>Raw mirror: IDL names and order, absolute vtable slots, HRESULT returned as is. Wide strings
 * go in as {@code WString}; out-strings ({@code LPWSTR*}) come back in a {@code
 * PointerByReference} the caller frees with CoTaskMemFree; out-interfaces come back in a {@code
 * PointerByReference} the caller must Release. Confined to the thread that owns the pointer.
 */
public class IBackgroundCopyError extends BitsUnknown {
  /** Slot of {@link #GetError}. */
  public static final int SLOT_GetError = 3;
  /** Slot of {@link #GetFile}. */
  public static final int SLOT_GetFile = 4;
  /** Slot of {@link #GetErrorDescription}. */
  public static final int SLOT_GetErrorDescription = 5;
  /** Slot of {@link #GetErrorContextDescription}. */
  public static final int SLOT_GetErrorContextDescription = 6;
  /** Slot of {@link #GetProtocol}. */
  public static final int SLOT_GetProtocol = 7;

  /** A null interface pointer (JNA's NativeMapped conversion needs a no-argument constructor). */
  public IBackgroundCopyError() {}

  /** Wraps an interface pointer; the caller keeps its reference. */
  public IBackgroundCopyError(Pointer p) {
    super(p);
  }

  /**
   * Slot 3: GetError([out, ref] BG_ERROR_CONTEXT *pContext, [out, ref] HRESULT *pCode).
   *
   * @return the HRESULT
   */
  public int GetError(IntByReference pContext, IntByReference pCode) {
    return _invokeNativeInt(SLOT_GetError, new Object[] {getPointer(), pContext, pCode});
  }

  /**
   * Slot 4: GetFile([out] IBackgroundCopyFile **pVal).
   *
   * @return the HRESULT
   */
  public int GetFile(PointerByReference pVal) {
    return _invokeNativeInt(SLOT_GetFile, new Object[] {getPointer(), pVal});
  }

  /**
   * Slot 5: GetErrorDescription([in] DWORD LanguageId, [out, ref] LPWSTR *pErrorDescription) — Wine answers 0x800706F4.
   *
   * @return the HRESULT
   */
  public int GetErrorDescription(int LanguageId, PointerByReference pErrorDescription) {
    return _invokeNativeInt(SLOT_GetErrorDescription, new Object[] {getPointer(), LanguageId, pErrorDescription});
  }

  /**
   * Slot 6: GetErrorContextDescription([in] DWORD LanguageId, [out, ref] LPWSTR *pContextDescription).
   *
   * @return the HRESULT
   */
  public int GetErrorContextDescription(int LanguageId, PointerByReference pContextDescription) {
    return _invokeNativeInt(SLOT_GetErrorContextDescription, new Object[] {getPointer(), LanguageId, pContextDescription});
  }

  /**
   * Slot 7: GetProtocol([out, ref] LPWSTR *pProtocol).
   *
   * @return the HRESULT
   */
  public int GetProtocol(PointerByReference pProtocol) {
    return _invokeNativeInt(SLOT_GetProtocol, new Object[] {getPointer(), pProtocol});
  }
}
