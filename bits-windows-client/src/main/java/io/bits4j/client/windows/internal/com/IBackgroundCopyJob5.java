package io.bits4j.client.windows.internal.com;

import com.sun.jna.Pointer;

/**
 * IBackgroundCopyJob5 : IBackgroundCopyJob4 (bits5_0.h), slots 53–54. Not implemented by Wine (E_NOINTERFACE).
 *
 * <p>Raw mirror: IDL names and order, absolute vtable slots, HRESULT returned as is. Wide strings
 * go in as {@code WString}; out-strings ({@code LPWSTR*}) come back in a {@code
 * PointerByReference} the caller frees with CoTaskMemFree; out-interfaces come back in a {@code
 * PointerByReference} the caller must Release. Confined to the thread that owns the pointer.
 */
public class IBackgroundCopyJob5 extends IBackgroundCopyJob4 {
  /** Slot of {@link #SetProperty}. */
  public static final int SLOT_SetProperty = 53;
  /** Slot of {@link #GetProperty}. */
  public static final int SLOT_GetProperty = 54;

  /** A null interface pointer (JNA's NativeMapped conversion needs a no-argument constructor). */
  public IBackgroundCopyJob5() {}

  /** Wraps an interface pointer; the caller keeps its reference. */
  public IBackgroundCopyJob5(Pointer p) {
    super(p);
  }

  /**
   * Slot 53: SetProperty([in] BITS_JOB_PROPERTY_ID PropertyId, [in, switch_is(PropertyId)] BITS_JOB_PROPERTY_VALUE PropertyValue) — the 16-byte union is passed by value, which on x64 is a pointer to a caller-owned copy: pass the instance.
   *
   * @return the HRESULT
   */
  public int SetProperty(int PropertyId, BITS_JOB_PROPERTY_VALUE PropertyValue) {
    return _invokeNativeInt(SLOT_SetProperty, new Object[] {getPointer(), PropertyId, PropertyValue});
  }

  /**
   * Slot 54: GetProperty([in] BITS_JOB_PROPERTY_ID PropertyId, [out, switch_is(PropertyId)] BITS_JOB_PROPERTY_VALUE *PropertyValue).
   *
   * @return the HRESULT
   */
  public int GetProperty(int PropertyId, BITS_JOB_PROPERTY_VALUE PropertyValue) {
    return _invokeNativeInt(SLOT_GetProperty, new Object[] {getPointer(), PropertyId, PropertyValue});
  }
}
