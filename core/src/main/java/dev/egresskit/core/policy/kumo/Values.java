package dev.egresskit.core.policy.kumo;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The language-neutral values the {@code kumo} library works on: {@code null}, {@link Boolean},
 * {@link Long}, {@link Double}, {@link String}, {@code List}, {@code Map<String, ?>} and
 * {@link ScriptFunction}.
 */
public final class Values {
  /** The key KumoMTA gives a TOML date-time when it hands it to Lua. */
  public static final String TOML_DATETIME_KEY = "$__toml_private_datetime";

  private Values() {}

  /** How a value reads in an error: its type, never its content. */
  public static String describe(Object value) {
    if (value == null) {
      return "nil";
    }
    if (value instanceof String) {
      return "a string";
    }
    if (value instanceof Long || value instanceof Double) {
      return "a number";
    }
    if (value instanceof Boolean) {
      return "a boolean";
    }
    if (value instanceof ScriptFunction) {
      return "a function";
    }
    if (value instanceof List<?>) {
      return "a list";
    }
    if (value instanceof Map<?, ?>) {
      return "a table";
    }
    return "a " + value.getClass().getSimpleName();
  }

  /** A number as Lua's {@code tostring} writes it ({@code 5}, {@code 2.5}). */
  static String numberText(Object number) {
    if (number instanceof Double d && d == Math.rint(d) && !d.isInfinite()
        && Math.abs(d) < 0x1p63) {
      return Long.toString(d.longValue());
    }
    return String.valueOf(number);
  }

  /**
   * Converts what a parser produced (Jackson's maps, lists, numbers, dates) into neutral values:
   * integers that fit become {@link Long}, other numbers {@link Double}, TOML dates KumoMTA's
   * {@code {["$__toml_private_datetime"] = "..."}} table.
   */
  public static Object normalize(Object value) {
    if (value == null || value instanceof String || value instanceof Boolean
        || value instanceof Long || value instanceof Double || value instanceof ScriptFunction
        || value instanceof dev.egresskit.core.policy.Made<?>) {
      // A value built by make_* is immutable and passes through (memoize may keep it).
      return value;
    }
    if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof BigInteger big) {
      return big.bitLength() < 64 ? (Object) big.longValue() : (Object) big.doubleValue();
    }
    if (value instanceof BigDecimal || value instanceof Number) {
      return ((Number) value).doubleValue();
    }
    if (value instanceof TemporalAccessor time) {
      return Map.of(TOML_DATETIME_KEY, time.toString());
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        out.put(String.valueOf(e.getKey()), normalize(e.getValue()));
      }
      return Collections.unmodifiableMap(out);
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      for (Object item : list) {
        out.add(normalize(item));
      }
      return Collections.unmodifiableList(out);
    }
    return String.valueOf(value);
  }
}
