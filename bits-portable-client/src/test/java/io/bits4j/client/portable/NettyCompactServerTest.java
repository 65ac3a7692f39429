package io.bits4j.client.portable;

import static org.assertj.core.api.Assertions.assertThat;

import io.bits4j.AccessPolicy;
import io.bits4j.AuthScheme;
import io.bits4j.ClientCertificate;
import io.bits4j.ClientJob;
import io.bits4j.Credentials;
import io.bits4j.HostedFile;
import io.bits4j.Hresult;
import io.bits4j.JobSpec;
import io.bits4j.JobState;
import io.bits4j.TlsIdentity;
import io.bits4j.UrlGroup;
import io.bits4j.UrlPrefix;
import io.bits4j.UserStore;
import io.bits4j.server.netty.NettyCompactServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue point 6: the portable client against bits4j's own compact server over HTTP and HTTPS. */
class NettyCompactServerTest {
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
    JobState s = job.outcome().toCompletableFuture().get(60, TimeUnit.SECONDS);
    if (s == JobState.ERROR) {
      System.out.println(job.displayName() + ": " + job.error());
    }
    return s;
  }

  @Test
  void httpDownloadResumeAndChangedFile() throws Exception {
    Path src = TestFiles.generate(tmp.resolve("src.bin"), 12_000_000, 70);
    int port = External.freePort();
    try (NettyCompactServer server = NettyCompactServer.builder().build();
        PortableBitsClient c = PortableBitsClient.builder().stateDirectory(tmp.resolve("s"))
            .bandwidthLimit(8_000_000).build()) {
      UrlGroup g = server.createUrlGroup(UrlPrefix.parse("http://127.0.0.1:" + port + "/Carmine"));
      HostedFile f = g.host("file.bin", src, AccessPolicy.NONE);
      Path dest = tmp.resolve("out.bin");
      ClientJob job = c.createJob(JobSpec.builder("netty").addFile(f.url("127.0.0.1"), dest).start(true).build());
      TestFiles.await("progress", Duration.ofSeconds(20), () -> job.progress().bytesTransferred() > 1_000_000);
      job.suspend();
      job.resume();
      assertThat(settle(job)).isEqualTo(JobState.TRANSFERRED);
      job.complete();
      assertThat(TestFiles.sha256(dest)).isEqualTo(TestFiles.sha256(src));
      assertThat(g.stats().toString()).contains("206");

      // a replaced file gets new validators at once: the resumed job restarts it from zero
      Path dest2 = tmp.resolve("out2.bin");
      ClientJob again = c.createJob(JobSpec.builder("netty2").addFile(f.url("127.0.0.1"), dest2).start(true).build());
      TestFiles.await("progress", Duration.ofSeconds(20), () -> again.progress().bytesTransferred() > 1_000_000);
      again.suspend();
      Path v2 = TestFiles.generate(tmp.resolve("v2.bin"), 5_000_000, 71);
      Files.move(v2, src, StandardCopyOption.REPLACE_EXISTING);
      again.resume();
      assertThat(settle(again)).isEqualTo(JobState.TRANSFERRED);
      again.complete();
      assertThat(TestFiles.sha256(dest2)).isEqualTo(TestFiles.sha256(src));
    }
  }

  @Test
  void aFileWrittenInPlaceMidTransferArrivesAsTheNewVersionWhole() throws Exception {
    long size = 40_000_000;
    Path src = TestFiles.generate(tmp.resolve("src.bin"), size, 80);
    int port = External.freePort();
    try (NettyCompactServer server = NettyCompactServer.builder().build();
        PortableBitsClient c = PortableBitsClient.builder().stateDirectory(tmp.resolve("s"))
            .bandwidthLimit(32_000_000).build()) {
      UrlGroup g = server.createUrlGroup(UrlPrefix.parse("http://127.0.0.1:" + port + "/Carmine"));
      HostedFile f = g.host("file.bin", src, AccessPolicy.NONE);
      Path dest = tmp.resolve("out.bin");
      ClientJob job = c.createJob(JobSpec.builder("in-place").addFile(f.url("127.0.0.1"), dest).start(true).build());
      TestFiles.await("progress", Duration.ofSeconds(20), () -> job.progress().bytesTransferred() > 1_000_000);
      // rewritten in place while the response is under way, as a copy over it does: same inode and size
      java.nio.file.attribute.FileTime was = Files.getLastModifiedTime(src);
      TestFiles.generate(src, size, 81);
      Files.setLastModifiedTime(src, java.nio.file.attribute.FileTime.fromMillis(was.toMillis() + 10_000));
      assertThat(settle(job)).isEqualTo(JobState.TRANSFERRED);
      job.complete();
      assertThat(TestFiles.sha256(dest)).as("the new version, never a mix").isEqualTo(TestFiles.sha256(src));
    }
  }

  @Test
  void digestAuthenticationOverHttp() throws Exception {
    Path src = TestFiles.generate(tmp.resolve("src.bin"), 2_000_000, 72);
    UserStore users = UserStore.inMemory();
    users.addUser("bob", "pa55word".toCharArray(), Set.of(), Set.of("bits4j"));
    int port = External.freePort();
    try (NettyCompactServer server = NettyCompactServer.builder().users(users).build();
        PortableBitsClient c = PortableBitsClient.builder().stateDirectory(tmp.resolve("s")).build()) {
      UrlGroup g = server.createUrlGroup(UrlPrefix.parse("http://127.0.0.1:" + port + "/Carmine"));
      g.setAuthentication(AuthScheme.DIGEST, true);
      HostedFile f = g.host("file.bin", src, AccessPolicy.NONE);
      ClientJob denied = c.createJob(JobSpec.builder("nocreds").addFile(f.url("127.0.0.1"), tmp.resolve("a")).start(true).build());
      assertThat(settle(denied)).isEqualTo(JobState.ERROR);
      assertThat(denied.error().orElseThrow().hresult()).isEqualTo(Hresult.httpError(401));
      denied.cancel();
      Path dest = tmp.resolve("b");
      ClientJob job = c.createJob(JobSpec.builder("digest").credentials(Credentials.digest("bob", "pa55word"))
          .addFile(f.url("127.0.0.1"), dest).start(true).build());
      assertThat(settle(job)).isEqualTo(JobState.TRANSFERRED);
      job.complete();
      assertThat(TestFiles.sha256(dest)).isEqualTo(TestFiles.sha256(src));
    }
  }

  @Test
  void httpsWithClientCertificateAndBasic() throws Exception {
    Path src = TestFiles.generate(tmp.resolve("src.bin"), 3_000_000, 73);
    X509Certificate clientCert = (X509Certificate) clientKeys.getCertificate("client");
    UserStore users = UserStore.inMemory();
    users.addUser("alice", "secret".toCharArray(), Set.of(), Set.of());
    int certPort = External.freePort();
    int basicPort = External.freePort();
    try (NettyCompactServer server = NettyCompactServer.builder().users(users)
            .clientCertificateAuthorities(List.of(clientCert)).build();
        PortableBitsClient c = PortableBitsClient.builder().stateDirectory(tmp.resolve("s"))
            .trustStore(TestCerts.trustOf(serverKeys, "server")).build()) {
      TlsIdentity identity = TlsIdentity.fromKeyStore(serverKeys, "server", TestCerts.PASSWORD);
      server.setSslCertificate(certPort, identity);
      server.setSslCertificate(basicPort, identity);
      UrlGroup certGroup = server.createUrlGroup(UrlPrefix.parse("https://127.0.0.1:" + certPort + "/Cert"));
      certGroup.setAuthentication(AuthScheme.CLIENT_CERTIFICATE, true);
      HostedFile cf = certGroup.host("file.bin", src, AccessPolicy.NONE);
      UrlGroup basicGroup = server.createUrlGroup(UrlPrefix.parse("https://127.0.0.1:" + basicPort + "/Basic"));
      basicGroup.setAuthentication(AuthScheme.BASIC, true);
      HostedFile bf = basicGroup.host("file.bin", src, AccessPolicy.NONE);

      ClientJob noCert = c.createJob(JobSpec.builder("nocert").addFile(cf.url("127.0.0.1"), tmp.resolve("x")).start(true).build());
      assertThat(settle(noCert)).isEqualTo(JobState.ERROR);
      assertThat(noCert.error().orElseThrow().hresult()).isEqualTo(Hresult.E_WINHTTP_CLIENT_AUTH_CERT_NEEDED);
      noCert.setClientCertificate(ClientCertificate.fromKeyStore(clientKeys, "client", TestCerts.PASSWORD));
      noCert.resume();
      assertThat(settle(noCert)).isEqualTo(JobState.TRANSFERRED);
      noCert.complete();
      assertThat(TestFiles.sha256(tmp.resolve("x"))).isEqualTo(TestFiles.sha256(src));

      Path dest = tmp.resolve("y");
      ClientJob basic = c.createJob(JobSpec.builder("basic").credentials(Credentials.basic("alice", "secret"))
          .addFile(bf.url("127.0.0.1"), dest).start(true).build());
      assertThat(settle(basic)).isEqualTo(JobState.TRANSFERRED);
      basic.complete();
      assertThat(TestFiles.sha256(dest)).isEqualTo(TestFiles.sha256(src));
    }
  }
}
