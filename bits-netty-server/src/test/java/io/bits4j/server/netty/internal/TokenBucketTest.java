package io.bits4j.server.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The group bandwidth bucket against a manual clock: exact, no sleeping. */
class TokenBucketTest {
  final AtomicLong now = new AtomicLong(1_000_000_000L);

  @Test
  void grantsBurstThenExactlyTheRate() {
    TokenBucket b = new TokenBucket(1024, now::get);
    assertThat(b.burst()).isEqualTo(1024);
    assertThat(b.take(5000)).isEqualTo(1024);
    assertThat(b.take(1)).isZero();
    assertThat(b.nanosUntil(512)).isEqualTo(500_000_000L);
    now.addAndGet(500_000_000L);
    assertThat(b.take(5000)).isEqualTo(512);
    now.addAndGet(10_000_000_000L); // long idle: capped at the burst
    assertThat(b.take(1_000_000)).isEqualTo(1024);
  }

  @Test
  void sustainedThroughputMatchesTheRateOverManySeconds() {
    long rate = 100_000;
    TokenBucket b = new TokenBucket(rate, now::get);
    long sent = 0;
    long start = now.get();
    for (int i = 0; i < 10_000; i++) {
      long g = b.take(16 * 1024);
      sent += g;
      if (g == 0) {
        now.addAndGet(b.nanosUntil(16 * 1024));
      }
    }
    double seconds = (now.get() - start) / 1e9;
    double measured = (sent - b.burst()) / seconds;
    assertThat(measured).isBetween(rate * 0.99, rate * 1.01);
  }

  @Test
  void sharedBetweenTwoConsumersSplitsTheRate() {
    TokenBucket b = new TokenBucket(2048, now::get);
    long a = b.take(100_000);
    long c = b.take(100_000);
    assertThat(a + c).isEqualTo(b.burst());
    now.addAndGet(1_000_000_000L);
    long a2 = b.take(1000);
    long c2 = b.take(100_000);
    assertThat(a2 + c2).isEqualTo(b.burst());
  }

  @Test
  void reservationsAreServedInTheOrderMadeAndKeepTheRate() {
    TokenBucket b = new TokenBucket(1024, now::get);
    long t0 = now.get();
    assertThat(b.reserve(1024)).isEqualTo(t0); // the burst: at once
    assertThat(b.reserve(1024)).isEqualTo(t0 + 1_000_000_000L);
    assertThat(b.reserve(512)).isEqualTo(t0 + 1_500_000_000L); // in turn, after the one before
    assertThat(b.reserve(5000)).isEqualTo(t0 + 2_500_000_000L); // capped at the burst
    assertThat(b.take(1)).isZero(); // in debt
    now.addAndGet(2_500_000_000L);
    assertThat(b.take(1)).isZero(); // every reserved byte paid for, nothing more yet
    now.addAndGet(1_000_000_000L);
    assertThat(b.reserve(1024)).isEqualTo(now.get());
  }
}
