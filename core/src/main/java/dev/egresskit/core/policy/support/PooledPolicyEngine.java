package dev.egresskit.core.policy.support;

import dev.egresskit.core.grammar.Durations;
import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.policy.Hook;
import dev.egresskit.core.policy.Made;
import dev.egresskit.core.policy.PolicyEngine;
import dev.egresskit.core.policy.PolicyException;
import dev.egresskit.core.policy.PolicySettings;
import dev.egresskit.core.policy.ScriptLocation;
import dev.egresskit.core.policy.SourceLookup;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link PolicyEngine} over a pool of independently loaded interpreters of one policy: what
 * every script binding needs once it can load one interpreter. Handlers and static definitions
 * are read from the first interpreter (every interpreter runs the same script); a call leases an
 * interpreter, and one that reports itself {@link Interpreter#broken() broken} afterwards (stopped
 * at the deadline, stack overflow) is discarded rather than reused.
 *
 * <p><b>Handler deadline.</b> An interpreter that stops itself at the deadline (Lua counts
 * instructions) runs on the calling thread. One that cannot (Nashorn ignores interrupts and has
 * no instruction hook) runs each top-level call on a worker thread while the caller waits for at
 * most {@link PolicySettings#handlerDeadline()}; past it the caller gets an error naming the
 * handler and the script, the interpreter is discarded, and its worker is stopped with
 * {@link Thread#stop()} (the only way to end a JVM thread that never checks anything). A script
 * that catches and ignores that stop keeps its thread busy; this is logged. Lookups the handler
 * makes run on the same worker, re-entering the same interpreter.
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

    /** The record of inert calls, validation failures and known names this interpreter feeds. */
    dev.egresskit.core.policy.PolicyUsage usage();

    /** Whether this interpreter's state can no longer be trusted and it must not be reused. */
    boolean broken();

    /**
     * Whether the interpreter itself stops a handler at the deadline. When false, the engine
     * runs handlers on a worker thread it can give up on and stop.
     */
    default boolean stopsAtDeadline() {
      return false;
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(PooledPolicyEngine.class);
  private static final AtomicInteger WORKER_IDS = new AtomicInteger();

  private final String scriptName;
  private final String language;
  private final InterpreterPool<I> pool;
  private final Set<Hook<?>> handled;
  private final Map<String, Made<EgressSource>> defined;
  private final java.util.List<dev.egresskit.core.policy.RegisteredEvent> events;
  private final dev.egresskit.core.policy.PolicyUsage usage;
  private final Duration deadline;
  /** Runs handlers of interpreters that cannot stop themselves; created on first need. */
  private volatile ExecutorService workers;

  private PooledPolicyEngine(String scriptName, String language, InterpreterPool<I> pool,
      Set<Hook<?>> handled, Map<String, Made<EgressSource>> defined, Interpreter first,
      Duration deadline) {
    this.scriptName = scriptName;
    this.language = language;
    this.pool = pool;
    this.handled = handled;
    this.defined = defined;
    this.events = first.handlers().registered();
    this.usage = first.usage();
    this.deadline = deadline;
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
    return new PooledPolicyEngine<>(scriptName, language, pool, handled, first.definedSources(),
        first, settings.handlerDeadline());
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
        if (lease.nested() || lease.interpreter().stopsAtDeadline()) {
          return lease.interpreter().invoke(hook, argument, lookup);
        }
        return invokeOnWorker(lease, hook, argument, lookup);
      } finally {
        if (lease.interpreter().broken()) {
          lease.discard();
        }
      }
    }
  }

  private <T> Made<T> invokeOnWorker(InterpreterPool.Lease<I> lease, Hook<T> hook,
      String argument, SourceLookup lookup) {
    AtomicReference<Thread> runner = new AtomicReference<>();
    Future<Made<T>> call = workers().submit(() -> {
      runner.set(Thread.currentThread());
      try {
        return pool.callAs(lease, () -> lease.interpreter().invoke(hook, argument, lookup));
      } finally {
        runner.set(null);
      }
    });
    try {
      return call.get(deadline.toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof OutOfMemoryError oom) {
        // Raised on the worker by the handler's own allocation (a single huge request fails at
        // once): the policy failed, not the MTA. The engine is not trusted again.
        lease.discard();
        throw new PolicyException(hook.eventName() + " handler for '" + argument + "' in "
            + scriptName + " ran out of memory (" + oom.getMessage() + ") and was stopped",
            new ScriptLocation(scriptName, 0));
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new PolicyException(cause.toString(), null, cause);
    } catch (TimeoutException e) {
      lease.discard();
      stop(runner.get(), hook, argument);
      throw new PolicyException(hook.eventName() + " handler for '" + argument + "' in "
          + scriptName + " did not finish within " + Durations.format(deadline)
          + " (the policy handler deadline) and was stopped", new ScriptLocation(scriptName, 0));
    } catch (InterruptedException e) {
      call.cancel(true);
      lease.discard();
      Thread.currentThread().interrupt();
      throw new PolicyException("interrupted while waiting for the " + hook.eventName()
          + " handler in " + scriptName, null, e);
    }
  }

  /** Ends a handler that ran past its deadline and checks nothing that could stop it. */
  @SuppressWarnings("removal")
  private void stop(Thread thread, Hook<?> hook, String argument) {
    if (thread == null) {
      return; // it finished just after the deadline
    }
    try {
      thread.stop();
    } catch (UnsupportedOperationException e) {
      // Java 20 and later removed Thread.stop: the caller is answered, the thread spins on.
      LOG.atWarn().addKeyValue("script", scriptName).addKeyValue("name", argument)
          .log("this JVM cannot stop a policy handler past its deadline; its thread stays busy");
      return;
    }
    try {
      thread.join(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive() && thread.getState() == Thread.State.RUNNABLE) {
      LOG.atWarn().addKeyValue("script", scriptName).addKeyValue("event", hook.eventName())
          .addKeyValue("name", argument)
          .log("a policy handler caught the stop at its deadline and keeps running; its thread"
              + " stays busy (the interpreter is no longer used)");
    }
  }

  private ExecutorService workers() {
    ExecutorService executor = workers;
    if (executor == null) {
      synchronized (this) {
        executor = workers;
        if (executor == null) {
          executor = Executors.newCachedThreadPool(task -> {
            Thread t = new Thread(task, language + "-policy-" + WORKER_IDS.incrementAndGet());
            t.setDaemon(true);
            return t;
          });
          workers = executor;
        }
      }
    }
    return executor;
  }

  @Override
  public Map<String, Made<EgressSource>> definedSources() {
    return defined;
  }

  @Override
  public java.util.List<dev.egresskit.core.policy.RegisteredEvent> registeredEvents() {
    return events;
  }

  @Override
  public dev.egresskit.core.policy.PolicyUsage usage() {
    return usage;
  }

  /** How many interpreters this engine has loaded so far (for tests and benchmarks). */
  public int interpretersLoaded() {
    return pool.createdCount();
  }

  @Override
  public void close() {
    pool.close();
    ExecutorService executor = workers;
    if (executor != null) {
      executor.shutdown();
    }
  }

  @Override
  public String toString() {
    return language + " policy " + scriptName + " (pool of " + pool.maxSize() + ")";
  }
}
