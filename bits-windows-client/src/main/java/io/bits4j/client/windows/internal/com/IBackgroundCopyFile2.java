package io.bits4j.client.windows.internal.com;

import com.sun.jna.Pointer;
import com.sun.jna.WString;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import org.jspecify.annotations.Nullable;

/**
 * IBackgroundCopyFile2 : IBackgroundCopyFile (bits2_0.h), slots 6–7.
 *
 * <p>Raw mirror: IDL names and order, absolute vtable slots, HRESULT returned as is. Wide strings
 * go in as {@code WString}; out-strings ({@code LPWSTR*}) come back in a {@code
 * PointerByReference} the caller frees with CoTaskMemFree; out-interfaces come back in a {@code
 * PointerByReference} the caller must Release. Confined to the thread that owns the pointer.
 */
public class IBackgroundCopyFile2 extends IBackgroundCopyFile {
  /** Slot of {@link #GetFileRanges}. */
  public static final int SLOT_GetFileRanges = 6;
  /** Slot of {@link #SetRemoteName}. */
  public static final int SLOT_SetRemoteName = 7;

  /** A null interface pointer (JNA's NativeMapped conversion needs a no-argument constructor). */
  public IBackgroundCopyFile2() {}

  /** Wraps an interface pointer; the caller keeps its reference. */
  public IBackgroundCopyFile2(Pointer p) {
    super(p);
  }

  /**
   * Slot 6: GetFileRanges([in, out, unique] DWORD *RangeCount, [out, size_is(, *RangeCount)] BG_FILE_RANGE **Ranges) — the array is freed with CoTaskMemFree.
   *
   * @return the HRESULT
   */
  public int GetFileRanges(@Nullable IntByReference RangeCount, PointerByReference Ranges) {
    return _invokeNativeInt(SLOT_GetFileRanges, new Object[] {getPointer(), RangeCount, Ranges});
  }

  /**
   * Slot 7: SetRemoteName(LPCWSTR Val).
   *
   * @return the HRESULT
   */
  public int SetRemoteName(WString Val) {
    return _invokeNativeInt(SLOT_SetRemoteName, new Object[] {getPointer(), Val});
  }
}
