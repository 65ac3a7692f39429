/**
 * The bits4j testkit: in-memory fakes of the {@link io.bits4j.CompactServer} and {@link
 * io.bits4j.BitsClient} that are strict like the real thing, a manual clock, a recording job
 * listener, a TCP fault proxy, and the contract test suites every implementation runs.
 *
 * <p>JUnit is an optional dependency, needed only by {@code io.bits4j.testkit.contract}. It is
 * not required transitively, so a module that uses only the fakes compiles without JUnit; a
 * module that extends the contract suites reads JUnit itself ({@code requires
 * org.junit.jupiter.api;}), as its own tests do anyway.
 */
module io.bits4j.testkit {
  requires transitive io.bits4j;
  requires static org.jspecify;
  requires static org.junit.jupiter.api;

  exports io.bits4j.testkit;
  exports io.bits4j.testkit.contract;
}
