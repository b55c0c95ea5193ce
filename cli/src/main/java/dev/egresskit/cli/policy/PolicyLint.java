package dev.egresskit.cli.policy;

import dev.egresskit.core.policy.ScriptLocation;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A static scan of a policy's text for two things {@code check} reports without running it.
 *
 * <ul>
 *   <li><b>Discarded builds</b>: a {@code kumo.make_egress_source}/{@code make_egress_pool} call
 *       whose value is thrown away, i.e. the call is a statement of its own (the previous token
 *       is not {@code return}, {@code =}, {@code (}, {@code ,}, an operator or a table/array
 *       opener). KumoMTA's own documentation examples do this: the handler builds a source and
 *       falls off the end, returning nothing.</li>
 *   <li><b>Data files</b>: the literal file names passed to {@code kumo.json_load} and
 *       {@code kumo.toml_load}, so {@code check} can find the names they define.</li>
 * </ul>
 *
 * <p>It is a token scan, not a parser: comments and string literals are skipped (so a name in
 * an error message is not a call), and a value stored in a variable that is never returned is
 * not detected. The resolver still catches that case at run time ("returned nothing").
 */
public final class PolicyLint {

  /** Tokens after which a call's value is used. */
  private static final Set<String> USING = Set.of("return", "=", "(", ",", "[", ":", "or", "and",
      "not", "..", "=>", "?", "||", "&&", "==", "~=", "!=", "===", "!==", "local");

  /**
   * One finding.
   *
   * @param location where the call is
   * @param message  what is wrong
   */
  record Warning(ScriptLocation location, String message) {
    String text() {
      return location + ": " + message;
    }
  }

  /** A literal data-file name passed to a loader, and where. */
  record DataFile(String name, ScriptLocation location) {}

  /** Scan results. */
  public record Result(List<Warning> warnings, List<DataFile> dataFiles) {}

  private PolicyLint() {}

  /**
   * Scans {@code text}.
   *
   * @param scriptName the name used in locations
   * @param lua        true for Lua syntax, false for JavaScript
   */
  public static Result scan(String scriptName, String text, boolean lua) {
    List<Token> tokens = new Lexer(text, lua).tokens();
    List<Warning> warnings = new ArrayList<>();
    List<DataFile> dataFiles = new ArrayList<>();
    for (int i = 0; i < tokens.size(); i++) {
      Token t = tokens.get(i);
      if (!t.word || !(t.text.equals("make_egress_source") || t.text.equals("make_egress_pool"))) {
        if (t.word && (t.text.equals("json_load") || t.text.equals("toml_load"))
            && isKumoMember(tokens, i)) {
          int arg = i + 1;
          if (arg < tokens.size() && tokens.get(arg).text.equals("(")) {
            arg++;
          }
          if (arg < tokens.size() && tokens.get(arg).string) {
            dataFiles.add(new DataFile(tokens.get(arg).text,
                new ScriptLocation(scriptName, tokens.get(arg).line)));
          }
        }
        continue;
      }
      if (!isKumoMember(tokens, i)) {
        continue;
      }
      int before = i - 3; // the token before "kumo" "."
      boolean used = before >= 0 && USING.contains(tokens.get(before).text)
          // A Lua table constructor { kumo.make_...{} } keeps the value.
          || before >= 0 && lua && tokens.get(before).text.equals("{");
      if (!used) {
        warnings.add(new Warning(new ScriptLocation(scriptName, t.line),
            "the value built by kumo." + t.text + " is discarded (neither returned nor"
                + " assigned); the handler returns nothing here: is a 'return' missing?"));
      }
    }
    return new Result(warnings, dataFiles);
  }

  private static boolean isKumoMember(List<Token> tokens, int i) {
    return i >= 2 && tokens.get(i - 1).text.equals(".") && tokens.get(i - 2).text.equals("kumo");
  }

  /**
   * A token: a word, a string literal's content, or punctuation.
   */
  private record Token(String text, int line, boolean word, boolean string) {}

  /** Splits source text into tokens, dropping comments and keeping string contents. */
  private static final class Lexer {
    private final String s;
    private final boolean lua;
    private int pos;
    private int line = 1;

    Lexer(String s, boolean lua) {
      this.s = s;
      this.lua = lua;
    }

    List<Token> tokens() {
      List<Token> out = new ArrayList<>();
      while (pos < s.length()) {
        char c = s.charAt(pos);
        if (c == '\n') {
          line++;
          pos++;
        } else if (Character.isWhitespace(c)) {
          pos++;
        } else if (lua && s.startsWith("--", pos)) {
          pos += 2;
          int level = longBracket();
          if (level >= 0) {
            skipLongBracket(level);
          } else {
            skipToEol();
          }
        } else if (!lua && s.startsWith("//", pos)) {
          skipToEol();
        } else if (!lua && s.startsWith("/*", pos)) {
          skipUntil("*/");
        } else if (c == '"' || c == '\'' || (!lua && c == '`')) {
          int startLine = line;
          out.add(new Token(quoted(c), startLine, false, true));
        } else if (lua && c == '[' && longBracket() >= 0) {
          int startLine = line;
          int level = longBracket();
          int start = pos + level + 2;
          skipLongBracket(level);
          out.add(new Token(s.substring(Math.min(start, s.length()),
              Math.max(start, pos - level - 2)), startLine, false, true));
        } else if (Character.isJavaIdentifierStart(c)) {
          int start = pos;
          while (pos < s.length() && Character.isJavaIdentifierPart(s.charAt(pos))) {
            pos++;
          }
          out.add(new Token(s.substring(start, pos), line, true, false));
        } else if (Character.isDigit(c)) {
          int start = pos;
          while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos))
              || s.charAt(pos) == '.')) {
            pos++;
          }
          out.add(new Token(s.substring(start, pos), line, true, false));
        } else {
          String op = operator();
          out.add(new Token(op, line, false, false));
          pos += op.length();
        }
      }
      return out;
    }

    private String operator() {
      for (String op : List.of("===", "!==", "...", "==", "~=", "!=", "=>", "..", "||", "&&",
          "<=", ">=")) {
        if (s.startsWith(op, pos)) {
          return op;
        }
      }
      return String.valueOf(s.charAt(pos));
    }

    /** At "[", "[=[", ...: the level (number of '='), or -1 when not a long bracket. */
    private int longBracket() {
      if (pos >= s.length() || s.charAt(pos) != '[') {
        return -1;
      }
      int i = pos + 1;
      while (i < s.length() && s.charAt(i) == '=') {
        i++;
      }
      return i < s.length() && s.charAt(i) == '[' ? i - pos - 1 : -1;
    }

    private void skipLongBracket(int level) {
      String close = "]" + "=".repeat(level) + "]";
      pos += level + 2;
      skipUntil(close);
    }

    private void skipUntil(String close) {
      int end = s.indexOf(close, pos);
      int stop = end < 0 ? s.length() : end + close.length();
      countLines(pos, stop);
      pos = stop;
    }

    private void skipToEol() {
      int end = s.indexOf('\n', pos);
      pos = end < 0 ? s.length() : end;
    }

    private String quoted(char quote) {
      StringBuilder text = new StringBuilder();
      pos++;
      while (pos < s.length() && s.charAt(pos) != quote) {
        char c = s.charAt(pos);
        if (c == '\\' && pos + 1 < s.length()) {
          text.append(s.charAt(pos + 1));
          if (s.charAt(pos + 1) == '\n') {
            line++;
          }
          pos += 2;
          continue;
        }
        if (c == '\n') {
          line++;
          if (quote != '`') {
            break; // unterminated: let the engine report it
          }
        }
        text.append(c);
        pos++;
      }
      pos++;
      return text.toString();
    }

    private void countLines(int from, int to) {
      for (int i = from; i < to && i < s.length(); i++) {
        if (s.charAt(i) == '\n') {
          line++;
        }
      }
    }
  }
}
