package dev.egresskit.cli.run;

import com.google.inject.AbstractModule;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Objects;

/**
 * Metrics: one Prometheus registry per run, shared by every part (it is the {@code
 * MeterRegistry} the assembly's options name, so resolver cache, source health, proxy server and
 * sink report to it), plus the JVM's own meters. Served by {@link MetricsEndpoint} when a
 * command is given {@code --metrics}.
 */
final class MetricsModule extends AbstractModule {
  private final PrometheusMeterRegistry registry;

  MetricsModule(PrometheusMeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  /** A Prometheus registry with the JVM's meters bound. */
  static PrometheusMeterRegistry newRegistry() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    return registry;
  }

  @Override
  protected void configure() {
    bind(PrometheusMeterRegistry.class).toInstance(registry);
  }
}
