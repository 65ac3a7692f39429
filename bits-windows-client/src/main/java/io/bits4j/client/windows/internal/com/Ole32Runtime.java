package io.bits4j.client.windows.internal.com;

import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.Ole32;
import com.sun.jna.platform.win32.WTypes;
import com.sun.jna.ptr.PointerByReference;

/** {@link ComRuntime} over ole32.dll (loaded when this class is first used: Windows only). */
public final class Ole32Runtime implements ComRuntime {
  /** A runtime over ole32.dll; loads the library. */
  public Ole32Runtime() {}

  @Override
  public int coInitializeMultithreaded() {
    return Ole32.INSTANCE.CoInitializeEx(Pointer.NULL, Bits.COINIT_MULTITHREADED).intValue();
  }

  @Override
  public void coUninitialize() {
    Ole32.INSTANCE.CoUninitialize();
  }

  @Override
  public int createBackgroundCopyManager(PointerByReference ppv) {
    return Ole32.INSTANCE.CoCreateInstance(
            BitsIds.guid(BitsIds.CLSID_BackgroundCopyManager),
            Pointer.NULL,
            Bits.CLSCTX_LOCAL_SERVER,
            BitsIds.guid(BitsIds.IID_IBackgroundCopyManager),
            ppv)
        .intValue();
  }

  @Override
  public int setProxyBlanket(BitsUnknown proxy) {
    return Ole32.INSTANCE.CoSetProxyBlanket(
            proxy,
            Bits.RPC_C_AUTHN_DEFAULT,
            Bits.RPC_C_AUTHZ_DEFAULT,
            new WTypes.LPOLESTR(Pointer.createConstant(Bits.COLE_DEFAULT_PRINCIPAL)),
            Bits.RPC_C_AUTHN_LEVEL_DEFAULT,
            Bits.RPC_C_IMP_LEVEL_IMPERSONATE,
            Pointer.NULL,
            Bits.EOAC_DEFAULT)
        .intValue();
  }

  @Override
  public void coTaskMemFree(Pointer p) {
    Ole32.INSTANCE.CoTaskMemFree(p);
  }

  /** ole32 functions jna-platform does not map. */
  private interface Ole32Extra extends com.sun.jna.win32.StdCallLibrary {
    Ole32Extra INSTANCE = com.sun.jna.Native.load("ole32", Ole32Extra.class,
        com.sun.jna.win32.W32APIOptions.DEFAULT_OPTIONS);

    int CoDisconnectObject(Pointer unknown, int reserved);
  }

  @Override
  public int coDisconnectObject(Pointer unknown) {
    return Ole32Extra.INSTANCE.CoDisconnectObject(unknown, 0);
  }

  @Override
  public boolean isWine() {
    try {
      NativeLibrary.getInstance("ntdll").getFunction("wine_get_version");
      return true;
    } catch (UnsatisfiedLinkError e) {
      return false;
    }
  }
}
