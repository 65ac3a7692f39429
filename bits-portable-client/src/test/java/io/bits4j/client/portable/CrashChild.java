package io.bits4j.client.portable;

import io.bits4j.ClientJob;
import io.bits4j.JobSpec;
import io.bits4j.JobState;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * The child JVM of {@link CrashHarnessTest}: opens a portable client on a state directory, creates
 * the download job if there is none (else the client resumes the persisted one), waits for it and
 * completes it. Prints DONE on success. A fourth argument {@code buffered} turns direct writes off
 * (the harness alternates, so each way resumes what the other wrote).
 */
public final class CrashChild {
  private CrashChild() {}

  public static void main(String[] args) throws Exception {
    Path stateDir = Path.of(args[0]);
    URI url = URI.create(args[1]);
    Path dest = Path.of(args[2]);
    boolean direct = args.length < 4 || !args[3].equals("buffered");
    try (PortableBitsClient client = PortableBitsClient.builder().stateDirectory(stateDir)
        .directWrites(direct).build()) {
      List<ClientJob> jobs = client.jobs();
      ClientJob job = jobs.isEmpty()
          ? client.createJob(JobSpec.builder("crash").addFile(url, dest).start(true).build())
          : jobs.get(0);
      System.out.println("JOB " + job.id() + " " + job.state());
      JobState s = job.outcome().toCompletableFuture().join();
      if (s != JobState.TRANSFERRED) {
        System.out.println("FAILED " + s + " " + job.error());
        System.exit(3);
      }
      job.complete();
      System.out.println("DONE");
    }
  }
}
