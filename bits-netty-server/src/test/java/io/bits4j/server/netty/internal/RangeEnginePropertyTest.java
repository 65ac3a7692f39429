package io.bits4j.server.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.bits4j.server.netty.internal.RangeEngine.Plan;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random file sizes (0, 1, small, > 4 GiB) x random Range / If-Range headers: the engine's plan
 * equals a simple reference model (status, headers, body bytes read back as a client would).
 */
public class RangeEnginePropertyTest {
  static final long FOUR_GIB = 4L << 30;

  /** A generated range-spec, as written, with the model's view of it. */
  public record GenSpec(String text, boolean valid, long first, long last, boolean suffix, long suffixLen) {}

  public record Case(long length, List<GenSpec> specs, String unit, String ifRange, boolean ifRangeMatches) {}

  @Provide
  Arbitrary<Long> lengths() {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(1, Arbitraries.just(0L)),
        net.jqwik.api.Tuple.of(1, Arbitraries.just(1L)),
        net.jqwik.api.Tuple.of(5, Arbitraries.longs().between(2, 3000)),
        net.jqwik.api.Tuple.of(2, Arbitraries.longs().between(FOUR_GIB + 1, FOUR_GIB + (1L << 32))));
  }

  public Arbitrary<GenSpec> spec(long len) {
    Arbitrary<Long> pos = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, Arbitraries.longs().between(0, Math.max(0, len + 2))),
        net.jqwik.api.Tuple.of(2, Arbitraries.longs().between(Math.max(0, len - 5), len + 5)),
        net.jqwik.api.Tuple.of(1, Arbitraries.just(Long.MAX_VALUE)));
    Arbitrary<GenSpec> closed = Combinators.combine(pos, pos).as((a, b) -> {
      boolean valid = a <= b;
      return new GenSpec(a + "-" + b, valid, a, b, false, 0);
    });
    Arbitrary<GenSpec> open = pos.map(a -> new GenSpec(a + "-", true, a, Long.MAX_VALUE, false, 0));
    Arbitrary<GenSpec> suffix = pos.map(n -> new GenSpec("-" + n, true, -1, -1, true, n));
    Arbitrary<GenSpec> huge = Arbitraries.of("99999999999999999999999-", "-99999999999999999999999",
        "0-99999999999999999999999").map(t -> t.startsWith("-")
            ? new GenSpec(t, true, -1, -1, true, Long.MAX_VALUE)
            : t.startsWith("0")
                ? new GenSpec(t, true, 0, Long.MAX_VALUE, false, 0)
                : new GenSpec(t, true, Long.MAX_VALUE, Long.MAX_VALUE, false, 0));
    Arbitrary<GenSpec> garbage = Arbitraries.of("x", "1-2-3", "-", "a-1", " 1 -2", "1--", "0x1-2")
        .map(t -> new GenSpec(t, false, 0, 0, false, 0));
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, closed), net.jqwik.api.Tuple.of(2, open), net.jqwik.api.Tuple.of(3, suffix),
        net.jqwik.api.Tuple.of(1, huge), net.jqwik.api.Tuple.of(1, garbage));
  }

  @Provide
  Arbitrary<Case> cases() {
    return lengths().flatMap(len -> Combinators.combine(
        spec(len).list().ofMinSize(1).ofMaxSize(6),
        Arbitraries.of("bytes", "bytes", "bytes", "Bytes", "items"),
        Arbitraries.of("", "", "etag", "weak", "other", "date", "date+1", "junk"))
        .as((specs, unit, ifr) -> {
          String ifRange = switch (ifr) {
            case "etag" -> RangeEngineTest.ETAG;
            case "weak" -> "W/" + RangeEngineTest.ETAG;
            case "other" -> "\"zzz\"";
            case "date" -> HttpDates.format(RangeEngineTest.MTIME);
            case "date+1" -> HttpDates.format(RangeEngineTest.MTIME + 1);
            case "junk" -> "yesterday";
            default -> "";
          };
          boolean matches = ifr.isEmpty() || ifr.equals("etag") || ifr.equals("date");
          return new Case(len, specs, unit, ifRange, matches);
        }));
  }

  /** The model: expected status and satisfied ranges. */
  public static Object[] model(Case c) {
    long len = c.length();
    if (len == 0 || !c.unit().equalsIgnoreCase("bytes") || !c.ifRangeMatches()
        || c.specs().stream().anyMatch(s -> !s.valid())) {
      return new Object[] {200, List.of()};
    }
    List<long[]> sat = new ArrayList<>();
    java.math.BigInteger sum = java.math.BigInteger.ZERO;
    for (GenSpec s : c.specs()) {
      long first;
      long last;
      if (s.suffix()) {
        if (s.suffixLen() == 0) {
          continue;
        }
        first = Math.max(0, len - s.suffixLen());
        last = len - 1;
      } else {
        if (s.first() >= len) {
          continue;
        }
        first = s.first();
        last = Math.min(s.last(), len - 1);
      }
      sat.add(new long[] {first, last});
      sum = sum.add(java.math.BigInteger.valueOf(last - first + 1));
    }
    if (sat.isEmpty()) {
      return new Object[] {416, sat};
    }
    if (sum.compareTo(java.math.BigInteger.valueOf(len)) > 0) {
      return new Object[] {200, List.of()};
    }
    return new Object[] {206, sat};
  }

  @Property
  @SuppressWarnings("unchecked")
  void planEqualsModel(@ForAll("cases") Case c) {
    StringBuilder range = new StringBuilder(c.unit()).append('=');
    for (int i = 0; i < c.specs().size(); i++) {
      range.append(i == 0 ? "" : (i % 2 == 0 ? ", " : ",")).append(c.specs().get(i).text());
    }
    Map<String, List<String>> h = new HashMap<>();
    h.put("range", List.of(range.toString()));
    if (!c.ifRange().isEmpty()) {
      h.put("if-range", List.of(c.ifRange()));
    }
    Plan p = RangeEngine.plan(false, RangeEngine.Headers.of(h), RangeEngineTest.rep(c.length()), RangeEngineTest.BOUNDARY);
    Object[] m = model(c);
    int status = (Integer) m[0];
    List<long[]> sat = (List<long[]>) m[1];
    assertThat(p.status()).as("status for %s len=%d", range, c.length()).isEqualTo(status);
    assertThat(p.header("Content-Length").map(Long::parseLong)).contains(p.contentLength());
    long len = c.length();
    switch (status) {
      case 200 -> {
        assertThat(p.contentLength()).isEqualTo(len);
        assertThat(p.header("Accept-Ranges")).contains("bytes");
        assertThat(p.header("ETag")).contains(RangeEngineTest.ETAG);
        if (len > 0) {
          assertThat(p.body()).containsExactly(new RangeEngine.FileSlice(0, len));
        }
      }
      case 416 -> assertThat(p.header("Content-Range")).contains("bytes */" + len);
      default -> {
        assertThat(p.header("ETag")).contains(RangeEngineTest.ETAG);
        if (sat.size() == 1) {
          long[] r = sat.get(0);
          assertThat(p.header("Content-Range")).contains("bytes " + r[0] + "-" + r[1] + "/" + len);
          assertThat(p.contentLength()).isEqualTo(r[1] - r[0] + 1);
          assertThat(p.body()).containsExactly(new RangeEngine.FileSlice(r[0], r[1] - r[0] + 1));
        } else if (p.contentLength() < (4 << 20)) {
          byte[] body = RangeEngineTest.materialize(p);
          assertThat((long) body.length).isEqualTo(p.contentLength());
          List<Multipart.Part> parts = Multipart.parse(body, Multipart.boundaryOf(p.header("Content-Type").get()));
          assertThat(parts).hasSize(sat.size());
          for (int i = 0; i < parts.size(); i++) {
            long[] r = sat.get(i);
            assertThat(parts.get(i).headers()).containsOnlyKeys("content-type", "content-range");
            assertThat(parts.get(i).headers().get("content-range")).isEqualTo("bytes " + r[0] + "-" + r[1] + "/" + len);
            assertThat(parts.get(i).data()).isEqualTo(RangeEngineTest.slice(r[0], r[1]));
          }
        } else {
          List<RangeEngine.FileSlice> slices = p.body().stream()
              .filter(s -> s instanceof RangeEngine.FileSlice).map(s -> (RangeEngine.FileSlice) s).toList();
          assertThat(slices).hasSize(sat.size());
          for (int i = 0; i < slices.size(); i++) {
            assertThat(slices.get(i)).isEqualTo(new RangeEngine.FileSlice(sat.get(i)[0], sat.get(i)[1] - sat.get(i)[0] + 1));
          }
        }
      }
    }
  }
}
