package io.bits4j.client.windows.internal.com;


import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;

/** {@code BG_FILE_PROGRESS}: x64 size 24, align 8 (BytesTotal 0, BytesTransferred 8, Completed 16 + 4 padding). */
@FieldOrder({"BytesTotal", "BytesTransferred", "Completed"})
public class BG_FILE_PROGRESS extends Structure {
  /** UINT64; BG_SIZE_UNKNOWN (-1) until known. */
  public long BytesTotal;
  /** UINT64. */
  public long BytesTransferred;
  /** BOOL (4 bytes). */
  public int Completed;

  /** An empty structure in Java-owned memory. */
  public BG_FILE_PROGRESS() {}

  /** A view of native memory (for example an element of an array BITS returned). */
  public BG_FILE_PROGRESS(com.sun.jna.Pointer p) {
    super(p);
    read();
  }
}
