package dev.egresskit.js.robustness;

import dev.egresskit.core.cache.CacheSettings;
import dev.egresskit.core.policy.PolicyEngine;
import dev.egresskit.core.policy.PolicySettings;
import dev.egresskit.core.resolve.SourceResolver;
import dev.egresskit.js.JsPolicyEngineProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * A JavaScript policy loaded from text under a short handler deadline, as the deadline tests
 * need it: one engine (one interpreter) per test, closed by {@link #close()}, and a resolver
 * that caches no failure, so every call runs the handler.
 */
final class ShortDeadlinePolicies implements AutoCloseable {
  private final Path dir;
  private final Duration deadline;
  private PolicyEngine engine;

  ShortDeadlinePolicies(Path dir, Duration deadline) {
    this.dir = Objects.requireNonNull(dir, "dir");
    this.deadline = Objects.requireNonNull(deadline, "deadline");
  }

  /** Writes {@code policy} to {@code policy.js} and loads it (the top level under the deadline). */
  PolicyEngine load(String policy) throws IOException {
    Path script = Files.writeString(dir.resolve("policy.js"), policy);
    engine = new JsPolicyEngineProvider().load(script, new PolicySettings(1, deadline));
    return engine;
  }

  /** A resolver over {@link #load}ed {@code policy}. */
  SourceResolver resolver(String policy) throws IOException {
    return SourceResolver.builder(load(policy))
        .cacheSettings(CacheSettings.DEFAULTS.withNegativeTtl(Duration.ZERO)).build();
  }

  /** The engine last loaded, or null. */
  PolicyEngine engine() {
    return engine;
  }

  @Override
  public void close() {
    if (engine != null) {
      engine.close();
    }
  }
}
