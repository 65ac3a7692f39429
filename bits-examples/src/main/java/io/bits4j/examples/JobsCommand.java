package io.bits4j.examples;

import io.bits4j.BitsException;
import io.bits4j.ClientJob;
import io.bits4j.CompleteStatus;
import io.bits4j.Hresult;
import io.bits4j.JobFile;
import io.bits4j.JobId;
import io.bits4j.client.portable.PortableBitsClient;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code bits jobs}: lists the portable client's persisted jobs. */
@Command(name = "jobs", description = "List the jobs in the portable client's state directory.")
final class JobsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ClientOptions client = new ClientOptions();

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (!java.nio.file.Files.exists(client.stateDirectory())) {
      // listing creates nothing: a mistyped --state-dir says so instead of becoming a new, empty one
      out.println("no jobs: " + client.stateDirectory() + " does not exist");
      return 0;
    }
    try (PortableBitsClient bits = client.open(false)) {
      List<ClientJob> jobs = bits.jobs();
      // The progress column is as wide as its widest entry, so that the names line up.
      int width = jobs.stream().mapToInt(j -> GetCommand.progressLine(j.progress()).length()).max().orElse(0);
      for (ClientJob j : jobs) {
        out.printf("%s  %-15s %-" + width + "s  %s%n", j.id(), j.state(), GetCommand.progressLine(j.progress()),
            j.displayName());
        for (JobFile f : j.files()) {
          out.printf("    %s -> %s%s%n", f.remoteUrl(), f.localFile(), f.completed() ? " (done)" : "");
        }
        j.error().ifPresent(e -> out.println("    error: " + Hresult.describe(e.hresult()) + " [context " + e.context() + "]"));
      }
      if (jobs.isEmpty()) {
        out.println("no jobs in " + client.stateDirectory());
      }
    }
    return 0;
  }

  /** One job-control action: cancel, complete, resume or suspend. */
  abstract static class Control implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions client = new ClientOptions();

    @Parameters(index = "0", paramLabel = "JOBID", description = "The job id, with or without braces.")
    String jobId = "";

    abstract String act(ClientJob job);

    @Override
    public Integer call() {
      JobId id = JobId.parse(jobId);
      if (!java.nio.file.Files.exists(client.stateDirectory())) {
        throw new BitsException(Hresult.BG_E_NOT_FOUND, "no job " + id + ": the state directory "
            + client.stateDirectory() + " does not exist (see --state-dir)");
      }
      try (PortableBitsClient bits = client.open(false)) {
        ClientJob job = bits.job(id);
        spec.commandLine().getOut().println(id + ": " + act(job));
      }
      return 0;
    }
  }

  /** {@code bits cancel JOBID}. */
  @Command(name = "cancel", description = "Cancel a job: its temporary files are deleted.")
  static final class Cancel extends Control {
    @Override
    String act(ClientJob job) {
      job.cancel();
      return "cancelled";
    }
  }

  /** {@code bits complete JOBID}. */
  @Command(name = "complete", description = "Complete a job: its transferred files appear under their names.")
  static final class Complete extends Control {
    @Override
    String act(ClientJob job) {
      CompleteStatus s = job.complete();
      return s == CompleteStatus.COMPLETE ? "completed" : "completed: " + Hresult.describe(s.hresult());
    }
  }

  /** {@code bits resume JOBID}. */
  @Command(name = "resume", description = "Resume a suspended or failed job; it transfers the next time a client runs on this state directory ('bits get URL DEST' for the same URL and destination).")
  static final class Resume extends Control {
    @Override
    String act(ClientJob job) {
      job.resume();
      return "resumed (" + job.state() + ")";
    }
  }

  /** {@code bits suspend JOBID}. */
  @Command(name = "suspend", description = "Suspend a job.")
  static final class Suspend extends Control {
    @Override
    String act(ClientJob job) {
      job.suspend();
      return "suspended";
    }
  }
}
