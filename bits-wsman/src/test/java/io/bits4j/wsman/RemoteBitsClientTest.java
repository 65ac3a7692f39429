package io.bits4j.wsman;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bits4j.BitsClient;
import io.bits4j.BitsException;
import io.bits4j.ClientCapability;
import io.bits4j.ClientCertificate;
import io.bits4j.ClientJob;
import io.bits4j.CompleteStatus;
import io.bits4j.Credentials;
import io.bits4j.Hresult;
import io.bits4j.JobError;
import io.bits4j.JobListener;
import io.bits4j.JobPriority;
import io.bits4j.JobSpec;
import io.bits4j.JobState;
import io.bits4j.ProxySettings;
import io.bits4j.UserStore;
import io.netty.pkitesting.X509Bundle;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RemoteBitsClient over a real endpoint on loopback, against the in-memory client. */
class RemoteBitsClientTest {
  static final TinyClient CLIENT = new TinyClient();
  static final TestScheduler CLOCK = new TestScheduler();
  @TempDir static Path tmp;
  static Path downloads;
  static ManagementEndpoint endpoint;
  static WsmanSession session;

  @BeforeAll
  static void start() throws Exception {
    UserStore users = UserStore.inMemory();
    users.addUser("admin", "pw".toCharArray(), Set.of(UserStore.ADMINISTRATORS), Set.of());
    downloads = Files.createDirectories(tmp.resolve("dl"));
    endpoint = ManagementEndpoint.builder().bitsClient(CLIENT).users(users).tls(TestPki.identity(TestPki.SERVER))
        .bind(new InetSocketAddress("127.0.0.1", 0)).downloadRoot(downloads).build();
    session = WsmanSession.builder(endpoint.uri()).basic("admin", "pw".toCharArray())
        .trustCertificates(List.of(TestPki.CA.getCertificate())).scheduler(CLOCK).pollInterval(Duration.ofSeconds(1))
        .build();
  }

  @AfterAll
  static void stop() {
    session.close();
    endpoint.close();
  }

  static URI url(String name) {
    return URI.create("https://127.0.0.1:8443/Carmine/" + name);
  }

  @Test
  void anOutcomePendingWhenTheSessionClosesFailsWithCancelled() throws Exception {
    TestScheduler clock = new TestScheduler();
    WsmanSession own = WsmanSession.builder(endpoint.uri()).basic("admin", "pw".toCharArray())
        .trustCertificates(List.of(TestPki.CA.getCertificate())).scheduler(clock).pollInterval(Duration.ofSeconds(1))
        .build();
    ClientJob job = own.bitsClient().createJob(JobSpec.builder("closing")
        .addFile(url("c.bin"), downloads.resolve("c.bin")).build());
    CompletableFuture<JobState> outcome = job.outcome().toCompletableFuture();
    assertThat(outcome).isNotDone(); // SUSPENDED: not settled
    own.close();
    clock.advance(Duration.ofSeconds(1)); // the next poll finds the session closed
    assertThatThrownBy(() -> outcome.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(BitsException.class)
        .cause().satisfies(e -> assertThat(((BitsException) e).hresult()).isEqualTo(Hresult.E_CANCELLED));
    session.bitsClient().findJob(job.id()).ifPresent(ClientJob::cancel);
  }

  @Test
  void createJobAppliesTheWholeSpec() {
    BitsClient client = session.bitsClient();
    JobSpec spec = JobSpec.builder("spec").description("all of it")
        .addFile(url("a"), downloads.resolve("a")).addFile(url("b"), downloads.resolve("b"))
        .priority(JobPriority.HIGH).minimumRetryDelay(Duration.ofSeconds(30)).noProgressTimeout(Duration.ofSeconds(900))
        .credentials(Credentials.basic("alice", "pw")).proxy(ProxySettings.NO_PROXY)
        .customHeader("X-Trace", "42").build();
    ClientJob job = client.createJob(spec);
    TinyClient.Job j = CLIENT.jobs.get(job.id());
    assertThat(j.files).hasSize(2);
    assertThat(j.priority).isEqualTo(JobPriority.HIGH);
    assertThat(j.retry).isEqualTo(Duration.ofSeconds(30));
    assertThat(j.noProgress).isEqualTo(Duration.ofSeconds(900));
    assertThat(j.credentials).singleElement().satisfies(c -> assertThat(c.userName()).isEqualTo("alice"));
    assertThat(j.proxy).isEqualTo(ProxySettings.NO_PROXY);
    assertThat(j.headers).containsEntry("X-Trace", "42");
    assertThat(job.state()).isEqualTo(JobState.SUSPENDED);
    assertThat(job.displayName()).isEqualTo("spec");
    assertThat(job.description()).isEqualTo("all of it");
    assertThat(job.priority()).isEqualTo(JobPriority.HIGH);
    assertThat(job.files()).extracting(f -> f.remoteUrl().toString()).containsExactly(url("a").toString(), url("b").toString());
    assertThat(job.customHeaders()).containsEntry("X-Trace", "42");
    assertThat(job.progress().isTotalKnown()).isFalse();
    assertThat(client.findJob(job.id())).isPresent();
    assertThat(client.jobs()).extracting(ClientJob::id).contains(job.id());
    job.setDisplayName("renamed");
    job.setPriority(JobPriority.LOW);
    assertThat(job.displayName()).isEqualTo("renamed");
    assertThat(job.priority()).isEqualTo(JobPriority.LOW);
    job.cancel();
    assertThat(job.state()).isEqualTo(JobState.CANCELLED);
    assertThat(client.findJob(job.id())).isEmpty();
    assertThatThrownBy(job::resume).isInstanceOfSatisfying(BitsException.class,
        e -> assertThat(e.hresult()).isEqualTo(Hresult.BG_E_INVALID_STATE));
  }

  @Test
  void refusedSpecsCancelTheHalfCreatedJob() {
    JobSpec spec = JobSpec.builder("bad").addFile(url("a"), downloads.resolve("ok"))
        .addFile(url("b"), tmp.resolve("outside")).build();
    int before = CLIENT.jobs.size();
    assertThatThrownBy(() -> session.bitsClient().createJob(spec)).isInstanceOfSatisfying(BitsException.class,
        e -> assertThat(e.hresult()).isEqualTo(Hresult.E_ACCESSDENIED));
    assertThat(CLIENT.jobs.size()).isEqualTo(before + 1);
    assertThat(CLIENT.jobs.values()).last().satisfies(j -> assertThat(j.state).isEqualTo(JobState.CANCELLED));
  }

  @Test
  void outcomeAndListenersByPolling() throws Exception {
    ClientJob job = session.bitsClient().createJob(
        JobSpec.builder("poll").addFile(url("p"), downloads.resolve("p")).build());
    List<String> events = new CopyOnWriteArrayList<>();
    CompletableFuture<ClientJob> transferred = new CompletableFuture<>();
    job.addListener(new JobListener() {
      @Override
      public void jobTransferred(ClientJob j) {
        events.add("transferred");
        transferred.complete(j);
      }

      @Override
      public void jobModified(ClientJob j) {
        events.add("modified");
      }
    });
    CompletableFuture<JobState> outcome = job.outcome().toCompletableFuture();
    assertThat(outcome).isNotDone();
    job.resume(); // TinyClient: TRANSFERRING for 2 reads, then TRANSFERRED
    for (int i = 0; i < 20 && !outcome.isDone(); i++) {
      CLOCK.advance(Duration.ofSeconds(1));
      try {
        outcome.get(200, TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.TimeoutException notYet) {
        // poll again
      }
    }
    assertThat(outcome.get(5, TimeUnit.SECONDS)).isEqualTo(JobState.TRANSFERRED);
    assertThat(transferred.get(5, TimeUnit.SECONDS).id()).isEqualTo(job.id());
    assertThat(events).contains("transferred");
    assertThat(job.outcome().toCompletableFuture().getNow(null)).as("settled now").isEqualTo(JobState.TRANSFERRED);
    assertThat(job.progress().fraction()).isEqualTo(1.0);
    assertThat(job.complete()).isEqualTo(CompleteStatus.COMPLETE);
    assertThat(job.state()).isEqualTo(JobState.ACKNOWLEDGED);
    assertThat(job.outcome().toCompletableFuture().getNow(null)).isEqualTo(JobState.ACKNOWLEDGED);
  }

  @Test
  void errorsTravelWithGetError() {
    ClientJob job = session.bitsClient().createJob(
        JobSpec.builder("err").addFile(url("e"), downloads.resolve("e")).build());
    assertThat(job.error()).isEmpty();
    CLIENT.fail(CLIENT.jobs.get(job.id()), Hresult.httpError(404));
    assertThat(job.state()).isEqualTo(JobState.ERROR);
    JobError e = job.error().orElseThrow();
    assertThat(e.hresult()).isEqualTo(Hresult.httpError(404));
    assertThat(e.context()).isEqualTo(io.bits4j.ErrorContext.REMOTE_FILE);
    assertThat(e.remoteUrl()).contains(url("e"));
    assertThat(job.outcome().toCompletableFuture().getNow(null)).isEqualTo(JobState.ERROR);
    job.cancel();
  }

  @Test
  void keyStoreClientCertificateTravelsAsPkcs12() throws Exception {
    X509Bundle cert = TestPki.client("job-client");
    KeyStore ks = cert.toKeyStore("secret".toCharArray());
    String alias = java.util.Collections.list(ks.aliases()).stream().filter(a -> {
      try {
        return ks.isKeyEntry(a);
      } catch (java.security.KeyStoreException e) {
        return false;
      }
    }).findFirst().orElseThrow();
    ClientJob job = session.bitsClient().createJob(
        JobSpec.builder("ks").addFile(url("k"), downloads.resolve("k")).build());
    job.setClientCertificate(ClientCertificate.fromKeyStore(ks, alias, "secret".toCharArray()));
    assertThat(CLIENT.jobs.get(job.id()).certificate).isInstanceOfSatisfying(ClientCertificate.FromKeyStore.class, k -> {
      assertThat(k.alias()).isEqualTo(alias);
      try {
        assertThat(k.keyStore().getCertificate(alias)).isEqualTo(cert.getCertificate());
      } catch (java.security.KeyStoreException e) {
        throw new AssertionError(e);
      }
    });
    job.removeClientCertificate();
    assertThat(CLIENT.jobs.get(job.id()).certificate).isNull();
    job.cancel();
  }

  @Test
  void capabilitiesComeFromTheNodeWithoutPush() {
    Set<ClientCapability> caps = session.bitsClient().capabilities();
    assertThat(caps).contains(ClientCapability.CUSTOM_HEADERS, ClientCapability.KEYSTORE_CLIENT_CERTIFICATE)
        .doesNotContain(ClientCapability.PUSH_NOTIFICATIONS, ClientCapability.WINDOWS_CREDENTIALS);
  }

  @Test
  void proxiesUsedAfterTheSessionIsClosedThrowIllegalStateException() {
    WsmanSession other = WsmanSession.builder(endpoint.uri()).basic("admin", "pw".toCharArray())
        .trustCertificates(List.of(TestPki.CA.getCertificate())).scheduler(CLOCK).build();
    RemoteBitsClient client = other.bitsClient();
    ClientJob job = client.createJob(JobSpec.builder("closed").build());
    other.close();
    assertThatThrownBy(job::state).isInstanceOf(IllegalStateException.class).hasMessage("session closed");
    assertThatThrownBy(client::jobs).isInstanceOf(IllegalStateException.class).hasMessage("session closed");
    session.bitsClient().findJob(job.id()).orElseThrow().cancel();
  }
}
