package io.bits4j.server.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bits4j.server.netty.internal.NonceTable.Verdict;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class NonceTableTest {
  private static final long SECOND = 1_000_000_000L;
  // near the top of the long range: the clock's arithmetic must survive wrapping
  private final AtomicLong clock = new AtomicLong(Long.MAX_VALUE - 100 * SECOND);
  private final NonceTable table = new NonceTable(8, clock::get, Duration.ofSeconds(300));

  @Test
  void countsMustIncrease() {
    long t = clock.get();
    assertThat(table.use("a", t, 1)).isEqualTo(Verdict.ACCEPTED);
    assertThat(table.use("a", t, 1)).isEqualTo(Verdict.REPLAYED);
    assertThat(table.use("a", t, 3)).isEqualTo(Verdict.ACCEPTED);
    assertThat(table.use("a", t, 2)).isEqualTo(Verdict.REPLAYED);
    assertThat(table.use("b", t, 1)).as("counts are per nonce").isEqualTo(Verdict.ACCEPTED);
  }

  @Test
  void expiredNoncesAreStale() {
    long t = clock.get();
    assertThat(table.use("a", t, 1)).isEqualTo(Verdict.ACCEPTED);
    clock.addAndGet(300 * SECOND);
    assertThat(table.use("a", t, 2)).as("at the lifetime").isEqualTo(Verdict.ACCEPTED);
    clock.addAndGet(1);
    assertThat(table.use("a", t, 3)).isEqualTo(Verdict.STALE);
    assertThat(table.use("c", clock.get() + SECOND, 1)).as("issued in the future").isEqualTo(Verdict.STALE);
  }

  /**
   * One user filling the table with fresh nonces used once each (the old table then refused every
   * new nonce as stale for the nonce lifetime, and scanned the whole table on each request): the
   * older half is forgotten, a newcomer gets in, memory stays bounded, and no forgotten nonce can be
   * used again whatever its count.
   */
  @Test
  void aFullTableForgetsItsOlderHalfAndNeverReopensAReplay() {
    for (int i = 0; i < 8; i++) {
      clock.addAndGet(SECOND);
      assertThat(table.use("fill" + i, clock.get(), 1)).isEqualTo(Verdict.ACCEPTED);
    }
    long oldest = clock.get() - 7 * SECOND;
    long youngest = clock.get();
    clock.addAndGet(SECOND);
    assertThat(table.use("newcomer", clock.get(), 1)).isEqualTo(Verdict.ACCEPTED);
    assertThat(table.size()).isLessThanOrEqualTo(8);
    assertThat(table.use("fill0", oldest, 2)).as("forgotten: stale, not a fresh first use").isEqualTo(Verdict.STALE);
    assertThat(table.use("fill0", oldest, 1)).isEqualTo(Verdict.STALE);
    assertThat(table.use("fill7", youngest, 1)).as("the younger half is still remembered").isEqualTo(Verdict.REPLAYED);
    assertThat(table.use("fill7", youngest, 2)).isEqualTo(Verdict.ACCEPTED);
    for (int i = 0; i < 1_000; i++) {
      clock.addAndGet(1_000);
      assertThat(table.use("more" + i, clock.get(), 1)).as("nonce %d", i).isEqualTo(Verdict.ACCEPTED);
      assertThat(table.size()).isLessThanOrEqualTo(8);
    }
  }

  @Test
  void aClockThatDoesNotMoveRefusesNewNoncesOnceFullInsteadOfGrowing() {
    long t = clock.get();
    for (int i = 0; i < 8; i++) {
      assertThat(table.use("n" + i, t, 1)).isEqualTo(Verdict.ACCEPTED);
    }
    assertThat(table.use("n8", t, 1)).isEqualTo(Verdict.STALE);
    assertThat(table.size()).isEqualTo(8);
    assertThat(table.use("n3", t, 2)).as("remembered nonces go on").isEqualTo(Verdict.ACCEPTED);
  }

  @Test
  void aTableNeedsRoomForTwo() {
    assertThatThrownBy(() -> new NonceTable(1, clock::get, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
