package io.bits4j.client.windows.internal.com;

import com.sun.jna.Callback;
import com.sun.jna.Pointer;

/**
 * The native signatures of the methods a Java-implemented COM object exposes through its vtable.
 * Plain {@link Callback}s: Windows x64 has a single calling convention, and this binding supports
 * x64 only.
 */
public final class ComCallbacks {
  private ComCallbacks() {}

  /** {@code HRESULT QueryInterface(this, REFIID riid, void **ppv)}. */
  public interface QueryInterface extends Callback {
    /** Called by COM. */
    int invoke(Pointer self, Pointer riid, Pointer ppv);
  }

  /** {@code ULONG AddRef(this)} and {@code ULONG Release(this)}. */
  public interface RefCount extends Callback {
    /** Called by COM. */
    int invoke(Pointer self);
  }

  /** {@code HRESULT JobTransferred(this, IBackgroundCopyJob *pJob)}. */
  public interface JobTransferred extends Callback {
    /** Called by BITS. */
    int invoke(Pointer self, Pointer job);
  }

  /** {@code HRESULT JobError(this, IBackgroundCopyJob *pJob, IBackgroundCopyError *pError)}. */
  public interface JobError extends Callback {
    /** Called by BITS. */
    int invoke(Pointer self, Pointer job, Pointer error);
  }

  /** {@code HRESULT JobModification(this, IBackgroundCopyJob *pJob, DWORD dwReserved)}. */
  public interface JobModification extends Callback {
    /** Called by BITS. */
    int invoke(Pointer self, Pointer job, int reserved);
  }
}
