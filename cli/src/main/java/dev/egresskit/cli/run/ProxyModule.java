package dev.egresskit.cli.run;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import dev.egresskit.proxy.Socks5ProxyServer;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The SOCKS5 proxy server: a fresh builder per request (servers have a lifecycle, so commands
 * start and own them), already reporting to the run's meters.
 */
final class ProxyModule extends AbstractModule {

  @Provides
  Socks5ProxyServer.Builder proxyBuilder(MeterRegistry registry) {
    return Socks5ProxyServer.builder().meterRegistry(registry);
  }
}
