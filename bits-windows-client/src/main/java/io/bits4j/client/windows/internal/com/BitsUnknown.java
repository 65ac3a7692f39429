package io.bits4j.client.windows.internal.com;

import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.COM.Unknown;
import com.sun.jna.platform.win32.Guid;
import com.sun.jna.ptr.PointerByReference;

/**
 * IUnknown with raw HRESULTs: slot 0 QueryInterface, 1 AddRef, 2 Release (the last two inherited
 * from jna-platform's {@link Unknown}). Every BITS interface of this package extends it.
 */
public class BitsUnknown extends Unknown {
  /** Slot of QueryInterface. */
  public static final int SLOT_QueryInterface = 0;
  /** Slot of AddRef. */
  public static final int SLOT_AddRef = 1;
  /** Slot of Release. */
  public static final int SLOT_Release = 2;

  /** A null interface pointer (JNA's NativeMapped conversion needs a no-argument constructor). */
  public BitsUnknown() {}

  /** Wraps an interface pointer; the caller keeps its reference. */
  public BitsUnknown(Pointer p) {
    super(p);
  }

  /**
   * Slot 0: QueryInterface([in] REFIID riid, [out] void **ppv). On success the caller owns one
   * reference to {@code ppv.getValue()} and must Release it.
   *
   * @return the HRESULT (E_NOINTERFACE when the object lacks the interface)
   */
  public int QueryInterface(Guid.GUID riid, PointerByReference ppv) {
    return _invokeNativeInt(SLOT_QueryInterface, new Object[] {getPointer(), riid, ppv});
  }
}
