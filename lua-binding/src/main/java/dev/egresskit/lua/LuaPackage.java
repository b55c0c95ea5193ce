package dev.egresskit.lua;

import dev.egresskit.core.policy.support.KumoApiException;
import dev.egresskit.core.policy.support.PolicyFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.regex.Pattern;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * Lua's {@code package} library and {@code require}, as KumoMTA's Lua 5.4 has them, over the
 * policy's read rule: {@code package.path} (editable; its default mirrors KumoMTA's),
 * {@code package.loaded} (the per-interpreter cache), {@code package.preload} and
 * {@code package.searchpath}. A relative {@code package.path} entry is relative to the policy's
 * folder; an absolute one is read through {@link PolicyFiles} ({@code --path-map},
 * {@code --allow-read}). EgressKit's built-in helpers ({@code policy-extras.*}) stand where
 * KumoMTA installs them, {@code /opt/kumomta/share}: a module found there on disk (a mapped or
 * allowed copy) wins, otherwise the built-in one from the class path is loaded. There are no C
 * modules ({@code package.cpath} is empty and never searched).
 */
final class LuaPackage {
  /** KumoMTA's {@code package.path} ahead of Lua 5.4's default. */
  static final String DEFAULT_PATH = "/opt/kumomta/share/?.lua;/opt/kumomta/share/?/init.lua;"
      + "/opt/kumomta/etc/policy/?.lua;/opt/kumomta/etc/policy/?/init.lua;"
      + "/usr/local/share/lua/5.4/?.lua;/usr/local/share/lua/5.4/?/init.lua;"
      + "/usr/local/lib/lua/5.4/?.lua;/usr/local/lib/lua/5.4/?/init.lua;./?.lua;./?/init.lua";
  /** Where KumoMTA installs its helpers; EgressKit's built-in ones stand there. */
  static final String SHARE = "/opt/kumomta/share/";
  /** The class-path folder of the built-in helpers. */
  static final String BUILT_IN_ROOT = "dev/egresskit/lua/share/";
  /** Chunk-name prefix of built-in modules in error messages. */
  static final String BUILT_IN_CHUNK = "<builtin>/";
  private static final Pattern RESOURCE_NAME =
      Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9_.-]*(/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*");

  private final Globals globals;
  private final PolicyFiles files;
  private final LuaTable packageTable = new LuaTable();
  private final LuaTable loaded = new LuaTable();
  /** Modules whose chunk runs right now, innermost last, to report a loop of requires. */
  private final Deque<String> loading = new ArrayDeque<>();

  private LuaPackage(Globals globals, PolicyFiles files) {
    this.globals = globals;
    this.files = files;
  }

  /**
   * Installs {@code package} and {@code require} into {@code globals}, with the libraries already
   * there (and {@code kumo}) in {@code package.loaded}.
   */
  static LuaPackage install(Globals globals, PolicyFiles files, LuaValue kumo) {
    LuaPackage lib = new LuaPackage(globals, files);
    for (String name : new String[] {"string", "table", "math", "os", "utf8", "bit32"}) {
      if (!globals.get(name).isnil()) {
        lib.loaded.set(name, globals.get(name));
      }
    }
    lib.loaded.set("_G", globals);
    lib.loaded.set("kumo", kumo);
    lib.loaded.set("package", lib.packageTable);
    lib.packageTable.set("loaded", lib.loaded);
    lib.packageTable.set("preload", new LuaTable());
    lib.packageTable.set("path", DEFAULT_PATH);
    lib.packageTable.set("cpath", "");
    lib.packageTable.set("config", "/\n;\n?\n!\n-\n");
    lib.packageTable.set("searchpath", lib.new SearchPath());
    globals.set("package", lib.packageTable);
    globals.set("require", lib.new Require());
    return lib;
  }

  /** Registers a module under {@code name} in {@code package.loaded}. */
  void preloaded(String name, LuaValue module) {
    loaded.set(name, module);
  }

  /** A module's source, found on the path: a file under the read rule, or a built-in one. */
  private record Found(String fileName, String chunkName, byte[] source) {}

  /** {@code require(name)}: Lua 5.4's search, over the read rule and the built-in helpers. */
  private final class Require extends VarArgFunction {
    @Override
    public Varargs invoke(Varargs args) {
      LuaValue nameValue = args.checkstring(1);
      String name = nameValue.tojstring();
      LuaValue known = loaded.get(nameValue);
      if (known.toboolean()) {
        return known;
      }
      if (loading.contains(name)) {
        throw new LuaError("require: module '" + name + "' requires itself (a loop of require"
            + " calls: " + String.join(" -> ", loading) + " -> " + name + ")");
      }
      StringBuilder tried = new StringBuilder();
      LuaValue loader;
      LuaValue data;
      LuaValue preload = packageTable.get("preload").get(nameValue);
      if (preload.isfunction()) {
        loader = preload;
        data = LuaValue.valueOf(":preload:");
      } else {
        tried.append("\n\tno field package.preload['").append(name).append("']");
        Found found = search(name, path("require"), tried);
        if (found == null) {
          throw new LuaError("module '" + name + "' not found:" + tried);
        }
        loader = compile(name, found);
        data = LuaValue.valueOf(found.fileName());
      }
      loading.addLast(name);
      LuaValue result;
      try {
        result = loader.call(nameValue, data);
      } finally {
        loading.removeLast();
      }
      if (!result.isnil()) {
        loaded.set(nameValue, result);
      }
      if (loaded.get(nameValue).isnil()) {
        loaded.set(nameValue, LuaValue.TRUE);
      }
      return LuaValue.varargsOf(loaded.get(nameValue), data);
    }
  }

  /** {@code package.searchpath(name, path [, sep [, rep]])}. */
  private final class SearchPath extends VarArgFunction {
    @Override
    public Varargs invoke(Varargs args) {
      String name = args.checkjstring(1);
      String path = args.checkjstring(2);
      String sep = args.optjstring(3, ".");
      String rep = args.optjstring(4, "/");
      String file = sep.isEmpty() ? name : name.replace(sep, rep);
      StringBuilder tried = new StringBuilder();
      for (String template : path.split(";")) {
        if (template.isEmpty()) {
          continue;
        }
        String candidate = template.replace("?", file);
        if (exists(candidate, tried)) {
          return LuaValue.valueOf(candidate);
        }
      }
      return LuaValue.varargsOf(LuaValue.NIL, LuaValue.valueOf(tried.toString()));
    }
  }

  private String path(String function) {
    LuaValue path = packageTable.get("path");
    if (!path.isstring()) {
      throw new LuaError(function + ": 'package.path' must be a string, got " + path.typename());
    }
    return path.tojstring();
  }

  private Found search(String name, String path, StringBuilder tried) {
    String file = name.replace('.', '/');
    for (String template : path.split(";")) {
      if (template.isEmpty()) {
        continue;
      }
      String candidate = template.replace("?", file);
      Optional<Path> real = locate(candidate, tried);
      if (real.isPresent()) {
        return new Found(candidate, chunkName(candidate),
            files.readReal("require", candidate, real.get()));
      }
      byte[] builtIn = builtIn(candidate);
      if (builtIn != null) {
        return new Found(candidate, BUILT_IN_CHUNK + candidate.substring(SHARE.length()),
            builtIn);
      }
    }
    return null;
  }

  private boolean exists(String candidate, StringBuilder tried) {
    return locate(candidate, tried).isPresent() || builtIn(candidate) != null;
  }

  /** The file under the read rule, or empty with a line in {@code tried} saying why not. */
  private Optional<Path> locate(String candidate, StringBuilder tried) {
    try {
      Optional<Path> real = files.locate("require", candidate);
      if (real.isEmpty() && builtIn(candidate) == null) {
        tried.append("\n\tno file '").append(candidate).append("'");
      }
      return real;
    } catch (KumoApiException e) {
      if (builtIn(candidate) == null) {
        tried.append("\n\tno file '").append(candidate).append("' (").append(reason(e))
            .append(")");
      }
      return Optional.empty();
    }
  }

  private static String reason(KumoApiException e) {
    String text = String.valueOf(e.getMessage());
    if (text.contains(" is outside the policy folder")) {
      return "outside the policy folder and the --allow-read/--path-map directories";
    }
    if (text.contains("symbolic link")) {
      return "a symbolic link out of the policy folder and the allowed directories";
    }
    if (text.contains("not a regular file")) {
      return "not a regular file";
    }
    return text.startsWith("require: ") ? text.substring("require: ".length()) : text;
  }

  /** A built-in helper's source, when {@code candidate} is under {@link #SHARE}. */
  private static byte[] builtIn(String candidate) {
    if (!candidate.startsWith(SHARE)) {
      return null;
    }
    String rest = candidate.substring(SHARE.length());
    if (!RESOURCE_NAME.matcher(rest).matches() || rest.contains("..")) {
      return null;
    }
    try (InputStream in = LuaPackage.class.getClassLoader()
        .getResourceAsStream(BUILT_IN_ROOT + rest)) {
      return in == null ? null : in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the built-in Lua module " + rest, e);
    }
  }

  /** Errors in a module read {@code lib/util.lua:3:}, as the path entry found it. */
  private static String chunkName(String fileName) {
    return fileName.startsWith("./") ? fileName.substring(2) : fileName;
  }

  private LuaValue compile(String name, Found found) {
    try {
      return LuaCompiler.load(globals, found.source(), found.chunkName());
    } catch (LuaError e) {
      throw new LuaError("error loading module '" + name + "' from file '" + found.fileName()
          + "':\n\t" + e.getMessage());
    }
  }
}
