package dev.egresskit.core.policy;

import dev.egresskit.core.model.EgressPool;
import dev.egresskit.core.model.EgressSource;
import java.util.Objects;

/**
 * A policy event a script can handle with {@code kumo.on(name, fn)}. Hooks are typed constants:
 * the result type says what the handler must build.
 *
 * @param <T> what the handler returns once validated
 */
public final class Hook<T> {

  /** {@code get_egress_source(name)}: returns a value built by {@code kumo.make_egress_source}. */
  public static final Hook<EgressSource> GET_EGRESS_SOURCE =
      new Hook<>("get_egress_source", EgressSource.class, "make_egress_source");

  /** {@code get_egress_pool(name)}: returns a value built by {@code kumo.make_egress_pool}. */
  public static final Hook<EgressPool> GET_EGRESS_POOL =
      new Hook<>("get_egress_pool", EgressPool.class, "make_egress_pool");

  private final String eventName;
  private final Class<T> resultType;
  private final String builderName;

  private Hook(String eventName, Class<T> resultType, String builderName) {
    this.eventName = Objects.requireNonNull(eventName);
    this.resultType = Objects.requireNonNull(resultType);
    this.builderName = Objects.requireNonNull(builderName);
  }

  /** Every hook a policy can handle. */
  public static java.util.List<Hook<?>> all() {
    return java.util.List.of(GET_EGRESS_SOURCE, GET_EGRESS_POOL);
  }

  /** The hook for an event name, as scripts spell it. */
  public static java.util.Optional<Hook<?>> forEventName(String eventName) {
    return all().stream().filter(h -> h.eventName.equals(eventName)).findFirst();
  }

  /** The event name scripts use, e.g. {@code get_egress_source}. */
  public String eventName() {
    return eventName;
  }

  /** The validated type the handler's result becomes. */
  public Class<T> resultType() {
    return resultType;
  }

  /** The {@code kumo.*} function that builds a valid result, e.g. {@code make_egress_source}. */
  public String builderName() {
    return builderName;
  }

  @Override
  public String toString() {
    return eventName;
  }
}
