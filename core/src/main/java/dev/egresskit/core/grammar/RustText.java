package dev.egresskit.core.grammar;

import dev.egresskit.core.spec.Problem;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * Renders values the way KumoMTA's error messages do (Rust {@code Debug} quoting of strings,
 * serde's {@code Unexpected} descriptions), so EgressKit's reasons read like KumoMTA's.
 */
public final class RustText {
  private RustText() {}

  /** Rust's {@code {:?}} of a string: double quotes, with quotes, backslashes and controls escaped. */
  public static String debug(String s) {
    StringBuilder out = new StringBuilder(s.length() + 2).append('"');
    s.codePoints().forEach(cp -> {
      switch (cp) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case 0 -> out.append("\\0");
        default -> {
          if (printable(cp)) {
            out.appendCodePoint(cp);
          } else {
            out.append("\\u{").append(Integer.toHexString(cp)).append('}');
          }
        }
      }
    });
    return out.append('"').toString();
  }

  private static boolean printable(int cp) {
    if (Character.isISOControl(cp)) {
      return false;
    }
    int type = Character.getType(cp);
    return type != Character.FORMAT && type != Character.UNASSIGNED
        && type != Character.SURROGATE && type != Character.PRIVATE_USE
        && type != Character.LINE_SEPARATOR && type != Character.PARAGRAPH_SEPARATOR;
  }

  /** A float as serde prints it inside {@code floating point `...`}: always with a decimal point. */
  public static String floatText(double d) {
    if (Double.isNaN(d)) {
      return "NaN";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "inf" : "-inf";
    }
    String plain = new BigDecimal(Double.toString(d)).stripTrailingZeros().toPlainString();
    if (d == 0) {
      plain = (1 / d < 0) ? "-0" : "0";
    }
    return plain.contains(".") ? plain : plain + ".0";
  }

  /** serde's {@code Unexpected} text for a raw value, e.g. {@code integer `5`}, {@code string "x"}. */
  public static String unexpected(Object value) {
    if (value instanceof String s) {
      return "string " + debug(s);
    } else if (value instanceof Long l) {
      return "integer `" + l + "`";
    } else if (value instanceof Double d) {
      return "floating point `" + floatText(d) + "`";
    } else if (value instanceof Boolean b) {
      return "boolean `" + b + "`";
    } else if (value instanceof Map) {
      return "map";
    } else if (value instanceof List) {
      return "sequence";
    }
    return "unsupported value of Java type " + value.getClass().getName();
  }

  /** Like {@link #unexpected} but without the value itself: for secrets. */
  public static String unexpectedKind(Object value) {
    if (value instanceof String) {
      return "string";
    } else if (value instanceof Long) {
      return "integer";
    } else if (value instanceof Double) {
      return "floating point";
    } else if (value instanceof Boolean) {
      return "boolean";
    }
    return unexpected(value);
  }

  /** How a raw value is shown in {@link Problem#value()}. Tables show their keys only. */
  public static String show(Object value) {
    if (value instanceof String s) {
      return debug(s);
    } else if (value instanceof Double d) {
      return floatText(d);
    } else if (value instanceof Map<?, ?> map) {
      StringBuilder out = new StringBuilder("{");
      for (Object key : map.keySet()) {
        if (out.length() > 1) {
          out.append(", ");
        }
        out.append(key).append("=…");
      }
      return out.append('}').toString();
    } else if (value instanceof List<?> list) {
      return "[" + list.size() + (list.size() == 1 ? " value]" : " values]");
    }
    return String.valueOf(value);
  }

  /** serde's {@code OneOf} list: {@code `a`}, {@code `a` or `b`}, {@code one of `a`, `b`, `c`}. */
  public static String oneOf(List<String> names) {
    return switch (names.size()) {
      case 0 -> "there are no fields";
      case 1 -> "expected `" + names.get(0) + "`";
      case 2 -> "expected `" + names.get(0) + "` or `" + names.get(1) + "`";
      default -> {
        StringBuilder out = new StringBuilder("expected one of ");
        for (int i = 0; i < names.size(); i++) {
          out.append(i == 0 ? "" : ", ").append('`').append(names.get(i)).append('`');
        }
        yield out.toString();
      }
    };
  }

  /**
   * Rust's {@code u64::from_str} (optional {@code +}, ASCII digits, checked): returns the value,
   * or throws {@link NumberFormatException} with Rust's {@code ParseIntError} text.
   */
  public static long parseUnsigned(String text, long max) {
    if (text.isEmpty()) {
      throw new NumberFormatException("cannot parse integer from empty string");
    }
    String digits = text;
    if (text.charAt(0) == '+') {
      digits = text.substring(1);
      if (digits.isEmpty()) {
        throw new NumberFormatException("invalid digit found in string");
      }
    }
    long value = 0;
    for (int i = 0; i < digits.length(); i++) {
      char c = digits.charAt(i);
      if (c < '0' || c > '9') {
        throw new NumberFormatException("invalid digit found in string");
      }
      int d = c - '0';
      // max is at most Long.MAX_VALUE here, so unsigned u64 overflow is reported the same way.
      if (value > (max - d) / 10) {
        throw new NumberFormatException("number too large to fit in target type");
      }
      value = value * 10 + d;
    }
    return value;
  }
}
