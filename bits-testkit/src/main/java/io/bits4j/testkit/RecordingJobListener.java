package io.bits4j.testkit;

import io.bits4j.ClientJob;
import io.bits4j.JobError;
import io.bits4j.JobId;
import io.bits4j.JobListener;
import io.bits4j.JobState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A {@link JobListener} that records every notification with the job's state at that moment.
 *
 * <pre>{@code
 * RecordingJobListener rec = new RecordingJobListener();
 * job.addListener(rec);
 * ...
 * assertThat(rec.count(RecordingJobListener.Kind.TRANSFERRED)).isEqualTo(1);
 * }</pre>
 *
 * <p>Thread-safety: safe for use from any thread; {@link #await} waits a bounded time for
 * notifications that real clients deliver from their own threads.
 */
public final class RecordingJobListener implements JobListener {
  /** What kind of notification. */
  public enum Kind {
    /** {@link JobListener#jobTransferred}. */
    TRANSFERRED,
    /** {@link JobListener#jobError}. */
    ERROR,
    /** {@link JobListener#jobModified}. */
    MODIFIED
  }

  /**
   * One notification.
   *
   * @param kind which callback
   * @param job the job's id
   * @param state the job's state read inside the callback
   * @param error the error passed to {@code jobError}
   * @param thread the name of the calling thread
   */
  public record Event(Kind kind, JobId job, JobState state, Optional<JobError> error, String thread) {
    /** Validates. */
    public Event {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(job, "job");
      Objects.requireNonNull(state, "state");
      Objects.requireNonNull(error, "error");
      Objects.requireNonNull(thread, "thread");
    }
  }

  private final List<Event> events = new ArrayList<>();

  /** A listener with nothing recorded. */
  public RecordingJobListener() {}

  @Override
  public void jobTransferred(ClientJob job) {
    add(new Event(Kind.TRANSFERRED, job.id(), job.state(), Optional.empty(), Thread.currentThread().getName()));
  }

  @Override
  public void jobError(ClientJob job, JobError error) {
    add(new Event(Kind.ERROR, job.id(), job.state(), Optional.of(error), Thread.currentThread().getName()));
  }

  @Override
  public void jobModified(ClientJob job) {
    add(new Event(Kind.MODIFIED, job.id(), job.state(), Optional.empty(), Thread.currentThread().getName()));
  }

  private synchronized void add(Event e) {
    events.add(e);
    notifyAll();
  }

  /** Every notification so far, oldest first. */
  public synchronized List<Event> events() {
    return List.copyOf(events);
  }

  /** How many notifications of a kind arrived. */
  public synchronized int count(Kind kind) {
    return (int) events.stream().filter(e -> e.kind() == kind).count();
  }

  /** The states seen, oldest first, without consecutive repeats. */
  public synchronized List<JobState> states() {
    List<JobState> out = new ArrayList<>();
    for (Event e : events) {
      if (out.isEmpty() || out.get(out.size() - 1) != e.state()) {
        out.add(e.state());
      }
    }
    return out;
  }

  /** The errors passed to {@code jobError}, oldest first. */
  public synchronized List<JobError> errors() {
    List<JobError> out = new ArrayList<>();
    events.forEach(e -> e.error().ifPresent(out::add));
    return out;
  }

  /** Forgets everything recorded. */
  public synchronized void clear() {
    events.clear();
  }

  /**
   * Waits at most {@code timeout} until a recorded notification matches.
   *
   * @return true if one matched in time
   */
  public synchronized boolean await(Predicate<Event> condition, Duration timeout) {
    Objects.requireNonNull(condition, "condition");
    long deadline = System.nanoTime() + timeout.toNanos();
    while (events.stream().noneMatch(condition)) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      try {
        wait(Math.max(1, left / 1_000_000), 0);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  /** Waits at most {@code timeout} for a notification of this kind; true if one arrived. */
  public boolean await(Kind kind, Duration timeout) {
    return await(e -> e.kind() == kind, timeout);
  }

  @Override
  public synchronized String toString() {
    return "RecordingJobListener" + events;
  }
}
