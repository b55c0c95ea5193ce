package dev.egresskit.embed;

import dev.egresskit.core.health.SourceHealth;
import dev.egresskit.core.model.EgressPool;
import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.pool.PoolSelection;
import dev.egresskit.core.pool.PoolSelector;
import dev.egresskit.core.resolve.SourceResolver;
import java.util.concurrent.ConcurrentMap;

/**
 * Picks from one pool: resolves the pool (cached), keeps the kit's round-robin state for that
 * pool name (carried on while the pool's entries stay the same, as KumoMTA does per queue), and
 * resolves the chosen source.
 */
final class PoolPicker implements SourcePicker {
  private final String name;
  private final SourceResolver resolver;
  private final SourceHealth health;
  private final ConcurrentMap<String, PoolSelector> selectors;

  PoolPicker(String name, SourceResolver resolver, SourceHealth health,
      ConcurrentMap<String, PoolSelector> selectors) {
    this.name = name;
    this.resolver = resolver;
    this.health = health;
    this.selectors = selectors;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public EgressSource next() {
    EgressPool pool = resolver.resolvePool(name);
    PoolSelector selector = selectors.compute(name,
        (key, old) -> old == null ? PoolSelector.of(pool) : old.refreshed(pool));
    PoolSelection selection = selector.select(name, health);
    if (selection instanceof PoolSelection.Selected selected) {
      return resolver.resolve(selected.sourceName());
    }
    throw new NoEligibleSourceException(selection);
  }

  @Override
  public String toString() {
    return "pool " + name;
  }
}
