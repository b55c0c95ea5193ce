package dev.egresskit.redispolicy;

import dev.egresskit.core.policy.kumo.ScriptFunction;
import dev.egresskit.core.policy.support.KumoApiException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The arguments of {@code conn:query(cmd, ...)} as the words of a Redis command, as KumoMTA
 * writes them: strings as they are, numbers as text ({@code 2}, {@code 2.5}), booleans as
 * {@code 1}/{@code 0}, nil left out, lists flattened, tables of named fields flattened to
 * {@code key, value} pairs (sorted by key).
 */
final class RedisArgs {
  private RedisArgs() {}

  /**
   * The command's words, the name first.
   *
   * @throws KumoApiException if there is no command name, or a value has no Redis form
   */
  static List<byte[]> words(String function, List<Object> args) {
    if (args.isEmpty() || !(args.get(0) instanceof String name) || name.isBlank()) {
      throw new KumoApiException(function + ": the first argument must be a Redis command name"
          + " such as 'GET' or 'HGETALL', got " + (args.isEmpty() ? "nothing"
          : dev.egresskit.core.policy.kumo.Values.describe(args.get(0))));
    }
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      add(function, args.get(i), i + 1, out);
    }
    return out;
  }

  private static void add(String function, Object value, int position, List<byte[]> out) {
    if (value == null) {
      return;
    }
    if (value instanceof String s) {
      out.add(s.getBytes(StandardCharsets.UTF_8));
    } else if (value instanceof Long l) {
      out.add(Long.toString(l).getBytes(StandardCharsets.US_ASCII));
    } else if (value instanceof Double d) {
      if (d.isNaN() || d.isInfinite()) {
        throw new KumoApiException(function + ": argument #" + position + " is " + d
            + ", which Redis cannot take (allowed: a finite number)");
      }
      out.add(BigDecimal.valueOf(d).stripTrailingZeros().toPlainString()
          .getBytes(StandardCharsets.US_ASCII));
    } else if (value instanceof Boolean b) {
      out.add((b ? "1" : "0").getBytes(StandardCharsets.US_ASCII));
    } else if (value instanceof List<?> list) {
      for (Object item : list) {
        add(function, item, position, out);
      }
    } else if (value instanceof Map<?, ?> map) {
      new java.util.TreeMap<>(map).forEach((k, v) -> {
        out.add(String.valueOf(k).getBytes(StandardCharsets.UTF_8));
        add(function, v, position, out);
      });
    } else {
      throw new KumoApiException(function + ": argument #" + position + " is "
          + (value instanceof ScriptFunction ? "a function" : "a "
          + value.getClass().getSimpleName()) + ", which Redis cannot take (allowed: strings,"
          + " numbers, booleans and tables of them)");
    }
  }
}
