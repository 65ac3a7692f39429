package io.bits4j.testkit;

import io.bits4j.BitsClient;
import io.bits4j.ClientJob;
import io.bits4j.JobState;
import io.bits4j.testkit.contract.BitsClientContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

/** The client contract, run against the fake on a manual clock. */
class FakeBitsClientContractTest extends BitsClientContract {
  private static final URI URL = URI.create("http://127.0.0.1:8080/Carmine/file.bin");
  private static final byte[] BYTES = new byte[70_000];

  static {
    new Random(7).nextBytes(BYTES);
  }

  private final ManualClock clock = new ManualClock();

  @Override
  protected BitsClient newClient() {
    try {
      FakeBitsClient c = FakeBitsClient.builder().scheduler(clock).build();
      c.serve(URL, Files.write(tempDir.resolve("served.bin"), BYTES));
      c.defaultScript(FakeJobScript.of(FakeJobScript.progress(30_000), FakeJobScript.progress(30_000)));
      return c;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  protected URI urlOfTestFile() {
    return URL;
  }

  @Override
  protected byte[] testFileBytes() {
    return BYTES.clone();
  }

  @Override
  protected Optional<URI> urlOfMissingFile() {
    return Optional.of(URI.create("http://127.0.0.1:8080/Carmine/missing.bin"));
  }

  @Override
  protected boolean advanceClock(Duration d) {
    clock.advance(d);
    return true;
  }

  @Override
  protected JobState awaitOutcome(ClientJob job) {
    CompletableFuture<JobState> f = job.outcome().toCompletableFuture();
    for (int i = 0; i < 1000 && !f.isDone(); i++) {
      clock.advance(Duration.ofSeconds(1));
    }
    if (!f.isDone()) {
      throw new AssertionError("job did not settle within 1000 ticks: " + job.state());
    }
    return f.join();
  }
}
