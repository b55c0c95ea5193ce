package dev.egresskit.core.policy;

import dev.egresskit.core.model.EgressPool;
import dev.egresskit.core.model.EgressSource;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * A {@link PolicyEngine} written in Java: one lambda per {@link Hook}, plus statically defined
 * sources. Used to test the resolver without a script language, and by benchmarks to measure the
 * resolver without interpreter cost.
 *
 * <pre>{@code
 * PolicyEngine policy = JavaPolicy.builder()
 *     .onGetEgressSource(name -> JavaPolicy.made(EgressSource.named(name)))
 *     .onGetEgressPool((name, lookup) -> JavaPolicy.made(
 *         new EgressPool(name, List.of(new PoolEntry("ip-1", 1)), Duration.ofMinutes(1))))
 *     .define(EgressSource.named("ip-2"))
 *     .build();
 * }</pre>
 *
 * <p>Handlers behave like script handlers: returning {@code null} means "returned nothing"; an
 * exception other than {@link PolicyException} is wrapped in one (message unchanged, location
 * {@link #scriptName() script name}); registering a second handler for a hook fails as
 * {@code kumo.on} does (spec case 53). Thread-safe when the handlers are.
 */
public final class JavaPolicy implements PolicyEngine {

  /**
   * A handler that may look names up through the resolver, as a script handler may call
   * {@code kumo.invoke_get_egress_source}.
   *
   * @param <T> what the handler builds
   */
  @FunctionalInterface
  public interface Handler<T> {
    /**
     * Handles one call.
     *
     * @param name   the requested name
     * @param lookup the resolver, for nested lookups
     * @return what the handler built, or {@code null} for "nothing"
     */
    Made<T> handle(String name, SourceLookup lookup);
  }

  private final String scriptName;
  private final Map<Hook<?>, Handler<?>> handlers;
  private final Map<String, Made<EgressSource>> defined;
  private volatile boolean closed;

  private JavaPolicy(Builder builder) {
    this.scriptName = builder.scriptName;
    this.handlers = Map.copyOf(builder.handlers);
    this.defined = Collections.unmodifiableMap(new LinkedHashMap<>(builder.defined));
  }

  /** A builder with script name {@code <java>}. */
  public static Builder builder() {
    return new Builder();
  }

  /** Wraps a value built in Java, located at {@link ScriptLocation#JAVA}. */
  public static <T> Made<T> made(T value) {
    return new Made<>(value, ScriptLocation.JAVA);
  }

  @Override
  public String scriptName() {
    return scriptName;
  }

  @Override
  public boolean hasHandler(Hook<?> hook) {
    return handlers.containsKey(hook);
  }

  @Override
  public <T> Made<T> invoke(Hook<T> hook, String argument, SourceLookup lookup) {
    if (closed) {
      throw new PolicyException(scriptName + ": the policy is closed", location());
    }
    @SuppressWarnings("unchecked") // the builder only pairs a Hook<T> with a Handler<T>
    Handler<T> handler = (Handler<T>) handlers.get(hook);
    if (handler == null) {
      throw new PolicyException("Event " + hook.eventName() + " has not been registered",
          location());
    }
    try {
      return handler.handle(argument, lookup);
    } catch (PolicyException e) {
      throw e;
    } catch (RuntimeException e) {
      String message = e.getMessage() != null ? e.getMessage() : e.toString();
      throw new PolicyException(message, location(), e);
    }
  }

  @Override
  public Map<String, Made<EgressSource>> definedSources() {
    return defined;
  }

  @Override
  public void close() {
    closed = true;
  }

  private ScriptLocation location() {
    return new ScriptLocation(scriptName, 0);
  }

  /** Collects handlers and definitions; not thread-safe. */
  public static final class Builder {
    private String scriptName = ScriptLocation.JAVA.script();
    private final Map<Hook<?>, Handler<?>> handlers = new LinkedHashMap<>();
    private final Map<String, Made<EgressSource>> defined = new LinkedHashMap<>();

    private Builder() {}

    /** The name shown in error messages (default {@code <java>}). */
    public Builder scriptName(String name) {
      this.scriptName = Objects.requireNonNull(name, "name");
      return this;
    }

    /**
     * Registers the handler for {@code hook}.
     *
     * @throws PolicyException if {@code hook} already has one ({@code <event> event already has
     *     a handler defined at <script>}, spec case 53)
     */
    public <T> Builder on(Hook<T> hook, Handler<T> handler) {
      Objects.requireNonNull(hook, "hook");
      Objects.requireNonNull(handler, "handler");
      if (handlers.containsKey(hook)) {
        throw new PolicyException(hook.eventName() + " event already has a handler defined at "
            + scriptName, new ScriptLocation(scriptName, 0));
      }
      handlers.put(hook, handler);
      return this;
    }

    /** Registers the {@code get_egress_source} handler. */
    public Builder onGetEgressSource(Handler<EgressSource> handler) {
      return on(Hook.GET_EGRESS_SOURCE, handler);
    }

    /** Registers a {@code get_egress_source} handler that makes no nested lookups. */
    public Builder onGetEgressSource(Function<String, Made<EgressSource>> handler) {
      Objects.requireNonNull(handler, "handler");
      return on(Hook.GET_EGRESS_SOURCE, (name, lookup) -> handler.apply(name));
    }

    /** Registers the {@code get_egress_pool} handler. */
    public Builder onGetEgressPool(Handler<EgressPool> handler) {
      return on(Hook.GET_EGRESS_POOL, handler);
    }

    /** Registers a {@code get_egress_pool} handler that makes no nested lookups. */
    public Builder onGetEgressPool(Function<String, Made<EgressPool>> handler) {
      Objects.requireNonNull(handler, "handler");
      return on(Hook.GET_EGRESS_POOL, (name, lookup) -> handler.apply(name));
    }

    /** Defines a source statically ({@code kumo.define_egress_source}); a later one wins. */
    public Builder define(Made<EgressSource> source) {
      Objects.requireNonNull(source, "source");
      defined.put(source.value().name(), source);
      return this;
    }

    /** Defines a source statically, located at {@link ScriptLocation#JAVA}. */
    public Builder define(EgressSource source) {
      return define(made(source));
    }

    /** The policy. */
    public JavaPolicy build() {
      return new JavaPolicy(this);
    }
  }
}
