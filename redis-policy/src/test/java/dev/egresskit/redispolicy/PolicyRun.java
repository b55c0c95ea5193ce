package dev.egresskit.redispolicy;

import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.policy.Hook;
import dev.egresskit.core.policy.Made;
import dev.egresskit.core.policy.PolicyEngine;
import dev.egresskit.core.policy.PolicyEngines;
import dev.egresskit.core.policy.PolicySettings;
import dev.egresskit.core.policy.SourceLookup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** Loads a policy text through the class path's engines (and so its redis module). */
final class PolicyRun {
  static final SourceLookup NO_LOOKUP = new SourceLookup() {
    @Override
    public Map<String, Object> invokeGetEgressSource(String name) {
      throw new UnsupportedOperationException(name);
    }

    @Override
    public Map<String, Object> invokeGetEgressPool(String name) {
      throw new UnsupportedOperationException(name);
    }
  };

  private PolicyRun() {}

  /** Writes {@code text} as {@code dir/fileName} and loads it with a handler deadline. */
  static PolicyEngine load(Path dir, String fileName, String text, Duration deadline) {
    Path script = dir.resolve(fileName);
    try {
      Files.writeString(script, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return PolicyEngines.load(script, new PolicySettings(1, deadline));
  }

  /** Calls get_egress_source for {@code name}. */
  static Made<EgressSource> source(PolicyEngine engine, String name) {
    return engine.invoke(Hook.GET_EGRESS_SOURCE, name, NO_LOOKUP);
  }
}
