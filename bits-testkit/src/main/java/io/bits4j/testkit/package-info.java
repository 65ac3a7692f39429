/**
 * Test doubles for bits4j: {@link io.bits4j.testkit.FakeCompactServer}, {@link
 * io.bits4j.testkit.FakeBitsClient} (driven by scripted, immutable {@link
 * io.bits4j.testkit.FakeJobScript}s), {@link io.bits4j.testkit.ManualClock}, {@link
 * io.bits4j.testkit.RecordingJobListener} and {@link io.bits4j.testkit.TcpFaultProxy}.
 *
 * <p>Everything here depends on {@code bits-api} only and runs without threads except the TCP
 * proxy, so tests built on it are deterministic:
 *
 * <pre>{@code
 * ManualClock clock = new ManualClock();
 * FakeCompactServer server = new FakeCompactServer();
 * FakeBitsClient client = FakeBitsClient.builder().scheduler(clock).server(server).build();
 * Controller controller = Controller.builder().server(server).client("a", client).scheduler(clock).build();
 * }</pre>
 */
@NullMarked
package io.bits4j.testkit;

import org.jspecify.annotations.NullMarked;
