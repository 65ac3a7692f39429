package io.bits4j.client.windows;

import io.bits4j.BitsClient;
import io.bits4j.BitsException;
import io.bits4j.ClientCapability;
import io.bits4j.ClientJob;
import io.bits4j.Hresult;
import io.bits4j.JobId;
import io.bits4j.JobSpec;
import io.bits4j.client.windows.internal.ComClient;
import io.bits4j.client.windows.internal.com.Ole32Runtime;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A {@link BitsClient} whose jobs are jobs of the Windows BITS service, driven through its COM
 * API ({@code IBackgroundCopyManager}, {@code IBackgroundCopyJob} and friends). BITS does the
 * transferring — with its persistence across reboots, throttling and Group Policy — so jobs keep
 * running after this client (and the JVM) has gone.
 *
 * <pre>{@code
 * if (WindowsBitsClient.isSupported()) {
 *   try (WindowsBitsClient client = WindowsBitsClient.create()) {
 *     ClientJob job = client.createJob(JobSpec.builder("nightly")
 *         .addFile(URI.create("https://server/Carmine/a.vhd"), Path.of("C:\\data\\a.vhd"))
 *         .start(true).build());
 *     if (job.outcome().toCompletableFuture().join() == JobState.TRANSFERRED) job.complete();
 *     else job.cancel();
 *   }
 * }
 * }</pre>
 *
 * <p><b>Ownership and logon.</b> BITS jobs belong to the Windows user who created them; {@link
 * #jobs()} lists that user's jobs (including those of other programs). BITS transfers a job only
 * while its owner has an interactive logon session, or when the owner is a service account
 * (LocalSystem, NetworkService, LocalService). From a network logon (SSH, WinRM) calls fail with
 * {@code 0x800704DD} ({@link Hresult#E_NOT_LOGGED_ON}); the exception's message says so.
 *
 * <p><b>Threads.</b> The client owns one COM thread, which joins the multithreaded apartment and
 * makes every COM call; callers from any thread wait for it (at most the call timeout, 60 s by
 * default, then {@code BitsException(ERROR_TIMEOUT)}). Listeners and {@link
 * ClientJob#outcome()} stages run on a separate events thread, never the COM thread. BITS's
 * notifications arrive through an {@code IBackgroundCopyCallback} implemented in Java; the client
 * also polls watched jobs (every 500 ms by default), so a service that calls back rarely or never
 * still gets its jobs observed. Instances are safe for use from any thread.
 *
 * <p><b>Errors.</b> A failing HRESULT becomes a {@link BitsException} naming the COM method and
 * the code. Methods the installed BITS does not implement (E_NOTIMPL — e.g. {@code Suspend},
 * {@code GetTimes}, {@code GetOwner}, {@code GetPriority}, {@code GetErrorCount}, {@code
 * SetDisplayName} and {@code SetProxySettings} under Wine) throw {@code BitsException(E_NOTIMPL)}
 * and leave the job unchanged. A job's error ({@link ClientJob#error()}) comes from {@code
 * IBackgroundCopyError}; when BITS cannot describe it, the description is {@link
 * Hresult#describe(int)}.
 *
 * <p><b>Beyond the portable contract.</b> {@link ClientJob#addFile} also takes {@code file:}
 * URIs (local or UNC paths, which BITS copies over the file system). Java {@code KeyStore}
 * client certificates are not supported: use a certificate from a Windows store ({@link
 * io.bits4j.ClientCertificate#byThumbprint}).
 *
 * <p>On other operating systems the class loads, {@link #isSupported()} is false and {@link
 * #create()} throws; no native library is loaded until a client is created.
 */
public final class WindowsBitsClient implements BitsClient {
  private final ComClient delegate;

  private WindowsBitsClient(ComClient delegate) {
    this.delegate = delegate;
  }

  /**
   * True on Windows x64, where this client can work. Loads no native code.
   */
  public static boolean isSupported() {
    return unsupportedReason().isEmpty();
  }

  private static Optional<String> unsupportedReason() {
    String os = System.getProperty("os.name", "");
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    if (!os.startsWith("Windows")) {
      return Optional.of("WindowsBitsClient needs the Windows BITS service, but this is " + os
          + "; use the portable client (PortableBitsClient) on other systems");
    }
    if (!arch.equals("amd64") && !arch.equals("x86_64")) {
      return Optional.of("WindowsBitsClient supports 64-bit x86 Windows JVMs only (its COM"
          + " structure layouts are x64's), not os.arch=" + arch);
    }
    return Optional.empty();
  }

  /**
   * A client with the default settings.
   *
   * @throws BitsException E_NOTIMPL when {@link #isSupported()} is false (the message says why);
   *     otherwise the HRESULT of a failing CoInitializeEx or CoCreateInstance (for example
   *     REGDB_E_CLASSNOTREG when BITS is not installed, E_ACCESSDENIED)
   */
  public static WindowsBitsClient create() {
    return builder().build();
  }

  /** A builder for a client with non-default settings. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public ClientJob createJob(JobSpec spec) {
    return delegate.createJob(spec);
  }

  @Override
  public Optional<ClientJob> findJob(JobId id) {
    return delegate.findJob(id);
  }

  @Override
  public List<ClientJob> jobs() {
    return delegate.jobs();
  }

  /**
   * What this client supports. Under Wine (detected at start) SUSPEND, PROXY_OVERRIDE,
   * STORE_CLIENT_CERTIFICATE, PERSISTENT_JOBS and PUSH_NOTIFICATIONS are absent, because Wine's
   * BITS does not implement them.
   */
  @Override
  public Set<ClientCapability> capabilities() {
    return delegate.capabilities();
  }

  /**
   * Stops the COM and events threads and releases every COM reference; idempotent. Jobs stay in
   * BITS and keep transferring; pending {@link ClientJob#outcome()} stages fail with {@link
   * io.bits4j.BitsException} {@link io.bits4j.Hresult#E_CANCELLED}, as on the other clients.
   * Afterwards {@link #createJob}, {@link #findJob}, {@link #jobs()} and the methods of the jobs
   * obtained before (but {@link ClientJob#id()}) throw {@link IllegalStateException} (see {@link
   * BitsClient#close()}).
   */
  @Override
  public void close() {
    delegate.close();
  }

  /** The engine, for this package's tests (diagnostics such as callback counts). */
  ComClient engine() {
    return delegate;
  }

  @Override
  public String toString() {
    return "WindowsBitsClient" + (delegate.isWine() ? "[Wine]" : "");
  }

  /** Settings of a {@link WindowsBitsClient}; not thread-safe. */
  public static final class Builder {
    private Duration pollInterval = Duration.ofMillis(500);
    private Duration callTimeout = Duration.ofSeconds(60);
    private boolean pushNotifications = true;

    private Builder() {}

    /** How often watched jobs are polled (default 500 ms). */
    public Builder pollInterval(Duration interval) {
      this.pollInterval = Objects.requireNonNull(interval, "interval");
      return this;
    }

    /** How long a caller waits for a COM call before {@code BitsException(ERROR_TIMEOUT)} (default 60 s). */
    public Builder callTimeout(Duration timeout) {
      this.callTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /** Whether to register an {@code IBackgroundCopyCallback} with watched jobs (default true). */
    public Builder pushNotifications(boolean enabled) {
      this.pushNotifications = enabled;
      return this;
    }

    /**
     * Creates the client.
     *
     * @throws BitsException as {@link WindowsBitsClient#create()}
     * @throws IllegalArgumentException for a non-positive interval or timeout
     */
    public WindowsBitsClient build() {
      ComClient.Options options = new ComClient.Options(pollInterval, callTimeout, pushNotifications);
      Optional<String> why = unsupportedReason();
      if (why.isPresent()) {
        throw new BitsException(Hresult.E_NOTIMPL, why.get());
      }
      return new WindowsBitsClient(ComClient.open(new Ole32Runtime(), options));
    }
  }
}
