package dev.egresskit.embed.assembly;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import dev.egresskit.core.health.SourceHealth;
import dev.egresskit.transport.EgressConnector;
import dev.egresskit.transport.SmtpProbe;

/**
 * Transport: the {@link Connectors} (Netty and blocking-socket connections, sharing the source
 * health and closed with the assembly) and the SMTP probe on the Netty connector.
 */
public final class TransportModule extends AbstractModule {

  @Provides
  @Singleton
  Connectors connectors(SourceHealth health, KitOptions options, SharedLoops loops,
      Closer closer) {
    return new Connectors(health, options.pluginLoader(), options.eventLoopThreads(), loops,
        closer);
  }

  @Provides
  EgressConnector connector(Connectors connectors) {
    return connectors.netty();
  }

  @Provides
  @Singleton
  SmtpProbe probe(EgressConnector connector) {
    return SmtpProbe.create(connector);
  }
}
