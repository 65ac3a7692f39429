package io.bits4j.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * What one checkpoint of the portable client costs on a disk, without the network: appends
 * {@code MIB} MiB to a file and forces it ({@code fdatasync}), then writes a small state file,
 * forces it and renames it over the previous one — the disk work of one checkpoint — {@code COUNT}
 * times, and prints the percentiles of the whole step and of its two parts; once with buffered
 * writes and once with direct I/O ({@code O_DIRECT}, as the client writes where the file system
 * allows; skipped where it does not). A diagnostic for
 * {@code bench/get-bench.sh}: {@code bits get} pays this a few hundred times per GiB, {@code curl
 * -o F && sync F} once, so a run's ratio follows what this prints at the time.
 *
 * <pre>
 * java -cp bits-benchmarks/target/benchmarks.jar io.bits4j.benchmarks.FlushProbe DIR [COUNT=64] [MIB=2]
 * </pre>
 *
 * <p>Writes {@code COUNT × MIB} MiB under {@code DIR} and deletes it again.
 */
public final class FlushProbe {
  private FlushProbe() {}

  /**
   * Runs the probe and prints one line.
   *
   * @param args directory, optional count, optional MiB per step
   * @throws IOException if the directory cannot be written
   */
  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      System.err.println("usage: FlushProbe DIR [COUNT] [MIB]");
      System.exit(2);
      return;
    }
    Path dir = Files.createDirectories(Path.of(args[0]).toAbsolutePath());
    int count = args.length > 1 ? Integer.parseInt(args[1]) : 64;
    int mib = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    if (count < 1 || mib < 1 || mib > 64) {
      System.err.println("FlushProbe: COUNT >= 1 and 1 <= MIB <= 64");
      System.exit(2);
      return;
    }
    byte[] chunk = new byte[mib << 20];
    new SplittableRandom(count).nextBytes(chunk);
    probe(dir, count, mib, chunk, false);
    probe(dir, count, mib, chunk, true);
  }

  private static void probe(Path dir, int count, int mib, byte[] chunk, boolean direct) throws IOException {
    long[] data = new long[count];
    long[] state = new long[count];
    long[] step = new long[count];
    Path file = dir.resolve("flush-probe.data");
    Path stateFile = dir.resolve("flush-probe.state");
    Path stateTmp = dir.resolve("flush-probe.state.tmp");
    ByteBuffer aligned = ByteBuffer.allocateDirect(chunk.length + 8192).alignedSlice(4096);
    aligned.put(chunk);
    Files.deleteIfExists(file);
    FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE).close();
    FileChannel opened;
    try {
      opened = direct
          ? FileChannel.open(file, StandardOpenOption.WRITE, com.sun.nio.file.ExtendedOpenOption.DIRECT)
          : FileChannel.open(file, StandardOpenOption.WRITE);
    } catch (IOException | UnsupportedOperationException e) {
      System.out.println("direct I/O: not available in " + dir + " (" + e + ")");
      Files.deleteIfExists(file);
      return;
    }
    try (FileChannel ch = opened) {
      long position = 0;
      for (int i = 0; i < count; i++) {
        ByteBuffer b = direct ? aligned.clear() : ByteBuffer.wrap(chunk);
        long t0 = System.nanoTime(); // the write counts: with direct I/O it is the device's write
        while (b.hasRemaining()) {
          position += ch.write(b, position);
        }
        ch.force(false);
        long t1 = System.nanoTime();
        writeState(stateTmp, stateFile, position);
        long t2 = System.nanoTime();
        data[i] = t1 - t0;
        state[i] = t2 - t1;
        step[i] = t2 - t0;
      }
    } finally {
      Files.deleteIfExists(file);
      Files.deleteIfExists(stateFile);
      Files.deleteIfExists(stateTmp);
    }
    Percentiles all = new Percentiles(step);
    Percentiles d = new Percentiles(data);
    Percentiles s = new Percentiles(state);
    System.out.printf(Locale.ROOT,
        "%-8s %d x (write %d MiB + fdatasync, state file + fsync + rename): step p50 %.2f p90 %.2f max %.2f ms"
            + " (data p50 %.2f, state p50 %.2f); %.0f ms in all%n",
        direct ? "direct" : "buffered", count, mib, ms(all.at(50)), ms(all.at(90)), ms(all.at(100)), ms(d.at(50)), ms(s.at(50)),
        ms(all.totalNanos()));
  }

  /** Like the portable client's state store: write a temporary file, force it, rename it into place. */
  private static void writeState(Path tmp, Path target, long offset) throws IOException {
    byte[] bytes = ("# flush probe\noffset=" + offset + "\n").getBytes(StandardCharsets.US_ASCII);
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      while (b.hasRemaining()) {
        ch.write(b);
      }
      ch.force(true);
    }
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }
}
