package io.bits4j.client.windows.internal.com;

import com.sun.jna.Pointer;
import com.sun.jna.WString;
import com.sun.jna.platform.win32.Guid;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import org.jspecify.annotations.Nullable;

/**
 * IBackgroundCopyJob : IUnknown (bits.h), slots 3–34.
 *
 * <p>Raw mirror: IDL names and order, absolute vtable slots, HRESULT returned as is. Wide strings
 * go in as {@code WString}; out-strings ({@code LPWSTR*}) come back in a {@code
 * PointerByReference} the caller frees with CoTaskMemFree; out-interfaces come back in a {@code
 * PointerByReference} the caller must Release. Confined to the thread that owns the pointer.
 */
public class IBackgroundCopyJob extends BitsUnknown {
  /** Slot of {@link #AddFileSet}. */
  public static final int SLOT_AddFileSet = 3;
  /** Slot of {@link #AddFile}. */
  public static final int SLOT_AddFile = 4;
  /** Slot of {@link #EnumFiles}. */
  public static final int SLOT_EnumFiles = 5;
  /** Slot of {@link #Suspend}. */
  public static final int SLOT_Suspend = 6;
  /** Slot of {@link #Resume}. */
  public static final int SLOT_Resume = 7;
  /** Slot of {@link #Cancel}. */
  public static final int SLOT_Cancel = 8;
  /** Slot of {@link #Complete}. */
  public static final int SLOT_Complete = 9;
  /** Slot of {@link #GetId}. */
  public static final int SLOT_GetId = 10;
  /** Slot of {@link #GetType}. */
  public static final int SLOT_GetType = 11;
  /** Slot of {@link #GetProgress}. */
  public static final int SLOT_GetProgress = 12;
  /** Slot of {@link #GetTimes}. */
  public static final int SLOT_GetTimes = 13;
  /** Slot of {@link #GetState}. */
  public static final int SLOT_GetState = 14;
  /** Slot of {@link #GetError}. */
  public static final int SLOT_GetError = 15;
  /** Slot of {@link #GetOwner}. */
  public static final int SLOT_GetOwner = 16;
  /** Slot of {@link #SetDisplayName}. */
  public static final int SLOT_SetDisplayName = 17;
  /** Slot of {@link #GetDisplayName}. */
  public static final int SLOT_GetDisplayName = 18;
  /** Slot of {@link #SetDescription}. */
  public static final int SLOT_SetDescription = 19;
  /** Slot of {@link #GetDescription}. */
  public static final int SLOT_GetDescription = 20;
  /** Slot of {@link #SetPriority}. */
  public static final int SLOT_SetPriority = 21;
  /** Slot of {@link #GetPriority}. */
  public static final int SLOT_GetPriority = 22;
  /** Slot of {@link #SetNotifyFlags}. */
  public static final int SLOT_SetNotifyFlags = 23;
  /** Slot of {@link #GetNotifyFlags}. */
  public static final int SLOT_GetNotifyFlags = 24;
  /** Slot of {@link #SetNotifyInterface}. */
  public static final int SLOT_SetNotifyInterface = 25;
  /** Slot of {@link #GetNotifyInterface}. */
  public static final int SLOT_GetNotifyInterface = 26;
  /** Slot of {@link #SetMinimumRetryDelay}. */
  public static final int SLOT_SetMinimumRetryDelay = 27;
  /** Slot of {@link #GetMinimumRetryDelay}. */
  public static final int SLOT_GetMinimumRetryDelay = 28;
  /** Slot of {@link #SetNoProgressTimeout}. */
  public static final int SLOT_SetNoProgressTimeout = 29;
  /** Slot of {@link #GetNoProgressTimeout}. */
  public static final int SLOT_GetNoProgressTimeout = 30;
  /** Slot of {@link #GetErrorCount}. */
  public static final int SLOT_GetErrorCount = 31;
  /** Slot of {@link #SetProxySettings}. */
  public static final int SLOT_SetProxySettings = 32;
  /** Slot of {@link #GetProxySettings}. */
  public static final int SLOT_GetProxySettings = 33;
  /** Slot of {@link #TakeOwnership}. */
  public static final int SLOT_TakeOwnership = 34;

  /** A null interface pointer (JNA's NativeMapped conversion needs a no-argument constructor). */
  public IBackgroundCopyJob() {}

  /** Wraps an interface pointer; the caller keeps its reference. */
  public IBackgroundCopyJob(Pointer p) {
    super(p);
  }

  /**
   * Slot 3: AddFileSet([in] ULONG cFileCount, [in, size_is(cFileCount)] BG_FILE_INFO *pFileSet) — pass the first element of a contiguous {@code toArray(n)}.
   *
   * @return the HRESULT
   */
  public int AddFileSet(int cFileCount, BG_FILE_INFO pFileSet) {
    return _invokeNativeInt(SLOT_AddFileSet, new Object[] {getPointer(), cFileCount, pFileSet});
  }

  /**
   * Slot 4: AddFile([in] LPCWSTR RemoteUrl, [in] LPCWSTR LocalName).
   *
   * @return the HRESULT
   */
  public int AddFile(WString RemoteUrl, WString LocalName) {
    return _invokeNativeInt(SLOT_AddFile, new Object[] {getPointer(), RemoteUrl, LocalName});
  }

  /**
   * Slot 5: EnumFiles([out] IEnumBackgroundCopyFiles **pEnum).
   *
   * @return the HRESULT
   */
  public int EnumFiles(PointerByReference pEnum) {
    return _invokeNativeInt(SLOT_EnumFiles, new Object[] {getPointer(), pEnum});
  }

  /**
   * Slot 6: Suspend().
   *
   * @return the HRESULT
   */
  public int Suspend() {
    return _invokeNativeInt(SLOT_Suspend, new Object[] {getPointer()});
  }

  /**
   * Slot 7: Resume().
   *
   * @return the HRESULT
   */
  public int Resume() {
    return _invokeNativeInt(SLOT_Resume, new Object[] {getPointer()});
  }

  /**
   * Slot 8: Cancel().
   *
   * @return the HRESULT
   */
  public int Cancel() {
    return _invokeNativeInt(SLOT_Cancel, new Object[] {getPointer()});
  }

  /**
   * Slot 9: Complete().
   *
   * @return the HRESULT
   */
  public int Complete() {
    return _invokeNativeInt(SLOT_Complete, new Object[] {getPointer()});
  }

  /**
   * Slot 10: GetId([out] GUID *pVal).
   *
   * @return the HRESULT
   */
  public int GetId(Guid.GUID pVal) {
    return _invokeNativeInt(SLOT_GetId, new Object[] {getPointer(), pVal});
  }

  /**
   * Slot 11: GetType([out] BG_JOB_TYPE *pVal).
   *
   * @return the HRESULT
   */
  public int GetType(IntByReference pVal) {
    return _invokeNativeInt(SLOT_GetType, new Object[] {getPointer(), pVal});
  }

  /**
   * Slot 12: GetProgress([out] BG_JOB_PROGRESS *pVal).
   *
   * @return the HRESULT
   */
  public int GetProgress(BG_JOB_PROGRESS pVal) {
    return _invokeNativeInt(SLOT_GetProgress, new Object[] {getPointer(), pVal});
  }

  /**
   * Slot 13: GetTimes([out] BG_JOB_TIMES *pVal).
   *
   * @return the HRESULT
   */
  public int GetTimes(BG_JOB_TIMES pVal) {
    return _invokeNativeInt(SLOT_GetTimes, new Object[] {getPointer(), pVal});
  }

  /**
   * Slot 14: GetState([out] BG_JOB_STATE *pVal).
   *
   * @return the HRESULT
   */
  public int GetState(IntByReference pVal) {
    return _invokeNativeInt(SLOT_GetState, new Object[] {getPointer(), pVal});
  }

  /**
   * Slot 15: GetError([out] IBackgroundCopyError **ppError).
   *
   * @return the HRESULT
   */
  public int GetError(PointerByReference ppError) {
    return _invokeNativeInt(SLOT_GetError, new Object[] {getPointer(), ppError});
  }

  /**
   * Slot 16: GetOwner([out] LPWSTR *pVal) — the owner SID string.
   *
   * @return the HRESULT
   */
  public int GetOwner(PointerByReference pVal) {
    return _invokeNativeInt(SLOT_GetOwner, new Object[] {getPointer(), pVal});
  }

  /**
   * Slot 17: SetDisplayName([in] LPCWSTR Val).
   *
   * @return the HRESULT
   */
  public int SetDisplayName(WString Val) {
    return _invokeNativeInt(SLOT_SetDisplayName, new Object[] {getPointer(), Val});
  }

  /**
   * Slot 18: GetDisplayName([out] LPWSTR *pVal).
   *
   * @return the HRESULT
   */
  public int GetDisplayName(PointerByReference pVal) {
    return _invokeNativeInt(SLOT_GetDisplayName, new Object[] {getPointer(), pVal});
  }

  /**
   * Slot 19: SetDescription([in] LPCWSTR Val).
   *
   * @return the HRESULT
   */
  public int SetDescription(WString Val) {
    return _invokeNativeInt(SLOT_SetDescription, new Object[] {getPointer(), Val});
  }

  /**
   * Slot 20: GetDescription([out] LPWSTR *pVal).
   *
   * @return the HRESULT
   */
  public int GetDescription(PointerByReference pVal) {
    return _invokeNativeInt(SLOT_GetDescription, new Object[] {getPointer(), pVal});
  }

  /**
   * Slot 21: SetPriority([in] BG_JOB_PRIORITY Val).
   *
   * @return the HRESULT
   */
  public int SetPriority(int Val) {
    return _invokeNativeInt(SLOT_SetPriority, new Object[] {getPointer(), Val});
  }

  /**
   * Slot 22: GetPriority([out] BG_JOB_PRIORITY *pVal).
   *
   * @return the HRESULT
   */
  public int GetPriority(IntByReference pVal) {
    return _invokeNativeInt(SLOT_GetPriority, new Object[] {getPointer(), pVal});
  }

  /**
   * Slot 23: SetNotifyFlags([in] ULONG Val).
   *
   * @return the HRESULT
   */
  public int SetNotifyFlags(int Val) {
    return _invokeNativeInt(SLOT_SetNotifyFlags, new Object[] {getPointer(), Val});
  }

  /**
   * Slot 24: GetNotifyFlags([out] ULONG *pVal).
   *
   * @return the HRESULT
   */
  public int GetNotifyFlags(IntByReference pVal) {
    return _invokeNativeInt(SLOT_GetNotifyFlags, new Object[] {getPointer(), pVal});
  }

  /**
   * Slot 25: SetNotifyInterface([in] IUnknown *Val).
   *
   * @return the HRESULT
   */
  public int SetNotifyInterface(@Nullable Pointer Val) {
    return _invokeNativeInt(SLOT_SetNotifyInterface, new Object[] {getPointer(), Val});
  }

  /**
   * Slot 26: GetNotifyInterface([out] IUnknown **pVal).
   *
   * @return the HRESULT
   */
  public int GetNotifyInterface(PointerByReference pVal) {
    return _invokeNativeInt(SLOT_GetNotifyInterface, new Object[] {getPointer(), pVal});
  }

  /**
   * Slot 27: SetMinimumRetryDelay([in] ULONG Seconds).
   *
   * @return the HRESULT
   */
  public int SetMinimumRetryDelay(int Seconds) {
    return _invokeNativeInt(SLOT_SetMinimumRetryDelay, new Object[] {getPointer(), Seconds});
  }

  /**
   * Slot 28: GetMinimumRetryDelay([out] ULONG *Seconds).
   *
   * @return the HRESULT
   */
  public int GetMinimumRetryDelay(IntByReference Seconds) {
    return _invokeNativeInt(SLOT_GetMinimumRetryDelay, new Object[] {getPointer(), Seconds});
  }

  /**
   * Slot 29: SetNoProgressTimeout([in] ULONG Seconds).
   *
   * @return the HRESULT
   */
  public int SetNoProgressTimeout(int Seconds) {
    return _invokeNativeInt(SLOT_SetNoProgressTimeout, new Object[] {getPointer(), Seconds});
  }

  /**
   * Slot 30: GetNoProgressTimeout([out] ULONG *Seconds).
   *
   * @return the HRESULT
   */
  public int GetNoProgressTimeout(IntByReference Seconds) {
    return _invokeNativeInt(SLOT_GetNoProgressTimeout, new Object[] {getPointer(), Seconds});
  }

  /**
   * Slot 31: GetErrorCount([out] ULONG *Errors).
   *
   * @return the HRESULT
   */
  public int GetErrorCount(IntByReference Errors) {
    return _invokeNativeInt(SLOT_GetErrorCount, new Object[] {getPointer(), Errors});
  }

  /**
   * Slot 32: SetProxySettings([in] BG_JOB_PROXY_USAGE ProxyUsage, [in,string,unique] const WCHAR *ProxyList, [in,string,unique] const WCHAR *ProxyBypassList).
   *
   * @return the HRESULT
   */
  public int SetProxySettings(int ProxyUsage, @Nullable WString ProxyList, @Nullable WString ProxyBypassList) {
    return _invokeNativeInt(SLOT_SetProxySettings, new Object[] {getPointer(), ProxyUsage, ProxyList, ProxyBypassList});
  }

  /**
   * Slot 33: GetProxySettings([out] BG_JOB_PROXY_USAGE *pProxyUsage, [out] LPWSTR *pProxyList, [out] LPWSTR *pProxyBypassList).
   *
   * @return the HRESULT
   */
  public int GetProxySettings(IntByReference pProxyUsage, PointerByReference pProxyList, PointerByReference pProxyBypassList) {
    return _invokeNativeInt(SLOT_GetProxySettings, new Object[] {getPointer(), pProxyUsage, pProxyList, pProxyBypassList});
  }

  /**
   * Slot 34: TakeOwnership().
   *
   * @return the HRESULT
   */
  public int TakeOwnership() {
    return _invokeNativeInt(SLOT_TakeOwnership, new Object[] {getPointer()});
  }
}
