package dev.egresskit.cli.run;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import dev.egresskit.cli.output.BadInputException;
import dev.egresskit.cli.output.Io;
import dev.egresskit.core.cache.CacheSettings;
import dev.egresskit.core.health.SourceHealth;
import dev.egresskit.core.policy.PolicyEngine;
import dev.egresskit.core.policy.PolicyEngineProvider;
import dev.egresskit.core.policy.FileAccess;
import dev.egresskit.core.policy.PolicySettings;
import dev.egresskit.core.resolve.SourceResolver;
import dev.egresskit.embed.assembly.Assembly;
import dev.egresskit.embed.assembly.Closer;
import dev.egresskit.embed.assembly.KitOptions;
import dev.egresskit.embed.assembly.PolicyLoader;
import dev.egresskit.embed.assembly.Resolvers;
import dev.egresskit.embed.assembly.SetupException;
import dev.egresskit.fleet.FleetHealthSettings;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The assembled parts of one run: the plug-in class path, the Guice injector built from the
 * shared feature modules of {@link Assembly} (the same ones the library facade uses) plus the
 * command's own (metrics endpoint registry, proxy server), and the {@link Closer} that owns
 * every resource created along the way.
 *
 * <p>Policy engines, cache implementations and source validators reach the parts that use them
 * through the injector: the modules look the built-in ones up on the application class path and
 * the plug-in module adds those of the {@code --plugin} jars. Source validators, for example,
 * reach validation as the {@code EgressSpecs} instance every resolver of the run checks sources
 * with. The plug-in class loader is also installed as the thread's context class loader for the
 * duration of the run, so {@link java.util.ServiceLoader} lookups made inside core see the
 * plug-ins too. It is restored on close.
 */
public final class AssembledRun implements AutoCloseable {
  /**
   * Event-loop threads of each connector: probes are sequential and short, so a couple of
   * threads is plenty, and keeps a run light on a busy machine.
   */
  public static final int EVENT_LOOP_THREADS = 2;

  private final Plugins plugins;
  private final Closer closer;
  private final Injector injector;
  private final Thread thread;
  private final ClassLoader previousContextLoader;

  private AssembledRun(Plugins plugins, Closer closer, Injector injector, Thread thread,
      ClassLoader previousContextLoader) {
    this.plugins = plugins;
    this.closer = closer;
    this.injector = injector;
    this.thread = thread;
    this.previousContextLoader = previousContextLoader;
  }

  /**
   * Loads the plug-ins and builds the injector.
   *
   * @throws BadInputException if a plug-in folder is unusable
   */
  public static AssembledRun open(Io io, List<Path> pluginDirs) {
    return open(io, pluginDirs, Optional.empty());
  }

  /**
   * As {@link #open(Io, List)}, with source health shared through the Redis at {@code
   * sharedHealth} ({@code --health URL}): connected now, so a Redis that refuses this node is
   * reported before anything runs (an unreachable one is not an error).
   *
   * @throws BadInputException if a plug-in folder is unusable, or the {@code --health} URL is
   *     not a Redis URL or its Redis refuses this node
   */
  public static AssembledRun open(Io io, List<Path> pluginDirs, Optional<String> sharedHealth) {
    Optional<FleetHealthSettings> fleet;
    try {
      fleet = sharedHealth.map(FleetHealthSettings::of);
    } catch (IllegalArgumentException e) {
      throw new BadInputException("--health " + e.getMessage(), e);
    }
    Plugins plugins = Plugins.load(pluginDirs);
    Closer closer = new Closer();
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    thread.setContextClassLoader(plugins.loader());
    try {
      PrometheusMeterRegistry registry = MetricsModule.newRegistry();
      closer.register(registry::close);
      KitOptions options = new KitOptions(PolicySettings.DEFAULTS, CacheSettings.DEFAULTS,
          Clock.systemUTC(), registry, List.of(), plugins.loader(), List.of(),
          EVENT_LOOP_THREADS, fleet);
      Injector injector = Guice.createInjector(modules(options, registry, closer));
      try {
        Assembly.startHealth(injector);
      } catch (SetupException e) {
        throw new BadInputException("--health " + e.getMessage(), e);
      }
      return new AssembledRun(plugins, closer, injector, thread, previous);
    } catch (RuntimeException e) {
      thread.setContextClassLoader(previous);
      try {
        closer.close();
      } finally {
        plugins.close();
      }
      throw e;
    }
  }

  /** The shared feature modules, plus the command line's own. */
  static List<Module> modules(KitOptions options, PrometheusMeterRegistry registry,
      Closer closer) {
    List<Module> modules = new ArrayList<>(Assembly.modules(options, closer));
    modules.add(new MetricsModule(registry));
    modules.add(new ProxyModule());
    return List.copyOf(modules);
  }

  /** An instance from the injector. */
  public <T> T get(Class<T> type) {
    return injector.getInstance(type);
  }

  Injector injector() {
    return injector;
  }

  /**
   * Loads {@code --policy script} with the engine its extension picks.
   *
   * @throws BadInputException if the file is missing or no engine handles it
   */
  public PolicyEngine loadPolicy(Path script) {
    try {
      return get(PolicyLoader.class).load(script);
    } catch (SetupException e) {
      throw new BadInputException("--policy " + e.getMessage(), e);
    }
  }

  /**
   * Loads {@code --policy script}, reading what {@code files} allows beyond its folder.
   *
   * @throws BadInputException if the file is missing or no engine handles it
   */
  public PolicyEngine loadPolicy(Path script, FileAccess files) {
    try {
      return get(PolicyLoader.class).load(script, files);
    } catch (SetupException e) {
      throw new BadInputException("--policy " + e.getMessage(), e);
    }
  }

  /**
   * Loads {@code --policy script}, reading what {@code files} allows, with a command's own
   * handler deadline.
   *
   * @throws BadInputException if the file is missing or no engine handles it
   */
  public PolicyEngine loadPolicy(Path script, FileAccess files, java.time.Duration deadline) {
    try {
      return get(PolicyLoader.class).load(script,
          get(PolicySettings.class).withFiles(files).withHandlerDeadline(deadline));
    } catch (SetupException e) {
      throw new BadInputException("--policy " + e.getMessage(), e);
    }
  }

  /**
   * Loads {@code --policy script} as {@code kumod --validate} does ({@code egresskit check}).
   *
   * @throws BadInputException if the file is missing or no engine handles it
   */
  public PolicyEngine loadPolicyForValidation(Path script, FileAccess files) {
    try {
      return get(PolicyLoader.class).loadForValidation(script, files);
    } catch (SetupException e) {
      throw new BadInputException("--policy " + e.getMessage(), e);
    }
  }

  /**
   * The engine for {@code --policy script}'s extension.
   *
   * @throws BadInputException if no engine (or more than one) handles it
   */
  public PolicyEngineProvider engineFor(Path script) {
    try {
      return get(PolicyLoader.class).providerFor(script);
    } catch (SetupException e) {
      throw new BadInputException("--policy " + e.getMessage(), e);
    }
  }

  /**
   * A resolver over {@code engine} with the {@code --cache} implementation {@code cacheName}.
   *
   * @throws BadInputException if no cache implementation has that name
   */
  public SourceResolver resolver(PolicyEngine engine, String cacheName) {
    try {
      return get(Resolvers.class).create(engine, cacheName);
    } catch (SetupException e) {
      throw new BadInputException("--cache " + e.getMessage(), e);
    }
  }

  /** The source health every resolver and connector of this run shares (local or a fleet's). */
  public SourceHealth health() {
    return get(Resolvers.class).health();
  }

  /** Registers a resource to be closed at the end of the run. */
  public <T extends AutoCloseable> T own(T resource) {
    return closer.register(resource);
  }

  @Override
  public void close() {
    try {
      closer.close();
    } finally {
      if (Thread.currentThread() == thread) {
        thread.setContextClassLoader(previousContextLoader);
      }
      plugins.close();
    }
  }
}
