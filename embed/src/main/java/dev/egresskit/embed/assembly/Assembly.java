package dev.egresskit.embed.assembly;

import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.ProvisionException;
import dev.egresskit.core.health.SourceHealth;
import java.util.List;

/**
 * The feature modules that put EgressKit's shared parts together: core (options, extension
 * points, health, policy loading, resolvers), both policy engines, plug-ins, and transport. The
 * {@link dev.egresskit.embed.EgressKit} facade is built from exactly these; a command line adds
 * its own modules next to them.
 */
public final class Assembly {
  private Assembly() {}

  /** The modules for {@code options}; what they create is closed by {@code closer}. */
  public static List<Module> modules(KitOptions options, Closer closer) {
    return List.of(
        new CoreModule(options, closer),
        new LuaModule(),
        new JsModule(),
        new PluginModule(options.pluginLoader()),
        new TransportModule());
  }

  /**
   * Creates the assembly's source health now: with shared health configured, this connects to
   * Redis (a node whose Redis is unreachable starts on local fallback).
   *
   * @throws SetupException if the shared health's Redis refuses this node (password, database,
   *     TLS); the message names the URL without its password
   */
  public static SourceHealth startHealth(Injector injector) {
    try {
      return injector.getInstance(SourceHealth.class);
    } catch (ProvisionException e) {
      for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
        if (t instanceof SetupException setup) {
          throw setup;
        }
      }
      throw e;
    }
  }
}
