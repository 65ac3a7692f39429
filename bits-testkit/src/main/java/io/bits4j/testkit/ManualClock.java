package io.bits4j.testkit;

import io.bits4j.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;

/**
 * A {@link Scheduler} whose time moves only when a test says so: retry delays, timeouts, polls and
 * deadlines run instantly and deterministically, in the calling thread, with no threads of its own.
 *
 * <p>{@link #advance(Duration)} moves time forward and runs every task that falls due on the way,
 * in due-time order (tasks due at the same instant run in the order they were scheduled); while a
 * task runs, {@link #now()} is its due time. Tasks that tasks schedule run too if they fall due
 * before the end of the advance. A task that throws is logged, recorded in {@link
 * #taskFailures()} and forgotten, as the {@link Scheduler} contract says.
 *
 * <pre>{@code
 * ManualClock clock = new ManualClock();
 * clock.schedule(Duration.ofSeconds(5), () -> fired.set(true));
 * clock.advance(Duration.ofSeconds(4));   // nothing yet
 * clock.advance(Duration.ofSeconds(1));   // runs the task, now() = start + 5 s
 * }</pre>
 *
 * <p>Thread-safety: {@link #now()} and {@link #schedule} may be called from any thread; {@link
 * #advance} and {@link #runDueTasks()} are meant to be called by one test thread at a time (calls
 * are serialised; a task calling them re-entrantly is refused with {@link IllegalStateException}).
 */
public final class ManualClock implements Scheduler {
  /** The instant a clock made with {@link #ManualClock()} starts at. */
  public static final Instant DEFAULT_START = Instant.parse("2026-01-01T00:00:00Z");

  private static final System.Logger LOG = System.getLogger(ManualClock.class.getName());

  private final Object lock = new Object();
  private final Object runLock = new Object();
  private final PriorityQueue<Entry> queue = new PriorityQueue<>();
  private final List<Throwable> failures = new ArrayList<>();
  private Instant now;
  private long sequence;
  private @org.jspecify.annotations.Nullable Thread runner;

  /** A clock starting at {@link #DEFAULT_START}. */
  public ManualClock() {
    this(DEFAULT_START);
  }

  /** A clock starting at {@code start}. */
  public ManualClock(Instant start) {
    this.now = Objects.requireNonNull(start, "start");
  }

  @Override
  public Instant now() {
    synchronized (lock) {
      return now;
    }
  }

  @Override
  public Task schedule(Duration delay, Runnable task) {
    Objects.requireNonNull(delay, "delay");
    Objects.requireNonNull(task, "task");
    synchronized (lock) {
      Instant due = delay.isNegative() ? now : now.plus(delay);
      Entry e = new Entry(due, sequence++, task);
      queue.add(e);
      return e;
    }
  }

  /**
   * Moves time forward by {@code duration}, running every task due on the way (including tasks
   * scheduled by those tasks) in due-time order.
   *
   * @throws IllegalArgumentException if {@code duration} is negative
   * @throws IllegalStateException if called from a task of this clock
   */
  public void advance(Duration duration) {
    Objects.requireNonNull(duration, "duration");
    if (duration.isNegative()) {
      throw new IllegalArgumentException("cannot go back in time: " + duration);
    }
    Instant target;
    synchronized (lock) {
      target = now.plus(duration);
    }
    runUntil(target);
  }

  /**
   * Moves time to {@code instant} (if it is later than now), running every task due on the way.
   *
   * @throws IllegalStateException if called from a task of this clock
   */
  public void advanceTo(Instant instant) {
    Objects.requireNonNull(instant, "instant");
    runUntil(instant);
  }

  /**
   * Runs every task due now (delay zero or elapsed), including those they schedule for now,
   * without moving time.
   *
   * @return how many tasks ran
   * @throws IllegalStateException if called from a task of this clock
   */
  public int runDueTasks() {
    return runUntil(now());
  }

  /** How many tasks are scheduled and neither run nor cancelled. */
  public int pendingTasks() {
    synchronized (lock) {
      return (int) queue.stream().filter(e -> e.state == Entry.PENDING).count();
    }
  }

  /** When the next pending task falls due, if any. */
  public Optional<Instant> nextDueTime() {
    synchronized (lock) {
      return queue.stream()
          .filter(e -> e.state == Entry.PENDING)
          .map(e -> e.due)
          .min(Instant::compareTo);
    }
  }

  /** The exceptions thrown by tasks so far, oldest first. */
  public List<Throwable> taskFailures() {
    synchronized (lock) {
      return List.copyOf(failures);
    }
  }

  /**
   * Asserts that no task has thrown.
   *
   * @throws AssertionError naming the first failure, with it as the cause
   */
  public void checkNoTaskFailures() {
    List<Throwable> f = taskFailures();
    if (!f.isEmpty()) {
      throw new AssertionError(f.size() + " scheduled task(s) threw; first: " + f.get(0), f.get(0));
    }
  }

  private int runUntil(Instant target) {
    synchronized (runLock) {
      if (runner == Thread.currentThread()) {
        throw new IllegalStateException("a task of this clock cannot advance it");
      }
      runner = Thread.currentThread();
      try {
        int ran = 0;
        while (true) {
          Entry next;
          synchronized (lock) {
            next = queue.peek();
            while (next != null && next.state != Entry.PENDING) {
              queue.poll();
              next = queue.peek();
            }
            if (next == null || next.due.isAfter(target)) {
              if (target.isAfter(now)) {
                now = target;
              }
              return ran;
            }
            queue.poll();
            next.state = Entry.STARTED;
            if (next.due.isAfter(now)) {
              now = next.due;
            }
          }
          ran++;
          try {
            next.task.run();
          } catch (RuntimeException | Error e) {
            LOG.log(System.Logger.Level.WARNING, "scheduled task failed", e);
            synchronized (lock) {
              failures.add(e);
            }
          }
        }
      } finally {
        runner = null;
      }
    }
  }

  @Override
  public String toString() {
    return "ManualClock[" + now() + ", " + pendingTasks() + " pending]";
  }

  private final class Entry implements Task, Comparable<Entry> {
    static final int PENDING = 0;
    static final int STARTED = 1;
    static final int CANCELLED = 2;

    final Instant due;
    final long seq;
    final Runnable task;
    int state = PENDING; // guarded by lock

    Entry(Instant due, long seq, Runnable task) {
      this.due = due;
      this.seq = seq;
      this.task = task;
    }

    @Override
    public boolean cancel() {
      synchronized (lock) {
        if (state != PENDING) {
          return false;
        }
        state = CANCELLED;
        return true;
      }
    }

    @Override
    public int compareTo(Entry o) {
      int c = due.compareTo(o.due);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }
}
