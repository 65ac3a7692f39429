package io.bits4j.client.portable;

import static org.assertj.core.api.Assertions.assertThat;

import io.bits4j.AuthTarget;
import io.bits4j.ClientCertificate;
import io.bits4j.ClientJob;
import io.bits4j.CredentialScheme;
import io.bits4j.Credentials;
import io.bits4j.ErrorContext;
import io.bits4j.Hresult;
import io.bits4j.JobSpec;
import io.bits4j.JobState;
import io.bits4j.ProxySettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS (server trust, client certificates from a KeyStore) and proxies (tinyproxy, Basic auth, CONNECT). */
class TlsAndProxyTest {
  @TempDir static Path keys;
  @TempDir Path tmp;
  static KeyStore serverKeys;
  static KeyStore clientKeys;

  @BeforeAll
  static void certificates() throws Exception {
    serverKeys = TestCerts.generate(keys, "server", "localhost");
    clientKeys = TestCerts.generate(keys, "client", "bits-client");
  }

  private static JobState settle(ClientJob job) throws Exception {
    try {
      return job.outcome().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } finally {
      System.out.println(job.displayName() + ": " + job.state() + " " + job.error() + " transient=" + job.transientErrorCount());
    }
  }

  private TestServer httpsServer(Path source, boolean needClientAuth) throws Exception {
    return new TestServer(source, TestCerts.server(serverKeys, TestCerts.trustOf(clientKeys, "client")), needClientAuth);
  }

  @Test
  void httpsWithTrustedServer() throws Exception {
    Path src = TestFiles.generate(tmp.resolve("src"), 3_000_000, 20);
    try (TestServer server = httpsServer(src, false);
        PortableBitsClient c = PortableBitsClient.builder().stateDirectory(tmp.resolve("s"))
            .trustStore(TestCerts.trustOf(serverKeys, "server")).build()) {
      Path dest = tmp.resolve("out");
      ClientJob job = c.createJob(JobSpec.builder("tls").addFile(server.uri("/f"), dest).start(true).build());
      assertThat(settle(job)).isEqualTo(JobState.TRANSFERRED);
      job.complete();
      assertThat(TestFiles.sha256(dest)).isEqualTo(TestFiles.sha256(src));
    }
  }

  @Test
  void untrustedServerIsAFatalSecureFailure() throws Exception {
    Path src = TestFiles.generate(tmp.resolve("src"), 1000, 21);
    try (TestServer server = httpsServer(src, false);
        PortableBitsClient c = PortableBitsClient.builder().stateDirectory(tmp.resolve("s")).build()) {
      ClientJob job = c.createJob(JobSpec.builder("tls").addFile(server.uri("/f"), tmp.resolve("o")).start(true).build());
      assertThat(settle(job)).isEqualTo(JobState.ERROR);
      assertThat(job.error().orElseThrow().hresult()).isEqualTo(0x80072F8F);
      assertThat(job.error().orElseThrow().context()).isEqualTo(ErrorContext.GENERAL_TRANSPORT);
    }
  }

  @Test
  void clientCertificateFromAKeyStore() throws Exception {
    Path src = TestFiles.generate(tmp.resolve("src"), 2_000_000, 22);
    try (TestServer server = httpsServer(src, true);
        PortableBitsClient c = PortableBitsClient.builder().stateDirectory(tmp.resolve("s"))
            .trustStore(TestCerts.trustOf(serverKeys, "server")).build()) {
      ClientJob without = c.createJob(JobSpec.builder("nocert").addFile(server.uri("/f"), tmp.resolve("a")).start(true).build());
      assertThat(settle(without)).isEqualTo(JobState.ERROR);
      assertThat(without.error().orElseThrow().hresult()).isEqualTo(0x80072F0C);
      without.cancel();
      Path dest = tmp.resolve("b");
      ClientJob with = c.createJob(JobSpec.builder("cert").addFile(server.uri("/f"), dest)
          .clientCertificate(ClientCertificate.fromKeyStore(clientKeys, "client", TestCerts.PASSWORD))
          .start(true).build());
      assertThat(settle(with)).isEqualTo(JobState.TRANSFERRED);
      with.complete();
      assertThat(TestFiles.sha256(dest)).isEqualTo(TestFiles.sha256(src));
    }
  }

  // ---- tinyproxy

  private Process tinyproxy(int port, boolean auth) throws Exception {
    Path exe = External.require("tinyproxy", "tinyproxy");
    Path conf = tmp.resolve("tinyproxy.conf");
    Files.writeString(conf, String.join("\n",
        "Port " + port, "Listen 127.0.0.1", "Timeout 60", "Allow 127.0.0.1", "MaxClients 20",
        "LogLevel Info", "LogFile \"" + tmp.resolve("tinyproxy.log") + "\"",
        auth ? "BasicAuth alice secret" : "", ""));
    Process p = new ProcessBuilder(exe.toString(), "-d", "-c", conf.toString())
        .redirectErrorStream(true).redirectOutput(tmp.resolve("tinyproxy.out").toFile()).start();
    External.awaitListening(port, p, tmp.resolve("tinyproxy.out"));
    return p;
  }

  @Test
  void httpThroughAProxyWithBasicProxyAuth() throws Exception {
    Path src = TestFiles.generate(tmp.resolve("src"), 2_000_000, 23);
    int port = External.freePort();
    Process proxy = tinyproxy(port, true);
    try (TestServer server = new TestServer(src);
        PortableBitsClient c = PortableBitsClient.builder().stateDirectory(tmp.resolve("s")).build()) {
      ProxySettings ps = ProxySettings.override(List.of("127.0.0.1:" + port), List.of());
      ClientJob denied = c.createJob(JobSpec.builder("p").proxy(ps)
          .addFile(server.uri("/f"), tmp.resolve("a")).start(true).build());
      assertThat(settle(denied)).isEqualTo(JobState.ERROR);
      assertThat(denied.error().orElseThrow().hresult()).isEqualTo(Hresult.httpError(407));
      denied.setCredentials(new Credentials(AuthTarget.PROXY, CredentialScheme.BASIC, "alice", "secret"));
      denied.resume();
      assertThat(settle(denied)).isEqualTo(JobState.TRANSFERRED);
      denied.complete();
      assertThat(TestFiles.sha256(tmp.resolve("a"))).isEqualTo(TestFiles.sha256(src));
      assertThat(server.requests).isNotEmpty().allSatisfy(r -> assertThat(r.header("via")).contains("tinyproxy"));
      assertThat(server.requests).allSatisfy(r -> assertThat(r.header("proxy-authorization")).isNull());
    } finally {
      External.stop(proxy);
    }
  }

  @Test
  void httpsThroughAConnectTunnelWithProxyAuthAndClientCertificate() throws Exception {
    Path src = TestFiles.generate(tmp.resolve("src"), 2_000_000, 24);
    int port = External.freePort();
    Process proxy = tinyproxy(port, true);
    try (TestServer server = httpsServer(src, true);
        PortableBitsClient c = PortableBitsClient.builder().stateDirectory(tmp.resolve("s"))
            .trustStore(TestCerts.trustOf(serverKeys, "server")).build()) {
      Path dest = tmp.resolve("b");
      ClientJob job = c.createJob(JobSpec.builder("tunnel")
          .proxy(ProxySettings.override(List.of("127.0.0.1:" + port), List.of()))
          .credentials(new Credentials(AuthTarget.PROXY, CredentialScheme.BASIC, "alice", "secret"))
          .clientCertificate(ClientCertificate.fromKeyStore(clientKeys, "client", TestCerts.PASSWORD))
          .addFile(server.uri("/f"), dest).start(true).build());
      assertThat(settle(job)).isEqualTo(JobState.TRANSFERRED);
      job.complete();
      assertThat(TestFiles.sha256(dest)).isEqualTo(TestFiles.sha256(src));
      assertThat(Files.readString(tmp.resolve("tinyproxy.log"))).contains("CONNECT");
    } finally {
      External.stop(proxy);
    }
  }

  @Test
  void bypassListGoesDirect() throws Exception {
    Path src = TestFiles.generate(tmp.resolve("src"), 100_000, 25);
    try (TestServer server = new TestServer(src);
        PortableBitsClient c = PortableBitsClient.builder().stateDirectory(tmp.resolve("s")).build()) {
      // the proxy does not exist; the bypass entry keeps the job off it
      ClientJob job = c.createJob(JobSpec.builder("b")
          .proxy(ProxySettings.override(List.of("127.0.0.1:9"), List.of("127.0.0.*")))
          .addFile(server.uri("/f"), tmp.resolve("o")).start(true).build());
      assertThat(settle(job)).isEqualTo(JobState.TRANSFERRED);
      job.cancel();
    }
  }
}
