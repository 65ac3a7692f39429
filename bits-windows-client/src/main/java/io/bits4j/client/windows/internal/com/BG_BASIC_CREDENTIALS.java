package io.bits4j.client.windows.internal.com;

import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;

/** {@code BG_BASIC_CREDENTIALS}: x64 size 16, align 8 (UserName 0, Password 8). The strings are LPWSTR pointers so that the caller can wipe the password memory after the call. */
@FieldOrder({"UserName", "Password"})
public class BG_BASIC_CREDENTIALS extends Structure {
  /** LPWSTR, at most 300 characters; NULL means the logged-on user for NTLM/Negotiate. */
  public Pointer UserName;
  /** LPWSTR, at most 65,536 characters. */
  public Pointer Password;

  /** An empty structure in Java-owned memory. */
  public BG_BASIC_CREDENTIALS() {}

  /** A view of native memory (for example an element of an array BITS returned). */
  public BG_BASIC_CREDENTIALS(com.sun.jna.Pointer p) {
    super(p);
    read();
  }
}
