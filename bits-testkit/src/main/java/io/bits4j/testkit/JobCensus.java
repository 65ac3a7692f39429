package io.bits4j.testkit;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the jobs of one or more {@link FakeBitsClient}s: how many were created, how many exist
 * (not yet ACKNOWLEDGED or CANCELLED) now, and the most that existed at once. Share one census
 * between several clients to check a bound across all of them.
 *
 * <pre>{@code
 * JobCensus census = new JobCensus();
 * FakeBitsClient a = FakeBitsClient.builder().census(census).build();
 * FakeBitsClient b = FakeBitsClient.builder().census(census).build();
 * ...
 * assertThat(census.peak()).isLessThanOrEqualTo(8);
 * }</pre>
 *
 * <p>Thread-safety: safe for use from any thread.
 */
public final class JobCensus {
  private final AtomicInteger created = new AtomicInteger();
  private final AtomicInteger alive = new AtomicInteger();
  private final AtomicInteger peak = new AtomicInteger();

  /** An empty census. */
  public JobCensus() {}

  /** Jobs created so far. */
  public int created() {
    return created.get();
  }

  /** Jobs that exist now (created, not final). */
  public int alive() {
    return alive.get();
  }

  /** The most jobs that existed at once. */
  public int peak() {
    return peak.get();
  }

  void jobCreated() {
    created.incrementAndGet();
    int now = alive.incrementAndGet();
    peak.accumulateAndGet(now, Math::max);
  }

  void jobEnded() {
    alive.decrementAndGet();
  }

  @Override
  public String toString() {
    return "JobCensus[created=" + created() + ", alive=" + alive() + ", peak=" + peak() + "]";
  }
}
