/**
 * Contract test suites: abstract JUnit 5 classes that every implementation of {@link
 * io.bits4j.CompactServer} ({@link io.bits4j.testkit.contract.CompactServerContract}) and {@link
 * io.bits4j.BitsClient} ({@link io.bits4j.testkit.contract.BitsClientContract}) extends in its own
 * tests. Features an implementation lacks are skipped through JUnit assumptions and overridable
 * hooks; every wait is bounded.
 *
 * <p>Needs {@code org.junit.jupiter:junit-jupiter-api} on the test class path (an optional
 * dependency of the testkit).
 */
@NullMarked
package io.bits4j.testkit.contract;

import org.jspecify.annotations.NullMarked;
