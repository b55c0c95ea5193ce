package dev.egresskit.embed.assembly;

import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.policy.Hook;
import dev.egresskit.core.policy.Made;
import dev.egresskit.core.policy.PolicyEngine;
import dev.egresskit.core.policy.SourceLookup;
import dev.egresskit.core.resolve.SourceViews;
import dev.egresskit.core.spec.InvalidSpecException;
import dev.egresskit.core.spec.Problem;
import dev.egresskit.core.spec.RawSpec;
import dev.egresskit.core.spec.SourceValidator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs the {@link SourceValidator}s an application or its plug-ins add on every source a policy
 * builds.
 *
 * <p>Why a wrapper: core runs the validators of the application class path itself, inside its
 * own validation, so it cannot see validators given at run time. The assembly wraps the loaded
 * policy instead: each source the {@code get_egress_source} handler returns (and each source
 * defined with {@code define_egress_source}, at load time) is checked, and problems surface as
 * the same {@link InvalidSpecException} numbered list, at the {@code make_egress_source} call.
 *
 * <p>The raw spec handed to a validator is the source's serialised view (KumoMTA field names,
 * integers as {@link Long}, the password redacted) with the script location of the call.
 */
final class ValidatedEngine implements PolicyEngine {
  private final PolicyEngine delegate;
  private final List<SourceValidator> validators;

  private ValidatedEngine(PolicyEngine delegate, List<SourceValidator> validators) {
    this.delegate = delegate;
    this.validators = validators;
  }

  /**
   * {@code engine} checked by {@code validators}; {@code engine} itself when there are none.
   *
   * @throws InvalidSpecException if a statically defined source fails a validator
   */
  static PolicyEngine wrap(PolicyEngine engine, List<SourceValidator> validators) {
    if (validators.isEmpty()) {
      return engine;
    }
    ValidatedEngine wrapped = new ValidatedEngine(engine, List.copyOf(validators));
    for (Made<EgressSource> defined : engine.definedSources().values()) {
      wrapped.check(defined);
    }
    return wrapped;
  }

  @Override
  public String scriptName() {
    return delegate.scriptName();
  }

  @Override
  public boolean hasHandler(Hook<?> hook) {
    return delegate.hasHandler(hook);
  }

  @Override
  public <T> Made<T> invoke(Hook<T> hook, String argument, SourceLookup lookup) {
    Made<T> made = delegate.invoke(hook, argument, lookup);
    if (made != null && made.value() instanceof EgressSource source) {
      check(new Made<>(source, made.location()));
    }
    return made;
  }

  @Override
  public Map<String, Made<EgressSource>> definedSources() {
    return delegate.definedSources();
  }

  @Override
  public java.util.List<dev.egresskit.core.policy.RegisteredEvent> registeredEvents() {
    return delegate.registeredEvents();
  }

  @Override
  public dev.egresskit.core.policy.PolicyUsage usage() {
    return delegate.usage();
  }

  @Override
  public void close() {
    delegate.close();
  }

  private void check(Made<EgressSource> made) {
    RawSpec spec = new RawSpec(rawFields(SourceViews.sourceView(made.value())), made.location());
    List<Problem> problems = new ArrayList<>();
    for (SourceValidator validator : validators) {
      try {
        List<Problem> found = validator.validate(made.value(), spec);
        if (found != null) {
          problems.addAll(found);
        }
      } catch (RuntimeException e) {
        problems.add(new Problem("", made.location(), Optional.empty(),
            "source validator " + validator.getClass().getName() + " failed: " + e,
            "a validator that reports problems instead of throwing"));
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidSpecException("make_egress_source", made.location(), problems);
    }
  }

  /** The view with RawSpec's value types: integers as Long, nested maps kept. */
  private static Map<String, Object> rawFields(Map<String, Object> view) {
    Map<String, Object> out = new LinkedHashMap<>();
    view.forEach((key, value) -> out.put(key, value instanceof Integer i ? Long.valueOf(i) : value));
    return out;
  }
}
