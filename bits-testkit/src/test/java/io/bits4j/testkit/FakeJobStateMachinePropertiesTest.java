package io.bits4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.bits4j.BitsException;
import io.bits4j.ClientJob;
import io.bits4j.CompleteStatus;
import io.bits4j.ErrorContext;
import io.bits4j.Hresult;
import io.bits4j.JobProgress;
import io.bits4j.JobSpec;
import io.bits4j.JobState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random operation sequences against one fake job with a random script: the BITS state machine's
 * invariants hold after every step.
 */
class FakeJobStateMachinePropertiesTest {
  private static final URI URL = URI.create("http://127.0.0.1:8080/Carmine/f.bin");

  enum Op { RESUME, SUSPEND, COMPLETE, CANCEL, ADD_FILE, TICK, LONG_WAIT }

  @Provide
  Arbitrary<List<Op>> ops() {
    return Arbitraries.of(Op.class).list().ofMinSize(1).ofMaxSize(25);
  }

  @Provide
  Arbitrary<FakeJobScript.Step> step() {
    return Arbitraries.oneOf(
        Arbitraries.longs().between(1, 600).map(FakeJobScript::progress),
        Arbitraries.just(FakeJobScript.connectionClosed()),
        Arbitraries.just(FakeJobScript.idle()),
        Arbitraries.just(FakeJobScript.fatalError(Hresult.httpError(500), ErrorContext.REMOTE_FILE)),
        Arbitraries.just(FakeJobScript.stall()));
  }

  @Provide
  Arbitrary<List<FakeJobScript.Step>> steps() {
    return step().list().ofMaxSize(6);
  }

  @Property
  void invariantsHoldAfterEveryOperation(
      @ForAll("ops") List<Op> ops, @ForAll("steps") List<FakeJobScript.Step> steps) throws IOException {
    Path dir = Files.createTempDirectory("bits4j-fsm");
    try {
      Path src = Files.write(dir.resolve("src.bin"), new byte[1000]);
      Path destDir = Files.createDirectory(dir.resolve("dest"));
      ManualClock clock = new ManualClock();
      FakeBitsClient client = FakeBitsClient.builder().scheduler(clock).build();
      client.serve(URL, src);
      client.defaultScript(new FakeJobScript(steps));
      ClientJob job = client.createJob(JobSpec.builder("fsm")
          .minimumRetryDelay(Duration.ofSeconds(10)).noProgressTimeout(Duration.ofSeconds(100)).build());
      int files = 0;
      JobState finalState = null;
      boolean completedWithFiles = false;
      for (Op op : ops) {
        JobState before = job.state();
        try {
          switch (op) {
            case RESUME -> job.resume();
            case SUSPEND -> job.suspend();
            case COMPLETE -> {
              boolean allDone = job.files().stream().allMatch(f -> f.completed());
              CompleteStatus s = job.complete();
              assertThat(s).isEqualTo(allDone ? CompleteStatus.COMPLETE : CompleteStatus.PARTIAL_COMPLETE);
              completedWithFiles = job.files().stream().anyMatch(f -> f.completed());
            }
            case CANCEL -> job.cancel();
            case ADD_FILE -> job.addFile(URL, destDir.resolve("f" + files++));
            case TICK -> clock.advance(Duration.ofSeconds(1));
            case LONG_WAIT -> clock.advance(Duration.ofSeconds(45));
          }
          if (op != Op.TICK && op != Op.LONG_WAIT) {
            assertThat(before.isFinal()).as("%s succeeded on a final job", op).isFalse();
          }
        } catch (BitsException e) {
          if (before.isFinal()) {
            assertThat(e.hresult()).isEqualTo(Hresult.BG_E_INVALID_STATE);
          } else {
            assertThat(op).isEqualTo(Op.RESUME);
            assertThat(e.hresult()).isEqualTo(Hresult.BG_E_EMPTY);
            assertThat(job.files()).isEmpty();
          }
          if (op == Op.ADD_FILE) {
            files--;
          }
        }
        JobState s = job.state();
        if (finalState != null) {
          assertThat(s).as("final states are absorbing").isEqualTo(finalState);
        } else if (s.isFinal()) {
          finalState = s;
        }
        assertThat(client.jobs().contains(job)).isEqualTo(!s.isFinal());
        assertThat(client.findJob(job.id()).isPresent()).isEqualTo(!s.isFinal());
        assertThat(client.census().alive()).isEqualTo(s.isFinal() ? 0 : 1);
        assertThat(job.outcome().toCompletableFuture().isDone()).isEqualTo(s.isSettled());
        assertThat(job.error().isPresent()).isEqualTo(s == JobState.ERROR || s == JobState.TRANSIENT_ERROR);
        JobProgress p = job.progress();
        assertThat(p.filesTotal()).isEqualTo(files);
        if (p.isTotalKnown()) {
          assertThat(p.bytesTransferred()).isLessThanOrEqualTo(p.bytesTotal());
        }
        if (s == JobState.CANCELLED || (s == JobState.ACKNOWLEDGED && !completedWithFiles)) {
          assertThat(list(destDir)).as("nothing left after %s", s).isEmpty();
        } else if (!s.isFinal()) {
          assertThat(list(destDir)).as("final names appear only on complete()")
              .allMatch(name -> name.startsWith("BIT") && name.endsWith(".tmp"));
        } else {
          assertThat(list(destDir)).allMatch(name -> name.startsWith("f"));
        }
      }
      clock.checkNoTaskFailures();
    } finally {
      try (Stream<Path> walk = Files.walk(dir)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static List<String> list(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
