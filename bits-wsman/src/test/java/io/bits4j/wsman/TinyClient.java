package io.bits4j.wsman;

import io.bits4j.AuthTarget;
import io.bits4j.BitsClient;
import io.bits4j.BitsException;
import io.bits4j.ClientCapability;
import io.bits4j.ClientCertificate;
import io.bits4j.ClientJob;
import io.bits4j.CompleteStatus;
import io.bits4j.CredentialScheme;
import io.bits4j.Credentials;
import io.bits4j.ErrorContext;
import io.bits4j.Hresult;
import io.bits4j.JobError;
import io.bits4j.JobFile;
import io.bits4j.JobId;
import io.bits4j.JobListener;
import io.bits4j.JobPriority;
import io.bits4j.JobProgress;
import io.bits4j.JobSpec;
import io.bits4j.JobState;
import io.bits4j.JobTimes;
import io.bits4j.JobType;
import io.bits4j.ProxySettings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A small in-memory BitsClient for the endpoint's tests: a resumed job reports TRANSFERRING for
 * {@code readsUntilTransferred} state reads, then TRANSFERRED (100 bytes a file); {@link #fail}
 * puts a job in ERROR. Records credentials and certificates it was given.
 */
final class TinyClient implements BitsClient {
  final Map<JobId, Job> jobs = new LinkedHashMap<>();
  int readsUntilTransferred = 2;

  @Override
  public synchronized ClientJob createJob(JobSpec spec) {
    Job j = new Job(spec);
    jobs.put(j.id, j);
    if (spec.start()) {
      j.resume();
    }
    return j;
  }

  @Override
  public synchronized Optional<ClientJob> findJob(JobId id) {
    Job j = jobs.get(id);
    return j == null || j.state.isFinal() ? Optional.empty() : Optional.of(j);
  }

  @Override
  public synchronized List<ClientJob> jobs() {
    List<ClientJob> out = new ArrayList<>();
    for (Job j : jobs.values()) {
      if (!j.state.isFinal()) {
        out.add(j);
      }
    }
    return out;
  }

  @Override
  public Set<ClientCapability> capabilities() {
    return Set.copyOf(EnumSet.complementOf(EnumSet.of(ClientCapability.PUSH_NOTIFICATIONS,
        ClientCapability.WINDOWS_CREDENTIALS)));
  }

  @Override
  public void close() {}

  void fail(ClientJob job, int hresult) {
    synchronized (this) {
      Job j = (Job) job;
      j.state = JobState.ERROR;
      j.error = JobError.of(hresult, ErrorContext.REMOTE_FILE, j.files.get(0).remoteUrl(), j.files.get(0).localFile());
    }
  }

  final class Job implements ClientJob {
    final JobId id = JobId.random();
    String name;
    String description;
    JobPriority priority;
    JobState state = JobState.SUSPENDED;
    final List<JobFile> files = new ArrayList<>();
    final List<Credentials> credentials = new ArrayList<>();
    ClientCertificate certificate;
    ProxySettings proxy = ProxySettings.PRECONFIG;
    Duration retry;
    Duration noProgress;
    Map<String, String> headers = Map.of();
    JobError error;
    int reads;
    final Instant created = Instant.parse("2026-01-02T03:04:05Z");

    Job(JobSpec spec) {
      name = spec.displayName();
      description = spec.description();
      priority = spec.priority();
      retry = spec.minimumRetryDelay();
      noProgress = spec.noProgressTimeout();
      for (JobSpec.FileSpec f : spec.files()) {
        files.add(JobFile.pending(f.remoteUrl(), f.localFile()));
      }
      credentials.addAll(spec.credentials());
      headers = spec.customHeaders();
    }

    private void live() {
      if (state.isFinal()) {
        throw new BitsException(Hresult.BG_E_INVALID_STATE, "final");
      }
    }

    @Override
    public JobId id() {
      return id;
    }

    @Override
    public String displayName() {
      return name;
    }

    @Override
    public String description() {
      return description;
    }

    @Override
    public JobType type() {
      return JobType.DOWNLOAD;
    }

    @Override
    public JobPriority priority() {
      return priority;
    }

    @Override
    public JobState state() {
      synchronized (TinyClient.this) {
        if (state == JobState.TRANSFERRING && ++reads >= readsUntilTransferred) {
          state = JobState.TRANSFERRED;
          files.replaceAll(f -> new JobFile(f.remoteUrl(), f.localFile(), 100, 100, true));
        }
        return state;
      }
    }

    @Override
    public JobProgress progress() {
      synchronized (TinyClient.this) {
        long total = 0;
        long done = 0;
        int complete = 0;
        boolean known = true;
        for (JobFile f : files) {
          known &= f.bytesTotal() >= 0;
          total += Math.max(0, f.bytesTotal());
          done += f.bytesTransferred();
          complete += f.completed() ? 1 : 0;
        }
        return new JobProgress(known ? total : JobProgress.UNKNOWN, done, files.size(), complete);
      }
    }

    @Override
    public List<JobFile> files() {
      synchronized (TinyClient.this) {
        return List.copyOf(files);
      }
    }

    @Override
    public JobTimes times() {
      return new JobTimes(created, created.plusSeconds(1),
          state == JobState.TRANSFERRED ? Optional.of(created.plusSeconds(2)) : Optional.empty());
    }

    @Override
    public Optional<JobError> error() {
      return state == JobState.ERROR ? Optional.ofNullable(error) : Optional.empty();
    }

    @Override
    public int transientErrorCount() {
      return 0;
    }

    @Override
    public String owner() {
      return "tiny";
    }

    @Override
    public Duration minimumRetryDelay() {
      return retry;
    }

    @Override
    public Duration noProgressTimeout() {
      return noProgress;
    }

    @Override
    public Map<String, String> customHeaders() {
      return headers;
    }

    @Override
    public void addFile(URI remoteUrl, Path localFile) {
      synchronized (TinyClient.this) {
        live();
        files.add(JobFile.pending(JobSpec.checkRemoteUrl(remoteUrl), JobSpec.checkLocalFile(localFile)));
      }
    }

    @Override
    public void setDisplayName(String displayName) {
      name = displayName;
    }

    @Override
    public void setDescription(String d) {
      description = d;
    }

    @Override
    public void setPriority(JobPriority p) {
      priority = p;
    }

    @Override
    public void setMinimumRetryDelay(Duration delay) {
      retry = JobSpec.normalizeRetryDelay(delay);
    }

    @Override
    public void setNoProgressTimeout(Duration timeout) {
      noProgress = timeout;
    }

    @Override
    public void setCredentials(Credentials c) {
      if (c.scheme() == CredentialScheme.NTLM || c.scheme() == CredentialScheme.NEGOTIATE
          || c.scheme() == CredentialScheme.PASSPORT) {
        throw new BitsException(Hresult.E_NOTIMPL, "Windows only");
      }
      credentials.removeIf(x -> x.target() == c.target() && x.scheme() == c.scheme());
      credentials.add(c);
    }

    @Override
    public void removeCredentials(AuthTarget target, CredentialScheme scheme) {
      credentials.removeIf(x -> x.target() == target && x.scheme() == scheme);
    }

    @Override
    public void setClientCertificate(ClientCertificate c) {
      certificate = c;
    }

    @Override
    public void removeClientCertificate() {
      certificate = null;
    }

    @Override
    public void setProxy(ProxySettings p) {
      proxy = p;
    }

    @Override
    public void setCustomHeaders(Map<String, String> h) {
      headers = Map.copyOf(h);
    }

    @Override
    public void resume() {
      synchronized (TinyClient.this) {
        live();
        if (files.isEmpty()) {
          throw new BitsException(Hresult.BG_E_EMPTY, "no files");
        }
        if (state != JobState.TRANSFERRED) {
          state = JobState.TRANSFERRING;
          reads = 0;
        }
      }
    }

    @Override
    public void suspend() {
      synchronized (TinyClient.this) {
        live();
        state = JobState.SUSPENDED;
      }
    }

    @Override
    public CompleteStatus complete() {
      synchronized (TinyClient.this) {
        live();
        boolean all = files.stream().allMatch(JobFile::completed);
        state = JobState.ACKNOWLEDGED;
        return all ? CompleteStatus.COMPLETE : CompleteStatus.PARTIAL_COMPLETE;
      }
    }

    @Override
    public void cancel() {
      synchronized (TinyClient.this) {
        live();
        state = JobState.CANCELLED;
      }
    }

    @Override
    public void addListener(JobListener listener) {}

    @Override
    public void removeListener(JobListener listener) {}

    @Override
    public CompletionStage<JobState> outcome() {
      return new CompletableFuture<>();
    }
  }
}
