package io.bits4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class UrlPrefixTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      http://+:80/Carmine              | http  | +                | 80    | Carmine | STRONG_WILDCARD
      http://+:80/Carmine/             | http  | +                | 80    | Carmine | STRONG_WILDCARD
      HTTPS://*:8443/Images            | https | *                | 8443  | Images  | WEAK_WILDCARD
      http://server1.example.com:8080/x| http  | server1.example.com | 8080 | x     | NAME
      http://Server1:80/testurlgroup   | http  | Server1          | 80    | testurlgroup | NAME
      http://127.0.0.1:1/a             | http  | 127.0.0.1        | 1     | a       | IPV4
      https://[::1]:65535/a-b_c.d~e    | https | [::1]            | 65535 | a-b_c.d~e | IPV6
      http://[fe80::1:2:3:4]:80/v      | http  | [fe80::1:2:3:4]  | 80    | v       | IPV6
      http://[::ffff:10.0.0.1]:80/v    | http  | [::ffff:10.0.0.1] | 80   | v       | IPV6
      http://[1:2:3:4:5:6:7:8]:80/v    | http  | [1:2:3:4:5:6:7:8] | 80   | v       | IPV6
      """)
  void parsesValidPrefixes(String text, String scheme, String host, int port, String path, UrlPrefix.HostKind kind) {
    UrlPrefix p = UrlPrefix.parse(text);
    assertThat(p.scheme()).isEqualTo(scheme);
    assertThat(p.host()).isEqualTo(host);
    assertThat(p.port()).isEqualTo(port);
    assertThat(p.path()).isEqualTo(path);
    assertThat(p.hostKind()).isEqualTo(kind);
    assertThat(UrlPrefix.parse(p.toString())).isEqualTo(p);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "http://+:80/Carmine/Sub",        // two levels: the seed's example of what is refused
      "http://+:80/Carmine1/Carmine2/",
      "http://+:80/",                   // no segment
      "http://+:80",                    // no path
      "http://+/Carmine",               // no port
      "http://+:0/a",
      "http://+:65536/a",
      "http://+:8o/a",
      "http://+:-1/a",
      "http://+:123456/a",
      "ftp://+:21/a",
      "http:/+:80/a",
      "+:80/a",
      "http://:80/a",
      "http://+:80//",
      "http://+:80/./",
      "http://+:80/../",
      "http://+:80/a b",
      "http://+:80/a%20b",
      "http://+:80/a?x",
      "http://+:80/a#x",
      "http://+:80/a\\b",
      "http://256.1.1.1:80/a",
      "http://1.2.3:80/a",
      "http://01.2.3.4:80/a",
      "http://[::1:80/a",
      "http://[::g]:80/a",
      "http://[1:2:3:4:5:6:7:8:9]:80/a",
      "http://[1::2::3]:80/a",
      "http://::1:80/a",
      "http://-bad.example:80/a",
      "http://bad_host:80/a",
      "http://+*:80/a",
      "http://[::1a.2.3.4]:80/a",       // embedded IPv4 with a hex letter (was a NumberFormatException)
      "http://[::+1.2.3.4]:80/a",       // signs Integer.parseInt takes
      "http://[::-1.2.3.4]:80/a",
      "http://[::\u0661.2.3.4]:80/a",  // digits of other scripts
      "http://[::\u0661]:80/a",
      "http://[::\uff21]:80/a",
  })
  void refusesInvalidPrefixesWithInvalidArg(String text) {
    assertThatThrownBy(() -> UrlPrefix.parse(text))
        .isInstanceOfSatisfying(BitsException.class, e -> {
          assertThat(e.hresult()).isEqualTo(Hresult.E_INVALIDARG).isEqualTo(0x80070057);
          assertThat(e.getMessage()).contains("invalid URL prefix");
        });
  }

  @ParameterizedTest
  @CsvSource({
      "http://+:80/Carmine, HTTP://+:80/carmine",
      "http://Server1:80/x, http://server1:80/X/",
      "https://[FE80::1]:443/a, https://[fe80::1]:443/A",
  })
  void comparesHostAndPathCaseInsensitively(String a, String b) {
    assertThat(UrlPrefix.parse(a)).isEqualTo(UrlPrefix.parse(b));
    assertThat(UrlPrefix.parse(a).hashCode()).isEqualTo(UrlPrefix.parse(b).hashCode());
  }

  @ParameterizedTest
  @CsvSource({
      "http://+:80/Carmine, http://+:81/Carmine",
      "http://+:80/Carmine, https://+:80/Carmine",
      "http://+:80/Carmine, http://*:80/Carmine",
      "http://+:80/Carmine, http://+:80/Carmine2",
  })
  void distinguishesSchemePortHostAndPath(String a, String b) {
    assertThat(UrlPrefix.parse(a)).isNotEqualTo(UrlPrefix.parse(b));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      http://+:80/Carmine      | server1 | url.txt           | http://server1:80/Carmine/url.txt
      http://+:8080/Carmine    | ::1     | a/b/c.iso         | http://[::1]:8080/Carmine/a/b/c.iso
      https://*:8443/g         | [::1]   | x                 | https://[::1]:8443/g/x
      http://127.0.0.1:9/g     | 127.0.0.1 | a(1)+b=c;d@e:f  | http://127.0.0.1:9/g/a(1)+b=c;d@e:f
      """)
  void buildsClientUrls(String prefix, String host, String suffix, String expected) {
    URI url = UrlPrefix.parse(prefix).url(host, suffix);
    assertThat(url).isEqualTo(URI.create(expected));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "/a", "a/", "a//b", "./a", "a/..", "a b", "a?b", "a#b", "a%41", "a\\b", "\u00e9"})
  void refusesBadSuffixes(String suffix) {
    assertThatThrownBy(() -> UrlPrefix.checkSuffix(suffix))
        .isInstanceOfSatisfying(BitsException.class, e -> assertThat(e.hresult()).isEqualTo(Hresult.E_INVALIDARG));
  }

  @ParameterizedTest
  @ValueSource(strings = {"+", "*"})
  void refusesWildcardAsClientHost(String host) {
    assertThatThrownBy(() -> UrlPrefix.parse("http://+:80/g").url(host, "x"))
        .isInstanceOf(BitsException.class);
  }

  @Property
  void formatThenParseIsIdentity(@ForAll("prefixes") UrlPrefix p) {
    UrlPrefix back = UrlPrefix.parse(p.toString());
    assertThat(back).isEqualTo(p);
    assertThat(back.toString()).isEqualTo(p.toString());
    assertThat(UrlPrefix.parse(p.toString() + "/")).isEqualTo(p);
  }

  @Property
  void parseThenFormatKeepsSpellingExceptScheme(@ForAll("prefixes") UrlPrefix p) {
    String text = p.scheme().toUpperCase(java.util.Locale.ROOT) + "://" + p.host() + ":" + p.port() + "/" + p.path();
    UrlPrefix parsed = UrlPrefix.parse(text);
    assertThat(parsed.host()).isEqualTo(p.host());
    assertThat(parsed.path()).isEqualTo(p.path());
    assertThat(parsed.scheme()).isEqualTo(p.scheme());
  }

  /** Any string either parses to a prefix that formats and parses back, or is refused with E_INVALIDARG. */
  @Property(tries = 1000)
  void anyHostTextIsRoundTrippedOrRefused(@ForAll("hostish") String host) {
    String text = "http://" + host + ":80/g";
    UrlPrefix p;
    try {
      p = UrlPrefix.parse(text);
    } catch (BitsException e) {
      assertThat(e.hresult()).isEqualTo(Hresult.E_INVALIDARG);
      return;
    }
    assertThat(UrlPrefix.parse(p.toString())).isEqualTo(p);
    assertThat(p.host()).matches("[+*]|[A-Za-z0-9.-]+|\\[[0-9A-Fa-f:.]+]");
  }

  @Provide
  Arbitrary<String> hostish() {
    Arbitrary<String> piece = Arbitraries.of("[", "]", ":", "::", ".", "0", "1", "01", "255", "256", "ffff", "g",
        "1a", "+1", "-1", "%25eth0", "\u0661", "\uff21", "\u00e9", "+", "*", "a", "-");
    return piece.list().ofMaxSize(12).map(l -> String.join("", l));
  }

  @Provide
  Arbitrary<UrlPrefix> prefixes() {
    Arbitrary<String> scheme = Arbitraries.of("http", "https");
    Arbitrary<String> label = Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z')
        .withCharRange('0', '9').ofMinLength(1).ofMaxLength(12);
    // A label starts with a letter: all-digit names read as (bad) IPv4 addresses, as HTTP.SYS reads them.
    Arbitrary<String> dns = label.map(l -> "h" + l).list().ofMinSize(1).ofMaxSize(4).map(l -> String.join(".", l));
    Arbitrary<String> ipv4 = Arbitraries.integers().between(0, 255).list().ofSize(4)
        .map(l -> l.get(0) + "." + l.get(1) + "." + l.get(2) + "." + l.get(3));
    Arbitrary<String> ipv6 = Arbitraries.integers().between(0, 0xFFFF).list().ofSize(8)
        .map(l -> "[" + String.join(":", l.stream().map(Integer::toHexString).toList()) + "]");
    Arbitrary<String> host = Arbitraries.oneOf(Arbitraries.of("+", "*", "[::1]"), dns, ipv4, ipv6);
    Arbitrary<Integer> port = Arbitraries.integers().between(1, 65535);
    Arbitrary<String> path = Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z')
        .withCharRange('0', '9').withChars("-._~!$&'()*+,;=:@").ofMinLength(1).ofMaxLength(20)
        .filter(s -> !s.equals(".") && !s.equals(".."));
    return Combinators.combine(scheme, host, port, path).as(UrlPrefix::new);
  }
}
