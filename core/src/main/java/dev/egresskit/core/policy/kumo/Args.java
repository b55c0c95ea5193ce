package dev.egresskit.core.policy.kumo;

import dev.egresskit.core.policy.support.KumoApiException;
import java.util.List;
import java.util.Map;

/**
 * The arguments of one {@code kumo} library call, with readers whose errors name the function,
 * the parameter and the allowed form.
 *
 * @param function the qualified name as scripts spell it, e.g. {@code kumo.string.split}
 * @param values   the language-neutral arguments
 */
public record Args(String function, List<Object> values) {

  /** The number of arguments given. */
  public int size() {
    return values.size();
  }

  /** Argument {@code index}, or {@code null} when absent. */
  public Object get(int index) {
    return index < values.size() ? values.get(index) : null;
  }

  /** A required string argument. */
  public String string(int index, String name) {
    Object value = get(index);
    if (value instanceof String s) {
      return s;
    }
    if (value instanceof Long || value instanceof Double) {
      return Values.numberText(value);
    }
    throw wrong(index, name, "a string", value);
  }

  /** An optional string argument. */
  public String optionalString(int index, String name, String fallback) {
    return get(index) == null ? fallback : string(index, name);
  }

  /** A required whole number. */
  public long integer(int index, String name) {
    Object value = get(index);
    if (value instanceof Long l) {
      return l;
    }
    throw wrong(index, name, "a whole number", value);
  }

  /** An optional whole number. */
  public long optionalInteger(int index, String name, long fallback) {
    return get(index) == null ? fallback : integer(index, name);
  }

  /** A required table of named fields. */
  @SuppressWarnings("unchecked")
  public Map<String, Object> table(int index, String name) {
    Object value = get(index);
    if (value instanceof Map<?, ?> map) {
      return (Map<String, Object>) map;
    }
    if (value instanceof List<?> list && list.isEmpty()) {
      return Map.of();
    }
    throw wrong(index, name, "a table of named fields", value);
  }

  /** A required function argument. */
  public ScriptFunction function(int index, String name) {
    if (get(index) instanceof ScriptFunction f) {
      return f;
    }
    throw wrong(index, name, "a function", get(index));
  }

  /** The error for a wrong argument. */
  public KumoApiException wrong(int index, String name, String allowed, Object value) {
    return new KumoApiException(function + ": argument #" + (index + 1) + " (" + name + ") must be "
        + allowed + ", got " + Values.describe(value));
  }
}
