package dev.egresskit.lua;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The Lua modules EgressKit ships where KumoMTA installs its own ({@code /opt/kumomta/share}):
 * {@code require 'policy-extras.sources'} and the other helpers, found under the class-path
 * folder {@code dev/egresskit/lua/share/}.
 */
final class BuiltInModules {
  private static final Pattern NAME = Pattern.compile("policy-extras\\.[a-z_]+");

  private BuiltInModules() {}

  /** The source of built-in module {@code name}, if EgressKit ships one. */
  static Optional<String> source(String name) {
    if (!NAME.matcher(name).matches()) {
      return Optional.empty();
    }
    try (InputStream in = BuiltInModules.class.getResourceAsStream(
        "share/" + chunkName(name))) {
      return in == null ? Optional.empty()
          : Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read built-in module " + name, e);
    }
  }

  /** The file name errors show: {@code policy-extras/sources.lua}. */
  static String chunkName(String name) {
    return name.replace('.', '/') + ".lua";
  }
}
