package io.bits4j.internal;

import io.bits4j.BitsClient;
import io.bits4j.CompactServer;
import io.bits4j.Controller;
import io.bits4j.Scheduler;
import io.bits4j.Transfer;
import io.bits4j.TransferPlan;
import java.time.Duration;
import java.util.Map;

/** The default {@link Controller}. */
public final class DefaultController implements Controller {
  private final CompactServer server;
  private final Map<String, BitsClient> clients;
  private final Scheduler scheduler;
  private final Duration pollInterval;

  /** Creates the controller; see {@link Controller.Builder}. */
  public DefaultController(
      CompactServer server, Map<String, BitsClient> clients, Scheduler scheduler, Duration pollInterval) {
    this.server = server;
    this.clients = Map.copyOf(clients);
    this.scheduler = scheduler;
    this.pollInterval = pollInterval;
  }

  @Override
  public Transfer start(TransferPlan plan) {
    throw new UnsupportedOperationException("controller under construction: " + scheduler + pollInterval + plan);
  }

  @Override
  public CompactServer server() {
    return server;
  }

  @Override
  public Map<String, BitsClient> clients() {
    return clients;
  }

  @Override
  public void close() {}
}
