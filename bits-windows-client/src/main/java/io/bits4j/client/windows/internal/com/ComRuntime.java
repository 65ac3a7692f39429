package io.bits4j.client.windows.internal.com;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;

/**
 * The few COM library functions the adapter needs besides interface methods. The production
 * implementation is {@link Ole32Runtime}; tests substitute an in-process fake. Called only on the
 * client's COM thread.
 */
public interface ComRuntime {
  /** CoInitializeEx(NULL, COINIT_MULTITHREADED); returns the HRESULT. */
  int coInitializeMultithreaded();

  /** CoUninitialize(), once per successful initialisation. */
  void coUninitialize();

  /**
   * CoCreateInstance(CLSID_BackgroundCopyManager, NULL, CLSCTX_LOCAL_SERVER,
   * IID_IBackgroundCopyManager, ppv); returns the HRESULT.
   */
  int createBackgroundCopyManager(PointerByReference ppv);

  /**
   * CoSetProxyBlanket on an interface proxy: default authentication, impersonation level
   * IMPERSONATE (BITS needs IDENTIFY or IMPERSONATE). Returns the HRESULT; failures (Wine answers
   * E_NOTIMPL, in-process objects E_NOINTERFACE) are not fatal.
   */
  int setProxyBlanket(BitsUnknown proxy);

  /** CoTaskMemFree: frees a buffer BITS returned ({@code LPWSTR*} and similar out-parameters). */
  void coTaskMemFree(Pointer p);

  /**
   * CoDisconnectObject(unknown, 0): drops every reference other processes hold on an object this
   * process implements (the stubs BITS's proxies point at). Returns the HRESULT.
   */
  int coDisconnectObject(Pointer unknown);

  /** True when the process runs under Wine rather than Windows. */
  boolean isWine();
}
