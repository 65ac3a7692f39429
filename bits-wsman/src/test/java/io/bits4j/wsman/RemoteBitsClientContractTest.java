package io.bits4j.wsman;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.bits4j.BitsClient;
import io.bits4j.ClientJob;
import io.bits4j.JobSpec;
import io.bits4j.JobState;
import io.bits4j.testkit.FakeBitsClient;
import io.bits4j.testkit.contract.BitsClientContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The BitsClient contract, run against RemoteBitsClient over a real endpoint fronting the fake. */
class RemoteBitsClientContractTest extends BitsClientContract {
  private static final URI FILE = URI.create("http://127.0.0.1:18080/Carmine/file.bin");
  private static final byte[] BYTES = "remote contract payload\n".repeat(100).getBytes(StandardCharsets.UTF_8);
  private RemoteContractSupport node;

  @Override
  protected BitsClient newClient() {
    try {
      Path source = Files.write(Files.createTempDirectory(tempDir, "src").resolve("file.bin"), BYTES);
      FakeBitsClient fake = FakeBitsClient.builder().tick(Duration.ofMillis(10)).build().serve(FILE, source);
      node = new RemoteContractSupport(null, fake, tempDir);
      return node.session.bitsClient();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  protected URI urlOfTestFile() {
    return FILE;
  }

  @Override
  protected byte[] testFileBytes() {
    return BYTES.clone();
  }

  @Override
  protected Optional<URI> urlOfMissingFile() {
    return Optional.of(URI.create("http://127.0.0.1:18080/Carmine/missing.bin"));
  }

  @Override
  protected Duration timeout() {
    return Duration.ofSeconds(20);
  }

  /** Closing the proxy releases the proxy only: the node keeps its jobs. */
  @Override
  protected boolean closeReleasesOnlyAProxy() {
    return true;
  }

  @Test
  void closingTheProxyLeavesTheNodesJobsAndTheSessionHandsOutAFreshProxy() {
    ClientJob j = client.createJob(JobSpec.builder("kept").build());
    assertSame(client, node.session.bitsClient(), "one proxy per session while it is open");
    client.close();
    BitsClient again = node.session.bitsClient();
    assertNotSame(client, again, "a closed proxy is not handed out again");
    ClientJob kept = again.findJob(j.id()).orElseThrow(() -> new AssertionError("the node lost the job"));
    assertEquals(JobState.SUSPENDED, kept.state());
    kept.cancel();
  }

  @AfterEach
  @Override
  protected void closeClient() {
    super.closeClient();
    node.close();
  }
}
