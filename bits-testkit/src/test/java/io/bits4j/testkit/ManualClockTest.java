package io.bits4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bits4j.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManualClockTest {
  private final ManualClock clock = new ManualClock();
  private final List<String> log = new ArrayList<>();

  @Test
  void startsAtTheDefaultInstantAndMovesOnlyWhenAdvanced() {
    assertThat(clock.now()).isEqualTo(ManualClock.DEFAULT_START);
    clock.advance(Duration.ofMinutes(3));
    assertThat(clock.now()).isEqualTo(ManualClock.DEFAULT_START.plusSeconds(180));
    Instant t = Instant.parse("2030-05-01T10:00:00Z");
    assertThat(new ManualClock(t).now()).isEqualTo(t);
  }

  @Test
  void tasksRunInDueTimeOrderWithNowAtTheirDueTime() {
    clock.schedule(Duration.ofSeconds(3), () -> log.add("c@" + secs()));
    clock.schedule(Duration.ofSeconds(1), () -> log.add("a@" + secs()));
    clock.schedule(Duration.ofSeconds(1), () -> log.add("b@" + secs()));
    clock.schedule(Duration.ofSeconds(10), () -> log.add("late"));
    assertThat(clock.pendingTasks()).isEqualTo(4);
    clock.advance(Duration.ofSeconds(5));
    assertThat(log).containsExactly("a@1", "b@1", "c@3");
    assertThat(secs()).isEqualTo(5);
    assertThat(clock.pendingTasks()).isEqualTo(1);
    assertThat(clock.nextDueTime()).contains(ManualClock.DEFAULT_START.plusSeconds(10));
  }

  @Test
  void tasksScheduledByTasksRunIfDue() {
    clock.schedule(Duration.ofSeconds(1), () -> {
      log.add("first@" + secs());
      clock.schedule(Duration.ofSeconds(1), () -> log.add("second@" + secs()));
      clock.schedule(Duration.ZERO, () -> log.add("now@" + secs()));
      clock.schedule(Duration.ofSeconds(10), () -> log.add("too late"));
    });
    clock.advance(Duration.ofSeconds(2));
    assertThat(log).containsExactly("first@1", "now@1", "second@2");
  }

  @Test
  void zeroAndNegativeDelaysRunOnRunDueTasks() {
    clock.schedule(Duration.ZERO, () -> log.add("zero"));
    clock.schedule(Duration.ofSeconds(-5), () -> log.add("negative"));
    assertThat(log).isEmpty();
    assertThat(clock.runDueTasks()).isEqualTo(2);
    assertThat(log).containsExactly("zero", "negative");
    assertThat(clock.now()).isEqualTo(ManualClock.DEFAULT_START);
  }

  @Test
  void cancelledTasksDoNotRun() {
    Scheduler.Task t = clock.schedule(Duration.ofSeconds(1), () -> log.add("x"));
    assertThat(t.cancel()).isTrue();
    assertThat(t.cancel()).isFalse();
    assertThat(clock.pendingTasks()).isZero();
    clock.advance(Duration.ofSeconds(2));
    assertThat(log).isEmpty();
    Scheduler.Task ran = clock.schedule(Duration.ZERO, () -> log.add("y"));
    clock.runDueTasks();
    assertThat(ran.cancel()).as("already ran").isFalse();
  }

  @Test
  void failingTasksAreRecordedAndDoNotStopOthers() {
    clock.schedule(Duration.ofSeconds(1), () -> {
      throw new IllegalStateException("boom");
    });
    clock.schedule(Duration.ofSeconds(2), () -> log.add("after"));
    clock.advance(Duration.ofSeconds(2));
    assertThat(log).containsExactly("after");
    assertThat(clock.taskFailures()).singleElement().isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(clock::checkNoTaskFailures).isInstanceOf(AssertionError.class).hasMessageContaining("boom");
  }

  @Test
  void misuseIsRefused() {
    assertThatThrownBy(() -> clock.advance(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
    clock.schedule(Duration.ZERO, () -> clock.advance(Duration.ofSeconds(1)));
    clock.runDueTasks();
    assertThat(clock.taskFailures()).singleElement().isInstanceOf(IllegalStateException.class);
    assertThat(clock.now()).isEqualTo(ManualClock.DEFAULT_START);
  }

  @Test
  void advanceToMovesToAnInstant() {
    clock.schedule(Duration.ofHours(1), () -> log.add("hour"));
    clock.advanceTo(ManualClock.DEFAULT_START.plus(Duration.ofHours(2)));
    assertThat(log).containsExactly("hour");
    clock.advanceTo(ManualClock.DEFAULT_START);
    assertThat(clock.now()).as("never backwards").isEqualTo(ManualClock.DEFAULT_START.plus(Duration.ofHours(2)));
  }

  private long secs() {
    return Duration.between(ManualClock.DEFAULT_START, clock.now()).getSeconds();
  }
}
