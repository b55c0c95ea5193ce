package dev.egresskit.core.policy.kumo;

import dev.egresskit.core.policy.support.KumoApiException;
import dev.egresskit.core.text.CheckedText;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * {@code kumo.regex.compile} and {@code kumo.regex.escape}. The compiled object has KumoMTA's
 * methods ({@code captures}, {@code is_match}, {@code find}, {@code find_all}, {@code replace},
 * {@code replace_all}, {@code replacen}, {@code split}); Rust's {@code (?P<name>...)} groups,
 * {@code $name}/{@code ${name}} replacements and names with {@code _} work. Every match is bounded
 * by the handler deadline ({@link CheckedText}).
 */
final class KumoRegex {
  private static final Pattern GROUP_NAME =
      Pattern.compile("\\(\\?P?<([A-Za-z_][A-Za-z0-9_]*)>|\\(\\?P=([A-Za-z_][A-Za-z0-9_]*)\\)"
          + "|\\\\k<([A-Za-z_][A-Za-z0-9_]*)>");
  private static final String META = "\\.+*?()|[]{}^$#&-~";

  private KumoRegex() {}

  static void register(KumoLibrary.Builder b) {
    b.real("regex.compile", (a, c) -> compile(a.string(0, "PATTERN"), c));
    b.real("regex.escape", (a, c) -> {
      StringBuilder out = new StringBuilder();
      a.string(0, "TEXT").codePoints().forEach(cp -> {
        if (cp < 128 && META.indexOf(cp) >= 0) {
          out.append('\\');
        }
        out.appendCodePoint(cp);
      });
      return out.toString();
    });
  }

  /** A compiled pattern and the Rust names of its groups, by Java group name. */
  private record Compiled(Pattern pattern, List<String> names) {}

  private static Map<String, Object> compile(String source, KumoContext context) {
    Compiled compiled = translate(source);
    String fn = "regex:";
    Map<String, Object> object = new LinkedHashMap<>();
    object.put("captures", method(args -> captures(compiled, text(args, 0, context, fn
        + "captures"))));
    object.put("is_match", method(args ->
        compiled.pattern().matcher(text(args, 0, context, fn + "is_match")).find()));
    object.put("find", method(args -> {
      Matcher m = compiled.pattern().matcher(text(args, 0, context, fn + "find"));
      return m.find() ? m.group() : null;
    }));
    object.put("find_all", method(args -> {
      Matcher m = compiled.pattern().matcher(text(args, 0, context, fn + "find_all"));
      List<Object> out = new ArrayList<>();
      while (m.find()) {
        out.add(m.group());
      }
      return out;
    }));
    object.put("replace", method(args -> replace(compiled, text(args, 0, context, fn
        + "replace"), 1, string(args, 1, "REPLACEMENT"))));
    object.put("replace_all", method(args -> replace(compiled, text(args, 0, context, fn
        + "replace_all"), 0, string(args, 1, "REPLACEMENT"))));
    object.put("replacen", method(args -> replace(compiled, text(args, 0, context, fn
        + "replacen"), count(args.size() > 1 ? args.get(1) : null), string(args, 2,
        "REPLACEMENT"))));
    object.put("split", method(args -> {
      CheckedText text = text(args, 0, context, fn + "split");
      Matcher m = compiled.pattern().matcher(text);
      List<Object> out = new ArrayList<>();
      int last = 0;
      while (m.find()) {
        out.add(text.toString().substring(last, m.start()));
        last = m.end();
      }
      out.add(text.toString().substring(last));
      return out;
    }));
    return object;
  }

  private static KumoMethod method(ScriptFunction body) {
    return new KumoMethod(body);
  }

  /** Gives groups Java-legal names ({@code g0}, {@code g1}, ...) and keeps the Rust names. */
  private static Compiled translate(String source) {
    List<String> names = new ArrayList<>();
    Matcher m = GROUP_NAME.matcher(source);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      if (m.group(1) != null) {
        names.add(m.group(1));
        m.appendReplacement(out, "(?<g" + (names.size() - 1) + ">");
      } else {
        String ref = m.group(2) != null ? m.group(2) : m.group(3);
        int index = names.indexOf(ref);
        m.appendReplacement(out, Matcher.quoteReplacement(index < 0 ? m.group()
            : "\\k<g" + index + ">"));
      }
    }
    m.appendTail(out);
    try {
      return new Compiled(Pattern.compile(out.toString()), names);
    } catch (PatternSyntaxException e) {
      throw new KumoApiException("kumo.regex.compile: invalid regular expression '" + source
          + "': " + e.getDescription() + " near index " + e.getIndex());
    }
  }

  private static Object captures(Compiled compiled, CheckedText text) {
    Matcher m = compiled.pattern().matcher(text);
    if (!m.find()) {
      return null;
    }
    Map<Object, Object> out = new LinkedHashMap<>();
    for (int i = 0; i <= m.groupCount(); i++) {
      if (m.group(i) != null) {
        out.put((long) i, m.group(i));
      }
    }
    for (int i = 0; i < compiled.names().size(); i++) {
      String value = m.group("g" + i);
      if (value != null) {
        out.put(compiled.names().get(i), value);
      }
    }
    return out;
  }

  private static String replace(Compiled compiled, CheckedText text, long limit,
      String replacement) {
    Matcher m = compiled.pattern().matcher(text);
    StringBuilder out = new StringBuilder();
    int last = 0;
    long done = 0;
    while ((limit == 0 || done < limit) && m.find()) {
      out.append(text, last, m.start());
      expand(compiled, m, replacement, out);
      last = m.end();
      done++;
    }
    out.append(text.toString().substring(last));
    return out.toString();
  }

  /** Rust's replacement syntax: {@code $N}, {@code $name}, {@code ${name}}, {@code $$}. */
  private static void expand(Compiled compiled, Matcher m, String replacement,
      StringBuilder out) {
    int i = 0;
    while (i < replacement.length()) {
      char c = replacement.charAt(i);
      if (c != '$' || i + 1 >= replacement.length()) {
        out.append(c);
        i++;
        continue;
      }
      if (replacement.charAt(i + 1) == '$') {
        out.append('$');
        i += 2;
        continue;
      }
      String name;
      int end;
      if (replacement.charAt(i + 1) == '{') {
        int close = replacement.indexOf('}', i + 2);
        if (close < 0) {
          out.append(c);
          i++;
          continue;
        }
        name = replacement.substring(i + 2, close);
        end = close + 1;
      } else {
        end = i + 1;
        while (end < replacement.length() && (Character.isLetterOrDigit(replacement.charAt(end))
            || replacement.charAt(end) == '_')) {
          end++;
        }
        name = replacement.substring(i + 1, end);
        if (name.isEmpty()) {
          out.append(c);
          i++;
          continue;
        }
      }
      out.append(group(compiled, m, name));
      i = end;
    }
  }

  private static String group(Compiled compiled, Matcher m, String name) {
    String value = null;
    if (name.chars().allMatch(Character::isDigit)) {
      int index = Integer.parseInt(name);
      value = index <= m.groupCount() ? m.group(index) : null;
    } else if (compiled.names().contains(name)) {
      value = m.group("g" + compiled.names().indexOf(name));
    }
    return value == null ? "" : value;
  }

  private static CheckedText text(List<Object> args, int index, KumoContext context,
      String function) {
    long deadlineNanos = context.deadlineNanos();
    return new CheckedText(string(args, index, "HAYSTACK"), () -> {
      if (System.nanoTime() - deadlineNanos > 0 || Thread.currentThread().isInterrupted()) {
        throw new KumoApiException(function + ": the regular expression was stopped at the"
            + " policy handler deadline (it backtracks too much on this input)");
      }
    });
  }

  private static String string(List<Object> args, int index, String name) {
    Object value = index < args.size() ? args.get(index) : null;
    if (value instanceof String s) {
      return s;
    }
    throw new KumoApiException("regex method: argument " + name + " must be a string, got "
        + Values.describe(value));
  }

  private static long count(Object value) {
    if (value instanceof Long l && l >= 0) {
      return l;
    }
    throw new KumoApiException("regex:replacen: LIMIT must be a whole number of at least 0, got "
        + Values.describe(value));
  }
}
