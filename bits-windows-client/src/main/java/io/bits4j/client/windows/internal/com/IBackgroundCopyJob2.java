package io.bits4j.client.windows.internal.com;

import com.sun.jna.Pointer;
import com.sun.jna.WString;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import org.jspecify.annotations.Nullable;

/**
 * IBackgroundCopyJob2 : IBackgroundCopyJob (bits1_5.h), slots 35–42.
 *
 * <p>Raw mirror: IDL names and order, absolute vtable slots, HRESULT returned as is. Wide strings
 * go in as {@code WString}; out-strings ({@code LPWSTR*}) come back in a {@code
 * PointerByReference} the caller frees with CoTaskMemFree; out-interfaces come back in a {@code
 * PointerByReference} the caller must Release. Confined to the thread that owns the pointer.
 */
public class IBackgroundCopyJob2 extends IBackgroundCopyJob {
  /** Slot of {@link #SetNotifyCmdLine}. */
  public static final int SLOT_SetNotifyCmdLine = 35;
  /** Slot of {@link #GetNotifyCmdLine}. */
  public static final int SLOT_GetNotifyCmdLine = 36;
  /** Slot of {@link #GetReplyProgress}. */
  public static final int SLOT_GetReplyProgress = 37;
  /** Slot of {@link #GetReplyData}. */
  public static final int SLOT_GetReplyData = 38;
  /** Slot of {@link #SetReplyFileName}. */
  public static final int SLOT_SetReplyFileName = 39;
  /** Slot of {@link #GetReplyFileName}. */
  public static final int SLOT_GetReplyFileName = 40;
  /** Slot of {@link #SetCredentials}. */
  public static final int SLOT_SetCredentials = 41;
  /** Slot of {@link #RemoveCredentials}. */
  public static final int SLOT_RemoveCredentials = 42;

  /** A null interface pointer (JNA's NativeMapped conversion needs a no-argument constructor). */
  public IBackgroundCopyJob2() {}

  /** Wraps an interface pointer; the caller keeps its reference. */
  public IBackgroundCopyJob2(Pointer p) {
    super(p);
  }

  /**
   * Slot 35: SetNotifyCmdLine([in, unique] LPCWSTR Program, [in, unique] LPCWSTR Parameters).
   *
   * @return the HRESULT
   */
  public int SetNotifyCmdLine(@Nullable WString Program, @Nullable WString Parameters) {
    return _invokeNativeInt(SLOT_SetNotifyCmdLine, new Object[] {getPointer(), Program, Parameters});
  }

  /**
   * Slot 36: GetNotifyCmdLine([out] LPWSTR *pProgram, [out] LPWSTR *pParameters).
   *
   * @return the HRESULT
   */
  public int GetNotifyCmdLine(PointerByReference pProgram, PointerByReference pParameters) {
    return _invokeNativeInt(SLOT_GetNotifyCmdLine, new Object[] {getPointer(), pProgram, pParameters});
  }

  /**
   * Slot 37: GetReplyProgress([in, out] BG_JOB_REPLY_PROGRESS *pProgress).
   *
   * @return the HRESULT
   */
  public int GetReplyProgress(BG_JOB_REPLY_PROGRESS pProgress) {
    return _invokeNativeInt(SLOT_GetReplyProgress, new Object[] {getPointer(), pProgress});
  }

  /**
   * Slot 38: GetReplyData([out, size_is(, (unsigned long)*pLength)] byte **ppBuffer, [in, out, unique] UINT64 *pLength).
   *
   * @return the HRESULT
   */
  public int GetReplyData(PointerByReference ppBuffer, @Nullable LongByReference pLength) {
    return _invokeNativeInt(SLOT_GetReplyData, new Object[] {getPointer(), ppBuffer, pLength});
  }

  /**
   * Slot 39: SetReplyFileName([in, unique] LPCWSTR ReplyFileName).
   *
   * @return the HRESULT
   */
  public int SetReplyFileName(@Nullable WString ReplyFileName) {
    return _invokeNativeInt(SLOT_SetReplyFileName, new Object[] {getPointer(), ReplyFileName});
  }

  /**
   * Slot 40: GetReplyFileName([out] LPWSTR *pReplyFileName).
   *
   * @return the HRESULT
   */
  public int GetReplyFileName(PointerByReference pReplyFileName) {
    return _invokeNativeInt(SLOT_GetReplyFileName, new Object[] {getPointer(), pReplyFileName});
  }

  /**
   * Slot 41: SetCredentials(BG_AUTH_CREDENTIALS *credentials).
   *
   * @return the HRESULT
   */
  public int SetCredentials(BG_AUTH_CREDENTIALS credentials) {
    return _invokeNativeInt(SLOT_SetCredentials, new Object[] {getPointer(), credentials});
  }

  /**
   * Slot 42: RemoveCredentials(BG_AUTH_TARGET Target, BG_AUTH_SCHEME Scheme).
   *
   * @return the HRESULT
   */
  public int RemoveCredentials(int Target, int Scheme) {
    return _invokeNativeInt(SLOT_RemoveCredentials, new Object[] {getPointer(), Target, Scheme});
  }
}
