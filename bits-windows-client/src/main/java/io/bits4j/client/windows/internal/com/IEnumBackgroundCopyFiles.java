package io.bits4j.client.windows.internal.com;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import org.jspecify.annotations.Nullable;

/**
 * IEnumBackgroundCopyFiles : IUnknown (bits.h), slots 3–7.
 *
 * <p>Raw mirror: IDL names and order, absolute vtable slots, HRESULT returned as is. Wide strings
 * go in as {@code WString}; out-strings ({@code LPWSTR*}) come back in a {@code
 * PointerByReference} the caller frees with CoTaskMemFree; out-interfaces come back in a {@code
 * PointerByReference} the caller must Release. Confined to the thread that owns the pointer.
 */
public class IEnumBackgroundCopyFiles extends BitsUnknown {
  /** Slot of {@link #Next}. */
  public static final int SLOT_Next = 3;
  /** Slot of {@link #Skip}. */
  public static final int SLOT_Skip = 4;
  /** Slot of {@link #Reset}. */
  public static final int SLOT_Reset = 5;
  /** Slot of {@link #Clone}. */
  public static final int SLOT_Clone = 6;
  /** Slot of {@link #GetCount}. */
  public static final int SLOT_GetCount = 7;

  /** A null interface pointer (JNA's NativeMapped conversion needs a no-argument constructor). */
  public IEnumBackgroundCopyFiles() {}

  /** Wraps an interface pointer; the caller keeps its reference. */
  public IEnumBackgroundCopyFiles(Pointer p) {
    super(p);
  }

  /**
   * Slot 3: Next([in] ULONG celt, [out, size_is(celt), length_is(*pceltFetched)] IBackgroundCopyFile **rgelt, [in, out, unique] ULONG *pceltFetched) — S_FALSE when fewer than celt are returned.
   *
   * @return the HRESULT
   */
  public int Next(int celt, Pointer[] rgelt, @Nullable IntByReference pceltFetched) {
    return _invokeNativeInt(SLOT_Next, new Object[] {getPointer(), celt, rgelt, pceltFetched});
  }

  /**
   * Slot 4: Skip([in] ULONG celt).
   *
   * @return the HRESULT
   */
  public int Skip(int celt) {
    return _invokeNativeInt(SLOT_Skip, new Object[] {getPointer(), celt});
  }

  /**
   * Slot 5: Reset().
   *
   * @return the HRESULT
   */
  public int Reset() {
    return _invokeNativeInt(SLOT_Reset, new Object[] {getPointer()});
  }

  /**
   * Slot 6: Clone([out] IEnumBackgroundCopyFiles **ppenum).
   *
   * @return the HRESULT
   */
  public int Clone(PointerByReference ppenum) {
    return _invokeNativeInt(SLOT_Clone, new Object[] {getPointer(), ppenum});
  }

  /**
   * Slot 7: GetCount([out] ULONG *puCount).
   *
   * @return the HRESULT
   */
  public int GetCount(IntByReference puCount) {
    return _invokeNativeInt(SLOT_GetCount, new Object[] {getPointer(), puCount});
  }
}
