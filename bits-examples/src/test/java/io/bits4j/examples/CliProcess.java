package io.bits4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The command line run as a child JVM on this test class path, its merged output collected by a
 * thread: {@link #await} polls it with a deadline, never a sleep.
 */
final class CliProcess {
  static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(60);

  final Process process;
  private final StringBuilder text = new StringBuilder();
  private final Thread reader;

  /** Starts {@code bits ARGS…}. */
  static CliProcess start(String... args) throws IOException {
    return new CliProcess(command(args).start());
  }

  /** The command line for {@code bits ARGS…}, to adjust (environment, stdin) before starting it. */
  static ProcessBuilder command(String... args) {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), BitsCli.class.getName()));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectErrorStream(true);
  }

  /** Collects the output of a process started from {@link #command}. */
  CliProcess(Process p) {
    process = p;
    reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          synchronized (text) {
            text.append(line).append('\n');
            text.notifyAll();
          }
        }
      } catch (IOException e) {
        synchronized (text) {
          text.append(e).append('\n');
        }
      }
    }, "bits-output");
    reader.setDaemon(true);
    reader.start();
  }

  /** Waits until the output so far satisfies {@code until}; fails after {@link #DEADLINE_NANOS}. */
  String await(Predicate<String> until) throws InterruptedException {
    long end = System.nanoTime() + DEADLINE_NANOS;
    synchronized (text) {
      while (!until.test(text.toString())) {
        long left = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime());
        assertThat(left).as("waiting; output so far:%n%s", text).isPositive();
        text.wait(left);
      }
      return text.toString();
    }
  }

  /** The output so far. */
  String output() {
    synchronized (text) {
      return text.toString();
    }
  }

  /** All the output, once the process has closed it. */
  String all() throws InterruptedException {
    reader.join(TimeUnit.NANOSECONDS.toMillis(DEADLINE_NANOS));
    return output();
  }

  /** The exit code; fails if the process has not ended within 60 s. */
  int exitCode() throws InterruptedException {
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exited; output:%n%s", output()).isTrue();
    return process.exitValue();
  }

  /**
   * Sends a signal with the shell's built-in kill (procps' kill(1) is not on every machine):
   * Process.destroy() would also close the output being read.
   */
  void signal(String name) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("sh", "-c", "kill -" + name + " " + process.pid()).inheritIO().start();
    assertThat(kill.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(kill.exitValue()).isZero();
  }

  static int freePort() {
    return io.bits4j.testkit.LoopbackPorts.next(); // never the same port twice in this JVM
  }
}
