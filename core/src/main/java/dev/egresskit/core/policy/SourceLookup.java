package dev.egresskit.core.policy;

import java.util.Map;

/**
 * What {@code kumo.invoke_get_egress_source(name)} and {@code kumo.invoke_get_egress_pool(name)}
 * call (spec §6.1): a lookup through the shared cache that returns the serialised view of the
 * resolved value (ttl as a humantime string, secrets redacted), as plain maps, lists, strings and
 * numbers that a binding converts to its own tables/objects.
 */
public interface SourceLookup {

  /** The serialised view of the source {@code name}, resolved through the cache. */
  Map<String, Object> invokeGetEgressSource(String name);

  /** The serialised view of the pool {@code name} (its sources validated), through the cache. */
  Map<String, Object> invokeGetEgressPool(String name);
}
