package dev.egresskit.core.policy;

import dev.egresskit.core.model.EgressSource;
import java.util.Map;

/**
 * A loaded policy. Implementations are thread-safe (typically a pool of interpreters) and release
 * their interpreters on {@link #close()}.
 */
public interface PolicyEngine extends AutoCloseable {

  /** The script this engine was loaded from, as shown in error messages. */
  String scriptName();

  /** Whether the policy registered a handler for {@code hook} with {@code kumo.on}. */
  boolean hasHandler(Hook<?> hook);

  /**
   * Calls the handler for {@code hook} with {@code argument}.
   *
   * @param lookup serves {@code kumo.invoke_get_egress_*} calls made by the handler
   * @return what the handler built, or {@code null} when it returned nothing ({@code nil},
   *     {@code undefined})
   * @throws PolicyException if there is no handler, the handler failed, or it returned a value
   *     that the matching {@code kumo.make_*} function did not build
   */
  <T> Made<T> invoke(Hook<T> hook, String argument, SourceLookup lookup);

  /**
   * Sources defined at load time with {@code kumo.define_egress_source}, by name; a name defined
   * twice holds the latest definition.
   */
  Map<String, Made<EgressSource>> definedSources();

  @Override
  void close();
}
