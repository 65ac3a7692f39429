package io.bits4j.client.windows.internal.com;


import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;

/** {@code BG_AUTH_CREDENTIALS}: x64 size 24, align 8 (Target 0, Scheme 4, Credentials 8: UserName at 8, Password at 16). */
@FieldOrder({"Target", "Scheme", "Credentials"})
public class BG_AUTH_CREDENTIALS extends Structure {
  /** BG_AUTH_TARGET. */
  public int Target;
  /** BG_AUTH_SCHEME. */
  public int Scheme;
  /** BG_AUTH_CREDENTIALS_UNION. */
  public BG_AUTH_CREDENTIALS_UNION Credentials = new BG_AUTH_CREDENTIALS_UNION();

  /** An empty structure in Java-owned memory. */
  public BG_AUTH_CREDENTIALS() {}

  /** A view of native memory (for example an element of an array BITS returned). */
  public BG_AUTH_CREDENTIALS(com.sun.jna.Pointer p) {
    super(p);
    read();
  }
}
