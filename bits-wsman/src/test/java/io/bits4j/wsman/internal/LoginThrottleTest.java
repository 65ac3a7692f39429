package io.bits4j.wsman.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The per-peer failed-login table, on a hand-driven clock. */
class LoginThrottleTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final Duration MINUTE = Duration.ofMinutes(1);

  LoginThrottle throttle = new LoginThrottle(5, MINUTE, Duration.ofMinutes(5), LoginThrottle.DEFAULT_CAPACITY);

  /** Four failures pass; the fifth locks the peer out. */
  Optional<LoginThrottle.Lockout> fail5(String peer, Instant now) {
    Optional<LoginThrottle.Lockout> last = Optional.empty();
    for (int i = 0; i < 5; i++) {
      assertThat(throttle.check(peer, now)).as("attempt %d", i + 1).isEmpty();
      last = throttle.failed(peer, now);
      assertThat(last.isPresent()).as("locked after failure %d", i + 1).isEqualTo(i == 4);
    }
    return last;
  }

  @Test
  void fiveFailuresLockThePeerOutForTheWindowAndNoOneElse() {
    assertThat(fail5("10.0.0.1", T0).orElseThrow()).isEqualTo(new LoginThrottle.Lockout(MINUTE, 1));
    assertThat(throttle.check("10.0.0.1", T0)).contains(new LoginThrottle.Refusal(60, 1));
    assertThat(throttle.check("10.0.0.1", T0.plusMillis(59_001))).contains(new LoginThrottle.Refusal(1, 2));
    assertThat(throttle.check("10.0.0.2", T0)).as("another peer").isEmpty();
    assertThat(throttle.check("10.0.0.1", T0.plus(MINUTE))).as("the lockout is over").isEmpty();
  }

  @Test
  void fourFailuresAWindowNeverLock() {
    for (int i = 0; i < 40; i++) {
      Instant t = T0.plusSeconds(15L * i); // a window starts at its first failure: 0, 15, 30, 45 | 60, …
      assertThat(throttle.check("p", t)).isEmpty();
      assertThat(throttle.failed("p", t)).as("failure at %s", t).isEmpty();
    }
  }

  @Test
  void lockoutsDoubleUpToTheMaximumAndASuccessStartsAfresh() {
    Instant t = T0;
    List<Duration> lockouts = new ArrayList<>();
    for (int round = 0; round < 5; round++) {
      LoginThrottle.Lockout l = fail5("p", t).orElseThrow();
      lockouts.add(l.duration());
      t = t.plus(l.duration());
    }
    assertThat(lockouts).containsExactly(MINUTE, Duration.ofMinutes(2), Duration.ofMinutes(4),
        Duration.ofMinutes(5), Duration.ofMinutes(5));
    throttle.succeeded("p");
    assertThat(throttle.size()).isZero();
    assertThat(fail5("p", t).orElseThrow().duration()).isEqualTo(MINUTE);
  }

  @Test
  void aQuietPeerIsForgotten() {
    fail5("p", T0);
    // locked until T0+1m; remembered (lockouts count) for 5 more minutes
    Instant later = T0.plus(MINUTE).plus(Duration.ofMinutes(4));
    assertThat(fail5("p", later).orElseThrow().duration()).isEqualTo(Duration.ofMinutes(2));
    Instant quiet = later.plus(Duration.ofMinutes(2)).plus(Duration.ofMinutes(5));
    assertThat(throttle.check("p", quiet)).isEmpty();
    assertThat(throttle.size()).as("checked after expiry: dropped").isZero();
    throttle.released("p");
    assertThat(fail5("p", quiet).orElseThrow().duration()).isEqualTo(MINUTE);
  }

  @Test
  void attemptsUnderWayCountForAPeerWithFailuresOnRecord() {
    for (int i = 0; i < 3; i++) {
      throttle.check("p", T0);
      throttle.failed("p", T0);
    }
    // three failures on record: two more attempts may be under way at once, not a third
    assertThat(throttle.check("p", T0)).isEmpty();
    assertThat(throttle.check("p", T0)).isEmpty();
    assertThat(throttle.check("p", T0)).contains(new LoginThrottle.Refusal(1, 1));
    throttle.released("p"); // one could not be judged
    assertThat(throttle.check("p", T0)).isEmpty();
    // a peer with a clean record is never held back: a controller's first parallel calls
    for (int i = 0; i < 50; i++) {
      assertThat(throttle.check("fresh", T0)).isEmpty();
    }
    assertThat(throttle.size()).isEqualTo(1);
  }

  @Test
  void theTableStaysBoundedUnderManyAddressesAndKeepsTheActiveOnes() {
    LoginThrottle small = new LoginThrottle(5, MINUTE, Duration.ofMinutes(5), 100);
    for (int i = 0; i < 4; i++) {
      small.failed("attacker", T0);
    }
    for (int i = 0; i < 100_000; i++) {
      Instant t = T0.plusMillis(i);
      String peer = "10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255);
      assertThat(small.check(peer, t)).isEmpty();
      small.failed(peer, t);
      if (i % 50 == 0) {
        small.failed("attacker", t); // seen often: never the eldest
        small.check("attacker", t);
      }
      assertThat(small.size()).isLessThanOrEqualTo(100);
    }
    assertThat(small.check("attacker", T0.plusSeconds(100))).isPresent();
    // the flood's early peers were evicted; the latest are remembered
    assertThat(small.check("10.0.0.0", T0.plusSeconds(100))).isEmpty();
    assertThat(small.size()).isEqualTo(100);
  }

  @Test
  void refusalsOfAFloodAreLoggedLogarithmically() {
    fail5("p", T0);
    long logged = LongStream.rangeClosed(1, 100_000)
        .filter(i -> throttle.check("p", T0).orElseThrow().worthLogging()).count();
    assertThat(logged).isEqualTo(17); // 1, 2, 4, … 65536
  }

  @Test
  void badSettingsAreRefused() {
    assertThatThrownBy(() -> new LoginThrottle(0, MINUTE, MINUTE, 10)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new LoginThrottle(5, Duration.ZERO, MINUTE, 10)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new LoginThrottle(5, MINUTE, MINUTE.negated(), 10)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new LoginThrottle(5, MINUTE, MINUTE, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void peersAreIpv4AddressesAndIpv6Networks() throws Exception {
    assertThat(PeerKey.of(addr("127.0.0.1", 1234))).isEqualTo("127.0.0.1");
    assertThat(PeerKey.of(addr("127.0.0.2", 1234))).isEqualTo("127.0.0.2");
    assertThat(PeerKey.of(addr("::ffff:10.1.2.3", 1))).isEqualTo("10.1.2.3");
    assertThat(PeerKey.of(addr("2001:db8:1:2:aaaa::1", 1))).isEqualTo(PeerKey.of(addr("2001:db8:1:2:bbbb::9", 2)))
        .isEqualTo("2001:db8:1:2::/64");
    assertThat(PeerKey.of(addr("2001:db8:1:3::1", 1))).isEqualTo("2001:db8:1:3::/64");
    assertThat(PeerKey.of(addr("::1", 1))).isEqualTo("0:0:0:0:0:0:0:1");
    assertThat(PeerKey.of(addr("fe80::1", 1))).isNotEqualTo(PeerKey.of(addr("fe80::2", 1)));
    assertThat(PeerKey.of(null)).isEqualTo("null");
  }

  static InetSocketAddress addr(String ip, int port) throws Exception {
    return new InetSocketAddress(InetAddress.getByName(ip), port);
  }
}
