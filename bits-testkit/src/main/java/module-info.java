/**
 * The bits4j testkit: in-memory fakes of the {@link io.bits4j.CompactServer} and {@link
 * io.bits4j.BitsClient} that are strict like the real thing, a manual clock, a recording job
 * listener, a TCP fault proxy, and the contract test suites every implementation runs.
 *
 * <p>JUnit is an optional dependency, needed only by {@code io.bits4j.testkit.contract}.
 */
module io.bits4j.testkit {
  requires transitive io.bits4j;
  requires static org.jspecify;
  requires static transitive org.junit.jupiter.api;

  exports io.bits4j.testkit;
  exports io.bits4j.testkit.contract;
}
