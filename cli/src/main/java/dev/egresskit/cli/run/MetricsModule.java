package dev.egresskit.cli.run;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * Metrics: one Prometheus registry per run, shared by every part (resolver cache, source health,
 * proxy server, sink), plus the JVM's own meters. Served by {@link MetricsEndpoint} when a
 * command is given {@code --metrics}.
 */
final class MetricsModule extends AbstractModule {

  @Provides
  @Singleton
  PrometheusMeterRegistry prometheus(Closer closer) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    closer.register(registry::close);
    return registry;
  }

  @Provides
  MeterRegistry meterRegistry(PrometheusMeterRegistry prometheus) {
    return prometheus;
  }
}
