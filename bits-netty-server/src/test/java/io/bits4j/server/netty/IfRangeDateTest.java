package io.bits4j.server.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.bits4j.AccessPolicy;
import io.bits4j.UrlGroup;
import io.bits4j.UrlPrefix;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * If-Range with a date (anchors R13, RFC 9110 §13.1.5): a range only if the date is a strong
 * Last-Modified. A file written in place twice within one second has one date for two versions; a
 * client resuming with that date must get the whole new version, not its tail behind the old head.
 */
class IfRangeDateTest {
  @TempDir Path dir;

  @Test
  void aDateThatWentOutWithinItsSecondNeverResumesAnotherVersion() throws Exception {
    byte[] v1 = new byte[100];
    byte[] v2 = new byte[100];
    Arrays.fill(v1, (byte) 'A');
    Arrays.fill(v2, (byte) 'B');
    Path f = Files.write(dir.resolve("mut.bin"), v1);
    // a second that is not over when the first answer goes out: one in the future is never over
    long second = TimeUnit.MILLISECONDS.toSeconds(System.currentTimeMillis()) + 3600;
    Files.setLastModifiedTime(f, FileTime.from(second * 1000 + 100, TimeUnit.MILLISECONDS));
    int port = TestSupport.freePort();
    try (NettyCompactServer server = NettyCompactServer.builder().workerThreads(1).build()) {
      UrlGroup g = server.createUrlGroup(UrlPrefix.parse("http://127.0.0.1:" + port + "/m"));
      g.host("mut.bin", f, AccessPolicy.NONE);
      try (RawHttp c = RawHttp.plain(port)) {
        RawHttp.Response first = c.request("GET", "/m/mut.bin");
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.body()).isEqualTo(v1);
        String lm = first.header("Last-Modified").orElseThrow();
        // the same second, another version, written in place
        Files.write(f, v2, StandardOpenOption.WRITE);
        Files.setLastModifiedTime(f, FileTime.from(second * 1000 + 800, TimeUnit.MILLISECONDS));
        RawHttp.Response resumed = c.request("GET", "/m/mut.bin", "Range: bytes=50-59", "If-Range: " + lm);
        assertThat(resumed.header("Last-Modified")).contains(lm);
        assertThat(resumed.status()).as("the date names two versions: the whole file").isEqualTo(200);
        assertThat(resumed.body()).isEqualTo(v2);
        String etag = resumed.header("ETag").orElseThrow();
        assertThat(c.request("GET", "/m/mut.bin", "Range: bytes=50-59", "If-Range: " + etag).status())
            .as("the entity tag still resumes").isEqualTo(206);
      }
    }
  }
}
