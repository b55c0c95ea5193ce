package dev.egresskit.core.grammar;

/**
 * Rust's {@code char::is_whitespace} (the Unicode {@code White_Space} property), which differs
 * from {@link Character#isWhitespace} (that one excludes no-break spaces and includes U+001C..1F).
 */
final class Whitespace {
  private Whitespace() {}

  static boolean is(int cp) {
    return (cp >= 0x09 && cp <= 0x0d) || cp == 0x20 || cp == 0x85 || cp == 0xa0 || cp == 0x1680
        || (cp >= 0x2000 && cp <= 0x200a) || cp == 0x2028 || cp == 0x2029 || cp == 0x202f
        || cp == 0x205f || cp == 0x3000;
  }
}
