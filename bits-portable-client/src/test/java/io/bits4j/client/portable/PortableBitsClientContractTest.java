package io.bits4j.client.portable;

import io.bits4j.BitsClient;
import io.bits4j.testkit.ManualClock;
import io.bits4j.testkit.contract.BitsClientContract;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The testkit's client contract against the portable client and a loopback server. The client's
 * scheduler is a manual clock, so that the contract can check the 90-day inactivity timeout; the
 * transfers themselves run in real time (retry delays and time slices do not come into play).
 */
class PortableBitsClientContractTest extends BitsClientContract {
  @TempDir static Path shared;
  static TestServer server;
  static byte[] bytes;
  private final ManualClock clock = new ManualClock();

  @BeforeAll
  static void startServer() throws IOException {
    Path src = TestFiles.generate(shared.resolve("contract.bin"), 1_234_567, 40);
    bytes = Files.readAllBytes(src);
    server = new TestServer(src);
    server.raw.put("/missing", r -> "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
  }

  @AfterAll
  static void stopServer() throws IOException {
    server.close();
  }

  @Override
  protected BitsClient newClient() {
    return PortableBitsClient.builder().stateDirectory(tempDir.resolve("state")).scheduler(clock).build();
  }

  @Override
  protected boolean advanceClock(Duration d) {
    clock.advance(d);
    return true;
  }

  @Override
  protected URI urlOfTestFile() {
    return server.uri("/contract.bin");
  }

  @Override
  protected byte[] testFileBytes() {
    return bytes.clone();
  }

  @Override
  protected Optional<URI> urlOfMissingFile() {
    return Optional.of(server.uri("/missing"));
  }
}
