package io.bits4j.client.windows.internal.com;

import com.sun.jna.WString;
import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;

/** {@code BG_FILE_INFO}: x64 size 16, align 8 (RemoteName 0, LocalName 8). */
@FieldOrder({"RemoteName", "LocalName"})
public class BG_FILE_INFO extends Structure {
  /** LPWSTR. */
  public WString RemoteName;
  /** LPWSTR. */
  public WString LocalName;

  /** An empty structure in Java-owned memory. */
  public BG_FILE_INFO() {}

  /** A view of native memory (for example an element of an array BITS returned). */
  public BG_FILE_INFO(com.sun.jna.Pointer p) {
    super(p);
    read();
  }
}
