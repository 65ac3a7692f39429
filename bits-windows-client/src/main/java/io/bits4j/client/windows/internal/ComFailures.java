package io.bits4j.client.windows.internal;

import io.bits4j.BitsException;
import io.bits4j.Hresult;
import io.bits4j.client.windows.internal.com.Bits;

/** Turns failing HRESULTs of COM calls into {@link BitsException}s that name the call and code. */
final class ComFailures {
  private ComFailures() {}

  /** Explains ERROR_NOT_LOGGED_ON, the classic failure of BITS from a non-interactive session. */
  static final String NOT_LOGGED_ON_HINT =
      " BITS runs a job only while its owner is logged on interactively: run the program in an"
          + " interactive session, or as a service account (LocalSystem, NetworkService,"
          + " LocalService) whose jobs BITS runs without a logon. A network logon (SSH, WinRM,"
          + " a scheduled task set to run whether the user is logged on or not) is not enough.";

  /** Throws unless {@code hr} is a success code (S_OK, S_FALSE and BG_S_* pass). */
  static int check(int hr, String call) {
    if (hr < 0) {
      throw failure(hr, call);
    }
    return hr;
  }

  /** True for the codes that mean "this BITS service does not implement that". */
  static boolean isUnsupported(int hr) {
    return hr == Bits.E_NOTIMPL;
  }

  /** The exception for a failing call. */
  static BitsException failure(int hr, String call) {
    if (hr == Bits.E_NOTIMPL) {
      return new BitsException(hr, call + " is not supported by this BITS service (E_NOTIMPL);"
          + " the job is unchanged");
    }
    String text = call + " failed: " + Hresult.describe(hr);
    if (hr == Hresult.E_NOT_LOGGED_ON) {
      text += NOT_LOGGED_ON_HINT;
    } else if (hr == Bits.RPC_X_NULL_REF_POINTER) {
      text += " (RPC_X_NULL_REF_POINTER: the service left an out-parameter unset; Wine's stubs do)";
    } else if (hr == Bits.REGDB_E_CLASSNOTREG) {
      text += " (REGDB_E_CLASSNOTREG: the BITS service is not installed)";
    } else if (hr == Hresult.E_ACCESSDENIED) {
      text += " (BITS refuses callers whose COM impersonation level is below IDENTIFY, and jobs of"
          + " other users unless the caller is an administrator)";
    }
    return new BitsException(hr, text);
  }
}
