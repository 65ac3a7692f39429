package io.bits4j.wsman;

import io.bits4j.BitsClient;
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

  @AfterEach
  @Override
  protected void closeClient() {
    super.closeClient();
    node.close();
  }
}
