package dev.egresskit.core.policy.support;

import dev.egresskit.core.grammar.Durations;
import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.policy.Hook;
import dev.egresskit.core.policy.Made;
import dev.egresskit.core.policy.PolicyEngine;
import dev.egresskit.core.policy.PolicyException;
import dev.egresskit.core.policy.PolicySettings;
import dev.egresskit.core.policy.PolicyUsage;
import dev.egresskit.core.policy.RegisteredEvent;
import dev.egresskit.core.policy.SourceLookup;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * A {@link PolicyEngine} over a pool of independently loaded interpreters of one policy: what
 * every script binding needs once it can load one interpreter. Handlers and static definitions
 * are read from the first interpreter (every interpreter runs the same script); a call leases an
 * interpreter, and one that reports itself {@link Interpreter#broken() broken} afterwards (stopped
 * at the deadline, stack overflow) is discarded rather than reused.
 *
 * <p><b>Handler deadline.</b> Every interpreter stops its own handler at
 * {@link PolicySettings#handlerDeadline()} on the calling thread (Lua counts instructions,
 * JavaScript runs deadline checks compiled into the policy), then reports itself broken and is
 * replaced. No handler runs on another thread, so nothing is left running after a call returns.
 *
 * @param <I> the binding's interpreter type
 */
public final class PooledPolicyEngine<I extends PooledPolicyEngine.Interpreter>
    implements PolicyEngine {

  /** One loaded copy of a policy, used by one thread at a time. */
  public interface Interpreter {
    /** The handlers the policy registered with {@code kumo.on}. */
    HandlerRegistry<?> handlers();

    /** The sources defined with {@code kumo.define_egress_source}, by name. */
    Map<String, Made<EgressSource>> definedSources();

    /** Calls the handler for {@code hook}; see {@link PolicyEngine#invoke}. */
    <T> Made<T> invoke(Hook<T> hook, String argument, SourceLookup lookup);

    /**
     * Calls the handlers of {@code event} with no arguments, in registration order, until one
     * returns a value (KumoMTA's rule for multiple-handler events). A handler that fails is
     * passed to {@code failures} and the next one still runs.
     */
    void fire(String event, java.util.function.Consumer<PolicyException> failures);

    /**
     * Calls the one handler of {@code event} with language-neutral arguments and returns its
     * result as a language-neutral value; see {@link PolicyEngine#call}.
     */
    Object call(String event, List<Object> arguments);

    /** The record of inert calls, validation failures and known names this interpreter feeds. */
    PolicyUsage usage();

    /**
     * Whether this interpreter's state can no longer be trusted and it must not be reused (it
     * was stopped at the deadline, overflowed the stack or ran out of memory).
     */
    boolean broken();
  }

  private final String scriptName;
  private final String language;
  private final InterpreterPool<I> pool;
  private final Set<Hook<?>> handled;
  private final Map<String, Made<EgressSource>> defined;
  private final List<RegisteredEvent> events;
  private final PolicyUsage usage;

  private PooledPolicyEngine(String scriptName, String language, InterpreterPool<I> pool,
      Set<Hook<?>> handled, Interpreter first) {
    this.scriptName = scriptName;
    this.language = language;
    this.pool = pool;
    this.handled = handled;
    this.defined = first.definedSources();
    this.events = first.handlers().registered();
    this.usage = first.usage();
  }

  /**
   * An engine whose pool starts with {@code first} and loads more with {@code loader}, up to
   * {@link PolicySettings#poolSize()}; a caller waits at most twice the handler deadline for a
   * free interpreter.
   *
   * @param scriptName the policy's file name, as shown in messages
   * @param language   a short label for {@code toString}, e.g. {@code lua}
   */
  public static <I extends Interpreter> PooledPolicyEngine<I> create(String scriptName,
      String language, PolicySettings settings, I first, Supplier<I> loader) {
    Set<Hook<?>> handled = Hook.all().stream()
        .filter(h -> first.handlers().handler(h).isPresent())
        .collect(Collectors.toUnmodifiableSet());
    InterpreterPool<I> pool = new InterpreterPool<>(settings.poolSize(),
        settings.handlerDeadline().multipliedBy(2), first, loader, interpreter -> { });
    return new PooledPolicyEngine<>(scriptName, language, pool, handled, first);
  }

  @Override
  public String scriptName() {
    return scriptName;
  }

  @Override
  public boolean hasHandler(Hook<?> hook) {
    return handled.contains(hook);
  }

  @Override
  public <T> Made<T> invoke(Hook<T> hook, String argument, SourceLookup lookup) {
    try (InterpreterPool.Lease<I> lease = pool.lease()) {
      try {
        return lease.interpreter().invoke(hook, argument, lookup);
      } finally {
        if (lease.interpreter().broken()) {
          lease.discard();
        }
      }
    }
  }

  @Override
  public void fire(String event) {
    try (InterpreterPool.Lease<I> lease = pool.lease()) {
      try {
        lease.interpreter().fire(event, e -> {
          throw e;
        });
      } finally {
        if (lease.interpreter().broken()) {
          lease.discard();
        }
      }
    }
  }

  @Override
  public Object call(String event, List<Object> arguments) {
    try (InterpreterPool.Lease<I> lease = pool.lease()) {
      try {
        return lease.interpreter().call(event, arguments);
      } finally {
        if (lease.interpreter().broken()) {
          lease.discard();
        }
      }
    }
  }

  @Override
  public Map<String, Made<EgressSource>> definedSources() {
    return defined;
  }

  @Override
  public List<RegisteredEvent> registeredEvents() {
    return events;
  }

  @Override
  public PolicyUsage usage() {
    return usage;
  }

  /**
   * Loads one more interpreter into the pool now, so a later concurrent miss does not pay for
   * it; does nothing when the pool is full or in use.
   *
   * @return whether an interpreter was loaded
   * @throws dev.egresskit.core.policy.PolicyException if loading fails
   */
  public boolean preloadInterpreter() {
    return pool.preloadOne();
  }

  /** How many interpreters this engine has loaded so far (for tests and benchmarks). */
  public int interpretersLoaded() {
    return pool.createdCount();
  }

  @Override
  public void close() {
    pool.close();
  }

  @Override
  public String toString() {
    return language + " policy " + scriptName + " (pool of " + pool.maxSize() + ")";
  }
}
