package io.bits4j.server.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;

/** Properties of the small parsers: request targets, HTTP dates, entity tags, auth params. */
class ParsersPropertyTest {
  @Provide
  Arbitrary<String> targets() {
    Arbitrary<String> piece = Arbitraries.of("/", "//", ".", "..", "%2e", "%2E", "%2f", "%2F", "%5c", "\\", "%00", "%25",
        "%", "%zz", "%c0%ae", "%e2%80%ae", "a", "B", "x.bin", "?", "?q=1", "#f", "~", "%41", "\u0000", " ", "\u00e9");
    return piece.list().ofMinSize(1).ofMaxSize(12).map(l -> "/" + String.join("", l));
  }

  @Property(tries = 500)
  void decodedTargetsNeverCarryTraversalOrEncodedSeparators(@ForAll("targets") String target) {
    Optional<RequestPath.Target> t = RequestPath.parse(target);
    if (t.isEmpty()) {
      return;
    }
    for (String part : List.of(t.get().group(), t.get().suffix())) {
      assertThat(part).doesNotContain("\\").doesNotContain("%").doesNotContain("\u0000");
      assertThat(part.chars()).allMatch(c -> c >= 0x20 && c != 0x7F);
    }
    assertThat(t.get().group()).doesNotContain("/").isNotEqualTo(".").isNotEqualTo("..");
    for (String seg : t.get().suffix().split("/", -1)) {
      assertThat(seg).isNotEqualTo(".").isNotEqualTo("..");
    }
  }

  @Provide
  Arbitrary<String> segments() {
    Arbitrary<String> piece = Arbitraries.oneOf(
        Arbitraries.chars().range('\u0000', '\u007f').map(String::valueOf),
        Arbitraries.of("%41", "%2e", "%2f", "%5c", "%25", "%c3%a9", "%c3", "%zz", "%", "\u00e9", "\u20ac"));
    return piece.list().ofMaxSize(10).map(l -> String.join("", l));
  }

  @Property(tries = 2000)
  void theShortcutForPlainSegmentsAgreesWithTheFullDecoder(@ForAll("segments") String seg) {
    assertThat(RequestPath.decode(seg)).isEqualTo(RequestPath.decodeEncoded(seg));
  }

  @Example
  void targetExamples() {
    assertThat(RequestPath.parse("/Carmine/a/b.bin")).contains(new RequestPath.Target("Carmine", "a/b.bin"));
    assertThat(RequestPath.parse("/Carmine/%41.bin?x")).contains(new RequestPath.Target("Carmine", "A.bin"));
    assertThat(RequestPath.parse("http://h:1/G/f")).contains(new RequestPath.Target("G", "f"));
    assertThat(RequestPath.parse("/G/%2e%2e/f")).isEmpty();
    assertThat(RequestPath.parse("/G/a%2fb")).isEmpty();
    assertThat(RequestPath.parse("/G/%252e")).isEmpty();
    assertThat(RequestPath.parse("/G/%c3%a9")).contains(new RequestPath.Target("G", "\u00e9"));
    assertThat(RequestPath.parse("/G/%c3")).isEmpty();
  }

  @Property
  void cachedFormattingAgreesWithTheFormatterEvenWhenSlotsCollide(
      @ForAll @LongRange(min = 0, max = 253402300799L - 64) long epochSecond) {
    java.time.format.DateTimeFormatter imf = java.time.format.DateTimeFormatter
        .ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", java.util.Locale.US).withZone(java.time.ZoneOffset.UTC);
    for (long s : new long[] {epochSecond, epochSecond + 64, epochSecond, epochSecond + 1, epochSecond}) {
      assertThat(HttpDates.format(s)).isEqualTo(imf.format(java.time.Instant.ofEpochSecond(s)));
    }
  }

  @Property
  void httpDatesRoundTrip(@ForAll @LongRange(min = 0, max = 253_402_300_799L) long epochSecond) {
    assertThat(HttpDates.parse(HttpDates.format(epochSecond))).hasValue(epochSecond);
  }

  @Example
  void obsoleteDateFormsAndGarbage() {
    assertThat(HttpDates.parse("Sun, 06 Nov 1994 08:49:37 GMT")).hasValue(784111777L);
    assertThat(HttpDates.parse("Sunday, 06-Nov-94 08:49:37 GMT")).hasValue(784111777L);
    assertThat(HttpDates.parse("Sun Nov  6 08:49:37 1994")).hasValue(784111777L);
    assertThat(HttpDates.parse("Mon, 06 Nov 1994 08:49:37 GMT")).isEmpty(); // wrong weekday
    assertThat(HttpDates.parse("yesterday")).isEmpty();
    assertThat(HttpDates.parse("Sun, 06 Nov 1994 08:49:37 PST")).isEmpty();
  }

  @Example
  void entityTagLists() {
    assertThat(EntityTags.parseList(List.of("\"a\", W/\"b\"")).orElseThrow().tags())
        .containsExactly(new EntityTags.Tag(false, "\"a\""), new EntityTags.Tag(true, "\"b\""));
    assertThat(EntityTags.parseList(List.of("*")).orElseThrow().any()).isTrue();
    assertThat(EntityTags.parseList(List.of("\"a\"", "\"c\"")).orElseThrow().tags()).hasSize(2);
    assertThat(EntityTags.parseList(List.of("a"))).isEmpty();
    assertThat(EntityTags.parseList(List.of("\"a"))).isEmpty();
    assertThat(EntityTags.parseList(List.of("*, \"a\""))).isEmpty();
    EntityTags.Tag strong = EntityTags.parseTag("\"x\"").orElseThrow();
    EntityTags.Tag weak = EntityTags.parseTag("W/\"x\"").orElseThrow();
    assertThat(strong.strongMatch(strong)).isTrue();
    assertThat(strong.strongMatch(weak)).isFalse();
    assertThat(weak.weakMatch(strong)).isTrue();
  }

  @Example
  void authParams() {
    assertThat(Authenticator.parseParams("username=\"a\\\"b\", realm=r, nc=00000001, uri=\"/x,y\""))
        .containsEntry("username", "a\"b").containsEntry("realm", "r").containsEntry("nc", "00000001")
        .containsEntry("uri", "/x,y");
  }
}
