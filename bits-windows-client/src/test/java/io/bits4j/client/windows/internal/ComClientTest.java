package io.bits4j.client.windows.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.jna.Pointer;
import io.bits4j.AuthTarget;
import io.bits4j.BitsException;
import io.bits4j.CertStoreLocation;
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
import io.bits4j.ProxySettings;
import io.bits4j.client.windows.internal.com.Bits;
import io.bits4j.client.windows.internal.com.IBackgroundCopyCallback;
import io.bits4j.client.windows.internal.com.JavaBackgroundCopyCallback;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The adapter against an in-process fake BITS whose COM objects are JNA vtables implemented in
 * Java: every call goes through the production mirror's real vtable slots. After each test the
 * client is closed and every reference it took must be released, every out-string freed.
 */
class ComClientTest {
  private static final URI URL = URI.create("http://127.0.0.1:8080/Carmine/a.bin");
  private static final Path DEST = Path.of("/data/a.bin").toAbsolutePath();

  private FakeBits bits;
  private ComClient client;
  private int liveCallbacksBefore;

  @BeforeEach
  void open() {
    liveCallbacksBefore = JavaBackgroundCopyCallback.liveObjects();
    bits = new FakeBits();
    // a long poll interval: tests trigger polls through callbacks or state changes explicitly
    client = ComClient.open(bits.runtime, new ComClient.Options(Duration.ofMillis(50), Duration.ofSeconds(20), true));
  }

  @AfterEach
  void closeAndCheckLeaks() {
    client.close();
    client.close(); // idempotent
    assertThat(bits.runtime.initialized).hasValue(1);
    assertThat(bits.runtime.uninitialized).hasValue(1);
    synchronized (bits.com) {
      assertThat(bits.com.errors).as("fake COM errors").isEmpty();
      assertThat(bits.com.referenced()).as("COM references still held after close()").isEmpty();
      assertThat(bits.com.taskMem).as("out-strings not freed with CoTaskMemFree").isEmpty();
    }
    assertThat(JavaBackgroundCopyCallback.liveObjects()).as("callback objects still referenced")
        .isEqualTo(liveCallbacksBefore);
  }

  @Test
  void createJobAppliesTheSpecThroughTheRightMethods() {
    ClientJob job = client.createJob(JobSpec.builder("nightly")
        .description("desc")
        .priority(JobPriority.HIGH)
        .minimumRetryDelay(Duration.ofSeconds(30))
        .noProgressTimeout(Duration.ofSeconds(3600))
        .proxy(ProxySettings.override(List.of("p1:3128", "p2:8080"), List.of("<local>")))
        .credentials(Credentials.basic("alice", "s3cret"))
        .credentials(new Credentials(AuthTarget.PROXY, CredentialScheme.NEGOTIATE, "", ""))
        .clientCertificate(ClientCertificate.byThumbprint(CertStoreLocation.LOCAL_MACHINE, "MY", new byte[] {
            1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20}))
        .customHeader("X-A", "1")
        .customHeader("X-B", "two")
        .addFile(URL, DEST)
        .addFile(URI.create("https://h/x"), Path.of("/data/x").toAbsolutePath())
        .start(true)
        .build());
    FakeBits.Job j = bits.onlyJob();
    synchronized (bits.com) {
      assertThat(j.displayName).isEqualTo("nightly");
      assertThat(j.description).isEqualTo("desc");
      assertThat(j.priority).isEqualTo(Bits.BG_JOB_PRIORITY.HIGH);
      assertThat(j.retryDelay).isEqualTo(30);
      assertThat(j.noProgressTimeout).isEqualTo(3600);
      assertThat(j.proxyUsage).isEqualTo(Bits.BG_JOB_PROXY_USAGE.OVERRIDE);
      assertThat(j.proxyList).isEqualTo("p1:3128 p2:8080");
      assertThat(j.proxyBypass).isEqualTo("<local>");
      // COM's 1-based target and scheme; implicit NTLM/Negotiate credentials pass NULL strings
      assertThat(j.credentials).containsExactly("1/1/alice/s3cret", "2/4/null/null",
          "cert 1/MY/0102030405060708090a0b0c0d0e0f1011121314");
      assertThat(j.headers).isEqualTo("X-A: 1\r\nX-B: two\r\n");
      assertThat(j.files).extracting(f -> f.remote + " -> " + f.local)
          .containsExactly(URL + " -> " + DEST, "https://h/x -> " + Path.of("/data/x").toAbsolutePath());
      assertThat(j.state).isEqualTo(Bits.BG_JOB_STATE.QUEUED);
      assertThat(bits.com.calls).contains("AddFileSet").doesNotContain("AddFile");
    }
    assertThat(job.id()).isEqualTo(new JobId(j.id));
    assertThat(job.state()).isEqualTo(JobState.QUEUED);
    assertThat(job.customHeaders()).containsExactly(Map.entry("X-A", "1"), Map.entry("X-B", "two"));
  }

  @Test
  void defaultSpecMakesNoSettingCalls() {
    ClientJob job = client.createJob(JobSpec.builder("plain").build());
    synchronized (bits.com) {
      assertThat(bits.com.calls).containsExactly("CreateJob");
    }
    assertThat(job.state()).isEqualTo(JobState.SUSPENDED);
    assertThat(job.displayName()).isEqualTo("plain");
  }

  @Test
  void aFailingSettingCancelsTheHalfMadeJobAndThrows() {
    bits.failures.put("SetProxySettings", Bits.E_NOTIMPL);
    assertThatThrownBy(() -> client.createJob(JobSpec.builder("p")
        .proxy(ProxySettings.NO_PROXY).addFile(URL, DEST).build()))
        .isInstanceOf(BitsException.class)
        .satisfies(e -> assertThat(((BitsException) e).hresult()).isEqualTo(Hresult.E_NOTIMPL))
        .hasMessageContaining("IBackgroundCopyJob::SetProxySettings");
    synchronized (bits.com) {
      assertThat(bits.jobs).isEmpty();
      assertThat(bits.com.calls).contains("Cancel").doesNotContain("AddFileSet");
    }
  }

  @Test
  void accessorsMapCodesAndFreeEveryString() {
    ClientJob job = client.createJob(JobSpec.builder("acc").description("d").addFile(URL, DEST).build());
    bits.change(() -> {
      FakeBits.File f = bits.onlyJob().files.get(0);
      f.total = 1000;
      f.transferred = 400;
    });
    assertThat(job.description()).isEqualTo("d");
    assertThat(job.owner()).isEqualTo("S-1-5-21-1-2-3-1001");
    assertThat(job.priority()).isEqualTo(JobPriority.NORMAL);
    assertThat(job.transientErrorCount()).isEqualTo(2);
    assertThat(job.minimumRetryDelay()).isEqualTo(Duration.ofSeconds(600));
    assertThat(job.noProgressTimeout()).isEqualTo(Duration.ofDays(14));
    assertThat(job.progress()).isEqualTo(new JobProgress(1000, 400, 1, 0));
    assertThat(job.files()).containsExactly(new JobFile(URL, DEST, 1000, 400, false));
    assertThat(job.times().transferCompletion()).isEmpty();
    assertThat(job.times().creation()).isBefore(job.times().modification());
    assertThat(job.customHeaders()).isEmpty(); // S_FALSE + NULL
    assertThat(job.error()).isEmpty();
    bits.change(() -> bits.onlyJob().files.get(0).total = -1);
    assertThat(job.progress().isTotalKnown()).isFalse();
    synchronized (bits.com) {
      assertThat(bits.com.taskMem).isEmpty(); // freed as they were read, not at close
      assertThat(bits.com.referenced()).containsExactly("manager=1", "job acc=1");
    }
  }

  @Test
  void notImplementedIsReportedAndLeavesTheJobWorking() {
    ClientJob job = client.createJob(JobSpec.builder("wine-like").build());
    bits.failures.put("Suspend", Bits.E_NOTIMPL);
    bits.failures.put("GetTimes", Bits.E_NOTIMPL);
    assertThatThrownBy(job::suspend).isInstanceOf(BitsException.class)
        .hasMessageContaining("IBackgroundCopyJob::Suspend is not supported")
        .satisfies(e -> assertThat(((BitsException) e).hresult()).isEqualTo(Hresult.E_NOTIMPL));
    assertThatThrownBy(job::times).isInstanceOf(BitsException.class)
        .satisfies(e -> assertThat(((BitsException) e).hresult()).isEqualTo(Hresult.E_NOTIMPL));
    job.addFile(URL, DEST);
    job.resume();
    assertThat(job.state()).isEqualTo(JobState.QUEUED);
  }

  @Test
  void notLoggedOnIsExplained() {
    ClientJob job = client.createJob(JobSpec.builder("s").addFile(URL, DEST).build());
    bits.failures.put("Resume", Hresult.E_NOT_LOGGED_ON);
    assertThatThrownBy(job::resume).isInstanceOf(BitsException.class)
        .hasMessageContaining("0x800704DD")
        .hasMessageContaining("interactive")
        .hasMessageContaining("service account");
  }

  @Test
  void errorComesFromIBackgroundCopyErrorWithDescriptionFallback() {
    ClientJob job = client.createJob(JobSpec.builder("e").addFile(URL, DEST).build());
    bits.change(() -> {
      FakeBits.Job j = bits.onlyJob();
      j.state = Bits.BG_JOB_STATE.ERROR;
      j.errorContext = Bits.BG_ERROR_CONTEXT.REMOTE_FILE;
      j.errorCode = 0x80190194;
      j.errorDescription = null; // GetErrorDescription fails with 0x800706F4, as under Wine
    });
    JobError e = job.error().orElseThrow();
    assertThat(e.hresult()).isEqualTo(Hresult.httpError(404));
    assertThat(e.context()).isEqualTo(ErrorContext.REMOTE_FILE);
    assertThat(e.description()).isEqualTo(Hresult.describe(0x80190194));
    assertThat(e.remoteUrl()).contains(URL);
    assertThat(e.localFile()).contains(DEST);

    bits.change(() -> bits.onlyJob().errorDescription = "The requested URL does not exist on the server.\r\n");
    assertThat(job.error().orElseThrow().description()).isEqualTo("The requested URL does not exist on the server.");
    bits.change(() -> bits.onlyJob().state = Bits.BG_JOB_STATE.TRANSFERRING);
    assertThat(job.error()).isEmpty();
  }

  @Test
  void completeMapsSuccessCodesAndMakesTheJobFinal() {
    ClientJob job = client.createJob(JobSpec.builder("c").addFile(URL, DEST).build());
    assertThat(job.complete()).isEqualTo(CompleteStatus.PARTIAL_COMPLETE); // file not completed
    assertThat(job.state()).isEqualTo(JobState.ACKNOWLEDGED);
    assertThatThrownBy(job::resume).isInstanceOf(BitsException.class)
        .satisfies(x -> assertThat(((BitsException) x).hresult()).isEqualTo(Hresult.BG_E_INVALID_STATE));
    assertThat(client.findJob(job.id())).isEmpty();
    synchronized (bits.com) {
      assertThat(bits.com.referenced()).containsExactly("manager=1"); // released when final
    }

    ClientJob done = client.createJob(JobSpec.builder("c2").addFile(URL, DEST).build());
    bits.change(() -> bits.onlyJob().files.get(0).completed = true);
    assertThat(done.complete()).isEqualTo(CompleteStatus.COMPLETE);
  }

  @Test
  void cancelMakesTheJobFinal() {
    ClientJob job = client.createJob(JobSpec.builder("x").build());
    job.cancel();
    assertThat(job.state()).isEqualTo(JobState.CANCELLED);
    assertThatThrownBy(job::cancel).isInstanceOf(BitsException.class)
        .satisfies(x -> assertThat(((BitsException) x).hresult()).isEqualTo(Hresult.BG_E_INVALID_STATE));
  }

  @Test
  void enumerationAndLookupShareOneReferencePerJob() {
    ClientJob a = client.createJob(JobSpec.builder("a").build());
    ClientJob b = client.createJob(JobSpec.builder("b").build());
    assertThat(client.jobs()).extracting(ClientJob::id).containsExactlyInAnyOrder(a.id(), b.id());
    assertThat(client.jobs()).extracting(ClientJob::id).containsExactlyInAnyOrder(a.id(), b.id());
    assertThat(client.findJob(a.id())).containsSame(a);
    assertThat(client.findJob(JobId.random())).isEmpty();
    assertThatThrownBy(() -> client.job(JobId.random())).isInstanceOf(BitsException.class)
        .satisfies(x -> assertThat(((BitsException) x).hresult()).isEqualTo(Hresult.BG_E_NOT_FOUND));
    synchronized (bits.com) {
      assertThat(bits.com.referenced()).containsExactlyInAnyOrder("manager=1", "job a=1", "job b=1");
    }
  }

  @Test
  void jobsOfOtherProgramsAreAdoptedOnce() {
    UUID other = UUID.randomUUID();
    bits.change(() -> bits.jobs.put(other, bits.new Job(other, "other program")));
    List<ClientJob> all = client.jobs();
    assertThat(all).extracting(ClientJob::id).containsExactly(new JobId(other));
    assertThat(client.job(new JobId(other)).displayName()).isEqualTo("other program");
    synchronized (bits.com) {
      assertThat(bits.com.referenced()).containsExactlyInAnyOrder("manager=1", "job other program=1");
    }
  }

  @Test
  void listenersRunOnTheEventsThreadAndOutcomeSettles() throws Exception {
    ClientJob job = client.createJob(JobSpec.builder("l").addFile(URL, DEST).start(true).build());
    BlockingQueue<String> events = new LinkedBlockingQueue<>();
    job.addListener(new JobListener() {
      @Override
      public void jobTransferred(ClientJob j) {
        events.add("transferred on " + Thread.currentThread().getName());
      }

      @Override
      public void jobModified(ClientJob j) {
        events.add("modified");
      }
    });
    CompletableFuture<JobState> outcome = job.outcome().toCompletableFuture();
    assertThat(outcome).isNotDone();
    bits.change(() -> {
      FakeBits.Job j = bits.onlyJob();
      j.state = Bits.BG_JOB_STATE.TRANSFERRED;
      j.files.get(0).completed = true;
    });
    assertThat(outcome.get(10, TimeUnit.SECONDS)).isEqualTo(JobState.TRANSFERRED);
    String first;
    do {
      first = events.poll(10, TimeUnit.SECONDS);
    } while ("modified".equals(first));
    assertThat(first).isEqualTo("transferred on bits4j-windows-events");
    assertThat(job.outcome().toCompletableFuture()).isCompletedWithValue(JobState.TRANSFERRED);
  }

  @Test
  void errorListenerGetsTheJobError() throws Exception {
    ClientJob job = client.createJob(JobSpec.builder("err").addFile(URL, DEST).start(true).build());
    BlockingQueue<JobError> errors = new LinkedBlockingQueue<>();
    job.addListener(new JobListener() {
      @Override
      public void jobError(ClientJob j, JobError error) {
        errors.add(error);
      }
    });
    bits.change(() -> {
      FakeBits.Job j = bits.onlyJob();
      j.state = Bits.BG_JOB_STATE.ERROR;
      j.errorContext = Bits.BG_ERROR_CONTEXT.GENERAL_TRANSPORT;
      j.errorCode = 0x80072EFD;
    });
    JobError e = errors.poll(10, TimeUnit.SECONDS);
    assertThat(e).isNotNull();
    assertThat(e.hresult()).isEqualTo(0x80072EFD);
    assertThat(e.context()).isEqualTo(ErrorContext.GENERAL_TRANSPORT);
    assertThat(job.outcome().toCompletableFuture().get(5, TimeUnit.SECONDS)).isEqualTo(JobState.ERROR);
  }

  @Test
  void theJavaCallbackIsRegisteredHeldAndTriggersAPoll() throws Exception {
    // no periodic polling worth speaking of: only the callback makes the client look
    client.close();
    bits = new FakeBits();
    client = ComClient.open(bits.runtime, new ComClient.Options(Duration.ofHours(1), Duration.ofSeconds(20), true));
    ClientJob job = client.createJob(JobSpec.builder("cb").addFile(URL, DEST).start(true).build());
    CompletableFuture<JobState> outcome = job.outcome().toCompletableFuture();
    Pointer callback;
    synchronized (bits.com) {
      FakeBits.Job j = bits.onlyJob();
      assertThat(j.notifyFlags).isEqualTo(Bits.BG_NOTIFY_JOB_TRANSFERRED | Bits.BG_NOTIFY_JOB_ERROR
          | Bits.BG_NOTIFY_JOB_MODIFICATION);
      callback = j.notify;
      assertThat(callback).isNotNull();
      j.state = Bits.BG_JOB_STATE.TRANSFERRED;
    }
    // BITS calls back on one of its own threads, through the object's vtable (slot 3)
    Pointer jobObject = bits.onlyJob().object.obj;
    java.util.concurrent.atomic.AtomicInteger hr = new java.util.concurrent.atomic.AtomicInteger(-1);
    Thread rpc = new Thread(() -> hr.set(new IBackgroundCopyCallback(callback).JobTransferred(jobObject)), "rpc-thread");
    rpc.start();
    rpc.join(10_000);
    assertThat(hr).hasValue(0);
    assertThat(outcome.get(10, TimeUnit.SECONDS)).isEqualTo(JobState.TRANSFERRED);
    assertThat(client.callbackEvents()).isEqualTo(1);
    job.complete(); // the fake drops its callback reference as BITS does; ours is released too
    assertThat(bits.runtime.disconnects).as("the callback object disconnected from BITS").hasValue(1);
  }

  @Test
  void setterMappingAndValidation() {
    ClientJob job = client.createJob(JobSpec.builder("s").build());
    job.setMinimumRetryDelay(Duration.ofSeconds(1)); // raised to 5 s, as BITS does
    job.setPriority(JobPriority.FOREGROUND);
    job.setDisplayName("renamed");
    job.setProxy(ProxySettings.NO_PROXY);
    Map<String, String> h = new LinkedHashMap<>();
    h.put("X-Y", "z");
    job.setCustomHeaders(h);
    job.setCustomHeaders(Map.of());
    job.setClientCertificate(ClientCertificate.bySubject(CertStoreLocation.CURRENT_USER, "MY", "CN=me"));
    job.removeCredentials(AuthTarget.SERVER, CredentialScheme.DIGEST);
    synchronized (bits.com) {
      FakeBits.Job j = bits.onlyJob();
      assertThat(j.retryDelay).isEqualTo(5);
      assertThat(j.priority).isZero();
      assertThat(j.displayName).isEqualTo("renamed");
      assertThat(j.proxyUsage).isEqualTo(1);
      assertThat(j.proxyList).isNull();
      assertThat(j.headers).isNull(); // an empty map clears with NULL
      assertThat(j.credentials).containsExactly("cert 0/MY/CN=me", "remove 1/2");
    }
    assertThatThrownBy(() -> job.setCustomHeaders(Map.of("bad name", "v"))).isInstanceOf(BitsException.class);
    assertThatThrownBy(() -> job.addFile(URI.create("ftp://h/x"), DEST)).isInstanceOf(BitsException.class)
        .satisfies(x -> assertThat(((BitsException) x).hresult()).isEqualTo(Hresult.E_INVALIDARG));
    assertThatThrownBy(() -> job.addFile(URL, Path.of("relative"))).isInstanceOf(BitsException.class);
  }

  @Test
  void keyStoreCertificatesAreRefusedWithoutCallingBits() throws Exception {
    ClientJob job = client.createJob(JobSpec.builder("k").build());
    java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    assertThatThrownBy(() -> job.setClientCertificate(ClientCertificate.fromKeyStore(ks, "a", new char[0])))
        .isInstanceOf(BitsException.class)
        .satisfies(x -> assertThat(((BitsException) x).hresult()).isEqualTo(Hresult.E_NOTIMPL));
  }

  @Test
  void everyComCallRunsOnTheComThreadAndBlanketFailureIsNotFatal() {
    ClientJob job = client.createJob(JobSpec.builder("t").addFile(URL, DEST).build());
    job.files();
    job.progress();
    assertThat(client.isComThread()).isFalse();
    assertThat(bits.runtime.blankets.get()).isPositive(); // tried, answered E_NOTIMPL, went on
    // the fake records any vtable call made off the COM thread; @AfterEach asserts none
  }

  @Test
  void closedClientRefusesWork() {
    ClientJob job = client.createJob(JobSpec.builder("z").addFile(URL, DEST).build());
    java.util.concurrent.CompletableFuture<JobState> waiting = job.outcome().toCompletableFuture();
    client.close();
    assertThatThrownBy(() -> waiting.get(10, java.util.concurrent.TimeUnit.SECONDS))
        .hasCauseInstanceOf(BitsException.class).cause()
        .satisfies(e -> assertThat(((BitsException) e).hresult()).isEqualTo(Hresult.E_CANCELLED));
    assertThatThrownBy(() -> client.createJob(JobSpec.builder("y").build())).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(job::state).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void failingStartupsSayWhy() {
    FakeBits broken = new FakeBits();
    broken.runtime.createHr = 0x80040154;
    assertThatThrownBy(() -> ComClient.open(broken.runtime, ComClient.Options.defaults()))
        .isInstanceOf(BitsException.class).hasMessageContaining("REGDB_E_CLASSNOTREG");
    assertThat(broken.runtime.uninitialized).hasValue(1);

    FakeBits noCom = new FakeBits();
    noCom.runtime.initHr = 0x80010106;
    assertThatThrownBy(() -> ComClient.open(noCom.runtime, ComClient.Options.defaults()))
        .isInstanceOf(BitsException.class).hasMessageContaining("CoInitializeEx");
  }

  @Test
  void aSlowCoInitializeExStillLeavesTheApartmentOnItsThread() throws Exception {
    FakeBits slow = new FakeBits();
    java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
    slow.runtime.initGate = gate;
    assertThatThrownBy(() -> ComClient.open(slow.runtime,
        new ComClient.Options(Duration.ofHours(1), Duration.ofMillis(200), false)))
        .isInstanceOf(BitsException.class)
        .satisfies(x -> assertThat(((BitsException) x).hresult()).isEqualTo(Hresult.E_TIMEOUT));
    gate.countDown(); // CoInitializeEx succeeds after the caller gave up
    Thread comThread = awaitComThread(slow);
    comThread.join(10_000);
    assertThat(comThread.isAlive()).as("the abandoned COM thread ended").isFalse();
    assertThat(slow.runtime.initialized).hasValue(1);
    assertThat(slow.runtime.uninitialized).as("CoUninitialize paired with the late CoInitializeEx").hasValue(1);
  }

  @Test
  void aSlowCoCreateInstanceReleasesTheManagerItObtainedLate() throws Exception {
    FakeBits slow = new FakeBits();
    java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
    slow.runtime.createGate = gate;
    assertThatThrownBy(() -> ComClient.open(slow.runtime,
        new ComClient.Options(Duration.ofHours(1), Duration.ofMillis(300), false)))
        .isInstanceOf(BitsException.class)
        .satisfies(x -> assertThat(((BitsException) x).hresult()).isEqualTo(Hresult.E_TIMEOUT));
    gate.countDown(); // the service answers after the caller gave up
    Thread comThread = awaitComThread(slow);
    comThread.join(10_000);
    assertThat(comThread.isAlive()).isFalse();
    assertThat(slow.runtime.uninitialized).hasValue(1);
    synchronized (slow.com) {
      assertThat(slow.com.errors).isEmpty();
      assertThat(slow.com.referenced()).as("manager reference released before CoUninitialize").isEmpty();
    }
  }

  private static Thread awaitComThread(FakeBits fake) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (fake.runtime.comThread == null && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(fake.runtime.comThread).isNotNull();
    return fake.runtime.comThread;
  }

  @Test
  void aRefusedNotifyFlagsIsReportedAsSuchAndDropsTheCallback() {
    ComJob job = (ComJob) client.createJob(JobSpec.builder("flags").build());
    bits.failures.put("SetNotifyFlags", Bits.E_NOTIMPL);
    int live = JavaBackgroundCopyCallback.liveObjects();
    assertThatThrownBy(() -> client.call("register callback", () -> {
      job.registerCallback();
      return null;
    })).isInstanceOf(BitsException.class)
        .hasMessageContaining("IBackgroundCopyJob::SetNotifyFlags")
        .satisfies(x -> assertThat(((BitsException) x).hresult()).isEqualTo(Hresult.E_NOTIMPL));
    assertThat(JavaBackgroundCopyCallback.liveObjects()).isEqualTo(live);
    synchronized (bits.com) {
      assertThat(bits.com.calls).doesNotContain("SetNotifyInterface");
    }
  }

  @Test
  void aHungServiceGivesATimeoutNotAHang() {
    client.close();
    bits = new FakeBits();
    client = ComClient.open(bits.runtime, new ComClient.Options(Duration.ofHours(1), Duration.ofSeconds(2), false));
    ClientJob job = client.createJob(JobSpec.builder("hang").build());
    bits.hangOn = "GetDescription";
    assertThatThrownBy(job::description).isInstanceOf(BitsException.class)
        .hasMessageContaining("did not answer")
        .satisfies(x -> assertThat(((BitsException) x).hresult()).isEqualTo(Hresult.E_TIMEOUT));
    bits.hangOn = null;
    bits.hang.countDown();
    assertThat(job.state()).isEqualTo(JobState.SUSPENDED); // the COM thread carries on afterwards
  }

  @Test
  void aFailedCompleteKeepsTheCallbackRegistered() throws Exception {
    ClientJob job = client.createJob(JobSpec.builder("keep").addFile(URL, DEST).start(true).build());
    job.addListener(JobListener.NONE);
    synchronized (bits.com) {
      assertThat(bits.onlyJob().notify).isNotNull();
    }
    bits.failures.put("Complete", Hresult.BG_E_INVALID_STATE);
    assertThatThrownBy(job::complete).isInstanceOf(BitsException.class)
        .hasMessageContaining("IBackgroundCopyJob::Complete failed");
    synchronized (bits.com) {
      assertThat(bits.onlyJob().notify).as("re-registered after the failed Complete").isNotNull();
    }
    assertThat(job.state()).isEqualTo(JobState.QUEUED);
    bits.failures.remove("Complete");
    job.cancel();
    synchronized (bits.com) {
      assertThat(bits.com.calls).containsSubsequence("SetNotifyInterface", "Cancel");
    }
  }
}
