package dev.egresskit.lua;

import static org.assertj.core.api.Assertions.assertThatCode;

import dev.egresskit.core.policy.PolicyEngine;
import dev.egresskit.core.policy.PolicySettings;
import dev.egresskit.core.policy.SourceLookup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** Writes policies into a test folder and loads them with the Lua provider. */
final class Policies {
  static final PolicySettings SETTINGS = new PolicySettings(2, Duration.ofSeconds(5));

  /** A lookup for handlers that never call {@code kumo.invoke_*}. */
  static final SourceLookup NO_LOOKUP = new SourceLookup() {
    @Override
    public Map<String, Object> invokeGetEgressSource(String name) {
      throw new AssertionError("unexpected invoke_get_egress_source " + name);
    }

    @Override
    public Map<String, Object> invokeGetEgressPool(String name) {
      throw new AssertionError("unexpected invoke_get_egress_pool " + name);
    }
  };

  private Policies() {}

  static Path write(Path folder, String name, String text) {
    try {
      Path file = folder.resolve(name);
      Files.createDirectories(file.getParent());
      Files.writeString(file, text);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Loads {@code text} as the policy in {@code folder} and closes it: it must load. */
  static void assertLoads(Path folder, String text) {
    assertThatCode(() -> load(folder, text).close()).as(text).doesNotThrowAnyException();
  }

  static PolicyEngine load(Path folder, String text) {
    return load(folder, text, SETTINGS);
  }

  static PolicyEngine load(Path folder, String text, PolicySettings settings) {
    return new LuaPolicyEngineProvider().load(write(folder, "policy.lua", text), settings);
  }
}
