/**
 * Benchmarks of bits4j: JMH benchmarks ({@code java -jar target/benchmarks.jar}) and plain
 * {@code main} programs for figures JMH does not frame well ({@link io.bits4j.benchmarks.WsmanBench}).
 * Not published; never run by {@code mvn verify}.
 */
@NullMarked
package io.bits4j.benchmarks;

import org.jspecify.annotations.NullMarked;
