package io.bits4j;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Everything needed to create a download job: its files and settings. Immutable; build with
 * {@link #builder(String)}, change a copy with {@link #toBuilder()}.
 *
 * <pre>{@code
 * JobSpec spec = JobSpec.builder("nightly image")
 *     .addFile(URI.create("https://server:8443/Carmine/image.vhd"), Path.of("/data/image.vhd"))
 *     .credentials(Credentials.basic("alice", password))
 *     .start(true)
 *     .build();
 * ClientJob job = client.createJob(spec);
 * }</pre>
 *
 * <p>Defaults are BITS's: priority NORMAL, minimum retry delay 600 s, no-progress timeout 14 days,
 * preconfigured proxy, and — unlike the WMI provider's {@code CreateJob} — created SUSPENDED
 * unless {@link Builder#start(boolean) start(true)} is set, as COM does.
 */
public final class JobSpec {
  /** BITS's default minimum retry delay: 600 s. */
  public static final Duration DEFAULT_MINIMUM_RETRY_DELAY = Duration.ofSeconds(600);
  /** BITS's smallest minimum retry delay: 5 s (smaller values are raised to it). */
  public static final Duration SMALLEST_RETRY_DELAY = Duration.ofSeconds(5);
  /** BITS's default no-progress timeout: 14 days. */
  public static final Duration DEFAULT_NO_PROGRESS_TIMEOUT = Duration.ofDays(14);
  /** The longest remote URL BITS accepts. */
  public static final int MAX_URL_LENGTH = 2200;
  /** The largest total size of custom headers BITS accepts, in characters. */
  public static final int MAX_CUSTOM_HEADERS_LENGTH = 16_384;

  /**
   * One file to download.
   *
   * @param remoteUrl an absolute http or https URL
   * @param localFile an absolute destination path
   */
  public record FileSpec(URI remoteUrl, Path localFile) {
    /**
     * Validates the pair.
     *
     * @throws BitsException E_INVALIDARG for a URL that is not absolute http/https, longer than
     *     2,200 characters, has a fragment or a port outside 1–65535; or a destination that is not
     *     an absolute path
     */
    public FileSpec {
      checkRemoteUrl(remoteUrl);
      checkLocalFile(localFile);
    }
  }

  private final String displayName;
  private final String description;
  private final JobPriority priority;
  private final List<FileSpec> files;
  private final List<Credentials> credentials;
  private final @Nullable ClientCertificate clientCertificate;
  private final ProxySettings proxy;
  private final Duration minimumRetryDelay;
  private final Duration noProgressTimeout;
  private final Map<String, String> customHeaders;
  private final boolean start;

  private JobSpec(Builder b) {
    this.displayName = b.displayName;
    this.description = b.description;
    this.priority = b.priority;
    this.files = List.copyOf(b.files);
    this.credentials = List.copyOf(b.credentials);
    this.clientCertificate = b.clientCertificate;
    this.proxy = b.proxy;
    this.minimumRetryDelay = b.minimumRetryDelay;
    this.noProgressTimeout = b.noProgressTimeout;
    this.customHeaders = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.customHeaders));
    this.start = b.start;
  }

  /** A builder for a job with this display name. */
  public static Builder builder(String displayName) {
    return new Builder(displayName);
  }

  /** A builder holding this spec's values. */
  public Builder toBuilder() {
    Builder b = new Builder(displayName);
    b.description = description;
    b.priority = priority;
    b.files.addAll(files);
    b.credentials.addAll(credentials);
    b.clientCertificate = clientCertificate;
    b.proxy = proxy;
    b.minimumRetryDelay = minimumRetryDelay;
    b.noProgressTimeout = noProgressTimeout;
    b.customHeaders.putAll(customHeaders);
    b.start = start;
    return b;
  }

  /** The display name. */
  public String displayName() {
    return displayName;
  }

  /** The description (empty by default). */
  public String description() {
    return description;
  }

  /** Always {@link JobType#DOWNLOAD}: bits4j creates download jobs only. */
  public JobType type() {
    return JobType.DOWNLOAD;
  }

  /** The priority. */
  public JobPriority priority() {
    return priority;
  }

  /** The files, in the order they transfer. */
  public List<FileSpec> files() {
    return files;
  }

  /** Credentials, at most one per target and scheme. */
  public List<Credentials> credentials() {
    return credentials;
  }

  /** The client certificate, if any. */
  public Optional<ClientCertificate> clientCertificate() {
    return Optional.ofNullable(clientCertificate);
  }

  /** The proxy settings. */
  public ProxySettings proxy() {
    return proxy;
  }

  /** How long to wait after a transient error before retrying (≥ 5 s). */
  public Duration minimumRetryDelay() {
    return minimumRetryDelay;
  }

  /** How long a job may go without progress before a transient error becomes fatal. */
  public Duration noProgressTimeout() {
    return noProgressTimeout;
  }

  /** Extra request headers sent with every request, in order. */
  public Map<String, String> customHeaders() {
    return customHeaders;
  }

  /** True if the job is resumed as soon as it is created. */
  public boolean start() {
    return start;
  }

  @Override
  public String toString() {
    return "JobSpec[" + displayName + ", " + files.size() + " file(s), " + priority
        + (start ? ", start" : ", suspended") + "]";
  }

  /**
   * Checks a remote URL as BITS does.
   *
   * @throws BitsException E_INVALIDARG when it is not an absolute http/https URL of at most 2,200
   *     characters without a fragment, with a port (if any) of 1–65535
   */
  public static URI checkRemoteUrl(URI url) {
    Objects.requireNonNull(url, "remoteUrl");
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!url.isAbsolute() || !(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null) {
      throw new BitsException(Hresult.E_INVALIDARG, "remote URL must be absolute http or https: " + url);
    }
    if (url.getRawFragment() != null) {
      throw new BitsException(Hresult.E_INVALIDARG, "remote URL must not have a fragment: " + url);
    }
    if (url.getPort() == 0 || url.getPort() > 65535) {
      throw new BitsException(Hresult.E_INVALIDARG, "remote URL port must be 1-65535: " + url);
    }
    if (url.toString().length() > MAX_URL_LENGTH) {
      throw new BitsException(Hresult.E_INVALIDARG, "remote URL longer than 2,200 characters");
    }
    return url;
  }

  /**
   * Checks a destination path: absolute on this machine, or an absolute Windows path ({@code
   * C:\dir\file}, {@code \\server\share\file}) meant for a remote Windows client.
   *
   * @throws BitsException E_INVALIDARG unless it is absolute and names a file
   */
  public static Path checkLocalFile(Path path) {
    Objects.requireNonNull(path, "localFile");
    if (!(path.isAbsolute() || isWindowsAbsolute(path.toString())) || path.getFileName() == null) {
      throw new BitsException(Hresult.E_INVALIDARG, "destination must be an absolute file path: " + path);
    }
    return path;
  }

  private static boolean isWindowsAbsolute(String p) {
    boolean drive = p.length() > 3 && Character.isLetter(p.charAt(0)) && p.charAt(1) == ':'
        && (p.charAt(2) == '\\' || p.charAt(2) == '/');
    return drive || (p.startsWith("\\\\") && p.length() > 2);
  }

  /** Builds a {@link JobSpec}; not thread-safe. */
  public static final class Builder {
    private String displayName;
    private String description = "";
    private JobPriority priority = JobPriority.NORMAL;
    private final List<FileSpec> files = new ArrayList<>();
    private final List<Credentials> credentials = new ArrayList<>();
    private @Nullable ClientCertificate clientCertificate;
    private ProxySettings proxy = ProxySettings.PRECONFIG;
    private Duration minimumRetryDelay = DEFAULT_MINIMUM_RETRY_DELAY;
    private Duration noProgressTimeout = DEFAULT_NO_PROGRESS_TIMEOUT;
    private final Map<String, String> customHeaders = new LinkedHashMap<>();
    private boolean start;

    private Builder(String displayName) {
      this.displayName = checkName(displayName);
    }

    /** Sets the display name (at most 256 characters, as BITS allows). */
    public Builder displayName(String displayName) {
      this.displayName = checkName(displayName);
      return this;
    }

    /** Sets the description (at most 1,024 characters). */
    public Builder description(String description) {
      Objects.requireNonNull(description, "description");
      if (description.length() > 1024) {
        throw new BitsException(Hresult.BG_E_STRING_TOO_LONG, "description longer than 1,024 characters");
      }
      this.description = description;
      return this;
    }

    /** Sets the priority. */
    public Builder priority(JobPriority priority) {
      this.priority = Objects.requireNonNull(priority, "priority");
      return this;
    }

    /** Adds a file; see {@link FileSpec} for what is accepted. */
    public Builder addFile(URI remoteUrl, Path localFile) {
      files.add(new FileSpec(remoteUrl, localFile));
      return this;
    }

    /** Adds credentials, replacing any for the same target and scheme. */
    public Builder credentials(Credentials c) {
      Objects.requireNonNull(c, "credentials");
      credentials.removeIf(x -> x.target() == c.target() && x.scheme() == c.scheme());
      credentials.add(c);
      return this;
    }

    /** Sets the client certificate ({@code null} for none). */
    public Builder clientCertificate(@Nullable ClientCertificate certificate) {
      this.clientCertificate = certificate;
      return this;
    }

    /** Sets the proxy settings. */
    public Builder proxy(ProxySettings proxy) {
      this.proxy = Objects.requireNonNull(proxy, "proxy");
      return this;
    }

    /** Sets the minimum retry delay; values under 5 s are raised to 5 s, as BITS does. */
    public Builder minimumRetryDelay(Duration delay) {
      this.minimumRetryDelay = normalizeRetryDelay(delay);
      return this;
    }

    /**
     * Sets the no-progress timeout; zero means every transient error is fatal, and so does a
     * minimum retry delay longer than this timeout (BITS does not retry then: ERROR at once).
     */
    public Builder noProgressTimeout(Duration timeout) {
      this.noProgressTimeout = checkTimeout(timeout);
      return this;
    }

    /**
     * Adds a custom request header.
     *
     * @throws BitsException E_INVALIDARG for a name or value that is not a valid header, or
     *     BG_E_STRING_TOO_LONG when all headers exceed 16,384 characters
     */
    public Builder customHeader(String name, String value) {
      customHeaders.put(name, value);
      checkCustomHeaders(customHeaders);
      return this;
    }

    /** Whether {@link BitsClient#createJob} resumes the job at once (default false: SUSPENDED). */
    public Builder start(boolean start) {
      this.start = start;
      return this;
    }

    /**
     * Builds the spec.
     *
     * @throws BitsException BG_E_EMPTY if the job is to start with no files
     */
    public JobSpec build() {
      if (start && files.isEmpty()) {
        throw new BitsException(Hresult.BG_E_EMPTY, "a job that starts at once needs at least one file");
      }
      return new JobSpec(this);
    }

    private static String checkName(String name) {
      Objects.requireNonNull(name, "displayName");
      if (name.length() > 256) {
        throw new BitsException(Hresult.BG_E_STRING_TOO_LONG, "display name longer than 256 characters");
      }
      return name;
    }
  }

  /**
   * Raises a retry delay under 5 s to 5 s, as BITS does.
   *
   * @throws IllegalArgumentException for a negative delay or one over 2^32-1 seconds
   */
  public static Duration normalizeRetryDelay(Duration delay) {
    checkTimeout(delay);
    return delay.compareTo(SMALLEST_RETRY_DELAY) < 0 ? SMALLEST_RETRY_DELAY : delay;
  }

  /**
   * Checks a timeout fits BITS's unsigned 32-bit seconds.
   *
   * @throws IllegalArgumentException for a negative duration or one over 2^32-1 seconds
   */
  public static Duration checkTimeout(Duration d) {
    Objects.requireNonNull(d, "duration");
    if (d.isNegative() || d.getSeconds() > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("duration must be 0 to 2^32-1 seconds: " + d);
    }
    return d;
  }

  /**
   * Checks custom headers: token names, values without CR/LF, ≤ 16,384 characters in all (as
   * {@code Name: value\r\n} lines).
   *
   * @throws BitsException E_INVALIDARG or BG_E_STRING_TOO_LONG
   */
  public static Map<String, String> checkCustomHeaders(Map<String, String> headers) {
    int total = 0;
    for (Map.Entry<String, String> e : headers.entrySet()) {
      String name = Objects.requireNonNull(e.getKey(), "header name");
      String value = Objects.requireNonNull(e.getValue(), "header value");
      if (name.isEmpty() || !name.chars().allMatch(JobSpec::isTokenChar)) {
        throw new BitsException(Hresult.E_INVALIDARG, "not a header name: '" + name + "'");
      }
      if (value.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
        throw new BitsException(Hresult.E_INVALIDARG, "header value contains CR, LF or NUL: " + name);
      }
      total += name.length() + 2 + value.length() + 2;
    }
    if (total > MAX_CUSTOM_HEADERS_LENGTH) {
      throw new BitsException(Hresult.BG_E_STRING_TOO_LONG, "custom headers longer than 16,384 characters");
    }
    return headers;
  }

  private static boolean isTokenChar(int c) {
    return c > 32 && c < 127 && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0;
  }
}
