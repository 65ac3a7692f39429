package io.bits4j.server.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.bits4j.AccessPolicy;
import io.bits4j.AuthScheme;
import io.bits4j.UrlGroup;
import io.bits4j.UrlPrefix;
import io.bits4j.UserStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real clients: curl (full, ranged, resumed, HTTPS, Digest) and wget (resumed), checked by SHA-256. */
class CurlWgetInteropTest {
  @TempDir
  static Path dir;
  static NettyCompactServer server;
  static Path source;
  static String url;
  static String httpsUrl;
  static String digestUrl;
  static Path caPem;

  @BeforeAll
  static void start() throws Exception {
    source = TestSupport.file(dir, "payload.bin", 3_000_017);
    UserStore users = UserStore.inMemory();
    users.addUser("carol", "s3cret".toCharArray(), Set.of(), Set.of("bits4j"));
    server = NettyCompactServer.builder().users(users).workerThreads(2).build();
    int port = TestSupport.freePort();
    int tls = TestSupport.freePort();
    UrlGroup g = server.createUrlGroup(UrlPrefix.parse("http://127.0.0.1:" + port + "/Pub"));
    g.host("payload.bin", source, AccessPolicy.NONE);
    UrlGroup d = server.createUrlGroup(UrlPrefix.parse("http://127.0.0.1:" + port + "/Priv"));
    d.setAuthentication(AuthScheme.DIGEST, true);
    d.host("payload.bin", source, AccessPolicy.NONE);
    server.setSslCertificate(tls, TestSupport.pki().serverIdentity());
    server.createUrlGroup(UrlPrefix.parse("https://127.0.0.1:" + tls + "/Sec")).host("payload.bin", source, AccessPolicy.NONE);
    url = "http://127.0.0.1:" + port + "/Pub/payload.bin";
    digestUrl = "http://127.0.0.1:" + port + "/Priv/payload.bin";
    httpsUrl = "https://127.0.0.1:" + tls + "/Sec/payload.bin";
    caPem = dir.resolve("ca.pem");
    Files.writeString(caPem, TestSupport.pki().ca.getCertificatePEM());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  static void run(String... cmd) throws Exception {
    List<String> c = new ArrayList<>(List.of(cmd));
    Process p = new ProcessBuilder(c).redirectErrorStream(true).redirectOutput(dir.resolve("proc.log").toFile()).start();
    p.getOutputStream().close();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s finished", c).isTrue();
    assertThat(p.exitValue()).as("%s exit code; log: %s", c, Files.readString(dir.resolve("proc.log"))).isZero();
  }

  @Test
  void curlFullRangedAndResumed() throws Exception {
    TestSupport.program("curl", "curl");
    String expected = sha256(Files.readAllBytes(source));
    Path full = dir.resolve("full.bin");
    run("curl", "-sS", "-f", "-o", full.toString(), url);
    assertThat(sha256(Files.readAllBytes(full))).isEqualTo(expected);
    Path part = dir.resolve("part.bin");
    run("curl", "-sS", "-f", "-r", "1000-1999999", "-o", part.toString(), url);
    assertThat(Files.readAllBytes(part)).isEqualTo(TestSupport.read(source, 1000, 1_999_999));
    Path resumed = dir.resolve("resumed.bin");
    Files.write(resumed, TestSupport.read(source, 0, 1_234_566)); // as if cut after 1,234,567 bytes
    run("curl", "-sS", "-f", "-C", "-", "-o", resumed.toString(), url);
    assertThat(Files.size(resumed)).isEqualTo(Files.size(source));
    assertThat(sha256(Files.readAllBytes(resumed))).isEqualTo(expected);
  }

  @Test
  void curlOverHttpsAndWithDigest() throws Exception {
    TestSupport.program("curl", "curl");
    String expected = sha256(Files.readAllBytes(source));
    Path tls = dir.resolve("tls.bin");
    run("curl", "-sS", "-f", "--cacert", caPem.toString(), "-o", tls.toString(), httpsUrl);
    assertThat(sha256(Files.readAllBytes(tls))).isEqualTo(expected);
    Path dig = dir.resolve("digest.bin");
    run("curl", "-sS", "-f", "--digest", "-u", "carol:s3cret", "-o", dig.toString(), digestUrl);
    assertThat(sha256(Files.readAllBytes(dig))).isEqualTo(expected);
  }

  @Test
  void wgetResumes() throws Exception {
    TestSupport.program("wget", "wget");
    UrlPrefix prefix = UrlPrefix.parse(url.substring(0, url.indexOf("/Pub")) + "/W");
    UrlGroup w = server.createUrlGroup(prefix);
    w.host("payload.bin", source, AccessPolicy.NONE);
    Path out = dir.resolve("wget.bin");
    Files.write(out, TestSupport.read(source, 0, 999_999));
    run("wget", "-q", "-c", "-O", out.toString(), prefix + "/payload.bin");
    assertThat(sha256(Files.readAllBytes(out))).isEqualTo(sha256(Files.readAllBytes(source)));
    // it really resumed: one ranged answer carrying only the missing bytes
    assertThat(w.stats().statuses()).containsEntry(206, 1L);
    assertThat(w.stats().bytesSent()).isEqualTo(Files.size(source) - 1_000_000);
  }
}
