package dev.egresskit.cli.run;

import dev.egresskit.core.health.SourceHealthTracker;
import dev.egresskit.transport.EgressConnector;
import dev.egresskit.transport.SmtpProbe;

/**
 * The run's connector settings, in one place: the connector every command shares (see {@link
 * TransportModule}) and the variants a command asks for. Each connector is closed with the run.
 */
public final class Connectors {
  /** Event-loop threads of each connector. */
  public static final int EVENT_LOOP_THREADS = 2;

  private final SourceHealthTracker health;
  private final Plugins plugins;
  private final Closer closer;

  Connectors(SourceHealthTracker health, Plugins plugins, Closer closer) {
    this.health = health;
    this.plugins = plugins;
    this.closer = closer;
  }

  EgressConnector shared() {
    return closer.register(builder().build());
  }

  /** A probe over a connector of its own whose proxy handshakes run in lock-step. */
  public SmtpProbe lockstepProbe() {
    return SmtpProbe.create(closer.register(builder().lockstepHandshakes(true).build()));
  }

  private EgressConnector.Builder builder() {
    return EgressConnector.builder()
        .health(health)
        .classLoader(plugins.loader())
        // Probes are sequential and short: a couple of threads is plenty, and keeps a CLI run
        // light on a busy machine.
        .eventLoopThreads(EVENT_LOOP_THREADS);
  }
}
