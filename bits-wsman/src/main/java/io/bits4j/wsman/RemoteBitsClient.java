package io.bits4j.wsman;

import io.bits4j.BitsClient;
import io.bits4j.BitsException;
import io.bits4j.ClientCapability;
import io.bits4j.ClientJob;
import io.bits4j.Credentials;
import io.bits4j.ErrorContext;
import io.bits4j.Hresult;
import io.bits4j.JobId;
import io.bits4j.JobPriority;
import io.bits4j.JobSpec;
import io.bits4j.JobState;
import io.bits4j.ProxySettings;
import io.bits4j.wsman.internal.Ns;
import io.bits4j.wsman.internal.RemoteClientJob;
import io.bits4j.wsman.internal.WsmanClient;
import io.bits4j.wsman.internal.XmlElement;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The BITS client of a remote node (or of a Windows machine with the BITS WMI provider), driven
 * over WS-Management through the WMI class {@code BitsClientJob}. Get one from {@link
 * WsmanSession#bitsClient()}.
 *
 * <pre>{@code
 * BitsClient client = session.bitsClient();
 * ClientJob job = client.createJob(JobSpec.builder("image")
 *     .addFile(URI.create("https://server1:8443/Carmine/disk.vhd"), Path.of("/data/disk.vhd"))
 *     .start(true).build());
 * JobState s = job.outcome().toCompletableFuture().join();   // polls the node
 * }</pre>
 *
 * <p>{@link #createJob} creates the job suspended ({@code CreateJob} with {@code Suspend=true}),
 * applies the spec's further files and settings, then resumes it if the spec says so; if a step
 * fails the job is cancelled and the failure thrown. Destination paths are paths on the target; a
 * bits4j node accepts only paths under its download root (E_ACCESSDENIED otherwise).
 *
 * <p>Notifications: {@link ClientJob#addListener listeners} and {@link ClientJob#outcome()} work
 * by polling (the session's poll interval and scheduler); listeners are called from the session's
 * notification thread. {@link #capabilities()} never includes {@link
 * ClientCapability#PUSH_NOTIFICATIONS}; against a Windows target it excludes the bits4j
 * extensions (custom headers, KeyStore client certificates). {@link #close()} releases this proxy
 * only — nothing on the target — and is idempotent; afterwards the proxy and the jobs obtained
 * through it throw {@link IllegalStateException}. Thread-safe.
 */
public final class RemoteBitsClient implements BitsClient {
  private static final Set<ClientCapability> WINDOWS = Set.copyOf(EnumSet.of(ClientCapability.SUSPEND,
      ClientCapability.STORE_CLIENT_CERTIFICATE, ClientCapability.PROXY_OVERRIDE, ClientCapability.BASIC_CREDENTIALS,
      ClientCapability.DIGEST_CREDENTIALS, ClientCapability.WINDOWS_CREDENTIALS, ClientCapability.PERSISTENT_JOBS));

  private final WsmanSession session;
  private volatile @org.jspecify.annotations.Nullable Set<ClientCapability> capabilities;
  private volatile boolean closed;

  RemoteBitsClient(WsmanSession session) {
    this.session = session;
  }

  private WsmanClient client() {
    if (closed) {
      throw new IllegalStateException("RemoteBitsClient closed");
    }
    return session.client();
  }

  private RemoteClientJob proxy(JobId id) {
    return new RemoteClientJob(client(), session::isBits4j, id, session.scheduler(), session.pollInterval(),
        session.notifier(), this::isClosed);
  }

  /** True once {@link #close()} was called. */
  boolean isClosed() {
    return closed;
  }

  @Override
  public ClientJob createJob(JobSpec spec) {
    Objects.requireNonNull(spec, "spec");
    if (spec.files().isEmpty() && !session.isBits4j()) {
      // the Windows provider's CreateJob takes the first file's RemoteUrl and LocalFile as required
      // parameters: refused here with a clear error rather than by the target with a fault
      throw new BitsException(Hresult.E_INVALIDARG,
          "a Windows target creates a job with its first file: give the JobSpec at least one file");
    }
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("DisplayName", spec.displayName());
    if (!spec.files().isEmpty()) {
      p.put("RemoteUrl", spec.files().get(0).remoteUrl().toString());
      p.put("LocalFile", spec.files().get(0).localFile().toString());
    }
    p.put("Suspend", true);
    if (!spec.description().isEmpty()) {
      p.put("Description", spec.description());
    }
    WsmanClient.Output o = client().invoke(Ns.JOB_URI, "CreateJob", Map.of(), p).check("CreateJob");
    JobId id = replyJobId(o.string("JobId")
        .orElseThrow(() -> new BitsException(Hresult.E_FAIL, "CreateJob returned no JobId")));
    RemoteClientJob job = proxy(id);
    try {
      for (int i = 1; i < spec.files().size(); i++) {
        job.addFile(spec.files().get(i).remoteUrl(), spec.files().get(i).localFile());
      }
      if (spec.priority() != JobPriority.NORMAL) {
        job.setPriority(spec.priority());
      }
      if (!spec.minimumRetryDelay().equals(JobSpec.DEFAULT_MINIMUM_RETRY_DELAY)) {
        job.setMinimumRetryDelay(spec.minimumRetryDelay());
      }
      if (!spec.noProgressTimeout().equals(JobSpec.DEFAULT_NO_PROGRESS_TIMEOUT)) {
        job.setNoProgressTimeout(spec.noProgressTimeout());
      }
      for (Credentials c : spec.credentials()) {
        job.setCredentials(c);
      }
      spec.clientCertificate().ifPresent(job::setClientCertificate);
      if (!spec.proxy().equals(ProxySettings.PRECONFIG)) {
        job.setProxy(spec.proxy());
      }
      if (!spec.customHeaders().isEmpty()) {
        job.setCustomHeaders(spec.customHeaders());
      }
      if (spec.start()) {
        job.resume();
      }
    } catch (RuntimeException e) {
      try {
        job.cancel();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    return job;
  }

  @Override
  public Optional<ClientJob> findJob(JobId id) {
    Objects.requireNonNull(id, "id");
    try {
      XmlElement e = client().get(Ns.JOB_URI, Map.of("JobId", id.toString()));
      JobState s = RemoteClientJob.parse(e).state();
      return s.isFinal() ? Optional.empty() : Optional.of(proxy(id));
    } catch (WsmanClient.FaultException e) {
      if (e.isNotFound()) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /**
   * A job id read from a reply: a malformed one is the target's fault, reported as E_FAIL (not
   * as {@link JobId#parse}'s E_INVALIDARG, which would blame the caller's arguments).
   */
  private JobId replyJobId(String text) {
    try {
      return JobId.parse(text);
    } catch (BitsException e) {
      throw new BitsException(Hresult.E_FAIL, ErrorContext.NONE, "the target replied with a malformed job id: " + text, e);
    }
  }

  @Override
  public List<ClientJob> jobs() {
    List<ClientJob> out = new ArrayList<>();
    for (XmlElement e : client().enumerate(Ns.JOB_URI)) {
      String id = WsmanClient.properties(e).get("jobid");
      if (id != null && !RemoteClientJob.parse(e).state().isFinal()) {
        out.add(proxy(replyJobId(id)));
      }
    }
    return out;
  }

  @Override
  public Set<ClientCapability> capabilities() {
    Set<ClientCapability> c = capabilities;
    if (c == null) {
      if (session.isBits4j()) {
        EnumSet<ClientCapability> s = EnumSet.noneOf(ClientCapability.class);
        for (String name : client().invoke(Ns.JOB_URI, "bits4j_GetCapabilities", Map.of(), Map.of())
            .check("bits4j_GetCapabilities").strings("Capability")) {
          try {
            s.add(ClientCapability.valueOf(name.strip()));
          } catch (IllegalArgumentException ignored) {
            // a capability this version does not know
          }
        }
        s.remove(ClientCapability.PUSH_NOTIFICATIONS);
        c = Set.copyOf(s);
      } else {
        c = WINDOWS;
      }
      capabilities = c;
    }
    return c;
  }

  /**
   * Releases this proxy only; idempotent. Nothing on the target changes: the node's jobs stay and
   * keep running. Afterwards {@link #createJob}, {@link #findJob} and {@link #jobs()} throw
   * {@link IllegalStateException}, and so do the methods of the jobs obtained through this proxy
   * (but {@link ClientJob#id()}); their pending {@link ClientJob#outcome()} stages fail with
   * E_CANCELLED. {@link #capabilities()} answers only if it was asked before. The session stays
   * open, and {@link WsmanSession#bitsClient()} hands out a new proxy.
   */
  @Override
  public void close() {
    closed = true; // the session owns the connection
  }

  @Override
  public String toString() {
    return "RemoteBitsClient[" + session.endpoint() + "]";
  }
}
