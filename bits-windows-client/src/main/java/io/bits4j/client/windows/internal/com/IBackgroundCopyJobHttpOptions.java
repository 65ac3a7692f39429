package io.bits4j.client.windows.internal.com;

import com.sun.jna.Pointer;
import com.sun.jna.WString;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import org.jspecify.annotations.Nullable;

/**
 * IBackgroundCopyJobHttpOptions : IUnknown (bits2_5.h), slots 3–10; obtained by QueryInterface on a job.
 *
 * <p>Raw mirror: IDL names and order, absolute vtable slots, HRESULT returned as is. Wide strings
 * go in as {@code WString}; out-strings ({@code LPWSTR*}) come back in a {@code
 * PointerByReference} the caller frees with CoTaskMemFree; out-interfaces come back in a {@code
 * PointerByReference} the caller must Release. Confined to the thread that owns the pointer.
 */
public class IBackgroundCopyJobHttpOptions extends BitsUnknown {
  /** Slot of {@link #SetClientCertificateByID}. */
  public static final int SLOT_SetClientCertificateByID = 3;
  /** Slot of {@link #SetClientCertificateByName}. */
  public static final int SLOT_SetClientCertificateByName = 4;
  /** Slot of {@link #RemoveClientCertificate}. */
  public static final int SLOT_RemoveClientCertificate = 5;
  /** Slot of {@link #GetClientCertificate}. */
  public static final int SLOT_GetClientCertificate = 6;
  /** Slot of {@link #SetCustomHeaders}. */
  public static final int SLOT_SetCustomHeaders = 7;
  /** Slot of {@link #GetCustomHeaders}. */
  public static final int SLOT_GetCustomHeaders = 8;
  /** Slot of {@link #SetSecurityFlags}. */
  public static final int SLOT_SetSecurityFlags = 9;
  /** Slot of {@link #GetSecurityFlags}. */
  public static final int SLOT_GetSecurityFlags = 10;

  /** A null interface pointer (JNA's NativeMapped conversion needs a no-argument constructor). */
  public IBackgroundCopyJobHttpOptions() {}

  /** Wraps an interface pointer; the caller keeps its reference. */
  public IBackgroundCopyJobHttpOptions(Pointer p) {
    super(p);
  }

  /**
   * Slot 3: SetClientCertificateByID([in] BG_CERT_STORE_LOCATION StoreLocation, [in] LPCWSTR StoreName, [in, size_is(20), ref] byte *pCertHashBlob).
   *
   * @return the HRESULT
   */
  public int SetClientCertificateByID(int StoreLocation, WString StoreName, Pointer pCertHashBlob) {
    return _invokeNativeInt(SLOT_SetClientCertificateByID, new Object[] {getPointer(), StoreLocation, StoreName, pCertHashBlob});
  }

  /**
   * Slot 4: SetClientCertificateByName([in] BG_CERT_STORE_LOCATION StoreLocation, [in] LPCWSTR StoreName, [in] LPCWSTR SubjectName).
   *
   * @return the HRESULT
   */
  public int SetClientCertificateByName(int StoreLocation, WString StoreName, WString SubjectName) {
    return _invokeNativeInt(SLOT_SetClientCertificateByName, new Object[] {getPointer(), StoreLocation, StoreName, SubjectName});
  }

  /**
   * Slot 5: RemoveClientCertificate().
   *
   * @return the HRESULT
   */
  public int RemoveClientCertificate() {
    return _invokeNativeInt(SLOT_RemoveClientCertificate, new Object[] {getPointer()});
  }

  /**
   * Slot 6: GetClientCertificate([out, ref] BG_CERT_STORE_LOCATION *pStoreLocation, [out, ref] LPWSTR *pStoreName, [out, size_is(,20), ref] byte **ppCertHashBlob, [out, ref] LPWSTR *pSubjectName).
   *
   * @return the HRESULT
   */
  public int GetClientCertificate(IntByReference pStoreLocation, PointerByReference pStoreName, PointerByReference ppCertHashBlob, PointerByReference pSubjectName) {
    return _invokeNativeInt(SLOT_GetClientCertificate, new Object[] {getPointer(), pStoreLocation, pStoreName, ppCertHashBlob, pSubjectName});
  }

  /**
   * Slot 7: SetCustomHeaders([in, unique] LPCWSTR RequestHeaders) — NULL clears.
   *
   * @return the HRESULT
   */
  public int SetCustomHeaders(@Nullable WString RequestHeaders) {
    return _invokeNativeInt(SLOT_SetCustomHeaders, new Object[] {getPointer(), RequestHeaders});
  }

  /**
   * Slot 8: GetCustomHeaders([out, ref] LPWSTR *pRequestHeaders) — S_FALSE and NULL when none.
   *
   * @return the HRESULT
   */
  public int GetCustomHeaders(PointerByReference pRequestHeaders) {
    return _invokeNativeInt(SLOT_GetCustomHeaders, new Object[] {getPointer(), pRequestHeaders});
  }

  /**
   * Slot 9: SetSecurityFlags([in] ULONG Flags).
   *
   * @return the HRESULT
   */
  public int SetSecurityFlags(int Flags) {
    return _invokeNativeInt(SLOT_SetSecurityFlags, new Object[] {getPointer(), Flags});
  }

  /**
   * Slot 10: GetSecurityFlags([out, ref] ULONG *pFlags).
   *
   * @return the HRESULT
   */
  public int GetSecurityFlags(IntByReference pFlags) {
    return _invokeNativeInt(SLOT_GetSecurityFlags, new Object[] {getPointer(), pFlags});
  }
}
