package io.bits4j.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int bits(String... args) {
    return BitsCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  @Test
  void runsTheSeedFlowOverWsmanAndRemovesItsTempDirectory() {
    assertThat(bits("demo", "--size", "3")).as(out + "\n" + err).isZero();
    String s = out.toString();
    assertThat(s)
        .contains("bits demo: generated 3.0 MiB")
        .containsPattern("server node: https://127\\.0\\.0\\.1:\\d+/wsman \\(compact server\\)")
        .containsPattern("client node: https://127\\.0\\.0\\.1:\\d+/wsman \\(portable client\\)")
        .containsPattern("url: http://127\\.0\\.0\\.1:\\d+/Carmine/demo\\.bin")
        .contains("demo: 3.0 MiB of 3.0 MiB (100%)")
        .containsPattern("bits demo: 3\\.0 MiB seeded over WS-Man in [0-9.]+ s \\([0-9.]+ MiB/s\\)")
        .contains("outcome:     SUCCEEDED, cleanup clean (left on the nodes: 0 URL groups, 0 jobs)")
        .containsPattern("sha256:      [0-9a-f]{64} \\(destination = source\\)")
        .contains("temp dir:    removed")
        .contains("wall time:");
    Matcher m = Pattern.compile("generated 3\\.0 MiB at (\\S+)").matcher(s);
    assertThat(m.find()).isTrue();
    assertThat(Path.of(m.group(1)).getParent().getParent()).doesNotExist();
  }

  @Test
  void keepLeavesTheFilesForInspection() throws Exception {
    assertThat(bits("demo", "--size", "1", "--keep")).as(out + "\n" + err).isZero();
    Matcher m = Pattern.compile("temp dir:    kept at (\\S+)").matcher(out.toString());
    assertThat(m.find()).as(out.toString()).isTrue();
    Path tmp = Path.of(m.group(1));
    try {
      Path source = tmp.resolve("serve/demo.bin");
      Path dest = tmp.resolve("downloads/demo.bin");
      assertThat(Files.size(source)).isEqualTo(1 << 20);
      assertThat(Files.readAllBytes(dest)).isEqualTo(Files.readAllBytes(source));
    } finally {
      DemoCommand.deleteTree(tmp);
    }
  }

  @Test
  void generatingStopsAtTheNextMibOnceAskedTo(@TempDir Path dir) {
    Path f = dir.resolve("big");
    java.util.concurrent.atomic.AtomicInteger checks = new java.util.concurrent.atomic.AtomicInteger();
    // Ctrl-C during a 16 GiB demo: the hook asks, the generation stops within a MiB
    assertThatThrownBy(() -> DemoCommand.generate(f, 16L << 30, () -> checks.incrementAndGet() > 3))
        .isInstanceOf(java.io.InterruptedIOException.class).hasMessageContaining("interrupted");
    assertThat(f.toFile().length()).isEqualTo(3L << 20);
  }

  @Test
  void generatesRandomContentOfTheExactSize(@TempDir Path dir) throws Exception {
    Path a = dir.resolve("a");
    Path b = dir.resolve("b");
    String ha = DemoCommand.generate(a, 100_003);
    String hb = DemoCommand.generate(b, 100_003);
    assertThat(Files.size(a)).isEqualTo(100_003);
    assertThat(ha).isEqualTo(DemoCommand.sha256(a)).isNotEqualTo(hb);
    byte[] bytes = Files.readAllBytes(a);
    int zeros = 0;
    for (byte x : bytes) {
      zeros += x == 0 ? 1 : 0;
    }
    assertThat(zeros).isLessThan(100_003 / 100);
  }

  @Test
  void progressNoneShowsOnlyTheSummary() {
    assertThat(bits("demo", "--size", "1", "--progress", "none")).as(out + "\n" + err).isZero();
    assertThat(out.toString()).doesNotContainPattern("(?m)^demo: ").contains("(destination = source)");
  }

  @Test
  void badSizeIsAUsageError() {
    assertThat(bits("demo", "--progress", "fancy")).isEqualTo(BitsCli.EXIT_USAGE);
    assertThat(err.toString()).contains("--progress");
    assertThat(bits("demo", "--size", "0")).isEqualTo(BitsCli.EXIT_USAGE);
    assertThat(err.toString()).contains("--size");
    assertThat(bits("demo", "--size", "lots")).isEqualTo(BitsCli.EXIT_USAGE);
  }
}
