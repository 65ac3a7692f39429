package io.bits4j.client.portable;

import static org.assertj.core.api.Assertions.assertThat;

import io.bits4j.AuthTarget;
import io.bits4j.ClientJob;
import io.bits4j.CredentialScheme;
import io.bits4j.Credentials;
import io.bits4j.Hresult;
import io.bits4j.JobSpec;
import io.bits4j.JobState;
import io.bits4j.ProxySettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Debian's squid as a forward proxy with Digest proxy authentication (plain HTTP and CONNECT). */
class SquidProxyTest {
  @TempDir Path tmp;
  Process squid;
  int port;

  @BeforeEach
  void startSquid() throws Exception {
    Path exe = External.require("squid", "squid");
    Path helper = Path.of("/usr/lib/squid/digest_file_auth");
    // squid started as root runs its helpers as the 'proxy' user: make the files readable
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path run = Files.createDirectories(tmp.resolve("run"));
    Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path passwd = tmp.resolve("passwd");
    Files.writeString(passwd, "alice:secret\n");
    Files.setPosixFilePermissions(passwd, PosixFilePermissions.fromString("rw-r--r--"));
    port = External.freePort();
    Files.writeString(tmp.resolve("squid.conf"), String.join("\n",
        "http_port 127.0.0.1:" + port,
        "pid_filename " + run.resolve("squid.pid"),
        "cache_log " + run.resolve("cache.log"),
        "access_log stdio:" + run.resolve("access.log"),
        "cache deny all",
        "coredump_dir " + run,
        "pinger_enable off",
        "shutdown_lifetime 0 seconds",
        "auth_param digest program " + helper + " " + passwd,
        "auth_param digest realm bits4j-proxy",
        "auth_param digest children 2 startup=1",
        "acl authed proxy_auth REQUIRED",
        "http_access allow authed",
        "http_access deny all", ""));
    squid = new ProcessBuilder(exe.toString(), "-N", "-n", "bits4jtest" + port, "-f", tmp.resolve("squid.conf").toString())
        .redirectErrorStream(true).redirectOutput(run.resolve("out.log").toFile()).start();
    External.awaitListening(port, squid, run.resolve("out.log"));
  }

  @AfterEach
  void stopSquid() throws Exception {
    if (squid != null) {
      External.stop(squid);
    }
  }

  private static JobState settle(ClientJob job) throws Exception {
    return job.outcome().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private ProxySettings proxy() {
    return ProxySettings.override(List.of("127.0.0.1:" + port), List.of());
  }

  private static Credentials digest() {
    return new Credentials(AuthTarget.PROXY, CredentialScheme.DIGEST, "alice", "secret");
  }

  @Test
  void httpThroughSquidWithDigestProxyAuth() throws Exception {
    Path src = TestFiles.generate(tmp.resolve("src"), 3_000_000, 90);
    try (TestServer server = new TestServer(src);
        PortableBitsClient c = PortableBitsClient.builder().stateDirectory(tmp.resolve("s")).build()) {
      ClientJob denied = c.createJob(JobSpec.builder("p").proxy(proxy())
          .addFile(server.uri("/f"), tmp.resolve("a")).start(true).build());
      assertThat(settle(denied)).isEqualTo(JobState.ERROR);
      assertThat(denied.error().orElseThrow().hresult()).isEqualTo(Hresult.httpError(407));
      denied.setCredentials(digest());
      denied.resume();
      assertThat(settle(denied)).isEqualTo(JobState.TRANSFERRED);
      denied.complete();
      assertThat(TestFiles.sha256(tmp.resolve("a"))).isEqualTo(TestFiles.sha256(src));
      assertThat(server.requests).isNotEmpty().allSatisfy(r -> assertThat(r.header("via")).contains("squid"));
    }
  }

  @Test
  void httpsThroughASquidTunnelWithDigestProxyAuth() throws Exception {
    Path src = TestFiles.generate(tmp.resolve("src"), 2_000_000, 91);
    KeyStore serverKeys = TestCerts.generate(tmp, "server", "localhost");
    try (TestServer server = new TestServer(src, TestCerts.server(serverKeys, TestCerts.trustOf(serverKeys, "server")), false);
        PortableBitsClient c = PortableBitsClient.builder().stateDirectory(tmp.resolve("s"))
            .trustStore(TestCerts.trustOf(serverKeys, "server")).build()) {
      Path dest = tmp.resolve("b");
      ClientJob job = c.createJob(JobSpec.builder("tunnel").proxy(proxy()).credentials(digest())
          .addFile(server.uri("/f"), dest).start(true).build());
      assertThat(settle(job)).isEqualTo(JobState.TRANSFERRED);
      job.complete();
      assertThat(TestFiles.sha256(dest)).isEqualTo(TestFiles.sha256(src));
      assertThat(Files.readString(tmp.resolve("run/access.log"))).contains("CONNECT 127.0.0.1:" + server.port());
    }
  }
}
