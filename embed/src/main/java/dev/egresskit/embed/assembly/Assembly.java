package dev.egresskit.embed.assembly;

import com.google.inject.Module;
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
}
