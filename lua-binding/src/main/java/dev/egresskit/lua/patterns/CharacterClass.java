package dev.egresskit.lua.patterns;

/**
 * The pattern classes {@code %a %c %d %g %l %p %s %u %w %x} (and the deprecated {@code %z}) over bytes as the C locale defines
 * them (bytes above 127 belong to none), and their upper-case complements. Any other character
 * after {@code %} stands for itself.
 */
final class CharacterClass {
  private CharacterClass() {}

  /** Whether byte {@code c} (0-255) belongs to the class letter {@code letter} (0-255). */
  static boolean matches(int c, int letter) {
    boolean in;
    switch (letter | 0x20) {
      case 'a' -> in = isAlpha(c);
      case 'c' -> in = c < 32 || c == 127;
      case 'd' -> in = isDigit(c);
      case 'g' -> in = isGraph(c);
      case 'l' -> in = c >= 'a' && c <= 'z';
      case 'p' -> in = isGraph(c) && !isAlpha(c) && !isDigit(c);
      case 's' -> in = c == ' ' || (c >= '\t' && c <= '\r');
      case 'u' -> in = c >= 'A' && c <= 'Z';
      case 'w' -> in = isAlpha(c) || isDigit(c);
      case 'x' -> in = isDigit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
      case 'z' -> in = c == 0; // deprecated since Lua 5.2, still accepted by 5.4
      default -> {
        return letter == c;
      }
    }
    boolean upperCase = letter >= 'A' && letter <= 'Z';
    return upperCase != in;
  }

  private static boolean isAlpha(int c) {
    int lower = c | 0x20;
    return lower >= 'a' && lower <= 'z';
  }

  private static boolean isDigit(int c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isGraph(int c) {
    return c > 32 && c < 127;
  }
}
