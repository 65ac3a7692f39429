package io.bits4j.client.windows.internal.com;

import com.sun.jna.Structure.FieldOrder;
import com.sun.jna.Union;
import com.sun.jna.platform.win32.Guid;

/**
 * {@code BITS_JOB_PROPERTY_VALUE}: x64 size 16, align 8. Passed by value to Job5.SetProperty,
 * which on x64 means a pointer to a caller-owned copy, so pass an instance (by reference).
 */
@FieldOrder({"Dword", "ClsID", "Enable", "Uint64", "Target"})
public class BITS_JOB_PROPERTY_VALUE extends Union {
  /** DWORD: COST_FLAGS, MINIMUM_NOTIFICATION_INTERVAL_MS, 6, 8. */
  public int Dword;
  /** GUID: NOTIFICATION_CLSID. */
  public Guid.GUID ClsID = new Guid.GUID();
  /** BOOL: DYNAMIC_CONTENT, HIGH_PERFORMANCE, ON_DEMAND_MODE. */
  public int Enable;
  /** UINT64: MAX_DOWNLOAD_SIZE. */
  public long Uint64;
  /** BG_AUTH_TARGET: USE_STORED_CREDENTIALS. */
  public int Target;
}
