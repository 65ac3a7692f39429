package io.bits4j.client.windows.internal.com;

import com.sun.jna.Structure.FieldOrder;
import com.sun.jna.Union;

/** {@code BG_AUTH_CREDENTIALS_UNION}: x64 size 16, align 8; its only arm, Basic, serves schemes 1–5. */
@FieldOrder({"Basic"})
public class BG_AUTH_CREDENTIALS_UNION extends Union {
  /** The basic credentials (user name and password). */
  public BG_BASIC_CREDENTIALS Basic = new BG_BASIC_CREDENTIALS();

  /** A union with the Basic arm active. */
  public BG_AUTH_CREDENTIALS_UNION() {
    setType(BG_BASIC_CREDENTIALS.class);
  }
}
