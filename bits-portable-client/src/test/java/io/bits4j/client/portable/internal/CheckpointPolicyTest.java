package io.bits4j.client.portable.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The checkpoint policy against made-up disks: each segment's time and waiting come from a fixed
 * model of the two ways, so the tests say which way the policy picks and when it tries the other.
 */
class CheckpointPolicyTest {
  static final long W = 4L << 20;
  static final long SEGMENT_BYTES = CheckpointPolicy.SEGMENT * W / 2;

  /** A made-up disk: a segment's wall time each way, and how much of an overlapped one is waiting. */
  record Disk(long overlappedNanos, long overlappedWaitNanos, long wholeNanos) {}

  /** Feeds {@code n} segments of one transfer; returns the way each ran (true = whole windows). */
  private static List<Boolean> run(CheckpointPolicy p, int n, Disk disk) {
    List<Boolean> ways = new ArrayList<>();
    long position = 0;
    long now = 0;
    CheckpointPolicy.Tracker t = p.track(W, position, now);
    for (int s = 0; s < n; s++) {
      boolean whole = t.threshold() == W;
      ways.add(whole);
      long segment = whole ? disk.wholeNanos() : disk.overlappedNanos();
      long wait = whole ? segment / 2 : disk.overlappedWaitNanos();
      for (int c = 0; c < CheckpointPolicy.SEGMENT; c++) {
        t.waited(wait / CheckpointPolicy.SEGMENT);
        position += SEGMENT_BYTES / CheckpointPolicy.SEGMENT;
        now += segment / CheckpointPolicy.SEGMENT;
        long next = t.started(position, now);
        if (c < CheckpointPolicy.SEGMENT - 1) {
          assertThat(next).as("the way changes between segments only").isEqualTo(t.threshold());
        }
      }
    }
    return ways;
  }

  private static long count(List<Boolean> ways, boolean whole) {
    return ways.stream().filter(w -> w == whole).count();
  }

  @Test
  void startsOverlapped() {
    CheckpointPolicy p = new CheckpointPolicy();
    assertThat(p.track(W, 0, 0).threshold()).isEqualTo(W / 2);
    assertThat(p.wholeWindows()).isFalse();
  }

  @Test
  void aTransferThatDoesNotWaitIsNeverSlowedByATrial() {
    CheckpointPolicy p = new CheckpointPolicy();
    // 16 MiB in 20 ms, 2 % of it waiting for checkpoints: the disk keeps up
    List<Boolean> ways = run(p, 100, new Disk(20_000_000, 400_000, 10_000_000));
    assertThat(ways).containsOnly(false);
    assertThat(p.wholeWindows()).isFalse();
  }

  @Test
  void aSlowFlushTriesWholeWindowsAfterTheWarmUpAndKeepsThemWhenFaster() {
    CheckpointPolicy p = new CheckpointPolicy();
    // overlapped: 16 MiB in 100 ms, 80 % of it waiting; whole windows: 60 ms
    List<Boolean> ways = run(p, 100, new Disk(100_000_000, 80_000_000, 60_000_000));
    int firstWhole = ways.indexOf(true);
    assertThat(firstWhole).as("not during the warm-up, at once after it")
        .isEqualTo(CheckpointPolicy.WARM_UP + 1);
    assertThat(p.wholeWindows()).isTrue();
    // from then on whole windows, with a two-segment overlapped trial every TRIAL_EVERY or so
    List<Boolean> tail = ways.subList(20, 100);
    assertThat(count(tail, false)).isBetween(2L * 80 / (CheckpointPolicy.TRIAL_EVERY + 4),
        2L * 80 / CheckpointPolicy.TRIAL_EVERY);
  }

  @Test
  void aDiskWhereOverlappingStillWinsIsTriedButStaysOverlapped() {
    CheckpointPolicy p = new CheckpointPolicy();
    // the transfer waits (the disk is slow) but whole windows are slower still
    List<Boolean> ways = run(p, 100, new Disk(100_000_000, 50_000_000, 130_000_000));
    assertThat(p.wholeWindows()).isFalse();
    long tried = count(ways, true);
    assertThat(tried).as("two-segment trials now and then").isPositive()
        .isLessThanOrEqualTo(2L * 100 / CheckpointPolicy.TRIAL_EVERY);
  }

  @Test
  void switchesOnlyForMoreThanTenPerCent() {
    CheckpointPolicy p = new CheckpointPolicy();
    run(p, 60, new Disk(100_000_000, 80_000_000, 95_000_000));
    assertThat(p.wholeWindows()).as("whole windows 5 % faster: not worth a switch").isFalse();
  }

  @Test
  void goesBackWhenTheDiskGetsFastAgain() {
    CheckpointPolicy p = new CheckpointPolicy();
    run(p, 40, new Disk(100_000_000, 80_000_000, 60_000_000));
    assertThat(p.wholeWindows()).isTrue();
    // the disk recovers: overlapped checkpoints no longer make the transfer wait
    List<Boolean> ways = run(p, 60, new Disk(20_000_000, 400_000, 35_000_000));
    assertThat(p.wholeWindows()).isFalse();
    assertThat(ways.subList(30, 60)).as("and stops trying").containsOnly(false);
  }

  @Test
  void aNewTransferStartsTheWayThePolicyHasLearned() {
    CheckpointPolicy p = new CheckpointPolicy();
    run(p, 40, new Disk(100_000_000, 80_000_000, 60_000_000));
    assertThat(p.track(W, 0, 0).threshold()).isEqualTo(W);
  }
}
