package io.bits4j.testkit;

import static io.bits4j.testkit.FakeJobScript.connectionClosed;
import static io.bits4j.testkit.FakeJobScript.fatalError;
import static io.bits4j.testkit.FakeJobScript.idle;
import static io.bits4j.testkit.FakeJobScript.progress;
import static io.bits4j.testkit.FakeJobScript.stall;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bits4j.AccessPolicy;
import io.bits4j.AuthScheme;
import io.bits4j.BitsException;
import io.bits4j.ClientCapability;
import io.bits4j.ClientCertificate;
import io.bits4j.ClientJob;
import io.bits4j.CompleteStatus;
import io.bits4j.Credentials;
import io.bits4j.ErrorContext;
import io.bits4j.Hresult;
import io.bits4j.JobListener;
import io.bits4j.JobProgress;
import io.bits4j.JobSpec;
import io.bits4j.JobState;
import io.bits4j.ProxySettings;
import io.bits4j.UrlGroup;
import io.bits4j.Principal;
import io.bits4j.UserStore;
import io.bits4j.UrlPrefix;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Behaviour of the fake beyond the contract: scripts, timing, listeners, server resolution. */
class FakeBitsClientTest {
  private static final URI URL = URI.create("http://127.0.0.1:8080/Carmine/a.bin");
  private static final URI URL2 = URI.create("http://127.0.0.1:8080/Carmine/b.bin");

  @TempDir Path tmp;
  private final ManualClock clock = new ManualClock();
  private FakeBitsClient client;
  private Path src;

  @BeforeEach
  void setUp() throws IOException {
    src = Files.write(tmp.resolve("src.bin"), new byte[1000]);
    client = FakeBitsClient.builder().name("t").scheduler(clock).build();
    client.serve(URL, src);
  }

  private ClientJob start(URI url, Path dest) {
    return client.createJob(JobSpec.builder("j").addFile(url, dest)
        .minimumRetryDelay(Duration.ofSeconds(60)).start(true).build());
  }

  private void tick() {
    clock.advance(Duration.ofSeconds(1));
  }

  @Test
  void oneStepPerTickThenTransferred() {
    client.script(URL, FakeJobScript.of(progress(300), idle(), progress(300)));
    ClientJob j = start(URL, tmp.resolve("d.bin"));
    assertThat(j.state()).isEqualTo(JobState.QUEUED);
    assertThat(j.progress().isTotalKnown()).isFalse();
    tick();
    assertThat(j.state()).isEqualTo(JobState.TRANSFERRING);
    assertThat(j.progress()).isEqualTo(new JobProgress(1000, 300, 1, 0));
    tick();
    assertThat(j.progress().bytesTransferred()).isEqualTo(300);
    tick();
    assertThat(j.progress().bytesTransferred()).isEqualTo(600);
    tick();
    assertThat(j.state()).isEqualTo(JobState.TRANSFERRED);
    assertThat(j.progress()).isEqualTo(new JobProgress(1000, 1000, 1, 1));
    assertThat(j.times().transferCompletion()).contains(clock.now());
    assertInactivityTimerOnly();
    j.complete();
    assertThat(clock.pendingTasks()).as("no timer left").isZero();
  }

  /** The one pending task is the inactivity timer of the jobs, set when the first was created. */
  private void assertInactivityTimerOnly() {
    assertThat(clock.pendingTasks()).as("no timer left but the inactivity timer").isEqualTo(1);
    assertThat(clock.nextDueTime())
        .contains(ManualClock.DEFAULT_START.plus(FakeBitsClient.DEFAULT_JOB_INACTIVITY_TIMEOUT));
  }

  @Test
  void transientErrorRetriesAfterTheMinimumRetryDelay() {
    client.script(URL, FakeJobScript.of(connectionClosed()));
    ClientJob j = start(URL, tmp.resolve("d.bin"));
    tick();
    assertThat(j.state()).isEqualTo(JobState.TRANSIENT_ERROR);
    assertThat(j.transientErrorCount()).isEqualTo(1);
    assertThat(j.error()).hasValueSatisfying(e -> {
      assertThat(e.hresult()).isEqualTo(Hresult.BG_E_CONNECTION_CLOSED);
      assertThat(e.context()).isEqualTo(ErrorContext.GENERAL_TRANSPORT);
      assertThat(e.remoteUrl()).contains(URL);
    });
    assertThat(j.outcome().toCompletableFuture()).as("transient errors do not settle").isNotDone();
    clock.advance(Duration.ofSeconds(59));
    assertThat(j.state()).isEqualTo(JobState.TRANSIENT_ERROR);
    clock.advance(Duration.ofSeconds(1));
    assertThat(j.state()).isEqualTo(JobState.QUEUED);
    assertThat(j.error()).isEmpty();
    tick();
    assertThat(j.state()).isEqualTo(JobState.TRANSFERRED);
    assertThat(j.transientErrorCount()).isEqualTo(1);
  }

  @Test
  void noProgressTimeoutTurnsTransientErrorsFatal() {
    client.script(URL, FakeJobScript.of(connectionClosed(), connectionClosed(), connectionClosed()));
    ClientJob j = client.createJob(JobSpec.builder("j").addFile(URL, tmp.resolve("d.bin"))
        .minimumRetryDelay(Duration.ofSeconds(60)).noProgressTimeout(Duration.ofSeconds(90)).start(true).build());
    RecordingJobListener rec = new RecordingJobListener();
    j.addListener(rec);
    CompletableFuture<JobState> outcome = j.outcome().toCompletableFuture();
    tick(); // error at 1 s
    clock.advance(Duration.ofSeconds(60)); // retry at 61 s
    tick(); // second error at 62 s
    assertThat(j.state()).isEqualTo(JobState.TRANSIENT_ERROR);
    clock.advance(Duration.ofSeconds(29)); // 91 s: 90 s without progress
    assertThat(j.state()).isEqualTo(JobState.ERROR);
    assertThat(j.error()).hasValueSatisfying(e -> assertThat(e.hresult()).isEqualTo(Hresult.BG_E_CONNECTION_CLOSED));
    assertThat(outcome).isCompletedWithValue(JobState.ERROR);
    assertThat(rec.count(RecordingJobListener.Kind.ERROR)).isEqualTo(1);
  }

  @Test
  void zeroNoProgressTimeoutMakesEveryErrorFatal() {
    client.script(URL, FakeJobScript.of(connectionClosed()));
    ClientJob j = client.createJob(JobSpec.builder("j").addFile(URL, tmp.resolve("d.bin"))
        .noProgressTimeout(Duration.ZERO).start(true).build());
    tick();
    assertThat(j.state()).isEqualTo(JobState.ERROR);
  }

  @Test
  void closeFailsWaitingOutcomesWithECancelled() {
    ClientJob j = client.createJob(JobSpec.builder("j").addFile(URL, tmp.resolve("d.bin")).build()); // SUSPENDED
    CompletableFuture<JobState> waiting = j.outcome().toCompletableFuture();
    client.close();
    assertThat(waiting).isCompletedExceptionally();
    assertThatThrownBy(waiting::join).hasCauseInstanceOf(BitsException.class)
        .cause().satisfies(e -> assertThat(((BitsException) e).hresult()).isEqualTo(Hresult.E_CANCELLED));
    assertThat(j.outcome().toCompletableFuture()).isCompletedExceptionally();
  }

  @Test
  void retryDelayBeyondTheNoProgressTimeoutMeansErrorAtOnce() {
    client.script(URL, FakeJobScript.of(connectionClosed()));
    ClientJob j = client.createJob(JobSpec.builder("j").addFile(URL, tmp.resolve("d.bin"))
        .minimumRetryDelay(Duration.ofSeconds(600)).noProgressTimeout(Duration.ofSeconds(300)).start(true).build());
    tick();
    assertThat(j.state()).isEqualTo(JobState.ERROR);
    assertThat(j.error()).hasValueSatisfying(e -> assertThat(e.hresult()).isEqualTo(Hresult.BG_E_CONNECTION_CLOSED));
  }

  @Test
  void resumeFromErrorContinuesWithTheNextStepAndGivesAFreshOutcome() {
    client.script(URL, FakeJobScript.of(fatalError(Hresult.httpError(503), ErrorContext.REMOTE_FILE)));
    ClientJob j = start(URL, tmp.resolve("d.bin"));
    tick();
    assertThat(j.outcome().toCompletableFuture()).isCompletedWithValue(JobState.ERROR);
    j.resume();
    assertThat(j.state()).isEqualTo(JobState.QUEUED);
    CompletableFuture<JobState> next = j.outcome().toCompletableFuture();
    assertThat(next).isNotDone();
    tick();
    assertThat(next).isCompletedWithValue(JobState.TRANSFERRED);
  }

  @Test
  void stallHangsForGood() {
    client.script(URL, FakeJobScript.of(progress(10), stall()));
    ClientJob j = start(URL, tmp.resolve("d.bin"));
    clock.advance(Duration.ofDays(1));
    assertThat(j.state()).isEqualTo(JobState.TRANSFERRING);
    assertThat(j.progress().bytesTransferred()).isEqualTo(10);
    assertInactivityTimerOnly();
  }

  /** Where nothing listens the connection is refused: a transient error BITS retries, as on the real client. */
  @Test
  void aUrlWhereNothingListensIsATransientConnectFailure() throws IOException {
    URI nowhere = URI.create("http://127.0.0.1:9999/Carmine/f.bin");
    ClientJob j = start(nowhere, tmp.resolve("n.bin"));
    tick();
    assertThat(j.state()).isEqualTo(JobState.TRANSIENT_ERROR);
    assertThat(j.error()).hasValueSatisfying(e -> {
      assertThat(e.hresult()).isEqualTo(Hresult.BG_E_CONNECT_FAILURE);
      assertThat(e.context()).isEqualTo(ErrorContext.GENERAL_TRANSPORT);
    });
    assertThat(j.transientErrorCount()).isEqualTo(1);
    client.serve(nowhere, src); // the server comes up
    clock.advance(Duration.ofMinutes(10)); // the default retry delay
    tick();
    assertThat(j.state()).isEqualTo(JobState.TRANSFERRED);
  }

  /** Overlapping groups route as HTTP.SYS (and NettyCompactServer): + over an explicit host over *. */
  @Test
  void overlappingGroupsRouteStrongWildcardFirstThenExplicitThenWeak() throws IOException {
    FakeCompactServer server = new FakeCompactServer();
    FakeBitsClient c = FakeBitsClient.builder().scheduler(clock).server(server).build();
    Path weak = Files.write(tmp.resolve("weak.bin"), new byte[1]);
    Path explicit = Files.write(tmp.resolve("explicit.bin"), new byte[2]);
    Path strong = Files.write(tmp.resolve("strong.bin"), new byte[3]);
    server.createUrlGroup(UrlPrefix.parse("http://*:8081/G")).host("x.bin", weak, AccessPolicy.NONE);
    server.createUrlGroup(UrlPrefix.parse("http://127.0.0.1:8081/G")).host("x.bin", explicit, AccessPolicy.NONE);
    URI url = URI.create("http://127.0.0.1:8081/G/x.bin");
    assertThat(server.resolve(url).orElseThrow().source()).isEqualTo(explicit);
    server.createUrlGroup(UrlPrefix.parse("http://+:8081/G")).host("x.bin", strong, AccessPolicy.NONE);
    assertThat(server.resolve(url).orElseThrow().source()).isEqualTo(strong);
    ClientJob j = c.createJob(JobSpec.builder("r").addFile(url, tmp.resolve("r.bin")).start(true).build());
    tick();
    assertThat(j.progress().bytesTotal()).isEqualTo(3);
  }

  /** An https port without a certificate: the real server closes every connection, a transient error. */
  @Test
  void anHttpsGroupWithoutACertificateIsATransientError() {
    FakeCompactServer server = new FakeCompactServer();
    FakeBitsClient c = FakeBitsClient.builder().scheduler(clock).server(server).build();
    server.createUrlGroup(UrlPrefix.parse("https://+:8443/S")).host("f.bin", src, AccessPolicy.NONE);
    URI url = URI.create("https://server1.example:8443/S/f.bin");
    ClientJob j = c.createJob(JobSpec.builder("tls").addFile(url, tmp.resolve("t.bin")).start(true).build());
    tick();
    assertThat(j.state()).isEqualTo(JobState.TRANSIENT_ERROR);
    assertThat(j.error().orElseThrow().hresult()).isEqualTo(Hresult.BG_E_CONNECTION_CLOSED);
    byte[] thumbprint = new byte[20];
    server.addStoreCertificate("MY", thumbprint).setSslCertificate(8443, "MY", thumbprint);
    clock.advance(Duration.ofMinutes(10));
    tick();
    assertThat(j.state()).isEqualTo(JobState.TRANSFERRED);
  }

  @Test
  void unresolvableUrlIsAFatal404() {
    ClientJob j = start(URI.create("http://127.0.0.1:8080/Carmine/nothing"), tmp.resolve("d.bin"));
    tick();
    assertThat(j.state()).isEqualTo(JobState.ERROR);
    assertThat(j.error()).hasValueSatisfying(e -> {
      assertThat(e.hresult()).isEqualTo(Hresult.httpError(404));
      assertThat(e.context()).isEqualTo(ErrorContext.REMOTE_FILE);
    });
  }

  @Test
  void missingDestinationFolderIsALocalFileError() {
    ClientJob j = start(URL, tmp.resolve("no-such-dir").resolve("d.bin"));
    tick();
    assertThat(j.state()).isEqualTo(JobState.ERROR);
    assertThat(j.error()).hasValueSatisfying(e -> {
      assertThat(e.hresult()).isEqualTo(0x80070003);
      assertThat(e.context()).isEqualTo(ErrorContext.LOCAL_FILE);
    });
  }

  @Test
  void partialCompleteKeepsOnlyCompleteFiles() throws IOException {
    client.serve(URL2, src);
    client.script(URL, FakeJobScript.of(progress(1000), stall()));
    Path d1 = tmp.resolve("d1.bin");
    Path d2 = tmp.resolve("d2.bin");
    ClientJob j = client.createJob(JobSpec.builder("two").addFile(URL, d1).addFile(URL2, d2).start(true).build());
    tick();
    assertThat(j.progress()).isEqualTo(new JobProgress(2000, 1000, 2, 1));
    assertThat(j.files().get(0).completed()).isTrue();
    assertThat(Files.exists(d1)).isFalse();
    assertThat(j.complete()).isEqualTo(CompleteStatus.PARTIAL_COMPLETE);
    assertThat(Files.exists(d1)).isTrue();
    assertThat(Files.exists(d2)).isFalse();
    try (var s = Files.list(tmp)) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("src.bin", "d1.bin");
    }
  }

  @Test
  void listenersRunOnTheCallingThreadAndMayCallTheJob() {
    List<String> threads = new ArrayList<>();
    AtomicReference<CompleteStatus> completed = new AtomicReference<>();
    ClientJob j = client.createJob(JobSpec.builder("j").addFile(URL, tmp.resolve("d.bin")).build());
    j.addListener(new JobListener() {
      @Override
      public void jobTransferred(ClientJob job) {
        threads.add(Thread.currentThread().getName());
        completed.set(job.complete()); // as the JobListener Javadoc shows: no deadlock
      }
    });
    RecordingJobListener rec = new RecordingJobListener();
    j.addListener(rec);
    j.resume();
    tick();
    assertThat(threads).containsExactly(Thread.currentThread().getName());
    assertThat(completed.get()).isEqualTo(CompleteStatus.COMPLETE);
    assertThat(j.state()).isEqualTo(JobState.ACKNOWLEDGED);
    assertThat(Files.exists(tmp.resolve("d.bin"))).isTrue();
    assertThat(rec.count(RecordingJobListener.Kind.TRANSFERRED)).isEqualTo(1);
    assertThat(rec.states()).contains(JobState.QUEUED);
    assertThat(rec.events()).allMatch(e -> e.job().equals(j.id()));
  }

  @Test
  void throwingListenerDoesNotBreakTheJob() {
    ClientJob j = client.createJob(JobSpec.builder("j").addFile(URL, tmp.resolve("d.bin")).build());
    j.addListener(new JobListener() {
      @Override
      public void jobModified(ClientJob job) {
        throw new IllegalStateException("listener bug");
      }
    });
    RecordingJobListener rec = new RecordingJobListener();
    j.addListener(rec);
    j.resume();
    assertThat(j.state()).isEqualTo(JobState.QUEUED);
    assertThat(rec.count(RecordingJobListener.Kind.MODIFIED)).isEqualTo(1);
    j.removeListener(rec);
    tick();
    assertThat(rec.count(RecordingJobListener.Kind.TRANSFERRED)).as("removed").isZero();
  }

  @Test
  void capabilitiesAreEnforced() {
    FakeBitsClient bare = FakeBitsClient.builder().scheduler(clock).capabilities(Set.of()).build();
    ClientJob j = bare.createJob(JobSpec.builder("j").build());
    assertThat(bare.capabilities()).isEmpty();
    int notImpl = Hresult.E_NOTIMPL;
    assertThatThrownBy(j::suspend).isInstanceOfSatisfying(BitsException.class, e -> assertThat(e.hresult()).isEqualTo(notImpl));
    assertThatThrownBy(() -> j.setCredentials(Credentials.basic("a", "b")))
        .isInstanceOfSatisfying(BitsException.class, e -> assertThat(e.hresult()).isEqualTo(notImpl));
    assertThatThrownBy(() -> j.setProxy(ProxySettings.override(List.of("proxy:3128"), List.of())))
        .isInstanceOfSatisfying(BitsException.class, e -> assertThat(e.hresult()).isEqualTo(notImpl));
    assertThatThrownBy(() -> j.setClientCertificate(new ClientCertificate.BySubject(
            io.bits4j.CertStoreLocation.CURRENT_USER, "MY", "CN=x")))
        .isInstanceOfSatisfying(BitsException.class, e -> assertThat(e.hresult()).isEqualTo(notImpl));
    assertThatThrownBy(() -> bare.createJob(JobSpec.builder("x").customHeader("X-A", "1").build()))
        .isInstanceOfSatisfying(BitsException.class, e -> assertThat(e.hresult()).isEqualTo(notImpl));
    assertThat(bare.allJobs()).hasSize(1);
    assertThat(FakeBitsClient.DEFAULT_CAPABILITIES)
        .doesNotContain(ClientCapability.WINDOWS_CREDENTIALS, ClientCapability.PERSISTENT_JOBS)
        .contains(ClientCapability.SUSPEND, ClientCapability.CUSTOM_HEADERS);
  }

  @Test
  void createFailuresCanBeScripted() {
    BitsException boom = new BitsException(Hresult.BG_E_TOO_MANY_JOBS_PER_MACHINE, "scripted");
    client.failNextCreate(boom);
    assertThatThrownBy(() -> client.createJob(JobSpec.builder("x").build())).isSameAs(boom);
    client.createJob(JobSpec.builder("y").build());
    client.failCreates(boom);
    assertThatThrownBy(() -> client.createJob(JobSpec.builder("x").build())).isSameAs(boom);
    client.failCreates(null);
    client.createJob(JobSpec.builder("z").build());
    assertThat(client.census().created()).isEqualTo(2);
  }

  @Test
  void checkNoActiveJobsListsWhatIsLeft() {
    ClientJob j = client.createJob(JobSpec.builder("leftover").build());
    assertThatThrownBy(client::checkNoActiveJobs).isInstanceOf(AssertionError.class)
        .hasMessageContaining("leftover").hasMessageContaining("SUSPENDED");
    j.cancel();
    client.checkNoActiveJobs();
    assertThat(client.census().alive()).isZero();
    assertThat(client.census().peak()).isEqualTo(1);
  }

  @Test
  void closedClientRefusesNewJobsAndStopsDriving() {
    ClientJob j = start(URL, tmp.resolve("d.bin"));
    client.close();
    client.close();
    tick();
    assertThat(j.state()).isEqualTo(JobState.QUEUED);
    assertThatThrownBy(() -> client.createJob(JobSpec.builder("x").build())).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void urlsResolveAgainstAFakeServerWithItsAuthenticationAndAccessRules() throws IOException {
    FakeCompactServer server = new FakeCompactServer();
    FakeBitsClient c = FakeBitsClient.builder().scheduler(clock).server(server).build();
    UrlGroup g = server.createUrlGroup(UrlPrefix.parse("http://+:8080/Carmine"));
    g.host("open.bin", src, AccessPolicy.NONE);
    g.host("users.bin", src, AccessPolicy.parse("D:(A;;GR;;;AU)"));
    URI open = URI.create("http://server1.example:8080/carmine/OPEN.bin");
    URI users = URI.create("http://server1.example:8080/Carmine/users.bin");

    ClientJob ok = c.createJob(JobSpec.builder("a").addFile(open, tmp.resolve("1")).start(true).build());
    ClientJob denied = c.createJob(JobSpec.builder("b").addFile(users, tmp.resolve("2")).start(true).build());
    tick();
    assertThat(ok.state()).isEqualTo(JobState.TRANSFERRED);
    assertThat(denied.state()).isEqualTo(JobState.ERROR);
    assertThat(denied.error().orElseThrow().hresult()).isEqualTo(Hresult.httpError(403)); // as the Netty server
    assertThat(g.stats().requests()).isEqualTo(1);
    assertThat(g.stats().bytesSent()).isEqualTo(1000);

    g.setAuthentication(AuthScheme.DIGEST, true);
    ClientJob noCreds = c.createJob(JobSpec.builder("c").addFile(users, tmp.resolve("3")).start(true).build());
    ClientJob creds = c.createJob(JobSpec.builder("d").addFile(users, tmp.resolve("4"))
        .credentials(Credentials.digest("alice", "pw")).start(true).build());
    tick();
    assertThat(noCreds.error().orElseThrow().hresult()).isEqualTo(Hresult.httpError(401));
    assertThat(creds.state()).isEqualTo(JobState.TRANSFERRED);

    g.setAuthentication(AuthScheme.DIGEST, false);
    c.script(URI.create("http://server1.example:8080/Carmine/late.bin"), FakeJobScript.of(progress(1)));
    g.host("late.bin", src, AccessPolicy.NONE);
    ClientJob late = c.createJob(JobSpec.builder("e")
        .addFile(URI.create("http://server1.example:8080/Carmine/late.bin"), tmp.resolve("5")).start(true).build());
    tick();
    g.remove("late.bin"); // removed before the last byte: the final request gets 404
    tick();
    assertThat(late.state()).isEqualTo(JobState.ERROR);
    assertThat(late.error().orElseThrow().hresult()).isEqualTo(Hresult.httpError(404));
  }

  /**
   * With a user store the fake server checks passwords and gives the principal its groups, as
   * NettyCompactServer does: a wrong password or unknown user is 401, Digest needs the realm, and
   * access policies naming a group or the administrators apply.
   */
  @Test
  void aFakeServerWithUsersChecksPasswordsAndGroups() throws IOException {
    UserStore store = UserStore.inMemory();
    store.addUser("alice", "pw".toCharArray(), Set.of("Engineers", UserStore.ADMINISTRATORS), Set.of("bits4j"));
    store.addUser("bob", "pw2".toCharArray(), Set.of(), Set.of()); // no Digest realm
    FakeCompactServer server = new FakeCompactServer().users(store);
    FakeBitsClient c = FakeBitsClient.builder().scheduler(clock).server(server).build();
    UrlGroup g = server.createUrlGroup(UrlPrefix.parse("https://+:8443/Carmine"));
    byte[] thumbprint = new byte[20];
    server.addStoreCertificate("MY", thumbprint).setSslCertificate(8443, "MY", thumbprint);
    g.setAuthentication(AuthScheme.DIGEST, true);
    g.setAuthentication(AuthScheme.BASIC, true);
    g.host("eng.bin", src, AccessPolicy.parse("D:(A;;GR;;;" + Principal.groupSid("Engineers") + ")"));
    g.host("admins.bin", src, AccessPolicy.parse("D:(A;;GA;;;BA)"));
    URI eng = URI.create("https://server1.example:8443/Carmine/eng.bin");
    URI admins = URI.create("https://server1.example:8443/Carmine/admins.bin");
    java.util.function.BiFunction<URI, Credentials, ClientJob> job = (u, cr) -> c.createJob(JobSpec.builder("j")
        .addFile(u, tmp.resolve("f" + System.nanoTime())).credentials(cr).start(true).build());

    ClientJob wrong = job.apply(eng, Credentials.digest("alice", "WRONG"));
    ClientJob unknown = job.apply(eng, Credentials.basic("mallory", "x"));
    ClientJob noRealm = job.apply(eng, Credentials.digest("bob", "pw2"));
    ClientJob member = job.apply(eng, Credentials.digest("alice", "pw"));
    ClientJob admin = job.apply(admins, Credentials.basic("alice", "pw"));
    ClientJob notAdmin = job.apply(admins, Credentials.basic("bob", "pw2"));
    tick();
    assertThat(wrong.error().orElseThrow().hresult()).isEqualTo(Hresult.httpError(401));
    assertThat(unknown.error().orElseThrow().hresult()).isEqualTo(Hresult.httpError(401));
    assertThat(noRealm.error().orElseThrow().hresult()).isEqualTo(Hresult.httpError(401));
    assertThat(member.state()).as("a member of the group the policy names").isEqualTo(JobState.TRANSFERRED);
    assertThat(admin.state()).as("an administrator, for BA").isEqualTo(JobState.TRANSFERRED);
    assertThat(notAdmin.error().orElseThrow().hresult()).isEqualTo(Hresult.httpError(403));
  }

  // ---- fidelity with PortableBitsClient (Engine.resume, Engine.checkNotFinal) ----

  @Test
  void resumeFromErrorRestartsTheNoProgressTimer() {
    // bits-spec 4.2: ERROR --(fix + Resume)--> QUEUED, and TRANSIENT_ERROR is retried until
    // NoProgressTimeout passes without progress (4.4). The portable client starts that period
    // afresh on resume(); the fake kept the old start, so the first transient error after a
    // resume went straight back to ERROR.
    client.script(URL, FakeJobScript.of(connectionClosed(), connectionClosed(), connectionClosed(), progress(1000)));
    ClientJob j = client.createJob(JobSpec.builder("j").addFile(URL, tmp.resolve("d.bin"))
        .minimumRetryDelay(Duration.ofSeconds(5)).noProgressTimeout(Duration.ofSeconds(8)).start(true).build());
    tick(); // transient error at t=1
    assertThat(j.state()).isEqualTo(JobState.TRANSIENT_ERROR);
    clock.advance(Duration.ofSeconds(6)); // retry at t=6, second transient error at t=7
    assertThat(j.state()).isEqualTo(JobState.TRANSIENT_ERROR);
    clock.advance(Duration.ofSeconds(3)); // no progress since t=1: ERROR at t=9
    assertThat(j.state()).isEqualTo(JobState.ERROR);

    clock.advance(Duration.ofMinutes(10));
    j.resume();
    tick(); // third transient error: a fresh period, so retried
    assertThat(j.state()).isEqualTo(JobState.TRANSIENT_ERROR);
    clock.advance(Duration.ofSeconds(6)); // retry, then the progress completes the file
    tick();
    assertThat(j.state()).isEqualTo(JobState.TRANSFERRED);
  }

  @Test
  void jobsRefuseChangesOnceTheClientIsClosed() {
    ClientJob j = client.createJob(JobSpec.builder("j").addFile(URL, tmp.resolve("d.bin")).build());
    client.close();
    // accessors still answer
    assertThat(j.state()).isEqualTo(JobState.SUSPENDED);
    // the client itself is a closed object (BitsClient.close()), as the portable client is
    assertThatThrownBy(() -> client.findJob(j.id())).isInstanceOf(IllegalStateException.class);
    assertThat(client.allJobs()).containsExactly(j); // the test helpers still answer
    // PortableBitsClient refuses every change after close() with BG_E_INVALID_STATE (nothing
    // would drive or persist it); the fake accepted them
    List<Runnable> ops = List.of(j::resume, j::suspend, j::cancel, () -> j.complete(),
        () -> j.setDisplayName("x"), () -> j.setPriority(io.bits4j.JobPriority.LOW),
        () -> j.addFile(URL2, tmp.resolve("e.bin")), () -> j.setCredentials(Credentials.basic("a", "b")));
    for (Runnable op : ops) {
      assertThatThrownBy(op::run).isInstanceOfSatisfying(BitsException.class,
          e -> assertThat(Hresult.hex(e.hresult())).isEqualTo(Hresult.hex(Hresult.BG_E_INVALID_STATE)));
    }
    assertThat(j.state()).isEqualTo(JobState.SUSPENDED);
  }

  // ---- the job inactivity timeout (bits-spec 4.2, 4.4) ----

  @Test
  void aJobWithoutActivityForNinetyDaysIsCancelledAsCancelDoes() throws IOException {
    Path dest = tmp.resolve("d.bin");
    ClientJob j = start(URL, dest);
    tick(); // the last byte: TRANSFERRED, then forgotten
    assertThat(j.state()).isEqualTo(JobState.TRANSFERRED);
    assertThat(j.files().get(0).completed()).isTrue();
    RecordingJobListener rec = new RecordingJobListener();
    j.addListener(rec);
    tick();
    ClientJob suspended = client.createJob(JobSpec.builder("s").addFile(URL, tmp.resolve("s.bin")).build());
    CompletableFuture<JobState> outcome = suspended.outcome().toCompletableFuture();

    clock.advance(Duration.ofDays(90).minusSeconds(2)); // 90 days after the start
    assertThat(j.state()).isEqualTo(JobState.TRANSFERRED);
    tick(); // 90 days after the last byte
    assertThat(j.state()).isEqualTo(JobState.CANCELLED);
    assertThat(rec.states()).containsExactly(JobState.CANCELLED);
    assertThat(j.error()).isEmpty();
    assertThat(client.findJob(j.id())).isEmpty();
    assertThat(tmp.resolve("d.bin")).doesNotExist();
    try (var files = Files.list(tmp)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("src.bin");
    }
    assertThat(suspended.state()).as("created a second later").isEqualTo(JobState.SUSPENDED);
    tick();
    assertThat(outcome).isCompletedWithValue(JobState.CANCELLED);
    assertThat(client.census().alive()).isZero();
    assertThat(clock.pendingTasks()).as("no timer once no job is left").isZero();
  }

  @Test
  void progressAndChangesByTheOwnerAreActivityButRetriesAreNot() {
    client = FakeBitsClient.builder().name("t").scheduler(clock).tick(Duration.ofDays(30)).build();
    client.serve(URL, src);
    // a long transfer: a step every 30 days, for 150 days
    client.script(URL, FakeJobScript.of(progress(200), progress(200), progress(200), progress(200)));
    ClientJob slow = start(URL, tmp.resolve("slow.bin"));
    // a suspended job whose owner changes it now and then
    ClientJob kept = client.createJob(JobSpec.builder("kept").addFile(URL, tmp.resolve("kept.bin")).build());
    // a job that keeps failing transiently, with a no-progress timeout beyond the inactivity timeout
    client.script(URL2, FakeJobScript.of(connectionClosed(), connectionClosed(), connectionClosed(),
        connectionClosed(), connectionClosed(), connectionClosed(), connectionClosed(), connectionClosed()));
    client.serve(URL2, src);
    ClientJob failing = client.createJob(JobSpec.builder("failing").addFile(URL2, tmp.resolve("f.bin"))
        .minimumRetryDelay(Duration.ofDays(1)).noProgressTimeout(Duration.ofDays(365)).start(true).build());
    for (int day = 1; day <= 89; day++) {
      clock.advance(Duration.ofDays(1));
      if (day % 60 == 0) {
        kept.setDescription("still wanted on day " + day);
      }
    }
    assertThat(failing.state()).isIn(JobState.TRANSIENT_ERROR, JobState.QUEUED);
    assertThat(failing.transientErrorCount()).isGreaterThan(1);
    clock.advance(Duration.ofDays(1)); // day 90
    assertThat(failing.state()).as("retries are not activity: cancelled at the limit, bits-spec 4.4")
        .isEqualTo(JobState.CANCELLED);
    assertThat(slow.state()).as("progressed on day 60").isEqualTo(JobState.TRANSFERRING);
    assertThat(kept.state()).as("changed on day 60").isEqualTo(JobState.SUSPENDED);
    clock.advance(Duration.ofDays(60)); // day 150
    assertThat(slow.state()).isEqualTo(JobState.TRANSFERRED);
    assertThat(kept.state()).as("changed on day 60, 90 days ago").isEqualTo(JobState.CANCELLED);
    clock.advance(Duration.ofDays(90)); // day 240, 90 days after the last byte
    assertThat(slow.state()).isEqualTo(JobState.CANCELLED);
    client.checkNoActiveJobs();
    assertThat(clock.pendingTasks()).isZero();
  }

  @Test
  void theInactivityTimeoutIsConfigurableAndEndsWithTheClient() {
    assertThatThrownBy(() -> FakeBitsClient.builder().jobInactivityTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("jobInactivityTimeout");
    assertThatThrownBy(() -> FakeBitsClient.builder().jobInactivityTimeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    FakeBitsClient shortLived = FakeBitsClient.builder().scheduler(clock)
        .jobInactivityTimeout(Duration.ofMinutes(5)).build();
    ClientJob j = shortLived.createJob(JobSpec.builder("j").build());
    clock.advance(Duration.ofMinutes(5));
    assertThat(j.state()).isEqualTo(JobState.CANCELLED);
    FakeBitsClient forever = FakeBitsClient.builder().scheduler(clock)
        .jobInactivityTimeout(java.time.temporal.ChronoUnit.FOREVER.getDuration()).build();
    ClientJob kept = forever.createJob(JobSpec.builder("kept").build());
    assertThat(clock.pendingTasks()).as("a timeout beyond any instant sets no timer").isZero();
    clock.advance(Duration.ofDays(3650));
    assertThat(kept.state()).isEqualTo(JobState.SUSPENDED);
    ClientJob left = client.createJob(JobSpec.builder("left").build());
    assertThat(clock.pendingTasks()).isEqualTo(1);
    client.close();
    assertThat(clock.pendingTasks()).as("close() cancels the timer").isZero();
    clock.advance(Duration.ofDays(365));
    assertThat(left.state()).as("a closed client drives nothing").isEqualTo(JobState.SUSPENDED);
  }
}
