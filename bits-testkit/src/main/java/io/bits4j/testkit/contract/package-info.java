/**
 * Contract test suites: abstract JUnit 5 classes that every implementation of {@link
 * io.bits4j.CompactServer} ({@link io.bits4j.testkit.contract.CompactServerContract}) and {@link
 * io.bits4j.BitsClient} ({@link io.bits4j.testkit.contract.BitsClientContract}) extends in its own
 * tests. Features an implementation lacks are skipped through JUnit assumptions and overridable
 * hooks; every wait is bounded. The test methods are public so that an implementation with a
 * documented deviation can override one (an overriding method without {@code @Test} is not run);
 * say why in a comment when doing so.
 *
 * <p>Needs {@code org.junit.jupiter:junit-jupiter-api} on the test class path (an optional
 * dependency of the testkit).
 */
@NullMarked
package io.bits4j.testkit.contract;

import org.jspecify.annotations.NullMarked;
