package io.bits4j.client.portable.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The checkpoint policy against made-up costs: a 4 MiB window received at 1 byte/ns (a window in
 * 4.2 ms), checkpoints costing {@code a + b·X}.
 */
class CheckpointPolicyTest {
  static final long W = 4L << 20;
  static final double SPEED = 1.0; // bytes per nanosecond: a window in ~4.2 ms

  /**
   * Drives the policy like a transfer does: for each checkpoint start, ask for the threshold, then
   * record the checkpoint it leads to. A threshold of a whole window covers W; otherwise the
   * checkpoint covers half a window (when the disk keeps up, or when the window keeps filling and
   * each checkpoint covers what the last one left).
   */
  private static List<Long> drive(CheckpointPolicy p, int checkpoints, double fixedNanos, double nanosPerByte,
      boolean windowFills) {
    List<Long> thresholds = new ArrayList<>();
    for (int i = 0; i < checkpoints; i++) {
      long t = p.nextThreshold(W, SPEED, windowFills);
      thresholds.add(t);
      long x = t == W ? W : W / 2;
      p.record(x, W, (long) (fixedNanos + nanosPerByte * x));
    }
    return thresholds;
  }

  @Test
  void startsWithHalfWindowsAndNoMeasurements() {
    CheckpointPolicy p = new CheckpointPolicy();
    for (int i = 0; i < 3 * CheckpointPolicy.PROBE_EVERY; i++) {
      assertThat(p.nextThreshold(W, 0, false)).isEqualTo(W / 2);
    }
    assertThat(p.wholeWindows()).isFalse();
  }

  @Test
  void aDiskThatKeepsUpNeverSeesWholeWindows() {
    CheckpointPolicy p = new CheckpointPolicy();
    // 0.5 ms + 0.5 ms/MiB: half a window in 1.5 ms, well inside the 2.1 ms the other half takes to arrive
    List<Long> t = drive(p, 200, 500_000, 0.5e6 / (1 << 20), false);
    assertThat(t).containsOnly(W / 2);
    assertThat(p.wholeWindows()).isFalse();
  }

  @Test
  void aSlowFlushSwitchesToWholeWindowsAndKeepsMeasuringTheOtherWay() {
    CheckpointPolicy p = new CheckpointPolicy();
    // 12 ms fixed + 0.25 ms/MiB: overlapped moves 4 MiB per 2 x 12.5 ms, whole windows per 4.2 + 13 ms
    List<Long> t = drive(p, 200, 12_000_000, 0.25e6 / (1 << 20), true);
    assertThat(p.wholeWindows()).isTrue();
    // while learning: whole-window checkpoints every PROBE_EVERY; once switched: mostly whole
    // windows, with an overlapped one every RETURN_PROBE_EVERY
    List<Long> tail = t.subList(100, 200);
    long halves = tail.stream().filter(x -> x == W / 2).count();
    assertThat(halves).isBetween(100L / CheckpointPolicy.RETURN_PROBE_EVERY - 1,
        100L / CheckpointPolicy.RETURN_PROBE_EVERY + 1);
    assertThat(tail).containsOnly(W, W / 2);
  }

  @Test
  void aDiskThatLagsNowAndThenIsNotProbed() {
    CheckpointPolicy p = new CheckpointPolicy();
    // 1 ms + 1 ms/MiB: half a window in 3 ms, a little more than the 2.1 ms the other half takes to
    // arrive, so the window fills; but whole windows could only win with a fixed part over 4.2 ms
    List<Long> t = drive(p, 200, 1_000_000, 1e6 / (1 << 20), true);
    assertThat(t).containsOnly(W / 2);
    assertThat(p.wholeWindows()).isFalse();
  }

  @Test
  void aBandwidthBoundDiskIsMeasuredButStaysOverlapped() {
    CheckpointPolicy p = new CheckpointPolicy();
    // no fixed part, 3 ms/MiB: half a window in 6 ms, longer than a whole window takes to arrive,
    // so whole windows are measured; but they cost twice as much and would add the 4.2 ms of
    // receiving them
    List<Long> t = drive(p, 200, 0, 3e6 / (1 << 20), true);
    assertThat(p.wholeWindows()).isFalse();
    long wholes = t.stream().filter(x -> x == W).count();
    assertThat(wholes).isBetween(200L / CheckpointPolicy.PROBE_EVERY - 3, 200L / CheckpointPolicy.PROBE_EVERY);
  }

  @Test
  void goesBackWhenTheDiskGetsFastAgain() {
    CheckpointPolicy p = new CheckpointPolicy();
    drive(p, 200, 12_000_000, 0.25e6 / (1 << 20), true);
    assertThat(p.wholeWindows()).isTrue();
    // the flushes get cheap (1 ms + 0.25 ms/MiB); in whole-window mode the window fills by design
    drive(p, 400, 1_000_000, 0.25e6 / (1 << 20), true);
    assertThat(p.wholeWindows()).isFalse();
  }

  @Test
  void smallCheckpointsAndAnUnknownSpeedChangeNothing() {
    CheckpointPolicy p = new CheckpointPolicy();
    // the interval's small checkpoints (under 0.3 windows) are not measurements
    for (int i = 0; i < 100; i++) {
      p.record(W / 8, W, 50_000_000);
    }
    drive(p, 3, 12_000_000, 0, true);
    assertThat(p.wholeWindows()).as("too few measurements of whole windows").isFalse();
    CheckpointPolicy q = new CheckpointPolicy();
    for (int i = 0; i < 200; i++) {
      long t = q.nextThreshold(W, 0, true);
      q.record(t == W ? W : W / 2, W, 12_000_000);
    }
    assertThat(q.wholeWindows()).as("speed unknown").isFalse();
  }
}
