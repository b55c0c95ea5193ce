package dev.egresskit.core.text;

/**
 * The one escaping routine for text that leaves the process outside JSON (tables, error
 * messages, log lines): names from policies, file names, usernames. Control characters would
 * otherwise forge a table row or a log line (a newline), move the cursor or recolour a
 * terminal (ESC), or reorder what a reader sees (bidirectional overrides). They are written as
 * JSON writes them — {@code \n}, {@code \r}, {@code \t}, {@code \u001b} — and a backslash as
 * {@code \\}, so the escaped text is unambiguous and reads the same as the {@code --json}
 * output. Printable text, including non-ASCII letters, is unchanged.
 */
public final class Printable {

  private Printable() {}

  /**
   * Escapes control, format and separator characters, and backslashes.
   *
   * @param text the text, or null
   * @return the escaped text ({@code "null"} for null)
   */
  public static String escape(String text) {
    if (text == null) {
      return "null";
    }
    if (clean(text)) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length() + 16);
    append(out, text, false, false);
    return out.toString();
  }

  /**
   * Escapes as {@link #escape} but keeps line feeds: for messages EgressKit composes over
   * several lines (a numbered problem list), whose untrusted parts were escaped with
   * {@link #escape} when they were put in. A carriage return is still escaped, so no line can
   * be overwritten on a terminal.
   *
   * @param text the text, or null
   * @return the escaped text ({@code "null"} for null)
   */
  public static String escapeKeepingLines(String text) {
    if (text == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder(text.length() + 16);
    append(out, text, false, true);
    return out.toString();
  }

  /**
   * The text in double quotes, escaped as by {@link #escape} and with {@code "} as
   * {@code \"}: one token of a {@code key="value"} log line, whatever the text holds.
   *
   * @param text the text
   * @return the quoted text
   */
  public static String quoted(String text) {
    StringBuilder out = new StringBuilder(text.length() + 2).append('"');
    append(out, text, true, false);
    return out.append('"').toString();
  }

  private static boolean clean(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\' || needsEscape(c)) {
        return false;
      }
    }
    return true;
  }

  private static void append(StringBuilder out, String text, boolean quote, boolean keepLines) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\\' -> out.append(keepLines ? "\\" : "\\\\");
        case '\n' -> out.append(keepLines ? "\n" : "\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '"' -> out.append(quote ? "\\\"" : "\"");
        default -> {
          if (needsEscape(c)) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
  }

  private static boolean needsEscape(char c) {
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
      return true;
    }
    if (c < 0x7f) {
      return false;
    }
    int type = Character.getType(c);
    return type == Character.FORMAT || type == Character.LINE_SEPARATOR
        || type == Character.PARAGRAPH_SEPARATOR;
  }
}
