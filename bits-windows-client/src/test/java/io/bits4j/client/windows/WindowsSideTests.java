package io.bits4j.client.windows;

import io.bits4j.BitsException;
import io.bits4j.CertStoreLocation;
import io.bits4j.ClientCapability;
import io.bits4j.ClientCertificate;
import io.bits4j.ClientJob;
import io.bits4j.CompleteStatus;
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
import io.bits4j.JobType;
import io.bits4j.ProxySettings;
import io.bits4j.client.windows.internal.com.JavaBackgroundCopyCallback;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The Windows-side tests: run in a Windows JVM against a real BITS service (Wine's in CI, see
 * {@code wine-test.sh}). A plain {@code main} with plain assertions, because the Windows JRE used
 * under Wine has only java.base, java.xml, java.logging, java.prefs, java.desktop and
 * java.datatransfer (no JUnit engine, no Mockito, no in-JVM HTTP server).
 *
 * <p>Arguments: {@code --http BASE_URL} (a loopback server serving {@code small.bin} and {@code
 * big.bin}), {@code --src DIR} (the same files as local paths), {@code --out DIR} (an empty
 * directory for destinations), {@code --report FILE} (the summary, written last).
 *
 * <p>The tests do not assume Wine's request shape (one plain GET) is Windows' (HEAD + ranged
 * GETs), nor any value Wine only stubs (retry delay, BytesTotal, error descriptions).
 */
public final class WindowsSideTests {
  private static final Duration SETTLE = Duration.ofSeconds(60);

  private final URI http;
  private final Path src;
  private final Path out;
  private final WindowsBitsClient client;
  private final boolean wine;
  private final AtomicInteger fresh = new AtomicInteger();
  private final List<String> failures = new ArrayList<>();
  private int passed;

  private WindowsSideTests(URI http, Path src, Path out, WindowsBitsClient client) {
    this.http = http;
    this.src = src;
    this.out = out;
    this.client = client;
    this.wine = client.engine().isWine();
  }

  interface Body {
    void run() throws Exception;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      a.put(args[i], args[i + 1]);
    }
    URI http = URI.create(req(a, "--http"));
    Path src = Path.of(req(a, "--src"));
    Path out = Path.of(req(a, "--out"));
    Path report = Path.of(req(a, "--report"));
    System.out.println("java " + System.getProperty("java.version") + " on " + System.getProperty("os.name")
        + " " + System.getProperty("os.arch"));
    Outcome result = run(http, src, out);
    int passedCount = result.passed();
    int failed = result.failures().size();
    List<String> failures = result.failures();
    String summary = passedCount + " passed, " + failed + " failed";
    StringBuilder sb = new StringBuilder();
    failures.forEach(f -> sb.append("FAILED: ").append(f.lines().findFirst().orElse(f)).append('\n'));
    sb.append(summary).append('\n');
    Files.writeString(report, sb.toString(), StandardCharsets.UTF_8);
    System.out.println(summary);
    System.out.flush();
    System.exit(failed == 0 ? 0 : 1);
  }

  /** What a run achieved. */
  record Outcome(int passed, List<String> failures) {}

  /**
   * Runs every test against a new client and closes it: from {@link #main} under Wine, or from
   * {@code RealBitsTest} on Windows.
   */
  static Outcome run(URI http, Path src, Path out) {
    if (!WindowsBitsClient.isSupported()) {
      return new Outcome(0, List.of("WindowsBitsClient.isSupported() is false on " + System.getProperty("os.name")));
    }
    long t0 = System.nanoTime();
    WindowsBitsClient client;
    try {
      client = WindowsBitsClient.builder().pollInterval(Duration.ofMillis(200)).build();
    } catch (RuntimeException e) {
      e.printStackTrace(System.out);
      return new Outcome(0, List.of("creating the client: " + e));
    }
    System.out.println("client " + client + " up in " + (System.nanoTime() - t0) / 1_000_000 + " ms, capabilities "
        + client.capabilities());
    WindowsSideTests t = new WindowsSideTests(http, src, out, client);
    try {
      t.all();
    } finally {
      client.close();
    }
    t.test("close is idempotent and final", () -> {
      client.close();
      expectThrows(IllegalStateException.class, () -> client.jobs());
    });
    t.test("BITS released every Java callback object", () -> {
      // Each watched job registered an IBackgroundCopyCallback implemented in Java; BITS holds
      // (marshalled) references to it until SetNotifyInterface(NULL). All must be gone now.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      while (JavaBackgroundCopyCallback.liveObjects() != 0 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      equal(JavaBackgroundCopyCallback.liveObjects(), 0,
          "callback objects still referenced " + JavaBackgroundCopyCallback.describeLive());
    });
    return new Outcome(t.passed, List.copyOf(t.failures));
  }

  private static String req(Map<String, String> a, String k) {
    String v = a.get(k);
    if (v == null) {
      throw new IllegalArgumentException("missing " + k);
    }
    return v;
  }

  private void all() {
    test("isSupported and capabilities", this::capabilities);
    test("create SUSPENDED, find, enumerate, cancel", this::createFindEnumerateCancel);
    test("unknown job id", this::unknownJob);
    test("resume without files is BG_E_EMPTY", this::resumeEmpty);
    test("local path: add, resume, TRANSFERRED, complete, SHA-256", this::localPathDownload);
    test("HTTP: start at once, listener, progress, complete, SHA-256", this::httpDownload);
    test("HTTP 404: ERROR, REMOTE_FILE, 0x80190194, listener, cancel", this::http404);
    test("cancel a job with a file; then BG_E_INVALID_STATE", this::cancelJob);
    test("settings: description, priority, retry delay, timeout, headers, credentials", this::settings);
    test("E_NOTIMPL methods are unsupported, job unharmed", this::unsupportedMethods);
    test("two files in one spec (AddFileSet) and files()", this::twoFiles);
    test("a second client sees, adopts and cancels the first client's job", this::secondClient);
    test("a listener completes its job from jobTransferred", this::completeFromListener);
  }

  // ------------------------------------------------------------------ tests

  private void capabilities() {
    check(WindowsBitsClient.isSupported(), "isSupported");
    if (wine) {
      check(!client.capabilities().contains(ClientCapability.SUSPEND), "Wine: no SUSPEND capability");
      check(!client.capabilities().contains(ClientCapability.PROXY_OVERRIDE), "Wine: no PROXY_OVERRIDE");
    } else {
      check(client.capabilities().contains(ClientCapability.SUSPEND), "Windows: SUSPEND");
    }
    check(client.capabilities().contains(ClientCapability.CUSTOM_HEADERS), "CUSTOM_HEADERS");
    check(!client.capabilities().contains(ClientCapability.KEYSTORE_CLIENT_CERTIFICATE), "no KeyStore certificates");
  }

  private void createFindEnumerateCancel() {
    ClientJob job = client.createJob(JobSpec.builder("bits4j create").description("made by WindowsSideTests").build());
    try {
      equal(job.state(), JobState.SUSPENDED, "new job state");
      equal(job.displayName(), "bits4j create", "display name");
      equal(job.description(), "made by WindowsSideTests", "description");
      equal(job.type(), JobType.DOWNLOAD, "type");
      equal(job.progress().filesTotal(), 0, "no files");
      check(client.jobs().stream().anyMatch(j -> j.id().equals(job.id())), "jobs() lists the new job");
      Optional<ClientJob> found = client.findJob(job.id());
      check(found.isPresent(), "findJob finds it");
      equal(found.get().id(), job.id(), "found id");
      equal(client.job(job.id()).state(), JobState.SUSPENDED, "job(id).state()");
    } finally {
      job.cancel();
    }
    equal(job.state(), JobState.CANCELLED, "state after cancel");
    check(client.findJob(job.id()).isEmpty(), "cancelled job not found");
    check(client.jobs().stream().noneMatch(j -> j.id().equals(job.id())), "cancelled job not listed");
    expectHresult(Hresult.BG_E_INVALID_STATE, () -> job.addFile(url("small.bin"), dest("x")));
    expectHresult(Hresult.BG_E_INVALID_STATE, job::resume);
  }

  private void unknownJob() {
    JobId id = JobId.random();
    check(client.findJob(id).isEmpty(), "findJob(random) is empty");
    expectHresult(Hresult.BG_E_NOT_FOUND, () -> client.job(id));
  }

  private void resumeEmpty() {
    ClientJob job = client.createJob(JobSpec.builder("bits4j empty").build());
    try {
      expectHresult(Hresult.BG_E_EMPTY, job::resume);
      equal(job.state(), JobState.SUSPENDED, "still SUSPENDED");
    } finally {
      job.cancel();
    }
  }

  private void localPathDownload() throws Exception {
    Path source = src.resolve("small.bin");
    Path target = dest("local.bin");
    ClientJob job = client.createJob(JobSpec.builder("bits4j local").build());
    try {
      job.addFile(source.toUri(), target);
      List<JobFile> files = job.files();
      equal(files.size(), 1, "one file");
      equal(files.get(0).localFile(), target, "local name");
      equal(Path.of(files.get(0).remoteUrl()), source, "remote name as file: URI");
      job.resume();
      JobState settled = settle(job);
      equal(settled, JobState.TRANSFERRED, "settled state (error: " + job.error().orElse(null) + ")");
      JobProgress p = job.progress();
      equal(p.filesTransferred(), 1, "files transferred");
      equal(p.filesTotal(), 1, "files total");
      check(job.files().get(0).completed(), "file completed");
      equal(job.complete(), CompleteStatus.COMPLETE, "complete()");
      equal(job.state(), JobState.ACKNOWLEDGED, "state after complete");
      check(Files.exists(target), "destination exists after complete");
      equal(sha256(target), sha256(source), "SHA-256");
    } finally {
      cancelQuietly(job);
    }
  }

  private void httpDownload() throws Exception {
    Path source = src.resolve("big.bin");
    Path target = dest("big.bin");
    CountDownLatch transferred = new CountDownLatch(1);
    AtomicReference<String> listenerThread = new AtomicReference<>();
    AtomicInteger modified = new AtomicInteger();
    long callbacksBefore = client.engine().callbackEvents();
    ClientJob job = client.createJob(JobSpec.builder("bits4j http")
        .addFile(url("big.bin"), target)
        .customHeader("X-Bits4j-Test", "wine")
        .build());
    try {
      job.addListener(new JobListener() {
        @Override
        public void jobTransferred(ClientJob j) {
          listenerThread.set(Thread.currentThread().getName());
          transferred.countDown();
        }

        @Override
        public void jobModified(ClientJob j) {
          modified.incrementAndGet();
        }
      });
      job.resume();
      equal(settle(job), JobState.TRANSFERRED, "settled state (error: " + job.error().orElse(null) + ")");
      check(transferred.await(30, TimeUnit.SECONDS), "listener got jobTransferred");
      check(!"bits4j-windows-com".equals(listenerThread.get()), "listener not on the COM thread");
      equal(listenerThread.get(), "bits4j-windows-events", "listener thread");
      long size = Files.size(source);
      JobProgress p = job.progress();
      equal(p.bytesTransferred(), size, "bytes transferred");
      equal(p.filesTransferred(), 1, "files transferred");
      if (p.isTotalKnown()) {
        equal(p.bytesTotal(), size, "bytes total when known");
      }
      JobFile f = job.files().get(0);
      equal(f.bytesTransferred(), size, "file bytes transferred");
      check(f.completed(), "file completed");
      equal(f.remoteUrl(), url("big.bin"), "file remote URL");
      check(!Files.exists(target), "destination absent before complete()");
      equal(job.complete(), CompleteStatus.COMPLETE, "complete()");
      equal(sha256(target), sha256(source), "SHA-256");
      if (wine) {
        // Wine calls JobTransferred on the registered callback (and nothing else).
        check(client.engine().callbackEvents() > callbacksBefore,
            "the Java IBackgroundCopyCallback was called across the process boundary");
      }
    } finally {
      cancelQuietly(job);
    }
  }

  private void http404() throws Exception {
    URI missing = url("missing-" + fresh.incrementAndGet() + ".bin");
    Path target = dest("missing.bin");
    CountDownLatch errored = new CountDownLatch(1);
    AtomicReference<JobError> seen = new AtomicReference<>();
    AtomicReference<String> listenerThread = new AtomicReference<>();
    ClientJob job = client.createJob(JobSpec.builder("bits4j 404").addFile(missing, target).build());
    try {
      job.addListener(new JobListener() {
        @Override
        public void jobError(ClientJob j, JobError error) {
          seen.set(error);
          listenerThread.set(Thread.currentThread().getName());
          errored.countDown();
        }
      });
      job.resume();
      equal(settle(job), JobState.ERROR, "settled state");
      JobError e = job.error().orElseThrow(() -> new AssertionError("error() empty in ERROR"));
      equal(e.context(), ErrorContext.REMOTE_FILE, "error context");
      equal(Hresult.hex(e.hresult()), Hresult.hex(Hresult.httpError(404)), "error HRESULT");
      check(!e.description().isBlank(), "error description present");
      if (wine) {
        // Wine's IBackgroundCopyError::GetErrorDescription fails (0x800706F4): the fallback.
        equal(e.description(), Hresult.describe(0x80190194), "fallback description");
      }
      equal(e.remoteUrl().orElse(null), missing, "error file URL");
      equal(e.localFile().orElse(null), target, "error file destination");
      check(errored.await(30, TimeUnit.SECONDS), "listener got jobError");
      equal(Hresult.hex(seen.get().hresult()), Hresult.hex(0x80190194), "listener's error HRESULT");
      check(!"bits4j-windows-com".equals(listenerThread.get()), "listener not on the COM thread");
      job.cancel();
      equal(job.state(), JobState.CANCELLED, "state after cancel");
      expectHresult(Hresult.BG_E_INVALID_STATE, job::error);
    } finally {
      cancelQuietly(job);
    }
  }

  private void cancelJob() {
    Path target = dest("cancelled.bin");
    ClientJob job = client.createJob(JobSpec.builder("bits4j cancel").addFile(url("small.bin"), target).build());
    job.cancel();
    equal(job.state(), JobState.CANCELLED, "state");
    check(!Files.exists(target), "no destination file after cancel");
    expectHresult(Hresult.BG_E_INVALID_STATE, job::complete);
    expectHresult(Hresult.BG_E_INVALID_STATE, job::cancel);
    expectHresult(Hresult.BG_E_INVALID_STATE, job::description);
  }

  private void settings() {
    ClientJob job = client.createJob(JobSpec.builder("bits4j settings")
        .priority(JobPriority.HIGH)
        .minimumRetryDelay(Duration.ofSeconds(45))
        .noProgressTimeout(Duration.ofSeconds(3600))
        .credentials(Credentials.basic("alice", "secret"))
        .build());
    try {
      job.setDescription("second description");
      equal(job.description(), "second description", "description round trip");
      job.setPriority(JobPriority.LOW);
      job.setMinimumRetryDelay(Duration.ofSeconds(120));
      job.setNoProgressTimeout(Duration.ofSeconds(7200));
      if (!wine) { // Wine stores neither (its getters answer 30 and 900 always)
        equal(job.minimumRetryDelay(), Duration.ofSeconds(120), "retry delay");
        equal(job.noProgressTimeout(), Duration.ofSeconds(7200), "no-progress timeout");
        equal(job.priority(), JobPriority.LOW, "priority");
      } else {
        check(!job.minimumRetryDelay().isNegative(), "retry delay readable");
        check(!job.noProgressTimeout().isNegative(), "no-progress timeout readable");
      }
      Map<String, String> headers = new LinkedHashMap<>();
      headers.put("X-One", "1");
      headers.put("X-Two", "two words");
      job.setCustomHeaders(headers);
      equal(job.customHeaders(), headers, "custom headers round trip");
      job.setCustomHeaders(Map.of());
      equal(job.customHeaders(), Map.of(), "custom headers cleared");
      job.setCredentials(Credentials.digest("bob", "pw"));
      job.removeCredentials(io.bits4j.AuthTarget.SERVER, io.bits4j.CredentialScheme.DIGEST);
      job.removeCredentials(io.bits4j.AuthTarget.SERVER, io.bits4j.CredentialScheme.BASIC);
      equal(job.state(), JobState.SUSPENDED, "state unchanged by settings");
    } finally {
      job.cancel();
    }
  }

  private void unsupportedMethods() throws Exception {
    Path target = dest("after-unsupported.bin");
    ClientJob job = client.createJob(JobSpec.builder("bits4j unsupported").build());
    try {
      Map<String, Body> calls = new LinkedHashMap<>();
      calls.put("suspend", job::suspend);
      calls.put("times", job::times);
      calls.put("owner", job::owner);
      calls.put("priority", job::priority);
      calls.put("transientErrorCount", job::transientErrorCount);
      calls.put("setDisplayName", () -> job.setDisplayName("renamed"));
      calls.put("setProxy(OVERRIDE)", () -> job.setProxy(ProxySettings.override(List.of("127.0.0.1:3128"), List.of())));
      calls.put("setClientCertificate(byThumbprint)", () -> job.setClientCertificate(
          ClientCertificate.byThumbprint(CertStoreLocation.CURRENT_USER, "MY", new byte[20])));
      calls.put("setClientCertificate(bySubject)", () -> job.setClientCertificate(
          ClientCertificate.bySubject(CertStoreLocation.CURRENT_USER, "MY", "CN=bits4j")));
      calls.put("removeClientCertificate", job::removeClientCertificate);
      List<String> unsupported = new ArrayList<>();
      for (Map.Entry<String, Body> c : calls.entrySet()) {
        try {
          c.getValue().run();
        } catch (BitsException e) {
          if (e.hresult() != Hresult.E_NOTIMPL) {
            if (wine || !c.getKey().contains("ClientCertificate")) {
              throw new AssertionError(c.getKey() + " failed with " + Hresult.hex(e.hresult()) + ": " + e.getMessage(), e);
            }
          } else {
            check(e.getMessage().contains("not supported"), c.getKey() + " message says unsupported: " + e.getMessage());
            unsupported.add(c.getKey());
          }
        }
      }
      System.out.println("  unsupported here: " + unsupported);
      if (wine) {
        equal(unsupported, List.copyOf(calls.keySet()), "Wine's E_NOTIMPL methods");
      }
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      expectHresult(Hresult.E_NOTIMPL, () -> job.setClientCertificate(ClientCertificate.fromKeyStore(ks, "x", new char[0])));
      // The job is unharmed: it still transfers.
      equal(job.state(), JobState.SUSPENDED, "state after unsupported calls");
      job.addFile(src.resolve("small.bin").toUri(), target);
      job.resume();
      equal(settle(job), JobState.TRANSFERRED, "transfers after unsupported calls");
      equal(job.complete(), CompleteStatus.COMPLETE, "complete()");
      equal(sha256(target), sha256(src.resolve("small.bin")), "SHA-256");
    } finally {
      cancelQuietly(job);
    }
  }

  private void twoFiles() throws Exception {
    Path a = dest("two-a.bin");
    Path b = dest("two-b.bin");
    ClientJob job = client.createJob(JobSpec.builder("bits4j two")
        .addFile(url("small.bin"), a)
        .addFile(url("big.bin"), b)
        .start(true)
        .build());
    try {
      List<JobFile> files = job.files();
      equal(files.size(), 2, "files()");
      List<Path> locals = files.stream().map(JobFile::localFile).toList();
      if (wine) { // Wine's EnumFiles lists files newest first; Windows keeps the order they were added
        equal(new java.util.HashSet<>(locals), java.util.Set.of(a, b), "destinations");
      } else {
        equal(locals, List.of(a, b), "destinations in order");
      }
      equal(settle(job), JobState.TRANSFERRED, "settled state (error: " + job.error().orElse(null) + ")");
      equal(job.progress().filesTransferred(), 2, "files transferred");
      equal(job.complete(), CompleteStatus.COMPLETE, "complete()");
      equal(sha256(a), sha256(src.resolve("small.bin")), "SHA-256 a");
      equal(sha256(b), sha256(src.resolve("big.bin")), "SHA-256 b");
    } finally {
      cancelQuietly(job);
    }
  }

  private void secondClient() {
    ClientJob job = client.createJob(JobSpec.builder("bits4j shared").addFile(url("small.bin"), dest("shared.bin")).build());
    try (WindowsBitsClient other = WindowsBitsClient.create()) {
      check(other.jobs().stream().anyMatch(j -> j.id().equals(job.id())), "the other client lists the job");
      ClientJob seen = other.job(job.id());
      equal(seen.displayName(), "bits4j shared", "display name through the other client");
      equal(seen.files().size(), 1, "files through the other client");
      seen.cancel();
      equal(seen.state(), JobState.CANCELLED, "cancelled through the other client");
    }
    equal(job.state(), JobState.CANCELLED, "the first client sees the cancellation");
    check(client.findJob(job.id()).isEmpty(), "no longer found");
  }

  private void completeFromListener() throws Exception {
    Path target = dest("from-listener.bin");
    CountDownLatch completed = new CountDownLatch(1);
    AtomicReference<Object> result = new AtomicReference<>();
    ClientJob job = client.createJob(JobSpec.builder("bits4j listener").addFile(url("small.bin"), target).build());
    try {
      job.addListener(new JobListener() {
        @Override
        public void jobTransferred(ClientJob j) {
          try {
            result.set(j.complete()); // the JobListener Javadoc's example: no deadlock
          } catch (RuntimeException e) {
            result.set(e);
          }
          completed.countDown();
        }
      });
      job.resume();
      check(completed.await(60, TimeUnit.SECONDS), "listener ran");
      equal(result.get(), CompleteStatus.COMPLETE, "complete() from the listener");
      equal(job.state(), JobState.ACKNOWLEDGED, "state");
      equal(sha256(target), sha256(src.resolve("small.bin")), "SHA-256");
    } finally {
      cancelQuietly(job);
    }
  }

  // ------------------------------------------------------------------ helpers

  private URI url(String name) {
    return http.resolve(name);
  }

  private Path dest(String name) {
    Path p = out.resolve(fresh.incrementAndGet() + "-" + name);
    check(!Files.exists(p), "fresh destination " + p);
    return p;
  }

  private static JobState settle(ClientJob job) throws Exception {
    return job.outcome().toCompletableFuture().get(SETTLE.toSeconds(), TimeUnit.SECONDS);
  }

  private static void cancelQuietly(ClientJob job) {
    try {
      if (!job.state().isFinal()) {
        job.cancel();
      }
    } catch (RuntimeException e) {
      System.out.println("  cleanup: " + e);
    }
  }

  private static String sha256(Path p) throws IOException {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private void test(String name, Body body) {
    long t0 = System.nanoTime();
    try {
      body.run();
      passed++;
      System.out.printf("PASS %s (%d ms)%n", name, (System.nanoTime() - t0) / 1_000_000);
    } catch (Throwable t) {
      StringWriter sw = new StringWriter();
      t.printStackTrace(new PrintWriter(sw));
      failures.add(name + ": " + t);
      System.out.printf("FAIL %s (%d ms): %s%n%s", name, (System.nanoTime() - t0) / 1_000_000, t, sw);
    }
    System.out.flush();
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new AssertionError(what);
    }
  }

  private static void equal(Object actual, Object expected, String what) {
    if (!java.util.Objects.equals(actual, expected)) {
      throw new AssertionError(what + ": expected <" + expected + "> but was <" + actual + ">");
    }
  }

  private static void expectHresult(int hresult, Body body) {
    try {
      body.run();
    } catch (BitsException e) {
      if (e.hresult() != hresult) {
        throw new AssertionError("expected " + Hresult.hex(hresult) + " but got " + e.getMessage(), e);
      }
      return;
    } catch (Exception e) {
      throw new AssertionError("expected BitsException " + Hresult.hex(hresult) + " but got " + e, e);
    }
    throw new AssertionError("expected BitsException " + Hresult.hex(hresult) + " but nothing was thrown");
  }

  private static <T extends Throwable> void expectThrows(Class<T> type, Body body) {
    try {
      body.run();
    } catch (Throwable t) {
      if (type.isInstance(t)) {
        return;
      }
      throw new AssertionError("expected " + type.getSimpleName() + " but got " + t, t);
    }
    throw new AssertionError("expected " + type.getSimpleName() + " but nothing was thrown");
  }
}
