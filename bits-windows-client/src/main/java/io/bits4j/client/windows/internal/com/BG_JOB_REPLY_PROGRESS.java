package io.bits4j.client.windows.internal.com;


import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;

/** {@code BG_JOB_REPLY_PROGRESS}: x64 size 16, align 8. */
@FieldOrder({"BytesTotal", "BytesTransferred"})
public class BG_JOB_REPLY_PROGRESS extends Structure {
  /** UINT64. */
  public long BytesTotal;
  /** UINT64. */
  public long BytesTransferred;

  /** An empty structure in Java-owned memory. */
  public BG_JOB_REPLY_PROGRESS() {}

  /** A view of native memory (for example an element of an array BITS returned). */
  public BG_JOB_REPLY_PROGRESS(com.sun.jna.Pointer p) {
    super(p);
    read();
  }
}
