package dev.egresskit.lua;

import dev.egresskit.core.policy.FieldMaps;
import dev.egresskit.core.policy.support.KumoApiException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * Conversion between Lua values and the plain Java values of a
 * {@link dev.egresskit.core.spec.RawSpec}: integers become {@link Long}, other numbers
 * {@link Double}, strings {@link String}, booleans {@link Boolean}, tables with string keys
 * {@code Map<String, Object>} and tables with keys 1..n {@code List<Object>}; {@code nil} is an
 * absent key. Lua 5.2 (LuaJ) has one number type, so {@code 5.0} is the integer 5, exactly as the
 * policy author reads it.
 */
final class LuaValues {
  /** Deeper nesting is refused; it also stops a table that contains itself. */
  static final int MAX_DEPTH = 16;

  private static final ConcurrentHashMap<LuaString, String> KEY_NAMES = new ConcurrentHashMap<>();
  private static final int KEY_NAMES_LIMIT = 1024;

  private static final String ALLOWED_VALUES = "a string, number, boolean or table";

  private LuaValues() {}

  /**
   * The fields of the table handed to a {@code kumo.*} function.
   *
   * @param function the function name for error texts, e.g. {@code make_egress_source}
   * @throws KumoApiException if the argument is not a table or holds a value with no Java form
   */
  static Map<String, Object> fields(String function, LuaValue table) {
    if (!table.istable()) {
      throw new KumoApiException("kumo." + function + " expects a table such as {name = 'ip-1'},"
          + " got " + describe(table));
    }
    Object converted = toJava(function, table, "", 0);
    if (converted instanceof List<?> list) {
      if (list.isEmpty()) {
        return Map.of();
      }
      throw new KumoApiException("kumo." + function + " expects named fields such as"
          + " {name = 'ip-1'}, got a list of " + list.size() + " item(s)");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> map = (Map<String, Object>) converted;
    return map;
  }

  /**
   * Converts one Lua value.
   *
   * @param function the {@code kumo.*} function for error texts
   * @param path     the field path so far ({@code ""} at the top, then {@code entries[2].weight})
   */
  static Object toJava(String function, LuaValue value, String path, int depth) {
    switch (value.type()) {
      case LuaValue.TNIL:
        return null;
      case LuaValue.TBOOLEAN:
        return value.toboolean();
      case LuaValue.TNUMBER:
        return number(value);
      case LuaValue.TSTRING:
        return value.tojstring();
      case LuaValue.TTABLE:
        return table(function, (LuaTable) value, path, depth);
      default:
        throw new KumoApiException("kumo." + function + ": " + fieldName(path) + " holds "
            + describe(value) + " (allowed: " + ALLOWED_VALUES + ")");
    }
  }

  /**
   * A table key as a Java string. Keys are nearly always the script's constants (field names),
   * so the decoded strings are kept, up to {@link #KEY_NAMES_LIMIT}, instead of decoding the same
   * UTF-8 on every {@code make_egress_source} call.
   */
  private static String keyName(LuaString key) {
    String known = KEY_NAMES.get(key);
    if (known != null) {
      return known;
    }
    String name = key.tojstring();
    if (KEY_NAMES.size() < KEY_NAMES_LIMIT && key.length() <= 64) {
      // A LuaString may share a larger buffer: keep a compact copy as the key.
      KEY_NAMES.put(LuaString.valueOf(name), name);
    }
    return name;
  }

  private static Object number(LuaValue value) {
    if (value.isint()) {
      return (long) value.toint();
    }
    double d = value.todouble();
    // Integral doubles beyond the int range (LuaJ's integers are 32-bit) are still integers.
    if (!Double.isInfinite(d) && d == Math.rint(d) && Math.abs(d) < 0x1p63) {
      return (long) d;
    }
    return d;
  }

  private static Object table(String function, LuaTable table, String path, int depth) {
    if (depth >= MAX_DEPTH) {
      throw new KumoApiException("kumo." + function + ": " + fieldName(path) + " is nested more"
          + " than " + MAX_DEPTH + " tables deep (or contains itself)");
    }
    TreeMap<String, LuaValue> named = new TreeMap<>();
    TreeMap<Long, LuaValue> positional = new TreeMap<>();
    LuaValue key = LuaValue.NIL;
    while (true) {
      Varargs next = table.next(key);
      key = next.arg1();
      if (key.isnil()) {
        break;
      }
      LuaValue item = next.arg(2);
      if (key.type() == LuaValue.TSTRING) {
        named.put(keyName((LuaString) key), item);
      } else if (key.type() == LuaValue.TNUMBER && number(key) instanceof Long position) {
        positional.put(position, item);
      } else {
        throw new KumoApiException("kumo." + function + ": " + fieldName(path) + " has a key of"
            + " type " + key.typename() + " (" + key.tojstring() + "); allowed: names such as"
            + " {name = 'x'} or list items such as {'a', 'b'}");
      }
    }
    if (!named.isEmpty() && !positional.isEmpty()) {
      throw new KumoApiException("kumo." + function + ": " + fieldName(path) + " mixes list items"
          + " (" + positional.size() + " positional) with named keys (" + String.join(", ",
          named.keySet()) + "); use either a list {'a', 'b'} or named fields {k = v}");
    }
    if (!positional.isEmpty()) {
      if (positional.firstKey() != 1 || positional.lastKey() != positional.size()) {
        throw new KumoApiException("kumo." + function + ": " + fieldName(path) + " is a list"
            + " with holes or positions that do not start at 1 (positions " + positional.keySet()
            + "); allowed: a list without nil items, such as {'a', 'b'}");
      }
      List<Object> list = new ArrayList<>(positional.size());
      for (Map.Entry<Long, LuaValue> e : positional.entrySet()) {
        list.add(toJava(function, e.getValue(), path + "[" + e.getKey() + "]", depth + 1));
      }
      return Collections.unmodifiableList(list);
    }
    if (named.isEmpty()) {
      // {} is both an empty list and an empty map in Lua; a list keeps `entries = {}` valid.
      return List.of();
    }
    // Lua does not keep insertion order: sorted keys make every interpreter report alike.
    // Built frozen, so the steps after (RawSpec, the checks, Made) keep it without copying.
    FieldMaps.Builder map = FieldMaps.builder();
    for (Map.Entry<String, LuaValue> e : named.entrySet()) {
      String child = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
      map.put(e.getKey(), toJava(function, e.getValue(), child, depth + 1));
    }
    return map.build();
  }

  /**
   * Converts plain Java data (the views returned by {@code kumo.invoke_*}, parsed data files) to
   * Lua tables. {@code null} map values are left out (nil).
   */
  static LuaValue toLua(Object value) {
    if (value == null) {
      return LuaValue.NIL;
    }
    if (value instanceof String s) {
      return LuaValue.valueOf(s);
    }
    if (value instanceof Boolean b) {
      return LuaValue.valueOf(b);
    }
    if (value instanceof Integer || value instanceof Long || value instanceof Short
        || value instanceof Byte) {
      long l = ((Number) value).longValue();
      return l == (int) l ? LuaValue.valueOf((int) l) : LuaValue.valueOf((double) l);
    }
    if (value instanceof BigInteger || value instanceof BigDecimal || value instanceof Number) {
      return LuaValue.valueOf(((Number) value).doubleValue());
    }
    if (value instanceof Map<?, ?> map) {
      LuaTable table = new LuaTable();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (e.getValue() != null) {
          table.set(String.valueOf(e.getKey()), toLua(e.getValue()));
        }
      }
      return table;
    }
    if (value instanceof List<?> list) {
      LuaTable table = new LuaTable(list.size(), 0);
      int i = 1;
      for (Object item : list) {
        table.set(i++, toLua(item));
      }
      return table;
    }
    return LuaValue.valueOf(String.valueOf(value));
  }

  /** {@code a string}, {@code a table}, {@code nil}: how a value reads in an error. */
  static String describe(LuaValue value) {
    if (value.isnil()) {
      return "nil";
    }
    String type = value.typename();
    return ("userdata".equals(type) || "table".equals(type) ? "a " : startsWithVowel(type)
        ? "an " : "a ") + type;
  }

  private static boolean startsWithVowel(String s) {
    return !s.isEmpty() && "aeiou".indexOf(s.charAt(0)) >= 0;
  }

  private static String fieldName(String path) {
    return path.isEmpty() ? "the table" : "field '" + path + "'";
  }
}
