package dev.egresskit.lua;

import java.util.Optional;

/**
 * Finds the first use of syntax that Lua 5.3 and 5.4 added and LuaJ (Lua 5.2) cannot compile:
 * the floor division {@code //}, the bitwise operators {@code & | ~ << >>}, and the
 * {@code <const>}/{@code <close>} attributes. A small scanner that skips strings and comments,
 * run only when a chunk failed to compile, so that the error can name the real cause.
 */
final class Lua53Syntax {

  /**
   * One use of newer syntax.
   *
   * @param line    the 1-based line
   * @param what    what it is, e.g. {@code the floor division operator //}
   * @param instead what to write in Lua 5.2
   */
  record Use(int line, String what, String instead) {}

  private static final String BITWISE =
      "use bit32.band, bit32.bor, bit32.bxor, bit32.bnot, bit32.lshift, bit32.rshift";

  private final String text;
  private int i;
  private int line = 1;

  private Lua53Syntax(String text) {
    this.text = text;
  }

  /** The first use of Lua 5.3+ syntax in {@code source}, if any. */
  static Optional<Use> firstUse(String source) {
    return Optional.ofNullable(new Lua53Syntax(source).scan());
  }

  private Use scan() {
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '\n') {
        line++;
        i++;
      } else if (c == '-' && peek(1) == '-') {
        i += 2;
        int level = longBracket();
        if (level >= 0) {
          skipLong(level);
        } else {
          while (i < text.length() && text.charAt(i) != '\n') {
            i++;
          }
        }
      } else if (c == '"' || c == '\'') {
        skipQuoted(c);
      } else if (c == '[' && longBracket() >= 0) {
        skipLong(longBracket());
      } else {
        Use use = operator(c);
        if (use != null) {
          return use;
        }
        i++;
      }
    }
    return null;
  }

  private Use operator(char c) {
    switch (c) {
      case '/':
        return peek(1) == '/' ? new Use(line, "the floor division operator //",
            "write math.floor(a / b)") : null;
      case '&':
        return new Use(line, "the bitwise operator &", BITWISE);
      case '|':
        return new Use(line, "the bitwise operator |", BITWISE);
      case '~':
        return peek(1) == '=' ? skipOne() : new Use(line, "the bitwise operator ~", BITWISE);
      case '<':
        if (peek(1) == '<') {
          return new Use(line, "the shift operator <<", BITWISE);
        }
        return attribute();
      case '>':
        return peek(1) == '>' ? new Use(line, "the shift operator >>", BITWISE) : null;
      default:
        return null;
    }
  }

  private Use skipOne() {
    i++;
    return null;
  }

  /** {@code <const>} or {@code <close>} after a local's name. */
  private Use attribute() {
    int j = i + 1;
    while (j < text.length() && (text.charAt(j) == ' ' || text.charAt(j) == '\t')) {
      j++;
    }
    for (String name : new String[] {"const", "close"}) {
      if (text.startsWith(name, j)) {
        int k = j + name.length();
        while (k < text.length() && (text.charAt(k) == ' ' || text.charAt(k) == '\t')) {
          k++;
        }
        if (k < text.length() && text.charAt(k) == '>') {
          return new Use(line, "the <" + name + "> attribute", name.equals("const")
              ? "drop it: local x = ..." : "drop it and close the value explicitly");
        }
      }
    }
    return null;
  }

  private char peek(int ahead) {
    return i + ahead < text.length() ? text.charAt(i + ahead) : '\0';
  }

  /** At {@code [}: the level of a long bracket {@code [==[} starting here, or -1. */
  private int longBracket() {
    if (i >= text.length() || text.charAt(i) != '[') {
      return -1;
    }
    int j = i + 1;
    while (j < text.length() && text.charAt(j) == '=') {
      j++;
    }
    return j < text.length() && text.charAt(j) == '[' ? j - i - 1 : -1;
  }

  private void skipLong(int level) {
    i += level + 2;
    String close = "]" + "=".repeat(level) + "]";
    int end = text.indexOf(close, i);
    int stop = end < 0 ? text.length() : end + close.length();
    for (; i < stop; i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
  }

  private void skipQuoted(char quote) {
    i++;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '\\') {
        if (peek(1) == '\n') {
          line++;
        }
        i += 2;
      } else if (c == quote || c == '\n') {
        i++;
        if (c == '\n') {
          line++;
        }
        return;
      } else {
        i++;
      }
    }
  }
}
