package io.bits4j.client.windows.internal.com;

import com.sun.jna.platform.win32.WinBase;
import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;

/** {@code BG_JOB_TIMES}: x64 size 24, align 4 (three FILETIMEs at 0, 8, 16). */
@FieldOrder({"CreationTime", "ModificationTime", "TransferCompletionTime"})
public class BG_JOB_TIMES extends Structure {
  /** FILETIME. */
  public WinBase.FILETIME CreationTime = new WinBase.FILETIME();
  /** FILETIME. */
  public WinBase.FILETIME ModificationTime = new WinBase.FILETIME();
  /** FILETIME; all zero until the job is transferred. */
  public WinBase.FILETIME TransferCompletionTime = new WinBase.FILETIME();

  /** An empty structure in Java-owned memory. */
  public BG_JOB_TIMES() {}

  /** A view of native memory (for example an element of an array BITS returned). */
  public BG_JOB_TIMES(com.sun.jna.Pointer p) {
    super(p);
    read();
  }
}
