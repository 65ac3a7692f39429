package io.bits4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class ValuesTest {
  private static final URI URL = URI.create("http://127.0.0.1:8080/Carmine/a.bin");
  private static final Path DEST = Path.of("/tmp/bits4j-dest/a.bin").toAbsolutePath();

  @ParameterizedTest
  @EnumSource(JobState.class)
  void jobStatesRoundTripTheirBitsCodes(JobState s) {
    assertThat(JobState.ofCode(s.code())).isSameAs(s);
    assertThat(s.isFinal()).isEqualTo(s == JobState.ACKNOWLEDGED || s == JobState.CANCELLED);
    assertThat(s.isSettled()).isEqualTo(s.isFinal() || s == JobState.ERROR || s == JobState.TRANSFERRED);
  }

  @Test
  void enumCodesAreBitsCodes() {
    assertThat(JobState.TRANSFERRED.code()).isEqualTo(6);
    assertThat(JobState.SUSPENDED.code()).isEqualTo(3);
    assertThat(JobPriority.NORMAL.code()).isEqualTo(2);
    assertThat(ErrorContext.REMOTE_FILE.code()).isEqualTo(5);
    assertThat(ErrorContext.ofCode(8)).isSameAs(ErrorContext.SERVER_CERTIFICATE_CALLBACK);
    assertThat(CredentialScheme.NEGOTIATE.wmiCode()).isEqualTo(3);
    assertThat(CredentialScheme.NEGOTIATE.comCode()).isEqualTo(4);
    assertThat(AuthTarget.PROXY.comCode()).isEqualTo(2);
    assertThat(AuthScheme.ofWmiCode(18)).isSameAs(AuthScheme.CLIENT_CERTIFICATE);
    assertThat(ProxyUsage.ofCode(2)).isSameAs(ProxyUsage.OVERRIDE);
    assertThat(CertStoreLocation.ofCode(7)).isSameAs(CertStoreLocation.LOCAL_MACHINE_ENTERPRISE);
    for (int bad : new int[] {-1, 9}) {
      assertThatThrownBy(() -> JobState.ofCode(bad)).isInstanceOf(BitsException.class);
    }
    assertThatThrownBy(() -> AuthScheme.ofWmiCode(2)).isInstanceOf(BitsException.class);
    assertThatThrownBy(() -> CredentialScheme.ofWmiCode(5))
        .isInstanceOfSatisfying(BitsException.class, e -> assertThat(e.hresult()).isEqualTo(Hresult.BG_E_INVALID_AUTH_SCHEME));
  }

  @Test
  void progressKeepsAnUnknownTotalExplicit() {
    JobProgress unknown = new JobProgress(JobProgress.UNKNOWN, 10, 2, 0);
    assertThat(unknown.isTotalKnown()).isFalse();
    assertThat(unknown.total()).isEmpty();
    assertThat(unknown.fraction()).isZero();
    JobProgress half = new JobProgress(100, 50, 1, 0);
    assertThat(half.fraction()).isEqualTo(0.5);
    assertThat(half.plus(unknown).isTotalKnown()).isFalse();
    assertThat(half.plus(half)).isEqualTo(new JobProgress(200, 100, 2, 0));
    assertThat(new JobProgress(0, 0, 1, 1).fraction()).isEqualTo(1.0);
    assertThatThrownBy(() -> new JobProgress(-2, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new JobProgress(1, 0, 1, 2)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void jobIdsUseTheWindowsForm() {
    UUID u = UUID.fromString("6f0f4b7a-1234-4cde-8f00-0123456789ab");
    JobId id = new JobId(u);
    assertThat(id.toString()).isEqualTo("{6F0F4B7A-1234-4CDE-8F00-0123456789AB}");
    assertThat(JobId.parse(id.toString())).isEqualTo(id);
    assertThat(JobId.parse(u.toString())).isEqualTo(id);
    for (String bad : new String[] {"", "{}", "6f0f4b7a", "{6F0F4B7A-1234-4CDE-8F00-0123456789AB", "zzzzzzzz-1234-4cde-8f00-0123456789ab"}) {
      assertThatThrownBy(() -> JobId.parse(bad))
          .isInstanceOfSatisfying(BitsException.class, e -> assertThat(e.hresult()).isEqualTo(Hresult.E_INVALIDARG));
    }
  }

  @Test
  void jobSpecHasBitsDefaultsAndIsImmutable() {
    JobSpec spec = JobSpec.builder("nightly").addFile(URL, DEST).customHeader("X-Trace", "1").build();
    assertThat(spec.priority()).isEqualTo(JobPriority.NORMAL);
    assertThat(spec.minimumRetryDelay()).isEqualTo(Duration.ofSeconds(600));
    assertThat(spec.noProgressTimeout()).isEqualTo(Duration.ofDays(14));
    assertThat(spec.start()).isFalse();
    assertThat(spec.type()).isEqualTo(JobType.DOWNLOAD);
    assertThat(spec.proxy()).isEqualTo(ProxySettings.PRECONFIG);
    assertThatThrownBy(() -> spec.files().add(new JobSpec.FileSpec(URL, DEST)))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> spec.customHeaders().put("a", "b")).isInstanceOf(UnsupportedOperationException.class);
    JobSpec copy = spec.toBuilder().minimumRetryDelay(Duration.ofSeconds(1)).build();
    assertThat(copy.minimumRetryDelay()).as("raised to BITS's minimum").isEqualTo(Duration.ofSeconds(5));
    assertThat(copy.files()).isEqualTo(spec.files());
    assertThat(spec.minimumRetryDelay()).isEqualTo(Duration.ofSeconds(600));
  }

  @Test
  void jobSpecRefusesBadInput() {
    JobSpec.Builder b = JobSpec.builder("x");
    assertThatThrownBy(() -> b.start(true).build())
        .isInstanceOfSatisfying(BitsException.class, e -> assertThat(e.hresult()).isEqualTo(Hresult.BG_E_EMPTY));
    for (String url : new String[] {"ftp://h/a", "/relative", "http:opaque", "http://h/a#frag", "http://h/" + "a".repeat(2200)}) {
      assertThatThrownBy(() -> JobSpec.builder("x").addFile(URI.create(url), DEST))
          .as(url).isInstanceOfSatisfying(BitsException.class, e -> assertThat(e.hresult()).isEqualTo(Hresult.E_INVALIDARG));
    }
    assertThatThrownBy(() -> JobSpec.builder("x").addFile(URL, Path.of("relative.bin")))
        .isInstanceOf(BitsException.class);
    assertThatThrownBy(() -> JobSpec.builder("x").addFile(URL, Path.of("C:relative.bin")))
        .isInstanceOf(BitsException.class);
    // Absolute Windows paths are accepted on any OS: a Linux controller may target a Windows client.
    JobSpec.builder("x").addFile(URL, Path.of("C:\\data\\a.vhd")).addFile(URL, Path.of("\\\\srv\\share\\a.vhd"));
    assertThatThrownBy(() -> JobSpec.builder("x").customHeader("Bad Name", "v")).isInstanceOf(BitsException.class);
    assertThatThrownBy(() -> JobSpec.builder("x").customHeader("X", "a\r\nInjected: 1")).isInstanceOf(BitsException.class);
    assertThatThrownBy(() -> JobSpec.builder("x").customHeader("X", "v".repeat(16_400)))
        .isInstanceOfSatisfying(BitsException.class, e -> assertThat(e.hresult()).isEqualTo(Hresult.BG_E_STRING_TOO_LONG));
    assertThatThrownBy(() -> JobSpec.builder("x").noProgressTimeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> JobSpec.builder("x".repeat(257))).isInstanceOf(BitsException.class);
  }

  @Test
  void credentialsNeverPrintThePassword() {
    Credentials c = Credentials.basic("alice", "s3cr3t-pw");
    assertThat(c.toString()).contains("alice").doesNotContain("s3cr3t-pw");
    assertThatThrownBy(() -> Credentials.basic("u".repeat(301), ""))
        .isInstanceOfSatisfying(BitsException.class, e -> assertThat(e.hresult()).isEqualTo(Hresult.BG_E_USERNAME_TOO_LARGE));
    ClientCertificate k = ClientCertificate.fromKeyStore(emptyKeyStore(), "client", "pw-secret".toCharArray());
    assertThat(k.toString()).doesNotContain("pw-secret");
  }

  @Test
  void implicitCredentialsAreNtlmOrNegotiateWithoutAUser() {
    Credentials proxy = Credentials.implicit(AuthTarget.PROXY, CredentialScheme.NEGOTIATE);
    assertThat(proxy.isImplicit()).isTrue();
    assertThat(proxy.userName()).isEmpty();
    assertThat(Credentials.implicit(AuthTarget.SERVER, CredentialScheme.NTLM).isImplicit()).isTrue();
    assertThat(new Credentials(AuthTarget.SERVER, CredentialScheme.NTLM, "CORP\\alice", "pw").isImplicit()).isFalse();
    assertThat(new Credentials(AuthTarget.SERVER, CredentialScheme.BASIC, "", "").isImplicit()).isFalse();
    assertThatThrownBy(() -> Credentials.implicit(AuthTarget.SERVER, CredentialScheme.BASIC))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("BASIC");
  }

  @Test
  void proxySettingsFitTheirUsage() {
    assertThat(ProxySettings.override(List.of("127.0.0.1:3128"), List.of("<local>")).usage()).isEqualTo(ProxyUsage.OVERRIDE);
    assertThatThrownBy(() -> ProxySettings.override(List.of(), List.of())).isInstanceOf(BitsException.class);
    assertThatThrownBy(() -> new ProxySettings(ProxyUsage.NO_PROXY, List.of("h:1"), List.of())).isInstanceOf(BitsException.class);
    assertThatThrownBy(() -> ProxySettings.override(List.of("a b"), List.of())).isInstanceOf(BitsException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"h:0", "h:65536", "h:99999", "h:", "h:8o", "http://h:70000/", "[::1]:65536", "[::1]:x"})
  void proxyEntriesWithABadPortAreRefused(String entry) {
    assertThatThrownBy(() -> ProxySettings.override(List.of(entry), List.of()))
        .isInstanceOfSatisfying(BitsException.class, e -> assertThat(e.hresult()).isEqualTo(Hresult.E_INVALIDARG));
  }

  @ParameterizedTest
  @ValueSource(strings = {"h", "h:1", "h:65535", "http://h:3128/", "[::1]", "[::1]:3128", "::1", "10.0.0.1:8080"})
  void proxyEntriesWithAGoodPortOrNoneAreKept(String entry) {
    assertThat(ProxySettings.override(List.of(entry), List.of()).proxies()).containsExactly(entry);
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://h:0/f", "http://h:65536/f", "https://h:99999/f"})
  void remoteUrlsWithAPortOutOfRangeAreRefused(String url) {
    assertThatThrownBy(() -> JobSpec.checkRemoteUrl(URI.create(url)))
        .isInstanceOfSatisfying(BitsException.class, e -> assertThat(e.hresult()).isEqualTo(Hresult.E_INVALIDARG));
    assertThat(JobSpec.checkRemoteUrl(URI.create("http://h:65535/f")).getPort()).isEqualTo(65535);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 1023, 0x1_0000_0000L, -1})
  void bandwidthLimitsBelow1024AreRefused(long limit) {
    assertThatThrownBy(() -> UrlGroup.checkBandwidthLimit(limit))
        .isInstanceOfSatisfying(BitsException.class, e -> assertThat(e.hresult()).isEqualTo(Hresult.E_INVALIDARG));
  }

  @Test
  void bandwidthLimitsAcceptZeroAndAtLeast1024() {
    assertThat(UrlGroup.checkBandwidthLimit(0)).isZero();
    assertThat(UrlGroup.checkBandwidthLimit(1024)).isEqualTo(1024);
    assertThat(UrlGroup.checkBandwidthLimit(0xFFFF_FFFFL)).isEqualTo(0xFFFF_FFFFL);
  }

  @Test
  void transferPlansNeedTargetsAndARealHostName() {
    UrlPrefix wildcard = UrlPrefix.parse("http://+:8080/Carmine");
    Path src = Path.of("/srv/a.bin");
    assertThatThrownBy(() -> TransferPlan.builder(src, wildcard).build()).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> TransferPlan.builder(src, wildcard).target("a", DEST).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("hostName");
    TransferPlan p = TransferPlan.builder(src, UrlPrefix.parse("http://127.0.0.1:8080/Carmine")).target("a", DEST).build();
    assertThat(p.hostName()).isEqualTo("127.0.0.1");
    assertThat(p.maxConcurrentJobs()).isEqualTo(8);
    assertThat(p.transientErrorPolicy()).isEqualTo(TransientErrorPolicy.leaveToBits());
    assertThat(p.suffix()).isEmpty();
  }

  @Test
  void transientErrorPolicies() {
    assertThat(TransientErrorPolicy.cancelAtFirst().exhausted(1, Duration.ZERO)).isTrue();
    assertThat(TransientErrorPolicy.cancelAtFirst().exhausted(0, Duration.ZERO)).isFalse();
    TransientErrorPolicy budget = TransientErrorPolicy.budget(3, Duration.ofMinutes(10));
    assertThat(budget.exhausted(3, Duration.ofMinutes(9))).isFalse();
    assertThat(budget.exhausted(4, Duration.ZERO)).isTrue();
    assertThat(budget.exhausted(1, Duration.ofMinutes(10))).isTrue();
    assertThat(TransientErrorPolicy.leaveToBits().exhausted(1_000_000, Duration.ofDays(365))).isFalse();
  }

  @Test
  void principalsCarryWindowsSids() {
    assertThat(Principal.ANONYMOUS.sids()).containsExactly(Principal.ANONYMOUS_SID);
    Principal p = Principal.user("Alice", Set.of("Ops"), false);
    assertThat(p.sids()).doesNotContain(Principal.ANONYMOUS_SID, Principal.ADMINISTRATORS_SID)
        .contains(Principal.groupSid("ops"));
    assertThat(Principal.userSid("alice")).isEqualTo(Principal.userSid("ALICE")).matches("S-1-5-21-\\d+-\\d+-\\d+-\\d+")
        .isNotEqualTo(Principal.userSid("bob")).isNotEqualTo(Principal.groupSid("alice"));
  }

  private static java.security.KeyStore emptyKeyStore() {
    try {
      java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      return ks;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
