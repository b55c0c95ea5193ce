package dev.egresskit.core.policy.kumo;

/**
 * Removes the comments KumoMTA's JSON reader ignores ({@code /* ... *\/}, {@code // ...} and
 * {@code # ...} to the end of the line) outside strings. Each removed character becomes a space
 * and line breaks stay, so error positions still point into the original text.
 */
final class JsonComments {
  private JsonComments() {}

  static String strip(String text) {
    StringBuilder out = new StringBuilder(text.length());
    int i = 0;
    int n = text.length();
    while (i < n) {
      char c = text.charAt(i);
      if (c == '"') {
        int end = stringEnd(text, i);
        out.append(text, i, end);
        i = end;
      } else if (c == '#' || (c == '/' && i + 1 < n && text.charAt(i + 1) == '/')) {
        while (i < n && text.charAt(i) != '\n') {
          out.append(' ');
          i++;
        }
      } else if (c == '/' && i + 1 < n && text.charAt(i + 1) == '*') {
        int close = text.indexOf("*/", i + 2);
        int end = close < 0 ? n : close + 2;
        for (; i < end; i++) {
          out.append(text.charAt(i) == '\n' ? '\n' : ' ');
        }
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  /** The index just past the string that starts at {@code start} (or the end of the text). */
  private static int stringEnd(String text, int start) {
    int i = start + 1;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '\\') {
        i += 2;
      } else if (c == '"') {
        return i + 1;
      } else {
        i++;
      }
    }
    return text.length();
  }
}
