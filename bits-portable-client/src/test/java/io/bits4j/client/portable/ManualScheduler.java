package io.bits4j.client.portable;

import io.bits4j.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A manual clock: time moves only on {@link #advance}, which runs due tasks on the caller. */
final class ManualScheduler implements Scheduler {
  private Instant now = Instant.parse("2026-01-01T00:00:00Z");
  private final List<Entry> tasks = new ArrayList<>();
  private long seq;

  private final class Entry implements Task {
    final Instant due;
    final long order;
    final Runnable r;
    boolean done;

    Entry(Instant due, long order, Runnable r) {
      this.due = due;
      this.order = order;
      this.r = r;
    }

    @Override
    public boolean cancel() {
      synchronized (ManualScheduler.this) {
        if (done) {
          return false;
        }
        done = true;
        tasks.remove(this);
        return true;
      }
    }
  }

  @Override
  public synchronized Instant now() {
    return now;
  }

  @Override
  public synchronized Task schedule(Duration delay, Runnable task) {
    Entry e = new Entry(now.plus(delay.isNegative() ? Duration.ZERO : delay), seq++, task);
    tasks.add(e);
    return e;
  }

  /** Number of pending tasks. */
  synchronized int pending() {
    return tasks.size();
  }

  /** Moves time to the earliest pending task (running it); false if none is pending. */
  boolean advanceToNext() {
    Duration d;
    synchronized (this) {
      Entry next = null;
      for (Entry e : tasks) {
        if (next == null || e.due.isBefore(next.due)) {
          next = e;
        }
      }
      if (next == null) {
        return false;
      }
      d = Duration.between(now, next.due);
    }
    advance(d.isNegative() ? Duration.ZERO : d);
    return true;
  }

  /** Moves time forward, running every task that falls due, in order. */
  void advance(Duration d) {
    Instant target;
    synchronized (this) {
      target = now.plus(d);
    }
    while (true) {
      Entry next = null;
      synchronized (this) {
        for (Entry e : tasks) {
          if (!e.due.isAfter(target) && (next == null || e.due.isBefore(next.due)
              || (e.due.equals(next.due) && e.order < next.order))) {
            next = e;
          }
        }
        if (next == null) {
          now = target;
          return;
        }
        tasks.remove(next);
        next.done = true;
        if (next.due.isAfter(now)) {
          now = next.due;
        }
      }
      next.r.run();
    }
  }
}
