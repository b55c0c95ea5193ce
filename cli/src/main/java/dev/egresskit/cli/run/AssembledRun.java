package dev.egresskit.cli.run;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import dev.egresskit.cli.output.BadInputException;
import dev.egresskit.cli.output.Io;
import java.nio.file.Path;
import java.util.List;

/**
 * The assembled parts of one run: the plug-in class path, the Guice injector built from the
 * feature modules, and the {@link Closer} that owns every resource created along the way.
 *
 * <p>The plug-in class loader is also installed as the thread's context class loader for the
 * duration of the run, so {@link java.util.ServiceLoader} lookups made inside core (for example
 * the validators run by {@code EgressSpecs}) see the plug-ins too. It is restored on close.
 */
public final class AssembledRun implements AutoCloseable {
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
    Plugins plugins = Plugins.load(pluginDirs);
    Closer closer = new Closer();
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    thread.setContextClassLoader(plugins.loader());
    try {
      Injector injector = Guice.createInjector(modules(plugins, closer));
      return new AssembledRun(plugins, closer, injector, thread, previous);
    } catch (RuntimeException e) {
      thread.setContextClassLoader(previous);
      plugins.close();
      throw e;
    }
  }

  /** The feature modules, one per part of the system, plus the plug-in contributions. */
  static List<Module> modules(Plugins plugins, Closer closer) {
    return List.of(
        new CoreModule(closer),
        new MetricsModule(),
        new LuaModule(),
        new JsModule(),
        new TransportModule(),
        new ProxyModule(),
        new PluginModule(plugins));
  }

  /** An instance from the injector. */
  public <T> T get(Class<T> type) {
    return injector.getInstance(type);
  }

  Injector injector() {
    return injector;
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
