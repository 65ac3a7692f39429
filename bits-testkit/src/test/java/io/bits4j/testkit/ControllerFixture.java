package io.bits4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.bits4j.Controller;
import io.bits4j.Transfer;
import io.bits4j.TransferPlan;
import io.bits4j.TransferReport;
import io.bits4j.UrlPrefix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the controller tests share: a fake server and fake clients on one manual clock, a random
 * source file, destinations in a temporary directory, and a bounded run of a transfer.
 */
abstract class ControllerFixture {
  static final UrlPrefix PREFIX = UrlPrefix.parse("http://127.0.0.1:8080/Carmine");
  static final int SIZE = 10_000;

  @TempDir Path tmp;

  final ManualClock clock = new ManualClock();
  final FakeCompactServer server = new FakeCompactServer();
  final JobCensus census = new JobCensus();
  final List<FakeBitsClient> clients = new ArrayList<>();
  private final String sourceName;
  private final long seed;
  Path source;
  byte[] bytes;

  ControllerFixture(String sourceName, long seed) {
    this.sourceName = sourceName;
    this.seed = seed;
  }

  @BeforeEach
  void createSource() throws IOException {
    bytes = new byte[SIZE];
    new Random(seed).nextBytes(bytes);
    source = Files.write(tmp.resolve(sourceName), bytes);
    Files.createDirectories(tmp.resolve("dest"));
  }

  @AfterEach
  void noTaskFailed() {
    clock.checkNoTaskFailures();
  }

  FakeBitsClient client(String name) {
    FakeBitsClient c = FakeBitsClient.builder().name(name).scheduler(clock).server(server).census(census).build();
    clients.add(c);
    return c;
  }

  Controller controller(FakeBitsClient... cs) {
    Controller.Builder b = Controller.builder().server(server).scheduler(clock).pollInterval(Duration.ofSeconds(5));
    for (FakeBitsClient c : cs) {
      b.client(c.toString().replaceAll("FakeBitsClient\\[(.*)]", "$1"), c);
    }
    return b.build();
  }

  Path dest(String name) {
    return tmp.resolve("dest").resolve(name);
  }

  TransferPlan.Builder plan() {
    return TransferPlan.builder(source, PREFIX).hostName("127.0.0.1");
  }

  /** Advances the clock a second at a time until the transfer is done (bounded). */
  TransferReport run(Transfer t) {
    for (int i = 0; i < 100_000 && !t.isDone(); i++) {
      clock.advance(Duration.ofSeconds(1));
    }
    assertThat(t.isDone()).as("transfer done within the step bound").isTrue();
    CompletableFuture<TransferReport> f = t.result().toCompletableFuture();
    assertThat(f).isCompleted();
    return f.join();
  }

  void assertNothingLeft() {
    server.checkNoUrlGroups();
    clients.forEach(FakeBitsClient::checkNoActiveJobs);
    assertThat(census.alive()).isZero();
  }
}
