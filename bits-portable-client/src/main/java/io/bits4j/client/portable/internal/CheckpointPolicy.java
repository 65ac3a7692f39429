package io.bits4j.client.portable.internal;

/**
 * Decides how transfers run their checkpoints (force the received data, then write the state file),
 * by trying both ways on this machine. Shared by the engine's transfers; safe for use from any
 * thread.
 *
 * <p>The durability rule allows at most a window of {@code W} bytes beyond the offset a state file
 * records. Two ways to run checkpoints fit in it:
 *
 * <ul>
 *   <li><b>overlapped</b> (the default): start one when {@code W/2} is unforced and keep receiving
 *       while it runs. When the disk keeps up, the transfer never waits;
 *   <li><b>whole windows</b>: receive {@code W}, then checkpoint it while the transfer waits: half as
 *       many checkpoints, none competing with the transfer's writes.
 * </ul>
 *
 * <p>Each checkpoint has a fixed cost (flushing the disk's cache, writing the inode and the state
 * file) besides writing the data. When that cost is long compared with receiving a window (spinning
 * disks, IOPS-limited volumes, a busy shared disk), overlapped checkpoints cannot keep up, the
 * transfer waits for them anyway, and whole windows move more bytes per flush. Rather than model
 * the disk, this class compares: transfers report segments of {@value #SEGMENT} checkpoints (bytes,
 * wall-clock time, time spent waiting for checkpoints). While transfers wait for checkpoints more
 * than {@value #DISK_BOUND_PERCENT} % of the time, and every {@value #TRIAL_EVERY} segments once
 * whole windows are in use, a transfer tries the other way for two segments and measures the
 * second (the first settles the change) against its recent segments the usual way; the policy
 * uses whole windows while they measured more than 10 % faster. A transfer that does not wait is
 * never slowed by a trial; its first {@value #WARM_UP} segments (the JIT, TCP's window) are not
 * measured. The window itself is enforced by the transfer, whatever this class says.
 */
final class CheckpointPolicy {
  /** Checkpoints per segment. */
  static final int SEGMENT = 8;
  /** Segments between trials of the other way. */
  static final int TRIAL_EVERY = 8;
  /** Segments of a transfer before anything is measured. */
  static final int WARM_UP = 3;
  /** Share of time waiting for checkpoints above which whole windows are tried. */
  static final int DISK_BOUND_PERCENT = 15;
  /** How much faster one way must have measured to be used. */
  private static final double MARGIN = 1.1;
  private static final double ALPHA = 0.5;

  /** Running ratio of whole-window speed to overlapped speed from trials; 0 before any. */
  private double wholeOverOverlapped;
  private int trials;
  private double waitShare;
  private boolean waitMeasured;
  private boolean wholeWindows;

  /** Starts following one transfer, from {@code position} at {@code nanoTime}. */
  Tracker track(long window, long position, long nanoTime) {
    return new Tracker(window, position, nanoTime);
  }

  /** True if checkpoints currently cover whole windows. */
  synchronized boolean wholeWindows() {
    return wholeWindows;
  }

  /** A segment run the usual way, with the given share of time spent waiting for checkpoints. */
  synchronized void usual(boolean whole, double waitedShare) {
    if (!whole) {
      waitShare = waitMeasured ? waitShare + ALPHA * (waitedShare - waitShare) : waitedShare;
      waitMeasured = true;
    }
  }

  /** Whether a transfer should try the other way now. */
  synchronized boolean trialDue(long segmentsSinceTrial) {
    if (segmentsSinceTrial < TRIAL_EVERY && trials > 0) {
      return false;
    }
    return wholeWindows || (waitMeasured && waitShare * 100 > DISK_BOUND_PERCENT);
  }

  /**
   * Records a trial: {@code trialRate} measured the other way against {@code usualRate} measured
   * the usual way ({@code whole} is the way of the trial). Returns the way to use from now on.
   */
  synchronized boolean trial(boolean whole, double trialRate, double usualRate) {
    if (trialRate > 0 && usualRate > 0) {
      double r = whole ? trialRate / usualRate : usualRate / trialRate;
      wholeOverOverlapped = trials++ == 0 ? r : wholeOverOverlapped + ALPHA * (r - wholeOverOverlapped);
      if (wholeWindows) {
        wholeWindows = !(wholeOverOverlapped < 1 / MARGIN);
      } else {
        wholeWindows = wholeOverOverlapped > MARGIN;
      }
    }
    return wholeWindows;
  }

  /**
   * One transfer's view: the threshold for its next background checkpoint, and its segments and
   * trials. Used by the transfer's thread only.
   */
  final class Tracker {
    private final long window;
    private boolean whole;
    private int checkpoints;
    private long segments;
    private long segmentPosition;
    private long segmentStart;
    private long waited;
    /** Running speed of this transfer's usual segments (bytes per ns); 0 before any. */
    private double usualRate;
    /** Segments into the current trial (0: none). */
    private int trialSegment;
    private long sinceTrial;
    /** The next segment follows a change of way and is not measured. */
    private boolean settling;

    private Tracker(long window, long position, long nanoTime) {
      this.window = window;
      this.whole = wholeWindows();
      this.segmentPosition = position;
      this.segmentStart = nanoTime;
    }

    /**
     * The number of unforced bytes at which the transfer starts its next background checkpoint:
     * half the window, or the whole window (none in the background: the window fills and is
     * checkpointed while the transfer waits).
     */
    long threshold() {
      return whole ? window : Math.max(1, window / 2);
    }

    /** The transfer waited this long for checkpoints. */
    void waited(long nanos) {
      waited += nanos;
    }

    /** A checkpoint started at {@code position}; returns the threshold for the next one. */
    long started(long position, long nanoTime) {
      if (++checkpoints < SEGMENT) {
        return threshold();
      }
      long bytes = position - segmentPosition;
      long nanos = nanoTime - segmentStart;
      double rate = bytes > 0 && nanos > 0 ? (double) bytes / nanos : 0;
      double waitedShare = nanos > 0 ? Math.min(1, (double) waited / nanos) : 0;
      checkpoints = 0;
      segmentPosition = position;
      segmentStart = nanoTime;
      waited = 0;
      segments++;
      sinceTrial++;
      if (trialSegment == 1) {
        trialSegment = 2; // the first segment of a trial settles the change; measure the second
      } else if (trialSegment == 2) {
        trialSegment = 0;
        sinceTrial = 0;
        boolean next = trial(whole, rate, usualRate);
        settling = true; // back to the usual way, or a new usual way: let it settle too
        if (next == whole) {
          usualRate = 0; // the trial's way is the usual one now: measure it afresh
        }
        whole = next;
      } else if (settling || segments <= WARM_UP || rate == 0) {
        settling = false;
      } else {
        usualRate = usualRate == 0 ? rate : usualRate + ALPHA * (rate - usualRate);
        usual(whole, waitedShare);
        if (trialDue(sinceTrial)) {
          trialSegment = 1;
          whole = !whole;
        } else if (whole != wholeWindows()) {
          whole = !whole; // another transfer's trials changed the way
          usualRate = 0;
          settling = true;
        }
      }
      return threshold();
    }
  }
}
