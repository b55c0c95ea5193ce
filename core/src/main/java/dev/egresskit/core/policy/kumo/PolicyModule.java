package dev.egresskit.core.policy.kumo;

import java.util.Map;

/**
 * One loaded policy's instance of a {@link PolicyModuleProvider module}: its functions, and the
 * resources they keep (connections), released by {@link #close()}.
 */
public interface PolicyModule extends AutoCloseable {

  /**
   * The module's functions by name, without the module prefix ({@code open} for
   * {@code redis.open}). They work on language-neutral values ({@link ScriptFunction}); a
   * returned table may hold {@link KumoMethod}s, which Lua calls with colon syntax
   * ({@code conn:query(...)}) and JavaScript as methods ({@code conn.query(...)}). A mistake in
   * the call is reported by throwing
   * {@link dev.egresskit.core.policy.support.KumoApiException}.
   */
  Map<String, KumoFunction> functions();

  /** Releases what the module holds; called once, when the policy engine closes. */
  @Override
  void close();
}
