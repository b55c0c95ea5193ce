package dev.egresskit.core.policy.kumo;

/**
 * Service-provider interface for a module that policies load by name beside {@code kumo}, the way
 * KumoMTA offers {@code redis}: Lua reaches it with {@code require '<name>'} (it is in
 * {@code package.loaded} from the start), JavaScript as {@code kumo.<name>}. Implementations are
 * listed in {@code META-INF/services/dev.egresskit.core.policy.kumo.PolicyModuleProvider}; a jar
 * on the class path is enough for every policy engine to offer the module.
 *
 * <p>Each loaded policy gets its own {@link PolicyModule} instance, shared by all of that
 * policy's interpreters and closed when the policy engine closes. Module functions run on the
 * calling interpreter's thread and must bound every wait by
 * {@link KumoContext#deadlineNanos()}.
 */
public interface PolicyModuleProvider {

  /**
   * The module's name: a Lua identifier that is neither a {@code kumo} sub-module nor a standard
   * Lua library (e.g. {@code redis}).
   */
  String name();

  /** A fresh instance for one loaded policy. */
  PolicyModule create();
}
