package io.bits4j.client.portable;

import static org.assertj.core.api.Assertions.assertThat;

import io.bits4j.ClientJob;
import io.bits4j.JobSpec;
import io.bits4j.JobState;
import io.bits4j.client.portable.internal.StateStoreAccess;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The state files: checksummed, replaced atomically, torn writes recognised. */
class StateStoreTest {
  @TempDir Path tmp;

  @Test
  void roundTripAndEveryTruncationOrBitFlipIsDetected() {
    Properties p = new Properties();
    p.setProperty("id", "x");
    p.setProperty("file.0.url", "http://h/a b=c:d");
    p.setProperty("description", "line1\nline2 ünïcode");
    byte[] bytes = StateStoreAccess.encode(p);
    assertThat(StateStoreAccess.decode(bytes)).isEqualTo(p);
    for (int cut = 0; cut < bytes.length; cut++) {
      assertThat(StateStoreAccess.decode(Arrays.copyOf(bytes, cut))).as("torn at %d", cut).isNull();
    }
    for (int i = 0; i < bytes.length; i++) {
      byte[] flipped = bytes.clone();
      flipped[i] ^= 0x20;
      Properties d = StateStoreAccess.decode(flipped);
      assertThat(d == null || d.equals(p)).as("flip at %d", i).isTrue();
    }
  }

  @Test
  void tornAndLeftoverFilesDoNotBreakReopening() throws Exception {
    Path state = tmp.resolve("state");
    URI url = URI.create("http://127.0.0.1:9/f");
    ClientJob kept;
    ClientJob torn;
    try (PortableBitsClient c = PortableBitsClient.builder().stateDirectory(state).build()) {
      kept = c.createJob(JobSpec.builder("kept").addFile(url, tmp.resolve("a")).build());
      torn = c.createJob(JobSpec.builder("torn").addFile(url, tmp.resolve("b")).build());
    }
    Path tornFile = state.resolve("job-" + torn.id().uuid() + ".state");
    byte[] full = Files.readAllBytes(tornFile);
    Files.write(tornFile, Arrays.copyOf(full, full.length / 2)); // a torn write of the real file
    Path leftover = state.resolve("job-" + kept.id().uuid() + ".state.tmp");
    Files.write(leftover, new byte[] {'#', ' ', 'b'}); // a crash while writing the next version
    try (PortableBitsClient c = PortableBitsClient.builder().stateDirectory(state).build()) {
      assertThat(c.jobs()).extracting(ClientJob::id).containsExactly(kept.id());
      assertThat(c.job(kept.id()).state()).isEqualTo(JobState.SUSPENDED);
    }
    assertThat(Files.exists(leftover)).isFalse();
    try (Stream<Path> s = Files.list(state)) {
      assertThat(s.map(p -> p.getFileName().toString())).contains("job-" + torn.id().uuid() + ".state.damaged");
    }
  }
}
