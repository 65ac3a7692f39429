package io.bits4j.client.portable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bits4j.BitsException;
import io.bits4j.ClientJob;
import io.bits4j.CompleteStatus;
import io.bits4j.Hresult;
import io.bits4j.JobPriority;
import io.bits4j.JobSpec;
import io.bits4j.JobState;
import io.bits4j.client.portable.internal.StateStoreAccess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Model-based properties: random operation sequences on a job against the BITS state machine
 * (bits-spec §4.2), and state-file encoding of arbitrary strings.
 */
class JobStateMachinePropertiesTest {
  enum Op { ADD_FILE, RESUME, SUSPEND, COMPLETE, CANCEL, SET_PRIORITY }

  /** The model: SUSPENDED, ACTIVE (QUEUED/CONNECTING: the server never answers), or FINAL. */
  enum Model { SUSPENDED, ACTIVE, FINAL }

  static Path dir;
  static TestServer server;
  static final CountDownLatch never = new CountDownLatch(1);

  @BeforeContainer
  static void start() throws IOException {
    dir = Files.createTempDirectory("bits4j-props");
    server = new TestServer(TestFiles.generate(dir.resolve("src"), 10, 1));
    server.raw.put("/hang", r -> {
      try {
        never.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return "";
    });
  }

  @AfterContainer
  static void stop() throws IOException {
    never.countDown();
    server.close();
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Provide
  Arbitrary<List<Op>> ops() {
    return Arbitraries.of(Op.class).list().ofMinSize(1).ofMaxSize(12);
  }

  @Property(tries = 60)
  void operationsFollowTheStateMachine(@ForAll("ops") List<Op> ops) throws IOException {
    Path state = Files.createTempDirectory(dir, "state");
    try (PortableBitsClient client = PortableBitsClient.builder().stateDirectory(state).build()) {
      ClientJob job = client.createJob(JobSpec.builder("p").build());
      Model model = Model.SUSPENDED;
      int files = 0;
      for (Op op : ops) {
        if (model == Model.FINAL) {
          assertThatThrownBy(() -> apply(job, op, 0)).as(op.toString()).isInstanceOf(BitsException.class)
              .extracting(e -> ((BitsException) e).hresult()).isEqualTo(Hresult.BG_E_INVALID_STATE);
          continue;
        }
        switch (op) {
          case RESUME -> {
            if (files == 0) {
              assertThatThrownBy(job::resume).extracting(e -> ((BitsException) e).hresult())
                  .isEqualTo(Hresult.BG_E_EMPTY);
            } else {
              job.resume();
              model = Model.ACTIVE;
            }
          }
          case SUSPEND -> {
            job.suspend();
            model = Model.SUSPENDED;
          }
          case ADD_FILE -> {
            apply(job, op, files);
            files++;
          }
          case COMPLETE -> {
            CompleteStatus s = job.complete();
            assertThat(s).isEqualTo(files == 0 ? CompleteStatus.COMPLETE : CompleteStatus.PARTIAL_COMPLETE);
            model = Model.FINAL;
          }
          case CANCEL -> {
            job.cancel();
            model = Model.FINAL;
          }
          case SET_PRIORITY -> apply(job, op, 0);
        }
        JobState s = job.state();
        switch (model) {
          case SUSPENDED -> assertThat(s).isEqualTo(JobState.SUSPENDED);
          case ACTIVE -> assertThat(s).isIn(JobState.QUEUED, JobState.CONNECTING);
          case FINAL -> assertThat(s).isIn(JobState.ACKNOWLEDGED, JobState.CANCELLED);
        }
        assertThat(client.jobs().contains(job)).isEqualTo(model != Model.FINAL);
        assertThat(job.files()).hasSize(files);
      }
      if (model != Model.FINAL) {
        job.cancel();
      }
      try (Stream<Path> s = Files.list(dir)) {
        assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
      }
    }
  }

  private void apply(ClientJob job, Op op, int n) {
    switch (op) {
      case ADD_FILE -> job.addFile(server.uri("/hang"), dir.resolve("f" + n));
      case RESUME -> job.resume();
      case SUSPEND -> job.suspend();
      case COMPLETE -> job.complete();
      case CANCEL -> job.cancel();
      case SET_PRIORITY -> job.setPriority(JobPriority.HIGH);
    }
  }

  @Property
  void stateFilesKeepArbitraryStrings(@ForAll String key, @ForAll String value) {
    Properties p = new Properties();
    p.setProperty("k" + key, value);
    p.setProperty(key, value + key); // raw keys too: leading blanks, '#', '!', '=', ':', controls
    p.setProperty("id", "x");
    assertThat(StateStoreAccess.decode(StateStoreAccess.encode(p))).isEqualTo(p);
  }
}
