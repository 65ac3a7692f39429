package io.bits4j;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What one transfer does: publish a source file on the server and download it to one or more
 * clients. Immutable; build with {@link #builder(Path, UrlPrefix)}.
 *
 * <pre>{@code
 * TransferPlan plan = TransferPlan.builder(Path.of("/srv/image.vhd"), UrlPrefix.parse("http://+:8080/Carmine"))
 *     .hostName("server1.example")
 *     .target("client-a", Path.of("/data/image.vhd"))
 *     .transientErrorPolicy(TransientErrorPolicy.cancelAtFirst())
 *     .deadline(Duration.ofHours(2))
 *     .build();
 * }</pre>
 */
public final class TransferPlan {
  /**
   * One download: a client (by the name it was given to the {@link Controller}) and where the file
   * goes there.
   *
   * @param client the client's name
   * @param destination the absolute destination path on that client
   */
  public record Target(String client, Path destination) {
    /** Validates. */
    public Target {
      Objects.requireNonNull(client, "client");
      JobSpec.checkLocalFile(destination);
    }
  }

  private final Path source;
  private final UrlPrefix prefix;
  private final @Nullable String suffix;
  private final String hostName;
  private final AccessPolicy access;
  private final Set<AuthScheme> authentication;
  private final List<Target> targets;
  private final @Nullable Credentials credentials;
  private final @Nullable ClientCertificate clientCertificate;
  private final @Nullable ProxySettings proxy;
  private final JobPriority priority;
  private final @Nullable Duration minimumRetryDelay;
  private final @Nullable Duration noProgressTimeout;
  private final int maxConcurrentJobs;
  private final TransientErrorPolicy transientErrorPolicy;
  private final @Nullable Duration deadline;
  private final String displayName;
  private final boolean removeGroupIfCreated;

  private TransferPlan(Builder b) {
    source = b.source;
    prefix = b.prefix;
    suffix = b.suffix;
    hostName = b.hostName != null ? b.hostName : b.prefix.host();
    access = b.access;
    authentication = Set.copyOf(b.authentication);
    targets = List.copyOf(b.targets);
    credentials = b.credentials;
    clientCertificate = b.clientCertificate;
    proxy = b.proxy;
    priority = b.priority;
    minimumRetryDelay = b.minimumRetryDelay;
    noProgressTimeout = b.noProgressTimeout;
    maxConcurrentJobs = b.maxConcurrentJobs;
    transientErrorPolicy = b.transientErrorPolicy;
    deadline = b.deadline;
    displayName = b.displayName;
    removeGroupIfCreated = b.removeGroupIfCreated;
  }

  /** A builder for publishing {@code source} under {@code prefix}. */
  public static Builder builder(Path source, UrlPrefix prefix) {
    return new Builder(source, prefix);
  }

  /** The file to publish (a path on the server's machine). */
  public Path source() {
    return source;
  }

  /** The URL group to publish it in (created if absent). */
  public UrlPrefix prefix() {
    return prefix;
  }

  /**
   * The URL suffix; empty means the controller picks {@code <transferId>/<file name>}, which
   * carries the transfer id so that a later controller can find what a crashed one left.
   */
  public Optional<String> suffix() {
    return Optional.ofNullable(suffix);
  }

  /** The host name clients use in the URL. */
  public String hostName() {
    return hostName;
  }

  /** Who may download the URL. */
  public AccessPolicy access() {
    return access;
  }

  /** Authentication schemes to enable on the group (none: leave the group as it is). */
  public Set<AuthScheme> authentication() {
    return authentication;
  }

  /** The downloads, in start order. */
  public List<Target> targets() {
    return targets;
  }

  /** Credentials every job gets. */
  public Optional<Credentials> credentials() {
    return Optional.ofNullable(credentials);
  }

  /** The client certificate every job gets. */
  public Optional<ClientCertificate> clientCertificate() {
    return Optional.ofNullable(clientCertificate);
  }

  /** Proxy settings every job gets (empty: the client's default). */
  public Optional<ProxySettings> proxy() {
    return Optional.ofNullable(proxy);
  }

  /** The jobs' priority. */
  public JobPriority priority() {
    return priority;
  }

  /** The jobs' minimum retry delay (empty: BITS's default). */
  public Optional<Duration> minimumRetryDelay() {
    return Optional.ofNullable(minimumRetryDelay);
  }

  /** The jobs' no-progress timeout (empty: BITS's default). */
  public Optional<Duration> noProgressTimeout() {
    return Optional.ofNullable(noProgressTimeout);
  }

  /** At most this many jobs exist at once (further capped by the group's connection limit). */
  public int maxConcurrentJobs() {
    return maxConcurrentJobs;
  }

  /** When to give up on a job with transient errors. */
  public TransientErrorPolicy transientErrorPolicy() {
    return transientErrorPolicy;
  }

  /** The whole transfer's deadline, from its start; empty for none. */
  public Optional<Duration> deadline() {
    return Optional.ofNullable(deadline);
  }

  /** The jobs' display name. */
  public String displayName() {
    return displayName;
  }

  /** True if cleanup deletes the group when this transfer created it and it is now empty. */
  public boolean removeGroupIfCreated() {
    return removeGroupIfCreated;
  }

  @Override
  public String toString() {
    return "TransferPlan[" + source + " -> " + prefix + ", " + targets.size() + " target(s)]";
  }

  /** Builds a {@link TransferPlan}; not thread-safe. */
  public static final class Builder {
    private final Path source;
    private final UrlPrefix prefix;
    private @Nullable String suffix;
    private @Nullable String hostName;
    private AccessPolicy access = AccessPolicy.NONE;
    private final Set<AuthScheme> authentication = EnumSet.noneOf(AuthScheme.class);
    private final List<Target> targets = new ArrayList<>();
    private @Nullable Credentials credentials;
    private @Nullable ClientCertificate clientCertificate;
    private @Nullable ProxySettings proxy;
    private JobPriority priority = JobPriority.NORMAL;
    private @Nullable Duration minimumRetryDelay;
    private @Nullable Duration noProgressTimeout;
    private int maxConcurrentJobs = 8;
    private TransientErrorPolicy transientErrorPolicy = TransientErrorPolicy.leaveToBits();
    private @Nullable Duration deadline;
    private String displayName = "bits4j transfer";
    private boolean removeGroupIfCreated = true;

    private Builder(Path source, UrlPrefix prefix) {
      this.source = Objects.requireNonNull(source, "source");
      this.prefix = Objects.requireNonNull(prefix, "prefix");
    }

    /** Sets the URL suffix (see {@link TransferPlan#suffix()}). */
    public Builder suffix(String suffix) {
      this.suffix = UrlPrefix.checkSuffix(suffix);
      return this;
    }

    /** Sets the host name for the URL; required when the prefix's host is {@code +} or {@code *}. */
    public Builder hostName(String hostName) {
      this.hostName = Objects.requireNonNull(hostName, "hostName");
      return this;
    }

    /** Sets the access policy. */
    public Builder access(AccessPolicy access) {
      this.access = Objects.requireNonNull(access, "access");
      return this;
    }

    /** Enables a scheme on the group. */
    public Builder authentication(AuthScheme scheme) {
      authentication.add(Objects.requireNonNull(scheme, "scheme"));
      return this;
    }

    /**
     * Adds a download.
     *
     * @throws IllegalArgumentException if the plan already has this client and destination
     */
    public Builder target(String client, Path destination) {
      Target t = new Target(client, destination);
      if (targets.contains(t)) {
        throw new IllegalArgumentException("duplicate target: " + client + " " + destination);
      }
      targets.add(t);
      return this;
    }

    /** Sets credentials for every job. */
    public Builder credentials(Credentials credentials) {
      this.credentials = Objects.requireNonNull(credentials, "credentials");
      return this;
    }

    /** Sets a client certificate for every job. */
    public Builder clientCertificate(ClientCertificate certificate) {
      this.clientCertificate = Objects.requireNonNull(certificate, "certificate");
      return this;
    }

    /** Sets proxy settings for every job. */
    public Builder proxy(ProxySettings proxy) {
      this.proxy = Objects.requireNonNull(proxy, "proxy");
      return this;
    }

    /** Sets the jobs' priority. */
    public Builder priority(JobPriority priority) {
      this.priority = Objects.requireNonNull(priority, "priority");
      return this;
    }

    /** Sets the jobs' minimum retry delay. */
    public Builder minimumRetryDelay(Duration delay) {
      this.minimumRetryDelay = JobSpec.normalizeRetryDelay(delay);
      return this;
    }

    /** Sets the jobs' no-progress timeout. */
    public Builder noProgressTimeout(Duration timeout) {
      this.noProgressTimeout = JobSpec.checkTimeout(timeout);
      return this;
    }

    /**
     * Sets how many jobs may exist at once (default 8).
     *
     * @throws IllegalArgumentException if less than 1
     */
    public Builder maxConcurrentJobs(int k) {
      if (k < 1) {
        throw new IllegalArgumentException("maxConcurrentJobs must be >= 1: " + k);
      }
      this.maxConcurrentJobs = k;
      return this;
    }

    /** Sets the transient-error policy (default {@link TransientErrorPolicy#leaveToBits()}). */
    public Builder transientErrorPolicy(TransientErrorPolicy policy) {
      this.transientErrorPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Sets the deadline for the whole transfer.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder deadline(Duration deadline) {
      if (deadline.isZero() || deadline.isNegative()) {
        throw new IllegalArgumentException("deadline must be positive: " + deadline);
      }
      this.deadline = deadline;
      return this;
    }

    /** Sets the jobs' display name. */
    public Builder displayName(String displayName) {
      this.displayName = Objects.requireNonNull(displayName, "displayName");
      return this;
    }

    /** Whether cleanup deletes a group this transfer created once it is empty (default true). */
    public Builder removeGroupIfCreated(boolean remove) {
      this.removeGroupIfCreated = remove;
      return this;
    }

    /**
     * Builds the plan.
     *
     * @throws IllegalStateException without targets, or without a host name for a wildcard prefix
     */
    public TransferPlan build() {
      if (targets.isEmpty()) {
        throw new IllegalStateException("a transfer plan needs at least one target");
      }
      if (hostName == null && prefix.isWildcard()) {
        throw new IllegalStateException("prefix " + prefix + " has a wildcard host: set hostName");
      }
      return new TransferPlan(this);
    }
  }
}
