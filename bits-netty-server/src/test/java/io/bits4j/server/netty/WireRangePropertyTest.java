package io.bits4j.server.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.bits4j.AccessPolicy;
import io.bits4j.UrlGroup;
import io.bits4j.UrlPrefix;
import io.bits4j.server.netty.internal.Multipart;
import io.bits4j.server.netty.internal.RangeEnginePropertyTest;
import io.bits4j.server.netty.internal.RangeEnginePropertyTest.Case;
import io.bits4j.server.netty.internal.RangeEnginePropertyTest.GenSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Over the wire (plain and TLS): random file sizes (0, 1, small, a > 4 GiB sparse file) x random
 * Range / If-Range headers; the response (status, Content-Range, Content-Length, body bytes,
 * multipart parts) equals the reference model. The big file is only asked for ranges under 1 MiB
 * with matching (or no) If-Range, so no answer is ever the whole 5 GiB.
 */
class WireRangePropertyTest {
  static final long BIG = (5L << 30) + 77;
  static final long[] SIZES = {0, 1, 7, 100, 2999, BIG};
  static NettyCompactServer server;
  static Path dir;
  static int plain;
  static int tls;

  @BeforeContainer
  static void start() throws IOException {
    dir = Files.createTempDirectory("wire");
    server = NettyCompactServer.builder().workerThreads(2).build();
    plain = TestSupport.freePort();
    tls = TestSupport.freePort();
    server.setSslCertificate(tls, TestSupport.pki().serverIdentity());
    UrlGroup p = server.createUrlGroup(UrlPrefix.parse("http://127.0.0.1:" + plain + "/W"));
    UrlGroup t = server.createUrlGroup(UrlPrefix.parse("https://127.0.0.1:" + tls + "/W"));
    for (long size : SIZES) {
      Path f = size == BIG ? TestSupport.sparse(dir, "f" + size, size) : TestSupport.file(dir, "f" + size, size);
      p.host("f" + size, f, AccessPolicy.NONE);
      t.host("f" + size, f, AccessPolicy.NONE);
    }
  }

  @AfterContainer
  static void stop() throws IOException {
    server.close();
    for (long size : SIZES) {
      Files.deleteIfExists(dir.resolve("f" + size));
    }
    Files.deleteIfExists(dir);
  }

  record WireCase(boolean secure, Case c) {}

  /** Ranges of the big file: under 1 MiB each, at its start or end, never invalid or mismatched. */
  static Arbitrary<GenSpec> bigSpec() {
    long mib = 1 << 20;
    Arbitrary<GenSpec> head = Combinators.combine(Arbitraries.longs().between(0, mib - 1), Arbitraries.longs().between(0, 4096))
        .as((a, n) -> new GenSpec(a + "-" + (a + n), true, a, a + n, false, 0));
    Arbitrary<GenSpec> tail = Combinators.combine(Arbitraries.longs().between(BIG - mib, BIG + 3), Arbitraries.longs().between(0, 4096))
        .as((a, n) -> new GenSpec(a + "-" + (a + n), true, a, a + n, false, 0));
    Arbitrary<GenSpec> open = Arbitraries.longs().between(BIG - 5000, BIG + 2)
        .map(a -> new GenSpec(a + "-", true, a, Long.MAX_VALUE, false, 0));
    Arbitrary<GenSpec> suffix = Arbitraries.longs().between(0, 4096).map(n -> new GenSpec("-" + n, true, -1, -1, true, n));
    return Arbitraries.oneOf(head, tail, open, suffix);
  }

  @Provide
  Arbitrary<WireCase> cases() {
    RangeEnginePropertyTest gen = new RangeEnginePropertyTest();
    return Combinators.combine(Arbitraries.of(false, true), Arbitraries.of(0, 1, 2, 3, 4, 5)).flatAs((secure, idx) -> {
      long len = SIZES[idx];
      boolean big = len == BIG;
      Arbitrary<GenSpec> specs = big ? bigSpec() : gen.spec(len);
      Arbitrary<String> unit = big ? Arbitraries.just("bytes") : Arbitraries.of("bytes", "bytes", "Bytes", "items");
      Arbitrary<String> ifr = big ? Arbitraries.of("", "etag", "date") : Arbitraries.of("", "", "etag", "weak", "other", "date", "date+1", "junk");
      return Combinators.combine(specs.list().ofMinSize(1).ofMaxSize(5), unit, ifr)
          .as((s, u, i) -> new WireCase(secure, new Case(len, s, u, i,
              i.isEmpty() || i.equals("etag") || i.equals("date"))));
    });
  }

  @Property(tries = 100)
  @SuppressWarnings("unchecked")
  void wireResponseEqualsModel(@ForAll("cases") WireCase w) throws Exception {
    Case c = w.c();
    String name = "/W/f" + c.length();
    Path file = dir.resolve("f" + c.length());
    try (RawHttp conn = w.secure() ? new RawHttp(tls, TestSupport.pki().clientContext(false, "TLS")) : RawHttp.plain(plain)) {
      RawHttp.Response head = conn.request("HEAD", name);
      assertThat(head.status()).isEqualTo(200);
      assertThat(head.header("Content-Length")).contains(Long.toString(c.length()));
      String etag = head.header("ETag").orElseThrow();
      String lm = head.header("Last-Modified").orElseThrow();
      String ifRange = switch (c.ifRange()) {
        case "etag" -> etag;
        case "weak" -> "W/" + etag;
        case "other" -> "\"zzz\"";
        case "date" -> lm;
        case "date+1" -> io.bits4j.server.netty.internal.HttpDates.format(
            io.bits4j.server.netty.internal.HttpDates.parse(lm).getAsLong() + 1);
        case "junk" -> "yesterday";
        default -> "";
      };
      StringBuilder range = new StringBuilder(c.unit()).append('=');
      for (int i = 0; i < c.specs().size(); i++) {
        range.append(i == 0 ? "" : ",").append(c.specs().get(i).text());
      }
      List<String> headers = new ArrayList<>(List.of("Range: " + range));
      if (!ifRange.isEmpty()) {
        headers.add("If-Range: " + ifRange);
      }
      RawHttp.Response r = conn.request("GET", name, headers.toArray(new String[0]));
      Object[] m = RangeEnginePropertyTest.model(c);
      int status = (Integer) m[0];
      List<long[]> sat = (List<long[]>) m[1];
      assertThat(r.status()).as("%s on %d bytes", range, c.length()).isEqualTo(status);
      assertThat(r.header("Content-Length").map(Long::parseLong)).contains((long) r.body().length);
      long len = c.length();
      if (status == 200) {
        assertThat(r.body()).isEqualTo(len == 0 ? new byte[0] : TestSupport.read(file, 0, len - 1));
      } else if (status == 416) {
        assertThat(r.header("Content-Range")).contains("bytes */" + len);
      } else if (sat.size() == 1) {
        long[] x = sat.get(0);
        assertThat(r.header("Content-Range")).contains("bytes " + x[0] + "-" + x[1] + "/" + len);
        assertThat(r.body()).isEqualTo(TestSupport.read(file, x[0], x[1]));
      } else {
        List<Multipart.Part> parts = Multipart.parse(r.body(), Multipart.boundaryOf(r.header("Content-Type").orElseThrow()));
        assertThat(parts).hasSize(sat.size());
        for (int i = 0; i < parts.size(); i++) {
          long[] x = sat.get(i);
          assertThat(parts.get(i).headers().get("content-range")).isEqualTo("bytes " + x[0] + "-" + x[1] + "/" + len);
          assertThat(parts.get(i).data()).isEqualTo(TestSupport.read(file, x[0], x[1]));
        }
      }
    }
  }
}
