package dev.egresskit.js;

import dev.egresskit.core.policy.kumo.DataFiles;
import dev.egresskit.core.policy.kumo.KumoContext;
import dev.egresskit.core.policy.kumo.KumoFunction;
import dev.egresskit.core.policy.kumo.KumoLibrary;
import dev.egresskit.core.policy.kumo.KumoMethod;
import dev.egresskit.core.policy.kumo.PolicyModules;
import dev.egresskit.core.policy.kumo.ScriptFunction;
import dev.egresskit.core.policy.support.KumoApiException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.nashorn.api.scripting.AbstractJSObject;
import org.openjdk.nashorn.api.scripting.ScriptObjectMirror;

/**
 * The {@link KumoLibrary} (the rest of KumoMTA's {@code kumo} API, and {@code kumo.sources})
 * for JavaScript: three bridge functions that {@code kumo-library.js} turns into the members of
 * the {@code kumo} object. Values cross as JSON text, so a script only ever sees plain
 * JavaScript values; functions cross as handles ({@code {"$kumo_fn": i}} in the JSON).
 */
final class JsKumoLibrary {
  private static final String MODULE = "MODULE";

  private JsKumoLibrary() {}

  /** Adds {@code library_kind}, {@code library_call} and {@code library_invoke} to the bridge. */
  static void addTo(KumoBridge bridge, KumoLibrary library, KumoContext context) {
    addTo(bridge, library, PolicyModules.none(), context);
  }

  /**
   * Adds the bridge functions; the functions of {@code modules} appear as {@code kumo.<module>.*}
   * ({@code kumo.redis.open}), beside the library's names.
   */
  static void addTo(KumoBridge bridge, KumoLibrary library, PolicyModules modules,
      KumoContext context) {
    // Asked once per name an interpreter reads (kumo-library.js remembers the answer): nothing
    // about the names is built or sent per interpreter.
    bridge.addFunction("library_kind", (args, at) -> kind(library, modules,
        String.valueOf(args.length > 0 ? args[0] : null)));
    bridge.addFunction("library_call", (args, at) -> {
      String name = String.valueOf(args[0]);
      List<Object> values = neutral(args.length > 1 ? args[1] : null);
      int dot = name.indexOf('.');
      if (dot > 0 && modules.names().contains(name.substring(0, dot))) {
        return result(modules.call(name.substring(0, dot), name.substring(dot + 1), values,
            context));
      }
      return result(library.call(name, values, context));
    });
    bridge.addFunction("library_invoke", (args, at) -> {
      if (!(args.length > 0 && args[0] instanceof Callable callable)) {
        throw new KumoApiException("not a kumo library function");
      }
      return result(callable.function.call(neutral(args.length > 1 ? args[1] : null)));
    });
  }

  /**
   * What {@code kumo.<path>} is: {@code "REAL"}, {@code "INERT"} or {@code "VALUE"} for a name
   * of the library or a module's function, {@code "MODULE"} for a prefix of such names
   * ({@code string}, {@code redis}), {@code null} for a name KumoMTA does not have.
   */
  private static String kind(KumoLibrary library, PolicyModules modules, String path) {
    KumoLibrary.Entry entry = library.entries().get(path);
    if (entry != null) {
      return entry.kind().name();
    }
    if (library.modules().contains(path)) {
      return MODULE;
    }
    int dot = path.indexOf('.');
    Map<String, KumoFunction> functions =
        modules.functions(dot < 0 ? path : path.substring(0, dot));
    if (functions.isEmpty()) {
      return null;
    }
    if (dot < 0) {
      return MODULE;
    }
    String rest = path.substring(dot + 1);
    if (functions.containsKey(rest)) {
      return KumoLibrary.Kind.REAL.name();
    }
    String prefix = rest + ".";
    for (String function : functions.keySet()) {
      if (function.startsWith(prefix)) {
        return MODULE;
      }
    }
    return null;
  }

  /** The arguments array of a call, as neutral values; a function becomes a ScriptFunction. */
  private static List<Object> neutral(Object argsArray) {
    List<Object> out = new ArrayList<>();
    if (!(argsArray instanceof ScriptObjectMirror array) || !array.isArray()) {
      return out;
    }
    int size = ((Number) array.getMember("length")).intValue();
    for (int i = 0; i < size; i++) {
      Object value = array.getSlot(i);
      if (JsValues.isAbsent(value)) {
        out.add(null);
      } else if (value instanceof ScriptObjectMirror mirror && mirror.isFunction()) {
        out.add(scriptFunction(mirror));
      } else {
        out.add(JsValues.toJava(value, "argument " + (i + 1), 0));
      }
    }
    return out;
  }

  /**
   * A script function, already wrapped by {@code kumo-library.js} to take and return JSON text.
   */
  private static ScriptFunction scriptFunction(ScriptObjectMirror wrapped) {
    return args -> {
      Object result = wrapped.call(null, DataFilesJson.encode(args));
      return result instanceof CharSequence text
          ? DataFiles.parse(text.toString(), "the function's result", DataFiles.Format.JSON)
          : null;
    };
  }

  /** A result: its JSON with function handles, and the handles as members {@code fn<i>}. */
  private static Object result(Object value) {
    List<ScriptFunction> functions = new ArrayList<>();
    String json = DataFilesJson.encode(handles(value, functions));
    Map<String, Object> members = new LinkedHashMap<>();
    members.put("json", json);
    for (int i = 0; i < functions.size(); i++) {
      members.put("fn" + i, new Callable(functions.get(i)));
    }
    return new KumoBridge.Opaque("kumo.result", members);
  }

  private static Object handles(Object value, List<ScriptFunction> functions) {
    if (value instanceof ScriptFunction f) {
      functions.add(f);
      return Map.of("$kumo_fn", functions.size() - 1);
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> {
        if (!KumoMethod.CLOSE.equals(k)) { // Lua's <close>; JavaScript has no such thing
          out.put(String.valueOf(k), handles(v, functions));
        }
      });
      return out;
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>();
      list.forEach(v -> out.add(handles(v, functions)));
      return out;
    }
    return value;
  }

  /** A library function handed to the script: it can only be passed back to the bridge. */
  static final class Callable extends AbstractJSObject {
    private final ScriptFunction function;

    Callable(ScriptFunction function) {
      this.function = function;
    }

    @Override
    public String toString() {
      return "[kumo.function]";
    }
  }
}
