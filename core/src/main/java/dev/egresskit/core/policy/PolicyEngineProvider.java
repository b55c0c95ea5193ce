package dev.egresskit.core.policy;

import java.nio.file.Path;
import java.util.Set;

/**
 * Service-provider interface for a policy language. Implementations are listed in
 * {@code META-INF/services/dev.egresskit.core.policy.PolicyEngineProvider} and chosen by the
 * script's file extension.
 */
public interface PolicyEngineProvider {

  /** A short language name, e.g. {@code lua} or {@code js}. */
  String language();

  /** File extensions handled, lower case, without the dot (e.g. {@code lua}). */
  Set<String> extensions();

  /**
   * Loads and runs the policy's top level (registering handlers and static definitions), then
   * KumoMTA's start-up events ({@code pre_init}, {@code init}, and {@code validate_config} when
   * {@link PolicySettings#validating()}), reading files only as {@link PolicySettings#files()}
   * allows.
   *
   * @throws PolicyException if the script does not compile or its top level fails
   * @throws java.io.UncheckedIOException if the script cannot be read
   */
  PolicyEngine load(Path script, PolicySettings settings);
}
