package io.bits4j.client.windows.internal.com;


import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;

/** {@code BG_FILE_RANGE}: x64 size 16, align 8 (InitialOffset 0, Length 8). */
@FieldOrder({"InitialOffset", "Length"})
public class BG_FILE_RANGE extends Structure {
  /** UINT64. */
  public long InitialOffset;
  /** UINT64; BG_LENGTH_TO_EOF (-1) for the rest of the file. */
  public long Length;

  /** An empty structure in Java-owned memory. */
  public BG_FILE_RANGE() {}

  /** A view of native memory (for example an element of an array BITS returned). */
  public BG_FILE_RANGE(com.sun.jna.Pointer p) {
    super(p);
    read();
  }
}
