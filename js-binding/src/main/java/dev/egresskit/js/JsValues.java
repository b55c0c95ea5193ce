package dev.egresskit.js;

import dev.egresskit.core.policy.FieldMaps;
import dev.egresskit.core.policy.support.KumoApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.openjdk.nashorn.api.scripting.JSObject;
import org.openjdk.nashorn.api.scripting.ScriptObjectMirror;
import org.openjdk.nashorn.internal.runtime.Context;
import org.openjdk.nashorn.internal.runtime.ScriptFunction;
import org.openjdk.nashorn.internal.runtime.ScriptObject;

/**
 * Converts what a script hands to {@code kumo.make_*} into the closed set of {@code RawSpec}
 * types: whole numbers become {@link Long}, other numbers {@link Double}, strings {@link String},
 * booleans {@link Boolean}, plain objects {@code Map<String, Object>} (own enumerable keys in
 * property order), arrays {@code List<Object>}; {@code undefined} and {@code null} object members
 * are absent. Anything else (functions, dates, values built by {@code make_*}, Java objects) is
 * refused with the path of the offending value, so a mistake never turns into a silent default.
 */
final class JsValues {
  /** Far deeper than any spec; stops cyclic objects from overflowing the stack. */
  static final int MAX_DEPTH = 16;

  /** 2^63 as a double: the first whole double that no longer fits a long. */
  private static final double LONG_LIMIT = 0x1p63;

  private JsValues() {}

  /** Whether {@code value} is JavaScript {@code undefined} or {@code null}. */
  static boolean isAbsent(Object value) {
    return value == null || ScriptObjectMirror.isUndefined(value);
  }

  /**
   * Converts the single object argument of a {@code kumo.make_*} call.
   *
   * @param function the {@code kumo} function, for the error text (e.g. {@code make_egress_source})
   * @throws KumoApiException if the argument is not a plain object or holds a value that has no
   *     raw-spec form
   */
  static Map<String, Object> toFields(String function, Object argument) {
    Object object = unwrap(argument);
    if (isObject(object) && isPlainObject(object)) {
      return toMap(object, "", 0);
    }
    throw new KumoApiException("kumo." + function + " expects one object such as {name: 'ip-1',"
        + " source_address: '10.0.0.1'}, got " + describe(argument));
  }

  /**
   * Converts one value to its raw-spec form.
   *
   * @param path where the value sits, for the error text (e.g. {@code entries[2].weight})
   * @throws KumoApiException if the value has no raw-spec form
   */
  static Object toJava(Object value, String path, int depth) {
    if (value instanceof String s) {
      return s;
    }
    if (value instanceof CharSequence chars) {
      // Nashorn's concatenated strings (ConsString) are CharSequences, not Strings.
      return chars.toString();
    }
    if (value instanceof Boolean b) {
      return b;
    }
    if (value instanceof Integer || value instanceof Long || value instanceof Short
        || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof Double || value instanceof Float) {
      return number(((Number) value).doubleValue());
    }
    if (isObject(value)) {
      if (depth >= MAX_DEPTH) {
        throw new KumoApiException(label(path) + "is nested more than " + MAX_DEPTH
            + " levels deep (is the object cyclic?)");
      }
      if (isArray(value)) {
        return toList(value, path, depth + 1);
      }
      if (isPlainObject(value)) {
        return toMap(value, path, depth + 1);
      }
    }
    throw new KumoApiException(label(path) + describe(value) + " is not allowed here (allowed:"
        + " strings, numbers, booleans, plain objects and arrays)");
  }

  /** JavaScript has one number type: whole values are integers, the rest stay doubles. */
  static Object number(double d) {
    if (d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < LONG_LIMIT) {
      return (long) d;
    }
    return d;
  }

  /** A short description of a script value for error texts, never its content. */
  static String describe(Object value) {
    if (value == null) {
      return "null";
    }
    if (ScriptObjectMirror.isUndefined(value)) {
      return "undefined";
    }
    if (value instanceof CharSequence) {
      return "a string";
    }
    if (value instanceof Number) {
      return "a number";
    }
    if (value instanceof Boolean) {
      return "a boolean";
    }
    if (value instanceof MadeValue made) {
      return "a value built by kumo." + made.builderName();
    }
    if (isObject(value)) {
      if (isFunction(value)) {
        return "a function";
      }
      if (isArray(value)) {
        return "an array";
      }
      return isPlainObject(value) ? "an object" : "a " + className(value) + " object";
    }
    if (value instanceof JSObject js && js.isFunction()) {
      return "a function";
    }
    return "a host object";
  }

  /**
   * The type of a value a handler returned, as a noun for "returned a ...": {@code string},
   * {@code number}, {@code boolean}, {@code function}, {@code JavaScript array} or
   * {@code JavaScript object}.
   */
  static String typeName(Object value) {
    if (isAbsent(value)) {
      return ScriptObjectMirror.isUndefined(value) ? "undefined" : "null";
    }
    if (value instanceof CharSequence) {
      return "string";
    }
    if (value instanceof Number) {
      return "number";
    }
    if (value instanceof Boolean) {
      return "boolean";
    }
    if (value instanceof ScriptObjectMirror mirror) {
      if (mirror.isFunction()) {
        return "function";
      }
      return mirror.isArray() ? "JavaScript array" : "JavaScript object";
    }
    if (value instanceof JSObject js && js.isFunction()) {
      return "function";
    }
    return "host object";
  }

  /*
   * Script objects arrive in two forms: as mirrors (a handler's result, read after the call) and,
   * inside a kumo call, as the engine's own objects. A kumo call unwraps its argument first and
   * reads it directly: through a mirror every member read would switch globals and wrap the
   * value again, which was a large part of a make_egress_source call. Both forms run the same
   * conversion through the accessors below; a script object is read only while its global is
   * the current one (unwrap returns the mirror otherwise).
   */

  /** The engine's object behind a mirror of the running global; anything else as it is. */
  private static Object unwrap(Object value) {
    return value instanceof ScriptObjectMirror ? ScriptObjectMirror.unwrap(value, Context.getGlobal())
        : value;
  }

  private static boolean isObject(Object value) {
    return value instanceof ScriptObject || value instanceof ScriptObjectMirror;
  }

  private static boolean isFunction(Object object) {
    return object instanceof ScriptObject ? object instanceof ScriptFunction
        : ((ScriptObjectMirror) object).isFunction();
  }

  private static boolean isArray(Object object) {
    return object instanceof ScriptObject script ? script.isArray()
        : ((ScriptObjectMirror) object).isArray();
  }

  private static String className(Object object) {
    return object instanceof ScriptObject script ? script.getClassName()
        : ((ScriptObjectMirror) object).getClassName();
  }

  private static String[] ownKeys(Object object) {
    return object instanceof ScriptObject script ? script.getOwnKeys(false)
        : ((ScriptObjectMirror) object).getOwnKeys(false);
  }

  private static Object member(Object object, String key) {
    return object instanceof ScriptObject script ? script.get(key)
        : ((ScriptObjectMirror) object).getMember(key);
  }

  private static Object slot(Object object, int index) {
    return object instanceof ScriptObject script ? script.get(index)
        : ((ScriptObjectMirror) object).getSlot(index);
  }

  private static boolean isPlainObject(Object object) {
    return !isFunction(object) && !isArray(object) && "Object".equals(className(object));
  }

  private static Map<String, Object> toMap(Object object, String path, int depth) {
    // Built frozen, so the steps after (RawSpec, the checks, Made) keep it without copying.
    FieldMaps.Builder out = FieldMaps.builder();
    for (String key : ownKeys(object)) {
      Object value = member(object, key);
      if (!isAbsent(value)) {
        out.put(key, toJava(value, path.isEmpty() ? key : path + "." + key, depth));
      }
    }
    return out.build();
  }

  private static List<Object> toList(Object object, String path, int depth) {
    Object length = member(object, "length");
    int size = length instanceof Number n ? n.intValue() : 0;
    List<Object> out = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      Object value = slot(object, i);
      String at = path + "[" + i + "]";
      if (isAbsent(value)) {
        throw new KumoApiException(label(at) + "is " + describe(value) + " (allowed: array"
            + " elements are values; leave an element out instead of writing undefined or null)");
      }
      out.add(toJava(value, at, depth));
    }
    return out;
  }

  private static String label(String path) {
    return path.isEmpty() ? "" : path + ": ";
  }
}
