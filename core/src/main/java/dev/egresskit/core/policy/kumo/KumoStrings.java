package dev.egresskit.core.policy.kumo;

import dev.egresskit.core.policy.support.KumoApiException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * {@code kumo.string.*}: Rust's {@code str} methods as KumoMTA exposes them. Patterns are plain
 * text (not Lua patterns); "whitespace" is Unicode {@code White_Space}.
 */
final class KumoStrings {
  private KumoStrings() {}

  static void register(KumoLibrary.Builder b) {
    b.real("string.starts_with", (a, c) -> a.string(0, "STRING").startsWith(a.string(1, "PREFIX")));
    b.real("string.ends_with", (a, c) -> a.string(0, "STRING").endsWith(a.string(1, "SUFFIX")));
    b.real("string.replace", (a, c) ->
        replacen(a.string(0, "STRING"), a.string(1, "FROM"), a.string(2, "TO"), Long.MAX_VALUE));
    b.real("string.replacen", (a, c) -> replacen(a.string(0, "STRING"), a.string(1, "FROM"),
        a.string(2, "TO"), a.integer(3, "COUNT")));
    b.real("string.split", (a, c) -> split(a.string(0, "STRING"), a.string(1, "PATTERN"),
        Long.MAX_VALUE));
    b.real("string.rsplit", (a, c) -> reversed(split(a.string(0, "STRING"),
        a.string(1, "PATTERN"), Long.MAX_VALUE)));
    b.real("string.splitn", (a, c) -> split(a.string(0, "STRING"), a.string(2, "PATTERN"),
        a.integer(1, "LIMIT")));
    b.real("string.rsplitn", (a, c) -> rsplitn(a.string(0, "STRING"), a.string(2, "PATTERN"),
        a.integer(1, "LIMIT")));
    b.real("string.split_whitespace", (a, c) -> words(a.string(0, "STRING"), false));
    b.real("string.split_ascii_whitespace", (a, c) -> words(a.string(0, "STRING"), true));
    b.real("string.trim", (a, c) -> trimEnd(trimStart(a.string(0, "STRING"))));
    b.real("string.trim_start", (a, c) -> trimStart(a.string(0, "STRING")));
    b.real("string.trim_end", (a, c) -> trimEnd(a.string(0, "STRING")));
    b.real("string.wrap", (a, c) -> wrap(a.string(0, "TEXT"),
        a.optionalInteger(1, "SOFT_LIMIT", 75), a.optionalInteger(2, "HARD_LIMIT", 900)));
    b.real("string.eval_template", KumoStrings::evalTemplate);
    for (String name : List.of("psl_domain", "psl_suffix")) {
      b.real("string." + name, (a, c) -> {
        throw new KumoApiException(a.function() + " needs Mozilla's Public Suffix List, which"
            + " EgressKit does not ship; compute the domain in the policy instead");
      });
    }
    b.real("string.normalize_smtp_response", (a, c) -> {
      throw new KumoApiException(a.function() + " is not provided by EgressKit (it normalizes"
          + " SMTP responses for logs, which EgressKit does not write)");
    });
  }

  /** Unicode's White_Space property (Java's isWhitespace differs from it). */
  static boolean isWhite(int c) {
    return (c >= 0x09 && c <= 0x0d) || c == 0x20 || c == 0x85 || c == 0xa0 || c == 0x1680
        || (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 || c == 0x202f
        || c == 0x205f || c == 0x3000;
  }

  private static boolean isAsciiWhite(int c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0c;
  }

  static String trimStart(String s) {
    int i = 0;
    while (i < s.length() && isWhite(s.codePointAt(i))) {
      i += Character.charCount(s.codePointAt(i));
    }
    return s.substring(i);
  }

  static String trimEnd(String s) {
    int end = s.length();
    while (end > 0 && isWhite(s.codePointBefore(end))) {
      end -= Character.charCount(s.codePointBefore(end));
    }
    return s.substring(0, end);
  }

  private static String replacen(String s, String from, String to, long count) {
    if (count <= 0) {
      return s;
    }
    List<String> pieces = split(s, from, count == Long.MAX_VALUE ? count : count + 1);
    return String.join(to, pieces);
  }

  /** Rust's {@code splitn} (and {@code split} with no limit); an empty pattern splits chars. */
  static List<String> split(String s, String pattern, long limit) {
    List<String> out = new ArrayList<>();
    if (limit <= 0) {
      return out;
    }
    if (pattern.isEmpty()) {
      out.add("");
      int i = 0;
      while (i < s.length() && out.size() < limit) {
        int next = i + Character.charCount(s.codePointAt(i));
        if (out.size() == limit - 1) {
          out.add(s.substring(i));
          return out;
        }
        out.add(s.substring(i, next));
        i = next;
      }
      if (out.size() < limit) {
        out.add("");
      }
      return out;
    }
    int start = 0;
    while (out.size() < limit - 1) {
      int at = s.indexOf(pattern, start);
      if (at < 0) {
        break;
      }
      out.add(s.substring(start, at));
      start = at + pattern.length();
    }
    out.add(s.substring(start));
    return out;
  }

  private static List<String> rsplitn(String s, String pattern, long limit) {
    List<String> out = new ArrayList<>();
    if (limit <= 0) {
      return out;
    }
    if (pattern.isEmpty()) {
      return reversed(split(s, pattern, Long.MAX_VALUE)).subList(0, (int) Math.min(limit,
          split(s, pattern, Long.MAX_VALUE).size()));
    }
    int end = s.length();
    while (out.size() < limit - 1) {
      int at = s.lastIndexOf(pattern, end - pattern.length());
      if (at < 0 || end - pattern.length() < 0) {
        break;
      }
      out.add(s.substring(at + pattern.length(), end));
      end = at;
    }
    out.add(s.substring(0, end));
    return out;
  }

  private static List<String> reversed(List<String> list) {
    List<String> copy = new ArrayList<>(list);
    Collections.reverse(copy);
    return copy;
  }

  private static List<String> words(String s, boolean ascii) {
    List<String> out = new ArrayList<>();
    int i = 0;
    while (i < s.length()) {
      int c = s.codePointAt(i);
      if (ascii ? isAsciiWhite(c) : isWhite(c)) {
        i += Character.charCount(c);
        continue;
      }
      int start = i;
      while (i < s.length() && !(ascii ? isAsciiWhite(s.codePointAt(i))
          : isWhite(s.codePointAt(i)))) {
        i += Character.charCount(s.codePointAt(i));
      }
      out.add(s.substring(start, i));
    }
    return out;
  }

  /**
   * Breaks {@code text} at spaces to keep lines within {@code soft} characters, and breaks any
   * word longer than {@code hard}; each break is CR LF TAB, trailing whitespace is removed.
   */
  static String wrap(String text, long soft, long hard) {
    if (soft < 1 || hard < 1) {
      throw new KumoApiException("kumo.string.wrap: SOFT_LIMIT and HARD_LIMIT must be at least 1");
    }
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : words(text, false)) {
      while (word.length() > hard) {
        if (line.length() > 0) {
          lines.add(line.toString());
          line.setLength(0);
        }
        lines.add(word.substring(0, (int) hard));
        word = word.substring((int) hard);
      }
      if (line.length() > 0 && line.length() + 1 + word.length() > soft) {
        lines.add(line.toString());
        line.setLength(0);
      }
      if (line.length() > 0) {
        line.append(' ');
      }
      line.append(word);
    }
    if (line.length() > 0) {
      lines.add(line.toString());
    }
    return trimEnd(String.join("\r\n\t", lines));
  }

  private static Object evalTemplate(Args a, KumoContext c) {
    String dialect = a.optionalString(3, "OPT_DIALECT", "Jinja");
    if (dialect.equals("Static")) {
      return a.string(1, "SOURCE");
    }
    throw new KumoApiException(a.function() + ": the " + dialect + " template dialect is not"
        + " provided by EgressKit (allowed: 'Static'); build the text in the policy instead");
  }
}
