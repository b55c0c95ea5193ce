package dev.egresskit.benchmarks;

import dev.egresskit.core.policy.PolicyEngine;
import dev.egresskit.core.policy.PolicyEngines;
import dev.egresskit.core.policy.PolicySettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The same policy in Lua and JavaScript, copied from the jar's resources to a temporary folder
 * so the engines load them as files, exactly as a user's policy is loaded.
 */
final class BenchPolicies {
  private BenchPolicies() {}

  /** The policy file for {@code language} ({@code lua} or {@code js}) with the given ttl. */
  static Path write(String language, String ttl) {
    String resource = "/bench-policies/policy." + language;
    try (InputStream in = BenchPolicies.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource);
      }
      String text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
          .replace("@TTL@", ttl);
      Path dir = Files.createTempDirectory("egresskit-bench-");
      Path file = dir.resolve("policy." + language);
      Files.writeString(file, text);
      file.toFile().deleteOnExit();
      dir.toFile().deleteOnExit();
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Loads a policy with a pool of {@code poolSize} interpreters. */
  static PolicyEngine load(Path file, int poolSize) {
    return PolicyEngines.load(file, new PolicySettings(poolSize, Duration.ofSeconds(5)));
  }
}
