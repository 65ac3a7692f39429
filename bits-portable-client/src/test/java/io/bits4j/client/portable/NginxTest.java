package io.bits4j.client.portable;

import static org.assertj.core.api.Assertions.assertThat;

import io.bits4j.ClientJob;
import io.bits4j.Hresult;
import io.bits4j.JobSpec;
import io.bits4j.JobState;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue point 6: Debian's nginx on loopback as the server (full files, resume, changed file). */
class NginxTest {
  @TempDir Path tmp;
  Process nginx;
  int port;
  Path www;
  Path accessLog;

  @BeforeEach
  void startNginx() throws Exception {
    Path exe = External.require("nginx", "nginx");
    www = Files.createDirectories(tmp.resolve("www"));
    Path run = Files.createDirectories(tmp.resolve("run"));
    port = External.freePort();
    accessLog = run.resolve("access.log");
    String conf = String.join("\n",
        "worker_processes 1;",
        // as root, nginx's workers would run as nobody and could not read the temp directory
        "user " + System.getProperty("user.name") + ";",
        "pid " + run.resolve("nginx.pid") + ";",
        "error_log " + run.resolve("error.log") + ";",
        "events { worker_connections 64; }",
        "http {",
        "  log_format r '$request_method $status \"$http_range\" \"$http_if_range\" $body_bytes_sent';",
        "  access_log " + accessLog + " r;",
        "  sendfile on;",
        "  client_body_temp_path " + run + "/cb; proxy_temp_path " + run + "/p;",
        "  fastcgi_temp_path " + run + "/f; uwsgi_temp_path " + run + "/u; scgi_temp_path " + run + "/s;",
        "  server { listen 127.0.0.1:" + port + "; root " + www + ";",
        "    location /private/ { auth_basic \"bits\"; auth_basic_user_file " + run.resolve("htpasswd") + "; }",
        "  }",
        "}", "");
    Files.writeString(tmp.resolve("nginx.conf"), conf);
    // htpasswd line for alice:secret (APR1 hashes need a tool; {PLAIN} is accepted by nginx)
    Files.writeString(run.resolve("htpasswd"), "alice:{PLAIN}secret\n");
    ProcessBuilder pb = new ProcessBuilder(exe.toString(), "-p", tmp.toString(), "-c",
        tmp.resolve("nginx.conf").toString(), "-g", "daemon off;");
    pb.redirectErrorStream(true);
    pb.redirectOutput(run.resolve("stdout.log").toFile());
    nginx = pb.start();
    External.awaitListening(port, nginx, run.resolve("stdout.log"));
  }

  @AfterEach
  void stopNginx() throws Exception {
    if (nginx != null) {
      External.stop(nginx);
    }
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  private static JobState settle(ClientJob job) throws Exception {
    JobState s = job.outcome().toCompletableFuture().get(60, TimeUnit.SECONDS);
    if (s == JobState.ERROR) {
      System.out.println("job error: " + job.error());
    }
    return s;
  }

  @Test
  void downloadsAFullFile() throws Exception {
    Path src = TestFiles.generate(www.resolve("f.bin"), 20_000_000, 7);
    Path dest = tmp.resolve("out.bin");
    try (PortableBitsClient c = PortableBitsClient.builder().stateDirectory(tmp.resolve("s")).build()) {
      ClientJob job = c.createJob(JobSpec.builder("n").addFile(uri("/f.bin"), dest).start(true).build());
      assertThat(settle(job)).isEqualTo(JobState.TRANSFERRED);
      job.complete();
    }
    assertThat(TestFiles.sha256(dest)).isEqualTo(TestFiles.sha256(src));
    assertThat(Files.readAllLines(accessLog)).startsWith("HEAD 200 \"-\" \"-\" 0", "GET 200 \"-\" \"-\" 20000000");
  }

  @Test
  void resumesWithRangeAfterAnInterruption() throws Exception {
    Path src = TestFiles.generate(www.resolve("f.bin"), 12_000_000, 8);
    Path dest = tmp.resolve("out.bin");
    try (PortableBitsClient c = PortableBitsClient.builder().stateDirectory(tmp.resolve("s"))
        .bandwidthLimit(8_000_000).build()) {
      ClientJob job = c.createJob(JobSpec.builder("n").addFile(uri("/f.bin"), dest).start(true).build());
      TestFiles.await("progress", Duration.ofSeconds(20), () -> job.progress().bytesTransferred() > 1_000_000);
      job.suspend();
      long at = job.progress().bytesTransferred();
      job.resume();
      assertThat(settle(job)).isEqualTo(JobState.TRANSFERRED);
      job.complete();
      List<String> log = Files.readAllLines(accessLog);
      assertThat(log).anyMatch(l -> l.startsWith("GET 206 \"bytes=" + at + "-\" \"\\x22")); // If-Range: the ETag
    }
    assertThat(TestFiles.sha256(dest)).isEqualTo(TestFiles.sha256(src));
  }

  @Test
  void changedFileRestartsFromZero() throws Exception {
    TestFiles.generate(www.resolve("f.bin"), 12_000_000, 9);
    Path dest = tmp.resolve("out.bin");
    try (PortableBitsClient c = PortableBitsClient.builder().stateDirectory(tmp.resolve("s"))
        .bandwidthLimit(8_000_000).build()) {
      ClientJob job = c.createJob(JobSpec.builder("n").addFile(uri("/f.bin"), dest).start(true).build());
      TestFiles.await("progress", Duration.ofSeconds(20), () -> job.progress().bytesTransferred() > 1_000_000);
      job.suspend();
      Path v2 = TestFiles.generate(tmp.resolve("v2.bin"), 9_000_000, 10);
      Files.setLastModifiedTime(v2, FileTime.from(Instant.now().plusSeconds(60)));
      Files.move(v2, www.resolve("f.bin"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      job.resume();
      assertThat(settle(job)).isEqualTo(JobState.TRANSFERRED);
      assertThat(job.progress().bytesTotal()).isEqualTo(9_000_000);
      job.complete();
    }
    assertThat(TestFiles.sha256(dest)).isEqualTo(TestFiles.sha256(www.resolve("f.bin")));
  }

  @Test
  void basicAuthAndMissingFiles() throws Exception {
    Files.createDirectories(www.resolve("private"));
    Path src = TestFiles.generate(www.resolve("private/p.bin"), 1_000_000, 11);
    try (PortableBitsClient c = PortableBitsClient.builder().stateDirectory(tmp.resolve("s")).build()) {
      ClientJob denied = c.createJob(JobSpec.builder("n")
          .addFile(uri("/private/p.bin"), tmp.resolve("d.bin")).start(true).build());
      assertThat(settle(denied)).isEqualTo(JobState.ERROR);
      assertThat(denied.error().orElseThrow().hresult()).isEqualTo(Hresult.httpError(401));
      denied.setCredentials(io.bits4j.Credentials.basic("alice", "secret"));
      denied.resume();
      assertThat(settle(denied)).isEqualTo(JobState.TRANSFERRED);
      denied.complete();
      assertThat(TestFiles.sha256(tmp.resolve("d.bin"))).isEqualTo(TestFiles.sha256(src));
      ClientJob missing = c.createJob(JobSpec.builder("m")
          .addFile(uri("/nope.bin"), tmp.resolve("m.bin")).start(true).build());
      assertThat(settle(missing)).isEqualTo(JobState.ERROR);
      assertThat(missing.error().orElseThrow().hresult()).isEqualTo(0x80190194);
      missing.cancel();
    }
  }
}
