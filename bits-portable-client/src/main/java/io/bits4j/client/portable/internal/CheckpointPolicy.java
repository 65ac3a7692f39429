package io.bits4j.client.portable.internal;

/**
 * Decides when a transfer starts its next checkpoint (force the received data, then write the state
 * file), from what checkpoints have cost on this machine. Shared by the engine's transfers; safe for
 * use from any thread.
 *
 * <p>The durability rule allows at most a window of {@code W} bytes beyond the offset a state file
 * records. Two ways to run checkpoints fit in it:
 *
 * <ul>
 *   <li><b>overlapped</b> (the default): start one when {@code W/2} is unforced and keep receiving
 *       while it runs. When the disk keeps up, the transfer never waits. When it does not (the
 *       window fills before the checkpoint ends), each checkpoint covers about {@code W/2}, so the
 *       transfer moves {@code W} per two checkpoints of half a window: {@code W / 2·C(W/2)};
 *   <li><b>whole windows</b>: receive {@code W}, then checkpoint it while the transfer waits:
 *       {@code W / (W/v + C(W))}, where {@code v} is the transfer's own speed.
 * </ul>
 *
 * <p>With a checkpoint costing {@code a + b·X} (a fixed part: journal commits and cache flushes for
 * the data and for the state file; a part per byte), whole windows are faster exactly when the
 * overlapped way cannot keep up and {@code a = 2·C(W/2) − C(W) > W/v}: when each flush takes longer
 * than receiving a whole window (spinning disks, IOPS-limited volumes, a busy shared disk). This class
 * keeps a running average of the cost of each kind, measured on the checkpoints themselves. In
 * overlapped mode, while the window keeps filling and a half-window checkpoint takes about as long
 * as receiving a whole window, every {@value #PROBE_EVERY}th checkpoint covers a whole window to
 * measure {@code C(W)}; in whole-window mode every {@value #RETURN_PROBE_EVERY}th is overlapped to
 * keep measuring {@code C(W/2)}. It switches with hysteresis and only on enough
 * measurements of both. The window itself is enforced by the transfer, whatever this class says.
 */
final class CheckpointPolicy {
  /** In overlapped mode, while the window keeps filling: every this many, a whole-window checkpoint. */
  static final int PROBE_EVERY = 4;
  /** In whole-window mode: every this many, an overlapped checkpoint. */
  static final int RETURN_PROBE_EVERY = 8;
  /** Weight of a new measurement in the running averages. */
  private static final double ALPHA = 0.1;
  /** Measurements of each kind needed before switching. */
  private static final int MIN_SAMPLES = 5;

  private double halfNanos;
  private double wholeNanos;
  private int halfSamples;
  private int wholeSamples;
  /** How often the window filled lately (running share of checkpoint starts). */
  private double filled;
  private long starts;
  private boolean wholeWindows;

  /**
   * Records a checkpoint that forced {@code bytes} new bytes in a window of {@code window} and took
   * {@code nanos} (data and state file). Checkpoints of less than 0.3 windows (the interval's, the
   * last of a file) are not used.
   */
  synchronized void record(long bytes, long window, long nanos) {
    if (nanos < 0 || window <= 0) {
      return;
    }
    double share = (double) bytes / window;
    if (share >= 0.75) {
      wholeNanos = wholeSamples == 0 ? nanos : wholeNanos + ALPHA * (nanos - wholeNanos);
      wholeSamples++;
    } else if (share >= 0.3) {
      halfNanos = halfSamples == 0 ? nanos : halfNanos + ALPHA * (nanos - halfNanos);
      halfSamples++;
    }
  }

  /**
   * The number of unforced bytes at which the transfer starts its next background checkpoint: half
   * the window normally, the whole window (no background checkpoint: the window fills and is
   * checkpointed while the transfer waits) when that is faster, or the other kind for a measurement.
   *
   * @param window the durability window {@code W} in bytes
   * @param bytesPerNano the transfer's speed while it is not waiting for checkpoints; 0 if unknown
   * @param windowFilled whether the window filled since the previous checkpoint started (the
   *     transfer had to wait for a checkpoint)
   */
  synchronized long nextThreshold(long window, double bytesPerNano, boolean windowFilled) {
    starts++;
    filled += 0.2 * ((windowFilled ? 1 : 0) - filled);
    double fill = bytesPerNano > 0 && !Double.isInfinite(bytesPerNano)
        ? window / bytesPerNano // nanoseconds to receive a whole window
        : Double.POSITIVE_INFINITY;
    decide(fill);
    long half = Math.max(1, window / 2);
    if (wholeWindows) {
      return starts % RETURN_PROBE_EVERY == 0 ? half : window;
    }
    // Whole windows are worth measuring only if they could win: the window keeps filling, and a
    // checkpoint of half a window takes about as long as receiving a whole one (below 0.8 W/v, a
    // switch would need a whole-window checkpoint to cost less than half of a half-window one). A
    // disk that merely lags now and then is never probed, so a fast transfer never waits for one.
    boolean probe = filled > 0.5 && halfSamples >= MIN_SAMPLES && halfNanos > 0.8 * fill
        && starts % PROBE_EVERY == 0;
    return probe ? window : half;
  }

  /** True if checkpoints currently cover whole windows. */
  synchronized boolean wholeWindows() {
    return wholeWindows;
  }

  private void decide(double fill) {
    if (halfSamples < MIN_SAMPLES || wholeSamples < MIN_SAMPLES || Double.isInfinite(fill)) {
      return; // keep the current way until there is something to go on
    }
    double fixed = 2 * halfNanos - wholeNanos; // the fixed part a of a checkpoint's cost
    if (wholeWindows) {
      // back when the fixed part got small, or overlapped checkpoints would keep up
      wholeWindows = !(fixed < 0.8 * fill || halfNanos < 0.9 * fill / 2);
    } else {
      wholeWindows = filled > 0.5 && fixed > 1.25 * fill;
    }
  }
}
