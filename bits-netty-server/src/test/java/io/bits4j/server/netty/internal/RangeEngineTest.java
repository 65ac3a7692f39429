package io.bits4j.server.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.bits4j.server.netty.internal.RangeEngine.Plan;
import io.bits4j.server.netty.internal.RangeEngine.Representation;
import java.io.ByteArrayOutputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The range table of anchors.md §2.2 (R1–R21) against the pure engine. */
class RangeEngineTest {
  static final long MTIME = 1_700_000_000L;
  static final String ETAG = "\"abc-123\"";
  static final String BOUNDARY = "B0UNDARY0123456789";

  static Representation rep(long len) {
    return new Representation(len, MTIME, ETAG);
  }

  static Plan plan(boolean head, long len, String... nameValues) {
    Map<String, List<String>> m = new HashMap<>();
    for (int i = 0; i < nameValues.length; i += 2) {
      m.computeIfAbsent(nameValues[i].toLowerCase(Locale.ROOT), k -> new java.util.ArrayList<>()).add(nameValues[i + 1]);
    }
    return RangeEngine.plan(head, RangeEngine.Headers.of(m), rep(len), BOUNDARY);
  }

  static byte content(long i) {
    return (byte) (i * 31 + (i >>> 9));
  }

  static byte[] materialize(Plan p) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (RangeEngine.Segment s : p.body()) {
      if (s instanceof RangeEngine.Bytes b) {
        out.writeBytes(b.data());
      } else if (s instanceof RangeEngine.FileSlice f) {
        for (long i = f.offset(); i < f.offset() + f.length(); i++) {
          out.write(content(i));
        }
      }
    }
    return out.toByteArray();
  }

  static byte[] slice(long first, long last) {
    byte[] b = new byte[(int) (last - first + 1)];
    for (int i = 0; i < b.length; i++) {
      b[i] = content(first + i);
    }
    return b;
  }

  /** header, length, status, Content-Range (or null), body first, body last (for 200/206 single). */
  static Stream<Arguments> singleRangeTable() {
    long big = 5L * 1024 * 1024 * 1024 + 7; // > 4 GiB
    return Stream.of(
        Arguments.of("R1 a-b", "bytes=0-9", 100L, 206, "bytes 0-9/100", 0L, 9L),
        Arguments.of("R1 middle", "bytes=10-19", 100L, 206, "bytes 10-19/100", 10L, 19L),
        Arguments.of("R1 last byte", "bytes=99-99", 100L, 206, "bytes 99-99/100", 99L, 99L),
        Arguments.of("R2 clamp", "bytes=90-1000", 100L, 206, "bytes 90-99/100", 90L, 99L),
        Arguments.of("R2 clamp beyond 2^63", "bytes=90-99999999999999999999999", 100L, 206, "bytes 90-99/100", 90L, 99L),
        Arguments.of("R3 open", "bytes=95-", 100L, 206, "bytes 95-99/100", 95L, 99L),
        Arguments.of("P5 bytes=0- is 206", "bytes=0-", 100L, 206, "bytes 0-99/100", 0L, 99L),
        Arguments.of("R4 suffix", "bytes=-5", 100L, 206, "bytes 95-99/100", 95L, 99L),
        Arguments.of("R4 suffix = len", "bytes=-100", 100L, 206, "bytes 0-99/100", 0L, 99L),
        Arguments.of("R5 suffix > len", "bytes=-1000", 100L, 206, "bytes 0-99/100", 0L, 99L),
        Arguments.of("R5 suffix beyond 2^63", "bytes=-184467440737095516160", 100L, 206, "bytes 0-99/100", 0L, 99L),
        Arguments.of("R6 -0 alone", "bytes=-0", 100L, 416, "bytes */100", -1L, -1L),
        Arguments.of("R6 -0 with a satisfiable one", "bytes=-0,5-6", 100L, 206, "bytes 5-6/100", 5L, 6L),
        Arguments.of("R7 start = len", "bytes=100-", 100L, 416, "bytes */100", -1L, -1L),
        Arguments.of("R7 start > len", "bytes=200-300", 100L, 416, "bytes */100", -1L, -1L),
        Arguments.of("R7 start beyond 2^63", "bytes=99999999999999999999-", 100L, 416, "bytes */100", -1L, -1L),
        Arguments.of("R7 several unsatisfiable", "bytes=100-,200-,-0", 100L, 416, "bytes */100", -1L, -1L),
        Arguments.of("R7 one of several satisfiable", "bytes=100-,3-4", 100L, 206, "bytes 3-4/100", 3L, 4L),
        Arguments.of("R8 a>b", "bytes=9-5", 100L, 200, null, 0L, 99L),
        Arguments.of("R8 garbage", "bytes=abc", 100L, 200, null, 0L, 99L),
        Arguments.of("R8 one bad spec poisons all", "bytes=0-1,x-2", 100L, 200, null, 0L, 99L),
        Arguments.of("R8 no spec", "bytes=", 100L, 200, null, 0L, 99L),
        Arguments.of("R8 only commas", "bytes=, ,", 100L, 200, null, 0L, 99L),
        Arguments.of("R8 double dash", "bytes=--5", 100L, 200, null, 0L, 99L),
        Arguments.of("R8 sign", "bytes=+1-5", 100L, 200, null, 0L, 99L),
        Arguments.of("R8 no dash", "bytes=5", 100L, 200, null, 0L, 99L),
        Arguments.of("R8 no equals", "bytes 0-5", 100L, 200, null, 0L, 99L),
        Arguments.of("R9 unknown unit", "items=0-5", 100L, 200, null, 0L, 99L),
        Arguments.of("R9 unit case-insensitive", "BYTES=0-5", 100L, 206, "bytes 0-5/100", 0L, 5L),
        Arguments.of("empty elements ignored", "bytes=,0-5,,", 100L, 206, "bytes 0-5/100", 0L, 5L),
        Arguments.of("OWS around elements", "bytes= 1-2 ,\t", 100L, 206, "bytes 1-2/100", 1L, 2L),
        Arguments.of("R11 sum > length", "bytes=0-60,30-90", 100L, 200, null, 0L, 99L),
        Arguments.of("R11 many overlapping", "bytes=" + "0-99,".repeat(3), 100L, 200, null, 0L, 99L),
        Arguments.of("R11 501 specs", "bytes=" + "0-0,".repeat(501), 1000L, 200, null, 0L, 999L),
        Arguments.of("R11 501 specs, one invalid", "bytes=" + "0-0,".repeat(500) + "x", 1000L, 200, null, 0L, 999L),
        Arguments.of("R16 zero-length + range", "bytes=0-", 0L, 200, null, -1L, -1L),
        Arguments.of("R16 zero-length + suffix", "bytes=-5", 0L, 200, null, -1L, -1L),
        Arguments.of("R16 zero-length + garbage", "bytes=x", 0L, 200, null, -1L, -1L),
        Arguments.of("one-byte file", "bytes=0-0", 1L, 206, "bytes 0-0/1", 0L, 0L),
        Arguments.of("one-byte file suffix", "bytes=-1", 1L, 206, "bytes 0-0/1", 0L, 0L),
        Arguments.of("one-byte file start 1", "bytes=1-", 1L, 416, "bytes */1", -1L, -1L),
        Arguments.of("R17 > 4 GiB tail", "bytes=-10", big, 206, "bytes " + (big - 10) + "-" + (big - 1) + "/" + big, big - 10, big - 1),
        Arguments.of("R17 > 4 GiB middle", "bytes=4294967296-4294967305", big, 206, "bytes 4294967296-4294967305/" + big, 4294967296L, 4294967305L),
        Arguments.of("R17 > 4 GiB past end", "bytes=" + big + "-", big, 416, "bytes */" + big, -1L, -1L));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("singleRangeTable")
  void rangeTable(String name, String range, long len, int status, String contentRange, long first, long last) {
    Plan p = plan(false, len, "Range", range);
    assertThat(p.status()).isEqualTo(status);
    assertThat(p.header("Content-Range").orElse(null)).isEqualTo(contentRange);
    assertThat(p.header("Content-Length")).isPresent();
    assertThat(Long.parseLong(p.header("Content-Length").get())).isEqualTo(p.contentLength());
    if (status == 200 || status == 206) {
      assertThat(p.header("ETag")).contains(ETAG);
      assertThat(p.header("Last-Modified")).contains("Tue, 14 Nov 2023 22:13:20 GMT");
      assertThat(p.header("Accept-Ranges")).contains("bytes");
      assertThat(p.header("Content-Type")).contains("application/octet-stream");
      long expectedLength = first < 0 ? 0 : last - first + 1;
      assertThat(p.contentLength()).isEqualTo(expectedLength);
      if (expectedLength <= 1 << 20) {
        assertThat(materialize(p)).isEqualTo(first < 0 ? new byte[0] : slice(first, last));
      } else {
        assertThat(p.body()).containsExactly(new RangeEngine.FileSlice(first, expectedLength));
      }
    } else {
      assertThat(p.contentLength()).isZero();
      assertThat(p.body()).isEmpty();
    }
  }

  @Test
  void aRepresentationTakesOnlyAStrongEntityTag() {
    assertThat(rep(10).etag()).isEqualTo(ETAG);
    for (String bad : new String[] {"W/\"abc\"", "abc", "\"abc", " \"abc\"", "\"a\"b\"", "\"\u0001\""}) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Representation(10, MTIME, bad))
          .as(bad).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void r10MultipleRangesAreMultipartWithExactLength() {
    Plan p = plan(false, 100, "Range", "bytes=0-4, 90-, -3");
    assertThat(p.status()).isEqualTo(206);
    assertThat(p.header("Content-Range")).isEmpty();
    byte[] body = materialize(p);
    assertThat(p.header("Content-Length")).contains(Long.toString(body.length));
    List<Multipart.Part> parts = Multipart.parse(body, Multipart.boundaryOf(p.header("Content-Type").get()));
    assertThat(parts).hasSize(3);
    assertThat(parts.get(0).headers()).containsOnlyKeys("content-type", "content-range")
        .containsEntry("content-range", "bytes 0-4/100").containsEntry("content-type", "application/octet-stream");
    assertThat(parts.get(0).data()).isEqualTo(slice(0, 4));
    assertThat(parts.get(1).headers()).containsEntry("content-range", "bytes 90-99/100");
    assertThat(parts.get(1).data()).isEqualTo(slice(90, 99));
    assertThat(parts.get(2).headers()).containsEntry("content-range", "bytes 97-99/100");
    assertThat(parts.get(2).data()).isEqualTo(slice(97, 99));
  }

  @Test
  void r21NoCrlfBeforeFirstBoundaryAndPartHeadersSmall() {
    Plan p = plan(false, 100, "Range", "bytes=1-2,5-6");
    byte[] body = materialize(p);
    String text = new String(body, java.nio.charset.StandardCharsets.ISO_8859_1);
    assertThat(text).startsWith("--" + BOUNDARY + "\r\n");
    assertThat(text).endsWith("\r\n--" + BOUNDARY + "--\r\n");
  }

  @Test
  void r10UnorderedRangesServedInRequestOrder() {
    Plan p = plan(false, 100, "Range", "bytes=50-51,10-11");
    List<Multipart.Part> parts = Multipart.parse(materialize(p), BOUNDARY);
    assertThat(parts).extracting(x -> x.headers().get("content-range"))
        .containsExactly("bytes 50-51/100", "bytes 10-11/100");
  }

  @Test
  void exactly500SpecsAreServed() {
    Plan p = plan(false, 1000, "Range", "bytes=" + "1-1,".repeat(500));
    assertThat(p.status()).isEqualTo(206);
    assertThat(Multipart.parse(materialize(p), BOUNDARY)).hasSize(500);
  }

  @Test
  void r15HeadIsTheGet200HeadersWithoutBody() {
    Plan get = plan(false, 100);
    Plan head = plan(true, 100);
    Plan headRange = plan(true, 100, "Range", "bytes=0-4");
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.headers()).isEqualTo(get.headers());
    assertThat(head.sendBody()).isFalse();
    assertThat(headRange.status()).isEqualTo(200);
    assertThat(headRange.headers()).isEqualTo(get.headers());
    assertThat(headRange.header("Content-Length")).contains("100");
  }

  @Test
  void r12IfRangeStrongEtagOnly() {
    assertThat(plan(false, 100, "Range", "bytes=0-4", "If-Range", ETAG).status()).isEqualTo(206);
    assertThat(plan(false, 100, "Range", "bytes=0-4", "If-Range", "W/" + ETAG).status()).isEqualTo(200);
    assertThat(plan(false, 100, "Range", "bytes=0-4", "If-Range", "\"other\"").status()).isEqualTo(200);
    assertThat(plan(false, 100, "Range", "bytes=0-4", "If-Range", "garbage").status()).isEqualTo(200);
    Plan full = plan(false, 100, "Range", "bytes=0-4", "If-Range", "\"other\"");
    assertThat(full.contentLength()).isEqualTo(100);
    assertThat(materialize(full)).isEqualTo(slice(0, 99));
  }

  @Test
  void r13IfRangeDateExactOnly() {
    String lm = HttpDates.format(MTIME);
    assertThat(plan(false, 100, "Range", "bytes=0-4", "If-Range", lm).status()).isEqualTo(206);
    assertThat(plan(false, 100, "Range", "bytes=0-4", "If-Range", HttpDates.format(MTIME + 1)).status()).isEqualTo(200);
    assertThat(plan(false, 100, "Range", "bytes=0-4", "If-Range", HttpDates.format(MTIME - 1)).status()).isEqualTo(200);
    assertThat(plan(false, 100, "Range", "bytes=0-4", "If-Range", "Tuesday, 14-Nov-23 22:13:20 GMT").status()).isEqualTo(206);
    assertThat(plan(false, 100, "Range", "bytes=0-4", "If-Range", "Tue Nov 14 22:13:20 2023").status()).isEqualTo(206);
    // If-Range without Range is ignored
    assertThat(plan(false, 100, "If-Range", "\"other\"").status()).isEqualTo(200);
  }

  /** R13: a Last-Modified that may name two versions (weak, RFC 9110 §8.8.2.2) never matches an If-Range date. */
  @Test
  void r13IfRangeDateNeverMatchesAWeakLastModified() {
    String lm = HttpDates.format(MTIME);
    Map<String, List<String>> m = Map.of("range", List.of("bytes=0-4"), "if-range", List.of(lm));
    Plan p = RangeEngine.plan(false, RangeEngine.Headers.of(m), rep(100).withWeakLastModified(), BOUNDARY);
    assertThat(p.status()).isEqualTo(200);
    assertThat(p.contentLength()).isEqualTo(100);
    Map<String, List<String>> byTag = Map.of("range", List.of("bytes=0-4"), "if-range", List.of(ETAG));
    assertThat(RangeEngine.plan(false, RangeEngine.Headers.of(byTag), rep(100).withWeakLastModified(), BOUNDARY).status())
        .as("the entity tag still identifies the version").isEqualTo(206);
  }

  @Test
  void r14PreconditionsInRfcOrder() {
    String lm = HttpDates.format(MTIME);
    String before = HttpDates.format(MTIME - 10);
    // If-Match
    assertThat(plan(false, 100, "If-Match", ETAG).status()).isEqualTo(200);
    assertThat(plan(false, 100, "If-Match", "\"x\", " + ETAG).status()).isEqualTo(200);
    assertThat(plan(false, 100, "If-Match", "*").status()).isEqualTo(200);
    assertThat(plan(false, 100, "If-Match", "W/" + ETAG).status()).isEqualTo(412);
    assertThat(plan(false, 100, "If-Match", "\"x\"").status()).isEqualTo(412);
    assertThat(plan(false, 100, "If-Match", "junk").status()).isEqualTo(412);
    assertThat(plan(true, 100, "If-Match", "\"x\"").status()).isEqualTo(412);
    // If-Unmodified-Since (ignored when If-Match is present)
    assertThat(plan(false, 100, "If-Unmodified-Since", before).status()).isEqualTo(412);
    assertThat(plan(false, 100, "If-Unmodified-Since", lm).status()).isEqualTo(200);
    assertThat(plan(false, 100, "If-Unmodified-Since", "not a date").status()).isEqualTo(200);
    assertThat(plan(false, 100, "Unless-Modified-Since", before).status()).isEqualTo(412);
    assertThat(plan(false, 100, "If-Match", ETAG, "If-Unmodified-Since", before).status()).isEqualTo(200);
    // If-None-Match: weak comparison, 304 for GET and HEAD
    assertThat(plan(false, 100, "If-None-Match", ETAG).status()).isEqualTo(304);
    assertThat(plan(false, 100, "If-None-Match", "W/" + ETAG).status()).isEqualTo(304);
    assertThat(plan(true, 100, "If-None-Match", "*").status()).isEqualTo(304);
    assertThat(plan(false, 100, "If-None-Match", "\"x\"").status()).isEqualTo(200);
    // If-Modified-Since ignored when If-None-Match is present
    assertThat(plan(false, 100, "If-Modified-Since", lm).status()).isEqualTo(304);
    assertThat(plan(false, 100, "If-Modified-Since", before).status()).isEqualTo(200);
    assertThat(plan(false, 100, "If-None-Match", "\"x\"", "If-Modified-Since", lm).status()).isEqualTo(200);
    // 412 wins over 304, 304 wins over Range
    assertThat(plan(false, 100, "If-Match", "\"x\"", "If-None-Match", ETAG).status()).isEqualTo(412);
    assertThat(plan(false, 100, "If-None-Match", ETAG, "Range", "bytes=0-1").status()).isEqualTo(304);
    assertThat(plan(false, 100, "If-Match", "\"x\"", "Range", "bytes=500-").status()).isEqualTo(412);
    Plan notModified = plan(false, 100, "If-None-Match", ETAG);
    assertThat(notModified.sendBody()).isFalse();
    assertThat(notModified.header("ETag")).contains(ETAG);
    assertThat(notModified.header("Content-Length")).isEmpty();
  }

  @Test
  void noRangeIs200Full() {
    Plan p = plan(false, 10);
    assertThat(p.status()).isEqualTo(200);
    assertThat(materialize(p)).isEqualTo(slice(0, 9));
    assertThat(plan(false, 0).header("Content-Length")).contains("0");
  }

  @Test
  void severalRangeFieldLinesAreIgnored() {
    assertThat(plan(false, 100, "Range", "bytes=0-1", "Range", "bytes=2-3").status()).isEqualTo(200);
  }
}
