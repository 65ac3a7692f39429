package io.bits4j.wsman;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import io.bits4j.JobState;
import io.bits4j.UserStore;
import io.bits4j.testkit.FakeBitsClient;
import io.bits4j.testkit.FakeCompactServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interop: Debian's python3-winrm drives a node through raw Invoke/Get envelopes (the script
 * {@code src/test/python/wsman_interop.py}): CreateUrlGroup, CreateUrl, CheckUrl, CreateJob, Get
 * until State 6, SetJobState(1), DeleteUrl, DeleteUrlGroup; a non-administrator and a wrong
 * password are refused. The node fronts the testkit's fakes (the fake client "downloads" from the
 * fake server's hosted file). Skipped without python3-winrm, unless CI=true.
 */
class PywinrmInteropTest {
  static final String PYTHON = "/usr/bin/python3";

  static void requirePywinrm() throws Exception {
    boolean present = Files.isExecutable(Path.of(PYTHON));
    if (present) {
      Process p = new ProcessBuilder(PYTHON, "-c", "import winrm, xmltodict").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      present = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    }
    if (!present) {
      String msg = "pywinrm is missing: install the Debian package python3-winrm (apt-get install -y python3-winrm)";
      if ("true".equals(System.getenv("CI"))) {
        fail(msg);
      }
      Assumptions.abort(msg);
    }
  }

  @Test
  void pywinrmDrivesTheSeedSequence(@TempDir Path tmp) throws Exception {
    requirePywinrm();
    UserStore users = UserStore.inMemory();
    users.addUser("admin", "Adm1n!".toCharArray(), Set.of(UserStore.ADMINISTRATORS), Set.of());
    users.addUser("bob", "hunter2".toCharArray(), Set.of(), Set.of());
    Path serve = Files.createDirectories(tmp.resolve("serve"));
    Path downloads = Files.createDirectories(tmp.resolve("downloads"));
    Path source = Files.writeString(serve.resolve("file.bin"), "payload");
    Path ca = Files.writeString(tmp.resolve("ca.pem"), TestPki.CA.getCertificatePEM());
    FakeCompactServer server = new FakeCompactServer();
    FakeBitsClient client = FakeBitsClient.builder().server(server).tick(Duration.ofMillis(20)).build();
    try (ManagementEndpoint ep = ManagementEndpoint.builder().compactServer(server).bitsClient(client).users(users)
        .tls(TestPki.identity(TestPki.SERVER)).bind(new InetSocketAddress("127.0.0.1", 0))
        .serveRoot(serve).downloadRoot(downloads).build()) {
      List<String> cmd = new ArrayList<>(List.of(PYTHON, Path.of("src/test/python/wsman_interop.py").toString(),
          ep.uri().toString(), ca.toString(), "admin", "Adm1n!", "bob", "hunter2",
          "http://127.0.0.1:18777/Carmine", source.toString(), downloads.resolve("file.bin").toString()));
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
      pb.environment().put("NO_PROXY", "127.0.0.1,localhost");
      pb.environment().put("no_proxy", "127.0.0.1,localhost");
      pb.environment().remove("https_proxy");
      pb.environment().remove("HTTPS_PROXY");
      Process p = pb.start();
      String out = readAll(p);
      boolean done = p.waitFor(90, TimeUnit.SECONDS);
      if (!done) {
        p.destroyForcibly();
      }
      assertThat(done).as("script finished").isTrue();
      assertThat(p.exitValue()).as(out).isZero();
      assertThat(out).contains("ok: Get until State 6").contains("ok: non-administrator")
          .contains("ok: wrong password").endsWith("OK\n");
      server.checkNoUrlGroups();
      client.checkNoActiveJobs();
      assertThat(client.allJobs()).singleElement().satisfies(j -> {
        assertThat(j.state()).isEqualTo(JobState.ACKNOWLEDGED);
        assertThat(j.files().get(0).localFile()).isEqualTo(downloads.resolve("file.bin"));
      });
      // the fake client "downloaded" the hosted file; complete() put it in place
      assertThat(Files.readString(downloads.resolve("file.bin"))).isEqualTo("payload");
    }
  }

  private static String readAll(Process p) throws IOException {
    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }
}
