package io.bits4j.wsman;

import io.bits4j.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A manual clock: tasks run when {@link #advance} passes their time, on the advancing thread. */
final class TestScheduler implements Scheduler {
  private Instant now = Instant.parse("2026-01-01T00:00:00Z");
  private final List<Entry> tasks = new ArrayList<>();

  private final class Entry implements Task {
    final Instant at;
    final Runnable r;
    boolean done;

    Entry(Instant at, Runnable r) {
      this.at = at;
      this.r = r;
    }

    @Override
    public boolean cancel() {
      synchronized (TestScheduler.this) {
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
    Entry e = new Entry(now.plus(delay.isNegative() ? Duration.ZERO : delay), task);
    tasks.add(e);
    return e;
  }

  synchronized int pending() {
    return tasks.size();
  }

  void advance(Duration d) {
    Instant target;
    synchronized (this) {
      target = now.plus(d);
    }
    while (true) {
      Entry next = null;
      synchronized (this) {
        for (Entry e : tasks) {
          if (!e.at.isAfter(target) && (next == null || e.at.isBefore(next.at))) {
            next = e;
          }
        }
        if (next == null) {
          now = target;
          return;
        }
        tasks.remove(next);
        next.done = true;
        if (next.at.isAfter(now)) {
          now = next.at;
        }
      }
      next.r.run();
    }
  }
}
