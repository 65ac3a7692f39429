package io.bits4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.bits4j.BitsClient;
import io.bits4j.BitsException;
import io.bits4j.CompactServer;
import io.bits4j.Controller;
import io.bits4j.Transfer;
import io.bits4j.TransferPlan;
import io.bits4j.TransferReport;
import io.bits4j.TransferReport.Outcome;
import io.bits4j.TransferReport.TargetOutcome;
import io.bits4j.UrlGroup;
import io.bits4j.UrlPrefix;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controller when a remote operation's reply is lost: the node carried the operation out, the
 * controller got a transport error ({@code 0x80072EFE}, as {@code WsmanSession} reports a
 * connection lost mid-reply). What the operation may have created is still cleaned up, or the
 * report says that it could not be — never a clean report with a URL still published or a job
 * left on a client.
 */
class ControllerLostReplyTest {
  /** HRESULT_FROM_WIN32(ERROR_WINHTTP_CONNECTION_ERROR), what a lost reply looks like. */
  static final int CONNECTION_ERROR = 0x80072EFE;
  private static final UrlPrefix PREFIX = UrlPrefix.parse("http://127.0.0.1:8080/Carmine");

  @TempDir Path tmp;
  private final ManualClock clock = new ManualClock();
  private final FakeCompactServer server = new FakeCompactServer();
  private final JobCensus census = new JobCensus();
  private FakeBitsClient client;
  private Path source;

  @BeforeEach
  void setUp() throws IOException {
    source = Files.write(tmp.resolve("src.bin"), new byte[10_000]);
    Files.createDirectories(tmp.resolve("dest"));
    client = FakeBitsClient.builder().name("a").scheduler(clock).server(server).census(census).build();
  }

  @AfterEach
  void noTaskFailed() {
    clock.checkNoTaskFailures();
  }

  private TransferReport run(Controller c, TransferPlan plan) {
    Transfer t = c.start(plan);
    for (int i = 0; i < 10_000 && !t.isDone(); i++) {
      clock.advance(Duration.ofSeconds(1));
    }
    assertThat(t.isDone()).as("transfer done within the step bound").isTrue();
    return t.result().toCompletableFuture().join();
  }

  private TransferPlan.Builder plan() {
    return TransferPlan.builder(source, PREFIX).hostName("127.0.0.1").target("a", tmp.resolve("dest/f.bin"));
  }

  static BitsException lost() {
    return new BitsException(CONNECTION_ERROR, "the connection was lost before the whole reply arrived");
  }

  @Test
  void urlPublishedByAHostWhoseReplyWasLostIsRemoved() {
    try (Controller c = Controller.builder().server(ClientWrappers.groupsLosingReplyOf(server, "host", lost())).client("a", client)
        .scheduler(clock).build()) {
      TransferReport r = run(c, plan().build());
      assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
      assertThat(r.isClean()).as(r.toString()).isTrue();
      server.checkNoHostedFiles();
      server.checkNoUrlGroups();
    }
  }

  @Test
  void urlPublishedUnderAnExplicitSuffixByAHostWhoseReplyWasLostIsRemoved() {
    try (Controller c = Controller.builder().server(ClientWrappers.groupsLosingReplyOf(server, "host", lost())).client("a", client)
        .scheduler(clock).build()) {
      TransferReport r = run(c, plan().suffix("disk.img").build());
      assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
      assertThat(r.isClean()).as(r.toString()).isTrue();
      server.checkNoHostedFiles();
    }
  }

  @Test
  void aUrlThatWasAlreadyHostedIsNeverRemoved() {
    UrlGroup g = server.createUrlGroup(PREFIX);
    g.host("disk.img", source, io.bits4j.AccessPolicy.NONE);
    try (Controller c = Controller.builder().server(server).client("a", client).scheduler(clock).build()) {
      TransferReport r = run(c, plan().suffix("disk.img").build());
      assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
      assertThat(g.contains("disk.img")).as("someone else's URL stays").isTrue();
    }
  }

  @Test
  void groupCreatedByACallWhoseReplyWasLostIsDeleted() {
    CompactServer s = ClientWrappers.losingReplyOf(CompactServer.class, server, "createUrlGroup", lost());
    try (Controller c = Controller.builder().server(s).client("a", client).scheduler(clock).build()) {
      TransferReport r = run(c, plan().build());
      assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
      assertThat(r.isClean()).as(r.toString()).isTrue();
      server.checkNoUrlGroups();
    }
  }

  @Test
  void jobCreatedByACallWhoseReplyWasLostIsFoundAndCancelled() {
    BitsClient losing = ClientWrappers.losingReplyOf(BitsClient.class, client, "createJob", lost());
    try (Controller c = Controller.builder().server(server).client("a", losing).scheduler(clock).build()) {
      TransferReport r = run(c, plan().build());
      assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
      assertThat(r.targets().get(0).outcome()).isEqualTo(TargetOutcome.REFUSED);
      assertThat(r.targets().get(0).problem()).hasValueSatisfying(p -> assertThat(p).contains("0x80072EFE"));
      client.checkNoActiveJobs();
      assertThat(census.alive()).isZero();
      server.checkNoUrlGroups();
    }
  }

  @Test
  void aLostCreateJobReplyCancelsOnlyThatTargetsJob() {
    // two targets on one client: the first job is created normally, the second's reply is lost
    BitsClient[] holder = new BitsClient[1];
    int[] creates = {0};
    holder[0] = (BitsClient) Proxy.newProxyInstance(BitsClient.class.getClassLoader(), new Class<?>[] {BitsClient.class},
        (p, m, a) -> {
          Object r = ClientWrappers.invoke(m, client, a);
          if (m.getName().equals("createJob") && ++creates[0] == 2) {
            throw lost();
          }
          return r;
        });
    FakeBitsClient other = FakeBitsClient.builder().name("b").scheduler(clock).server(server).census(census).build();
    try (Controller c = Controller.builder().server(server).client("a", holder[0]).client("b", other)
        .scheduler(clock).build()) {
      TransferReport r = run(c, plan().target("a", tmp.resolve("dest/g.bin")).maxConcurrentJobs(1).build());
      assertThat(r.targets()).extracting(TransferReport.TargetResult::outcome)
          .containsExactly(TargetOutcome.COMPLETED, TargetOutcome.REFUSED);
      assertThat(Files.exists(tmp.resolve("dest/f.bin"))).isTrue();
      client.checkNoActiveJobs();
      assertThat(census.alive()).isZero();
      assertThat(Set.of(r.isClean())).containsExactly(true);
    }
  }
}
