package dev.egresskit.core.grammar;

import java.net.IDN;

/**
 * Host-name syntax as KumoMTA checks a proxy's host ({@code hickory Name::from_str_relaxed}): the
 * name is split into labels at unescaped dots (backslash escapes, including {@code \DDD} octal,
 * are understood); control and white-space characters are rejected; each label is first tried as
 * an internationalised label (IDNA, via {@link IDN#toASCII}) and, if the whole name fails that
 * way, every label is checked as a plain ASCII label: letters, digits, {@code _}, {@code -} (not
 * first), {@code *} (first only), at most 63 bytes, and the whole name at most 253 characters
 * (255 bytes encoded). A trailing dot is allowed. The error of the ASCII pass is reported, as in
 * KumoMTA ({@code Malformed label: ::1}, {@code unrecognized char:  }).
 */
final class HostNames {
  private HostNames() {}

  /** Returns {@code null} when {@code name} is acceptable, otherwise hickory's reason. */
  static String check(String name) {
    if (name.equals(".")) {
      return null;
    }
    if (parse(name, true) == null) {
      return null;
    }
    return parse(name, false);
  }

  private enum State { LABEL, ESCAPE1, ESCAPE2, ESCAPE3 }

  private static String parse(String name, boolean utf8) {
    StringBuilder label = new StringBuilder();
    int[] encodedLength = {1};
    State state = State.LABEL;
    int first = 0;
    int second = 0;
    for (int i = 0; i < name.length(); ) {
      int ch = name.codePointAt(i);
      i += Character.charCount(ch);
      switch (state) {
        case LABEL -> {
          if (ch == '.') {
            String err = appendLabel(label.toString(), utf8, encodedLength);
            if (err != null) {
              return err;
            }
            label.setLength(0);
          } else if (ch == '\\') {
            state = State.ESCAPE1;
          } else if (!Character.isISOControl(ch) && !Whitespace.is(ch)) {
            label.appendCodePoint(ch);
          } else {
            return "unrecognized char: " + new String(Character.toChars(ch));
          }
        }
        case ESCAPE1 -> {
          if (numeric(ch)) {
            first = octal(ch);
            if (first < 0) {
              return "illegal char: " + new String(Character.toChars(ch));
            }
            state = State.ESCAPE2;
          } else {
            label.appendCodePoint(ch);
            state = State.LABEL;
          }
        }
        case ESCAPE2 -> {
          if (!numeric(ch)) {
            return "unrecognized char: " + new String(Character.toChars(ch));
          }
          second = octal(ch);
          if (second < 0) {
            return "illegal char: " + new String(Character.toChars(ch));
          }
          state = State.ESCAPE3;
        }
        case ESCAPE3 -> {
          if (!numeric(ch)) {
            return "unrecognized char: " + new String(Character.toChars(ch));
          }
          int third = octal(ch);
          if (third < 0) {
            return "illegal char: " + new String(Character.toChars(ch));
          }
          label.appendCodePoint(first * 64 + second * 8 + third);
          state = State.LABEL;
        }
        default -> throw new IllegalStateException(state.name());
      }
    }
    if (label.length() > 0) {
      return appendLabel(label.toString(), utf8, encodedLength);
    }
    return null;
  }

  /** Rust's {@code char::is_numeric}: categories Nd, Nl and No. */
  private static boolean numeric(int ch) {
    int type = Character.getType(ch);
    return type == Character.DECIMAL_DIGIT_NUMBER || type == Character.LETTER_NUMBER
        || type == Character.OTHER_NUMBER;
  }

  private static int octal(int ch) {
    return ch >= '0' && ch <= '7' ? ch - '0' : -1;
  }

  private static String appendLabel(String label, boolean utf8, int[] encodedLength) {
    String ascii = label;
    if (utf8 && !label.equals("*") && !label.startsWith("_")) {
      try {
        ascii = IDN.toASCII(label, IDN.USE_STD3_ASCII_RULES);
      } catch (IllegalArgumentException e) {
        return "Label contains invalid characters: " + e.getMessage();
      }
    }
    String err = asciiLabel(ascii);
    if (err != null) {
      return err;
    }
    int bytes = ascii.length();
    int next = encodedLength[0] + bytes + 1;
    if (next > 255) {
      return "name label data exceed 255: " + next;
    }
    encodedLength[0] = next;
    return null;
  }

  private static String asciiLabel(String s) {
    int bytes = s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    if (bytes > 63) {
      return "label bytes exceed 63: " + bytes;
    }
    if (s.equals("*")) {
      return null;
    }
    boolean ok = !s.isEmpty();
    for (int i = 0; ok && i < s.length(); i++) {
      ok = safeAscii(s.charAt(i), i == 0);
    }
    return ok ? null : "Malformed label: " + s;
  }

  private static boolean safeAscii(char c, boolean first) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_') {
      return true;
    }
    return (c == '-' && !first) || (c == '*' && first) || c == '.';
  }
}
