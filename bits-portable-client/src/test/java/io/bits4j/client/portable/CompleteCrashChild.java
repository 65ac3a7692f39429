package io.bits4j.client.portable;

import io.bits4j.ClientJob;
import io.bits4j.JobSpec;
import io.bits4j.JobState;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The child JVM of {@link StateRecoveryTest}'s crash during {@code complete()}: with no job in the
 * state directory it downloads {@code count} files into {@code destDir}, prints READY and, once
 * its standard input gives a line, completes the job (the parent kills it meanwhile); with a job it
 * completes that one. Prints the complete status, then DONE.
 */
public final class CompleteCrashChild {
  private CompleteCrashChild() {}

  public static void main(String[] args) throws Exception {
    Path stateDir = Path.of(args[0]);
    URI url = URI.create(args[1]);
    Path destDir = Path.of(args[2]);
    int count = Integer.parseInt(args[3]);
    try (PortableBitsClient client = PortableBitsClient.builder().stateDirectory(stateDir).build()) {
      ClientJob job;
      if (client.jobs().isEmpty()) {
        JobSpec.Builder b = JobSpec.builder("complete-crash").start(true);
        for (int i = 0; i < count; i++) {
          b.addFile(url, destDir.resolve("f" + i));
        }
        job = client.createJob(b.build());
        JobState s = job.outcome().toCompletableFuture().join();
        if (s != JobState.TRANSFERRED) {
          System.out.println("FAILED " + s + " " + job.error());
          System.exit(3);
        }
        System.out.println("READY");
        System.out.flush();
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
      } else {
        job = client.jobs().get(0);
      }
      System.out.println("STATUS " + job.complete());
      System.out.println("DONE");
    }
  }
}
