package io.bits4j;

import java.util.Map;
import java.util.Objects;

/**
 * Counters of one URL group since it was created.
 *
 * @param activeConnections responses in flight now (what the connection limit counts)
 * @param requests requests answered
 * @param bytesSent body bytes sent
 * @param statuses how many responses had each HTTP status
 */
public record GroupStats(int activeConnections, long requests, long bytesSent, Map<Integer, Long> statuses) {
  /** Nothing yet. */
  public static final GroupStats EMPTY = new GroupStats(0, 0, 0, Map.of());

  /** Validates and copies. */
  public GroupStats {
    Objects.requireNonNull(statuses, "statuses");
    statuses = Map.copyOf(statuses);
  }
}
