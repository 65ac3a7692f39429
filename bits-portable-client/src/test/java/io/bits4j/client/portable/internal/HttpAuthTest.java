package io.bits4j.client.portable.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.bits4j.AuthTarget;
import io.bits4j.CredentialScheme;
import io.bits4j.Credentials;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Challenge parsing and the RFC 7616 §3.9.1 Digest examples. */
class HttpAuthTest {
  static final String NONCE = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
  static final String OPAQUE = "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS";
  static final String CNONCE = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";

  @Test
  void parsesSeveralChallengesInOneHeader() {
    List<HttpAuth.Challenge> cs = HttpAuth.parse("Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", "
        + "algorithm=SHA-256, nonce=\"" + NONCE + "\", opaque=\"" + OPAQUE + "\", Basic realm=\"x, y\", Negotiate");
    assertThat(cs).extracting(HttpAuth.Challenge::scheme).containsExactly("Digest", "Basic", "Negotiate");
    assertThat(cs.get(0).param("qop")).isEqualTo("auth, auth-int");
    assertThat(cs.get(0).param("algorithm")).isEqualTo("SHA-256");
    assertThat(cs.get(1).param("realm")).isEqualTo("x, y");
  }

  @Test
  void rfc7616Md5AndSha256Examples() {
    for (String[] v : new String[][] {
        {"MD5", "8ca523f5e9506fed4657c9700eebdbec"},
        {"SHA-256", "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"}}) {
      HttpAuth.Challenge c = HttpAuth.parse("Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", "
          + "algorithm=" + v[0] + ", nonce=\"" + NONCE + "\", opaque=\"" + OPAQUE + "\"").get(0);
      String h = HttpAuth.digest(c, "Mufasa", "Circle of Life", "GET", "/dir/index.html", 1, CNONCE);
      assertThat(h).contains("response=\"" + v[1] + "\"").contains("nc=00000001").contains("qop=auth,")
          .contains("opaque=\"" + OPAQUE + "\"");
    }
  }

  @Test
  void prefersSha256DigestAndRefusesRejectedCredentials() {
    HttpAuth.State s = new HttpAuth.State();
    List<Credentials> creds = List.of(
        new Credentials(AuthTarget.SERVER, CredentialScheme.BASIC, "u", "p"),
        new Credentials(AuthTarget.SERVER, CredentialScheme.DIGEST, "u", "p"));
    List<String> challenge = List.of("Basic realm=\"r\"", "Digest realm=\"r\", nonce=\"n\", algorithm=MD5",
        "Digest realm=\"r\", nonce=\"n\", algorithm=SHA-256, qop=\"auth\"");
    assertThat(s.accept(challenge, creds)).isTrue();
    assertThat(s.authorization("GET", "/x").orElseThrow()).startsWith("Digest ").contains("algorithm=SHA-256");
    assertThat(s.accept(challenge, creds)).as("same credentials rejected again").isFalse();
    assertThat(s.accept(List.of("Digest realm=\"r\", nonce=\"n2\", stale=true"), creds)).as("stale nonce").isTrue();
    assertThat(new HttpAuth.State().accept(List.of("Negotiate"), creds)).isFalse();
  }
}
