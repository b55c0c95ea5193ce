package dev.egresskit.cli.run;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import dev.egresskit.core.health.SourceHealthTracker;
import dev.egresskit.transport.EgressConnector;
import dev.egresskit.transport.SmtpProbe;

/**
 * Transport: one {@link EgressConnector} per run (it owns the Netty event loops, so it is
 * closed by the run's {@link Closer}), sharing the run's source health, and the SMTP probe on
 * top of it. Connect-strategy plug-ins are found by the connector with ServiceLoader in the
 * plug-in class loader (the transport's own SPI, with priorities).
 */
final class TransportModule extends AbstractModule {

  @Provides
  @Singleton
  Connectors connectors(SourceHealthTracker health, Plugins plugins, Closer closer) {
    return new Connectors(health, plugins, closer);
  }

  @Provides
  @Singleton
  EgressConnector connector(Connectors connectors) {
    return connectors.shared();
  }

  @Provides
  @Singleton
  SmtpProbe probe(EgressConnector connector) {
    return SmtpProbe.create(connector);
  }
}
