package dev.egresskit.embed.assembly;

import dev.egresskit.core.cache.CacheSettings;
import dev.egresskit.core.policy.PolicySettings;
import dev.egresskit.core.spec.SourceValidator;
import dev.egresskit.fleet.FleetHealthSettings;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the feature modules need to know from the outside: the values an application sets
 * on {@link dev.egresskit.embed.EgressKit#builder()}, or a command line from its options.
 *
 * @param policySettings   interpreter pool size and handler deadline
 * @param cacheSettings    capacity, negative TTL, stale grace and the cache implementation's name
 * @param clock            the time source of the caches and of source health
 * @param meterRegistry    where cache, health and transport meters go
 * @param validators       source validators added by the application, run on every source after
 *                         the built-in rules and those found on the class path
 * @param pluginLoader     where plug-ins (policy engines, caches, validators, connect
 *                         strategies) are looked up with {@link java.util.ServiceLoader}; only
 *                         services this loader defines itself count as plug-ins
 * @param readRoots        folders outside the policy's own folder that a policy may read
 * @param eventLoopThreads Netty event-loop threads of the connector; 0 lets Netty choose
 * @param sharedHealth     source health shared by a fleet through Redis; empty for this
 *                         process's own health
 */
public record KitOptions(
    PolicySettings policySettings,
    CacheSettings cacheSettings,
    Clock clock,
    MeterRegistry meterRegistry,
    List<SourceValidator> validators,
    ClassLoader pluginLoader,
    List<Path> readRoots,
    int eventLoopThreads,
    Optional<FleetHealthSettings> sharedHealth) {

  /** Checks the values and copies the lists. */
  public KitOptions {
    Objects.requireNonNull(policySettings, "policySettings");
    Objects.requireNonNull(cacheSettings, "cacheSettings");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(meterRegistry, "meterRegistry");
    validators = List.copyOf(validators);
    Objects.requireNonNull(pluginLoader, "pluginLoader");
    readRoots = List.copyOf(readRoots);
    Objects.requireNonNull(sharedHealth, "sharedHealth");
    if (eventLoopThreads < 0) {
      throw new IllegalArgumentException("eventLoopThreads must be >= 0: " + eventLoopThreads);
    }
  }

  /** The application class loader: no plug-ins beyond the class path. */
  public static ClassLoader noPlugins() {
    return KitOptions.class.getClassLoader();
  }
}
