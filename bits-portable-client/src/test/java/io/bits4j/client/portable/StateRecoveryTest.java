package io.bits4j.client.portable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bits4j.BitsException;
import io.bits4j.ClientJob;
import io.bits4j.ErrorContext;
import io.bits4j.Hresult;
import io.bits4j.JobError;
import io.bits4j.JobSpec;
import io.bits4j.JobState;
import io.bits4j.client.portable.internal.StateStoreAccess;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recovery of the state directory and of {@code complete()} from what crashes, other processes and
 * other programs leave behind: the lock against a second process, entries that cannot be read,
 * state files of a newer format, a kill between the rename to the final name and the state write
 * recording it, and a temp file whose directory was removed during the transfer.
 */
class StateRecoveryTest {
  static final URI NOWHERE = URI.create("http://127.0.0.1:9/f");

  @TempDir Path tmp;

  private static Path stateFile(Path state, ClientJob j) {
    return state.resolve("job-" + j.id().uuid() + ".state");
  }

  private static int hresult(Throwable e) {
    return ((BitsException) e).hresult();
  }

  @Test
  void aRefusalInTheSameJvmKeepsTheDirectoryLockedAgainstOtherProcesses() throws Exception {
    Path state = tmp.resolve("state");
    try (PortableBitsClient c = PortableBitsClient.builder().stateDirectory(state).build()) {
      assertThatThrownBy(() -> PortableBitsClient.builder().stateDirectory(state).build())
          .isInstanceOf(BitsException.class)
          .extracting(StateRecoveryTest::hresult).isEqualTo(Hresult.E_SHARING_VIOLATION);
      Files.createDirectories(tmp.resolve("x"));
      assertThatThrownBy(() -> PortableBitsClient.builder().stateDirectory(tmp.resolve("x/../state")).build())
          .isInstanceOf(BitsException.class)
          .extracting(StateRecoveryTest::hresult).isEqualTo(Hresult.E_SHARING_VIOLATION);
      // the record lock belongs to the process: the refused opens must not have dropped it
      assertThat(lockProbe(state)).isEqualTo("REFUSED " + Integer.toHexString(Hresult.E_SHARING_VIOLATION));
      assertThat(c.jobs()).isEmpty();
    }
    assertThat(lockProbe(state)).isEqualTo("OPENED 0");
    try (PortableBitsClient c = PortableBitsClient.builder().stateDirectory(state).build()) {
      assertThat(c.jobs()).isEmpty(); // closing released the directory in this JVM too
    }
  }

  private String lockProbe(Path state) throws Exception {
    Process p = java(LockProbeChild.class, state.toString()).start();
    try {
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void entriesThatCannotBeReadAreSkippedAndTheOtherJobsLoad() throws Exception {
    Path state = tmp.resolve("state");
    ClientJob kept;
    ClientJob blocked;
    ClientJob stuckTmp;
    try (PortableBitsClient c = PortableBitsClient.builder().stateDirectory(state).build()) {
      kept = c.createJob(JobSpec.builder("kept").addFile(NOWHERE, tmp.resolve("a")).build());
      blocked = c.createJob(JobSpec.builder("blocked").addFile(NOWHERE, tmp.resolve("b")).build());
      stuckTmp = c.createJob(JobSpec.builder("tmp").addFile(NOWHERE, tmp.resolve("c")).build());
    }
    // a directory where a state file is expected (reading it fails as a file without permission does)
    Files.delete(stateFile(state, blocked));
    Files.createDirectories(stateFile(state, blocked).resolve("inside"));
    // a leftover temporary that cannot be deleted
    Path tmpDir = state.resolve("job-" + stuckTmp.id().uuid() + ".state.tmp");
    Files.createDirectories(tmpDir.resolve("inside"));
    try (PortableBitsClient c = PortableBitsClient.builder().stateDirectory(state).build()) {
      assertThat(c.jobs()).extracting(ClientJob::id).containsExactlyInAnyOrder(kept.id(), stuckTmp.id());
    }
    assertThat(stateFile(state, blocked)).isDirectory();
    assertThat(tmpDir).isDirectory();
  }

  /**
   * State entries a client must not read: a FIFO (opening it blocked start-up forever), a file far
   * larger than any state (read whole: OutOfMemoryError), and an intact file whose values make no
   * sense (a negative offset: every later progress() threw). The other job loads; the sane-looking
   * but meaningless ones are set aside so that the warning is not repeated at every start.
   */
  @Test
  void aFifoAHugeFileAndOutOfRangeValuesNeitherHangNorBreakStartUp() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/mkfifo")), "mkfifo (POSIX)");
    Path state = tmp.resolve("state");
    ClientJob kept;
    ClientJob fifo;
    ClientJob huge;
    ClientJob negative;
    try (PortableBitsClient c = PortableBitsClient.builder().stateDirectory(state).build()) {
      kept = c.createJob(JobSpec.builder("kept").addFile(NOWHERE, tmp.resolve("a")).build());
      fifo = c.createJob(JobSpec.builder("fifo").addFile(NOWHERE, tmp.resolve("b")).build());
      huge = c.createJob(JobSpec.builder("huge").addFile(NOWHERE, tmp.resolve("c")).build());
      negative = c.createJob(JobSpec.builder("negative").addFile(NOWHERE, tmp.resolve("d")).build());
    }
    Files.delete(stateFile(state, fifo));
    Process mk = new ProcessBuilder("mkfifo", stateFile(state, fifo).toString()).start();
    assertThat(mk.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(mk.exitValue()).isZero();
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(stateFile(state, huge),
        java.nio.file.StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.wrap(new byte[] {1}), 3L << 30); // sparse: 3 GiB
    }
    java.util.Properties p = StateStoreAccess.decode(Files.readAllBytes(stateFile(state, negative)));
    assertThat(p).isNotNull();
    p.setProperty("file.0.offset", "-5");
    Files.write(stateFile(state, negative), StateStoreAccess.encode(p)); // intact: a valid checksum
    for (int open = 0; open < 2; open++) {
      java.util.concurrent.CompletableFuture<List<ClientJob>> loaded = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
        try (PortableBitsClient c = PortableBitsClient.builder().stateDirectory(state).build()) {
          c.jobs().forEach(ClientJob::progress);
          return c.jobs();
        }
      });
      assertThat(loaded.get(30, TimeUnit.SECONDS)).extracting(ClientJob::id).containsExactly(kept.id());
    }
    assertThat(stateFile(state, huge)).doesNotExist();
    assertThat(stateFile(state, huge).resolveSibling(stateFile(state, huge).getFileName() + ".damaged")).exists();
    assertThat(stateFile(state, negative)).doesNotExist();
    assertThat(stateFile(state, negative).resolveSibling(stateFile(state, negative).getFileName() + ".damaged")).exists();
    assertThat(stateFile(state, fifo)).as("a FIFO is nobody's state file: left alone").exists();
  }

  @Test
  void aStateFileOfANewerFormatIsLeftInPlaceNotSetAsideAsDamaged() throws Exception {
    Path state = tmp.resolve("state");
    ClientJob kept;
    ClientJob newer;
    try (PortableBitsClient c = PortableBitsClient.builder().stateDirectory(state).build()) {
      kept = c.createJob(JobSpec.builder("kept").addFile(NOWHERE, tmp.resolve("a")).build());
      newer = c.createJob(JobSpec.builder("newer").addFile(NOWHERE, tmp.resolve("b")).build());
    }
    String v1 = new String(Files.readAllBytes(stateFile(state, newer)), StandardCharsets.ISO_8859_1);
    assertThat(StateStoreAccess.decode(v1.getBytes(StandardCharsets.ISO_8859_1))).isNotNull();
    byte[] v2 = v1.replace("# bits4j job state v1 ", "# bits4j job state v2 ").getBytes(StandardCharsets.ISO_8859_1);
    Files.write(stateFile(state, newer), v2);
    for (int open = 0; open < 2; open++) {
      try (PortableBitsClient c = PortableBitsClient.builder().stateDirectory(state).build()) {
        assertThat(c.jobs()).extracting(ClientJob::id).containsExactly(kept.id());
      }
      // still there for the version that wrote it
      assertThat(Files.readAllBytes(stateFile(state, newer))).isEqualTo(v2);
    }
  }

  /**
   * A job of several files is completed in a child JVM that is killed as soon as a random one of
   * them appears under its final name (the state write recording that rename is then under way or
   * lost); a new process completes the job: every file is at its destination, whole.
   */
  @Test
  void aKillRightAfterARenameInCompleteLeavesAJobThatCompletes() throws Exception {
    int files = 12;
    Path source = TestFiles.generate(tmp.resolve("source.bin"), 100_000, 7);
    String hash = TestFiles.sha256(source);
    long seed = System.nanoTime();
    Random random = new Random(seed);
    try (TestServer server = new TestServer(source)) {
      for (int round = 0; round < 3; round++) {
        Path state = tmp.resolve("state-" + round);
        Path out = Files.createDirectories(tmp.resolve("out-" + round));
        int killAt = 1 + random.nextInt(files - 1);
        Process p = java(CompleteCrashChild.class, state.toString(), server.uri("/f").toString(),
            out.toString(), Integer.toString(files)).start();
        try {
          BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
          assertThat(r.readLine()).as("child (seed %d)", seed).isEqualTo("READY");
          Path appears = out.resolve("f" + (killAt - 1));
          try (OutputStream go = p.getOutputStream()) {
            go.write('\n');
          }
          long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
          while (!Files.exists(appears) && p.isAlive() && System.nanoTime() < end) {
            Thread.onSpinWait();
          }
          p.destroyForcibly();
        } finally {
          p.destroyForcibly();
          assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        Process again = java(CompleteCrashChild.class, state.toString(), server.uri("/f").toString(),
            out.toString(), Integer.toString(files)).start();
        assertThat(again.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String log = new String(again.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(log).as("round %d, killed at file %d (seed %d)", round, killAt, seed).contains("DONE");
        for (int i = 0; i < files; i++) {
          assertThat(TestFiles.sha256(out.resolve("f" + i))).as("file %d", i).isEqualTo(hash);
        }
        try (Stream<Path> s = Files.list(out)) {
          assertThat(s.map(f -> f.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
      }
    }
  }

  @Test
  void aTempFileWhoseDirectoryIsRemovedDuringTheTransferIsALocalFileError() throws Exception {
    Path source = TestFiles.generate(tmp.resolve("source.bin"), 8_000_000, 8);
    Path out = Files.createDirectories(tmp.resolve("out"));
    try (TestServer server = new TestServer(source);
        PortableBitsClient c = PortableBitsClient.builder().stateDirectory(tmp.resolve("state")).build()) {
      server.bytesPerSecond = 8_000_000;
      ClientJob job = c.createJob(JobSpec.builder("gone").addFile(server.uri("/f"), out.resolve("d.bin"))
          .start(true).build());
      TestFiles.await("the first bytes", Duration.ofSeconds(20), () -> job.progress().bytesTransferred() > 500_000);
      try (Stream<Path> s = Files.list(out)) {
        for (Path p : s.toList()) {
          Files.delete(p); // the open temp file goes on receiving bytes nobody can reach
        }
      }
      Files.delete(out);
      assertThat(job.outcome().toCompletableFuture().get(30, TimeUnit.SECONDS))
          .as("the data is lost: not TRANSFERRED").isEqualTo(JobState.ERROR);
      JobError e = job.error().orElseThrow();
      assertThat(e.context()).isEqualTo(ErrorContext.LOCAL_FILE);
      assertThat(e.hresult()).isEqualTo(Hresult.E_PATH_NOT_FOUND);
    }
  }

  private static ProcessBuilder java(Class<?> main, String... args) {
    String exe = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(exe, "-Xmx64m",
        "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), main.getName()));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectErrorStream(true);
  }
}
