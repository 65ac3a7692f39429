package io.bits4j.client.portable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bits4j.BitsException;
import io.bits4j.Hresult;
import io.bits4j.client.portable.internal.StateStoreAccess;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue point 4: a child JVM downloading 256 MiB is killed with SIGKILL at random moments 20 times;
 * after each restart the job resumes from its durable offset, the state file is always readable,
 * at most the durability interval (4 MiB) lies on disk beyond the durable offset, and the result
 * equals the source. Kills alternate between direct and buffered writes (each resumes the other's
 * file). Reported: bytes on disk beyond the durable offset per kill, and what the server sent that
 * did not become durable (an upper bound of what is downloaded again: it includes bytes still in
 * the sockets' buffers and, with direct writes, bytes staged in memory at the kill).
 * While a child runs, this process cannot open its state directory (the lock file).
 */
class CrashHarnessTest {
  static final long SIZE = 256L << 20;
  static final int KILLS = 20;
  static final long DURABILITY_BYTES = PortableBitsClient.Builder.DEFAULT_DURABILITY_BYTES;

  @TempDir Path tmp;

  @Test
  void survivesTwentySigkills() throws Exception {
    Path source = TestFiles.generate(tmp.resolve("source.bin"), SIZE, 42);
    String sourceHash = TestFiles.sha256(source);
    Path state = tmp.resolve("state");
    Path dest = tmp.resolve("dest.bin");
    long seed = System.nanoTime();
    Random random = new Random(seed);
    List<Long> redownload = new ArrayList<>();
    List<Long> wasted = new ArrayList<>();
    List<Long> offsets = new ArrayList<>();
    try (TestServer server = new TestServer(source)) {
      server.bytesPerSecond = 48L << 20;
      long expectedStart = 0;
      for (int kill = 0; kill < KILLS; kill++) {
        int getsBefore = server.gets().size();
        long sentBefore = server.bodyBytes.get();
        Process p = child(state, server, dest, kill);
        try {
          TestFiles.await("the child's GET (kill " + kill + ", seed " + seed + ")", Duration.ofSeconds(30),
              () -> server.gets().size() > getsBefore || !p.isAlive());
          assertThat(p.isAlive()).as("child alive at kill %d (seed %d)", kill, seed).isTrue();
          TestServer.Request get = server.gets().get(getsBefore);
          String range = get.header("range");
          assertThat(range == null ? 0 : Long.parseLong(range.substring(6, range.length() - 1)))
              .as("resumed from the durable offset after kill %d", kill).isEqualTo(expectedStart);
          if (kill == 0) {
            // the child holds the state directory: another process cannot open it
            assertThatThrownBy(() -> PortableBitsClient.builder().stateDirectory(state).build())
                .isInstanceOf(BitsException.class)
                .extracting(e -> ((BitsException) e).hresult()).isEqualTo(Hresult.E_SHARING_VIOLATION);
          }
          Thread.sleep(20 + random.nextInt(280)); // the random moment of the kill
        } finally {
          p.destroyForcibly();
          assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        Properties props = StateStoreAccess.readOnly(state);
        assertThat(props).as("state file readable after kill %d", kill).isNotNull();
        long durable = Long.parseLong(props.getProperty("file.0.offset"));
        Path temp = Path.of(props.getProperty("file.0.temp"));
        long onDisk = Files.exists(temp) ? Files.size(temp) : 0;
        assertThat(durable).isLessThanOrEqualTo(onDisk);
        assertThat(onDisk - durable).as("bytes to download again after kill %d", kill)
            .isLessThan(DURABILITY_BYTES);
        assertThat(prefixMatches(temp, source, durable)).as("durable bytes equal the source").isTrue();
        redownload.add(onDisk - durable);
        wasted.add(server.bodyBytes.get() - sentBefore - (durable - expectedStart));
        offsets.add(durable);
        expectedStart = durable;
      }
      Process last = child(state, server, dest, KILLS);
      assertThat(last.waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(last.exitValue()).as(Files.readString(tmp.resolve("child-" + KILLS + ".log"))).isZero();
      assertThat(Files.readString(tmp.resolve("child-" + KILLS + ".log"))).contains("DONE");
      assertThat(TestFiles.sha256(dest)).isEqualTo(sourceHash);
      long maxRedownload = redownload.stream().mapToLong(Long::longValue).max().orElse(0);
      long sumRedownload = redownload.stream().mapToLong(Long::longValue).sum();
      System.out.printf("crash harness (seed %d): durable offsets %s; on disk beyond the durable offset per kill"
              + " max %d B, total %d B; sent by the server and not durable at the kill, per kill %s B;"
              + " server sent %d B for a %d B file%n",
          seed, offsets, maxRedownload, sumRedownload, wasted, server.bodyBytes.get(), SIZE);
      assertThat(offsets.get(offsets.size() - 1)).isGreaterThan(0);
    }
    try (Stream<Path> s = Files.list(tmp)) {
      assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
    }
  }

  private Process child(Path state, TestServer server, Path dest, int n) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-Xmx128m", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), CrashChild.class.getName(),
        state.toString(), server.uri("/big").toString(), dest.toString(), n % 2 == 0 ? "direct" : "buffered");
    pb.redirectErrorStream(true);
    pb.redirectOutput(tmp.resolve("child-" + n + ".log").toFile());
    return pb.start();
  }

  /** Compares the last 64 KiB before {@code upTo} (and the first 64 KiB) with the source. */
  private static boolean prefixMatches(Path temp, Path source, long upTo) throws IOException {
    if (upTo == 0) {
      return true;
    }
    try (RandomAccessFile a = new RandomAccessFile(temp.toFile(), "r");
        RandomAccessFile b = new RandomAccessFile(source.toFile(), "r")) {
      for (long start : new long[] {0, Math.max(0, upTo - 65536)}) {
        int len = (int) Math.min(65536, upTo - start);
        byte[] x = new byte[len];
        byte[] y = new byte[len];
        a.seek(start);
        a.readFully(x);
        b.seek(start);
        b.readFully(y);
        if (!java.util.Arrays.equals(x, y)) {
          return false;
        }
      }
    }
    return true;
  }
}
