package io.bits4j.client.windows.internal.com;

import com.sun.jna.Pointer;
import com.sun.jna.Structure.FieldOrder;
import com.sun.jna.Union;

/**
 * {@code BITS_FILE_PROPERTY_VALUE}: x64 size 8. Passed by value to File5.SetProperty, which on
 * x64 means the LPWSTR itself travels in the register: pass the string pointer directly.
 */
@FieldOrder({"String"})
public class BITS_FILE_PROPERTY_VALUE extends Union {
  /** LPWSTR: HTTP_RESPONSE_HEADERS. */
  public Pointer String;
}
