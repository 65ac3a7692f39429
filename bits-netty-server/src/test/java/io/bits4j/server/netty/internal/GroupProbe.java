package io.bits4j.server.netty.internal;

import io.bits4j.UrlGroup;

/** Test-only look at a group's bandwidth bucket. */
public final class GroupProbe {
  private GroupProbe() {}

  /**
   * True if the group has a bucket and a response waits on it: all it grants is reserved, so
   * with its clock standing still nothing more is sent.
   */
  public static boolean bucketExhausted(UrlGroup g) {
    TokenBucket b = ((GroupImpl) g).bucket();
    return b != null && b.nanosUntil(1) > 0;
  }
}
