package io.bits4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.bits4j.AccessPolicy;
import io.bits4j.ClientJob;
import io.bits4j.JobSpec;
import io.bits4j.JobState;
import io.bits4j.UrlGroup;
import io.bits4j.UrlPrefix;
import io.bits4j.client.portable.PortableBitsClient;
import io.bits4j.server.netty.NettyCompactServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GetCommandTest {
  @TempDir Path dir;
  private NettyCompactServer server;
  private URI url;
  private byte[] content;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void serve() throws Exception {
    content = new byte[3_000_000];
    new Random(7).nextBytes(content);
    Path src = Files.write(dir.resolve("src.bin"), content);
    int port = CliProcess.freePort();
    server = NettyCompactServer.builder().build();
    UrlGroup g = server.createUrlGroup(UrlPrefix.parse("http://127.0.0.1:" + port + "/Carmine"));
    url = g.host("src.bin", src, AccessPolicy.NONE).url("127.0.0.1");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private int bits(String... args) {
    return BitsCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  @ParameterizedTest(name = "buffered writes: {0}")
  @ValueSource(booleans = {false, true})
  void downloadsCompletesAndLeavesNoJob(boolean buffered) throws Exception {
    Path dest = dir.resolve("out/dest.bin");
    Files.createDirectories(dest.getParent());
    Path state = dir.resolve("state");
    List<String> args = new ArrayList<>(List.of("get", url.toString(), dest.toString(), "--state-dir", state.toString(),
        "--progress", "lines"));
    if (buffered) {
      args.add("--buffered-writes");
    }
    assertThat(bits(args.toArray(new String[0]))).as(err.toString()).isZero();
    assertThat(Files.readAllBytes(dest)).isEqualTo(content);
    assertThat(out.toString()).contains("100.0% 3,000,000/3,000,000 bytes").contains("complete: " + dest);
    try (PortableBitsClient c = PortableBitsClient.builder().stateDirectory(state).build()) {
      assertThat(c.jobs()).isEmpty();
    }
  }

  @Test
  void resumesThePersistedJobForTheSameUrlAndDestination() throws Exception {
    Path dest = dir.resolve("dest.bin");
    Path state = dir.resolve("state");
    String id;
    try (PortableBitsClient c = PortableBitsClient.builder().stateDirectory(state).build()) {
      ClientJob left = c.createJob(JobSpec.builder("left by a crash").addFile(url, dest).build());
      assertThat(left.state()).isEqualTo(JobState.SUSPENDED);
      id = left.id().toString();
    }
    assertThat(bits("get", url.toString(), dest.toString(), "--state-dir", state.toString(), "--progress", "none"))
        .as(err.toString()).isZero();
    assertThat(out.toString()).contains("resuming job " + id);
    assertThat(Files.readAllBytes(dest)).isEqualTo(content);
  }

  @Test
  void aJobErrorPrintsTheHresultAndExits3AndTheJobStays() {
    Path dest = dir.resolve("missing.bin");
    Path state = dir.resolve("state");
    URI missing = URI.create(url.toString().replace("src.bin", "nope.bin"));
    assertThat(bits("get", missing.toString(), dest.toString(), "--state-dir", state.toString(), "--progress", "none"))
        .isEqualTo(BitsCli.EXIT_JOB_ERROR);
    assertThat(err.toString()).contains("0x80190194 BG_E_HTTP_ERROR_404").contains("REMOTE_FILE");
    assertThat(Files.exists(dest)).isFalse();
    out.getBuffer().setLength(0);
    assertThat(bits("jobs", "--state-dir", state.toString())).isZero();
    assertThat(out.toString()).contains("ERROR").contains("nope.bin");
    String id = out.toString().substring(0, out.toString().indexOf('}') + 1);
    assertThat(bits("cancel", id, "--state-dir", state.toString())).isZero();
    out.getBuffer().setLength(0);
    assertThat(bits("jobs", "--state-dir", state.toString())).isZero();
    assertThat(out.toString()).contains("no jobs");
  }

  @Test
  void jobCommandsOnAMistypedStateDirectoryCreateNothing() {
    Path typo = dir.resolve("typo").resolve("state");
    assertThat(bits("jobs", "--state-dir", typo.toString())).isZero();
    assertThat(out.toString()).contains("no jobs: " + typo + " does not exist");
    assertThat(bits("cancel", "{6F0F4B7A-1111-2222-3333-444455556666}", "--state-dir", typo.toString()))
        .isEqualTo(BitsCli.EXIT_REFUSED);
    assertThat(err.toString()).contains("BG_E_NOT_FOUND");
    assertThat(err.toString()).contains("state directory " + typo + " does not exist");
    assertThat(typo.getParent()).doesNotExist();
  }

  @Test
  void aFileWhereTheStateDirectoryShouldBeIsOneLineNotAStackTrace() throws Exception {
    Path file = Files.write(dir.resolve("not-a-dir"), new byte[] {1});
    assertThat(bits("jobs", "--state-dir", file.toString())).isEqualTo(BitsCli.EXIT_USAGE);
    assertThat(err.toString()).startsWith("bits: ").contains(file.toString()).doesNotContain("\tat ")
        .hasLineCount(1);
  }

  @Test
  void usageErrorsExit2() {
    String state = dir.resolve("state").toString();
    assertThat(bits("get", url.toString(), dir.resolve("d").toString(), "--priority", "urgent", "--state-dir", state))
        .isEqualTo(BitsCli.EXIT_USAGE);
    assertThat(bits("get", "ftp://x/y", dir.resolve("d").toString(), "--state-dir", state)).isEqualTo(BitsCli.EXIT_USAGE);
    assertThat(bits("get", url.toString())).isEqualTo(BitsCli.EXIT_USAGE);
    assertThat(bits("cancel", "not-a-guid", "--state-dir", state)).isEqualTo(BitsCli.EXIT_USAGE);
    assertThat(bits("cancel", "{6F0F4B7A-1234-4CDE-8F00-0123456789AB}", "--state-dir", state)).isEqualTo(BitsCli.EXIT_REFUSED);
    assertThat(err.toString()).contains("BG_E_NOT_FOUND");
  }

  @Test
  void anUnreadableClientCertificateIsAUsageErrorWithoutAStackTrace() throws Exception {
    String state = dir.resolve("state").toString();
    Path garbage = Files.writeString(dir.resolve("garbage.p12"), "not PKCS#12\n");
    for (Path cert : new Path[] {dir.resolve("missing.p12"), garbage, dir}) {
      err.getBuffer().setLength(0);
      assertThat(bits("get", url.toString(), dir.resolve("d").toString(), "--client-cert", cert.toString(),
          "--state-dir", state, "--progress", "none")).as(err.toString()).isEqualTo(BitsCli.EXIT_USAGE);
      assertThat(err.toString()).startsWith("bits: ").contains(cert.toString()).doesNotContain("\tat ");
    }
  }

  @Test
  void aBadProgressModeLeavesNoJob() {
    String state = dir.resolve("state").toString();
    assertThat(bits("get", url.toString(), dir.resolve("d").toString(), "--state-dir", state, "--progress", "bogus"))
        .isEqualTo(BitsCli.EXIT_USAGE);
    assertThat(err.toString()).contains("--progress takes bar, lines or none");
    assertThat(bits("jobs", "--state-dir", state)).isZero();
    assertThat(out.toString()).doesNotContain("created").contains("no jobs");
  }

  @Test
  void aDestinationWhoseDirectoryIsMissingIsAUsageErrorAndLeavesNoJob() {
    String state = dir.resolve("state").toString();
    Path dest = dir.resolve("no/such/dir/dest.bin");
    assertThat(bits("get", url.toString(), dest.toString(), "--state-dir", state, "--progress", "none"))
        .isEqualTo(BitsCli.EXIT_USAGE);
    assertThat(err.toString()).startsWith("bits: ").contains(dest.getParent().toString()).contains("does not exist")
        .hasLineCount(1);
    assertThat(bits("jobs", "--state-dir", state)).isZero();
    assertThat(out.toString()).doesNotContain("created").contains("no jobs");
  }

  @Test
  void aDestinationThatIsADirectoryIsAUsageErrorNamingTheFileToGive() throws Exception {
    String state = dir.resolve("state").toString();
    Path into = Files.createDirectories(dir.resolve("downloads"));
    assertThat(bits("get", url.toString(), into.toString(), "--state-dir", state, "--progress", "none"))
        .isEqualTo(BitsCli.EXIT_USAGE);
    assertThat(err.toString()).startsWith("bits: ").contains("is a directory")
        .contains(into.resolve("src.bin").toString()).hasLineCount(1);
    assertThat(bits("jobs", "--state-dir", state)).isZero();
    assertThat(out.toString()).doesNotContain("created").contains("no jobs");
  }

  @Test
  void aUserWithoutAPasswordIsAUsageErrorNotA401() {
    String state = dir.resolve("state").toString();
    assertThat(bits("get", url.toString(), dir.resolve("d").toString(), "--user", "alice", "--state-dir", state))
        .isEqualTo(BitsCli.EXIT_USAGE);
    assertThat(err.toString()).startsWith("bits: ").contains("--password-env").hasLineCount(1);
    assertThat(bits("jobs", "--state-dir", state)).isZero();
    assertThat(out.toString()).contains("no jobs");
  }

  @Test
  void aUrlWithoutASchemeSaysHowToWriteIt() {
    String state = dir.resolve("state").toString();
    for (String bad : new String[] {"127.0.0.1:8080/Carmine/src.bin", "example.com/src.bin"}) {
      err.getBuffer().setLength(0);
      assertThat(bits("get", bad, dir.resolve("d").toString(), "--state-dir", state)).isEqualTo(BitsCli.EXIT_USAGE);
      assertThat(err.toString()).as(bad).startsWith("bits: ").contains("'" + bad + "'").contains("http://")
          .doesNotContain("java.").doesNotContain("Usage:");
    }
  }

  @Test
  void progressLinesAreNotRepeatedWhileNothingMoves() {
    // Nothing listens on the port: the job waits in TRANSIENT_ERROR until its no-progress timeout.
    String dead = "http://127.0.0.1:" + deadPort() + "/Carmine/src.bin";
    assertThat(bits("get", dead, dir.resolve("d").toString(), "--state-dir", dir.resolve("state").toString(),
        "--progress", "lines", "--retry-delay", "5", "--no-progress-timeout", "3")).isEqualTo(BitsCli.EXIT_JOB_ERROR);
    assertThat(out.toString().lines().filter(l -> l.equals("0 bytes"))).as(out.toString()).hasSize(1);
  }

  @Test
  void jobsListsOneColumnPerFieldWhateverTheProgressWidth() throws Exception {
    Path state = dir.resolve("state");
    try (PortableBitsClient c = PortableBitsClient.builder().stateDirectory(state).build()) {
      ClientJob done = c.createJob(JobSpec.builder("transferred").addFile(url, dir.resolve("a.bin")).start(true).build());
      assertThat(done.outcome().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS))
          .isEqualTo(JobState.TRANSFERRED);
      c.createJob(JobSpec.builder("ファイル名 waiting").addFile(url, dir.resolve("b.bin")).build());
    }
    assertThat(bits("jobs", "--state-dir", state.toString())).isZero();
    List<String> rows = out.toString().lines().filter(l -> l.startsWith("{")).toList();
    assertThat(rows).hasSize(2);
    assertThat(rows).anyMatch(r -> r.contains("3,000,000/3,000,000 bytes")).anyMatch(r -> r.contains("ファイル名"));
    int nameColumn = rows.get(0).indexOf("transferred") >= 0 ? rows.get(0).indexOf("transferred") : rows.get(0).indexOf("ファイル名");
    assertThat(rows).allMatch(r -> Math.max(r.indexOf("transferred"), r.indexOf("ファイル名")) == nameColumn, "names in one column");
  }

  private static int deadPort() {
    return CliProcess.freePort(); // nothing listens there
  }
}
