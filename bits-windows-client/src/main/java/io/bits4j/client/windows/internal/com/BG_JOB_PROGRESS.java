package io.bits4j.client.windows.internal.com;


import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;

/** {@code BG_JOB_PROGRESS}: x64 size 24, align 8 (BytesTotal 0, BytesTransferred 8, FilesTotal 16, FilesTransferred 20). */
@FieldOrder({"BytesTotal", "BytesTransferred", "FilesTotal", "FilesTransferred"})
public class BG_JOB_PROGRESS extends Structure {
  /** UINT64; BG_SIZE_UNKNOWN (-1) until every size is known. */
  public long BytesTotal;
  /** UINT64. */
  public long BytesTransferred;
  /** ULONG. */
  public int FilesTotal;
  /** ULONG. */
  public int FilesTransferred;

  /** An empty structure in Java-owned memory. */
  public BG_JOB_PROGRESS() {}

  /** A view of native memory (for example an element of an array BITS returned). */
  public BG_JOB_PROGRESS(com.sun.jna.Pointer p) {
    super(p);
    read();
  }
}
