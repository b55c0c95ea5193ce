package dev.egresskit.lua.patterns;

/**
 * The single-character classes of a pattern, read in place: {@code .}, {@code %x}, a set
 * {@code [...]} (with ranges, classes and {@code ^}), or a literal byte.
 */
final class PatternItems {
  private static final byte ESCAPE = '%';

  private PatternItems() {}

  /** The index just after the single-character class starting at {@code pi}. */
  static int end(byte[] p, int pi, int pEnd) {
    byte first = p[pi++];
    if (first == ESCAPE) {
      if (pi >= pEnd) {
        throw new PatternException("malformed pattern (ends with '%')");
      }
      return pi + 1;
    }
    if (first != '[') {
      return pi;
    }
    if (pi < pEnd && p[pi] == '^') {
      pi++;
    }
    // The first character of a set is a member even when it is ']'.
    do {
      if (pi >= pEnd) {
        throw new PatternException("malformed pattern (missing ']')");
      }
      byte c = p[pi++];
      if (c == ESCAPE && pi < pEnd) {
        pi++;
      }
    } while (pi >= pEnd || p[pi] != ']');
    return pi + 1;
  }

  /** Whether byte {@code b} matches the class from {@code pi} to {@code itemEnd}. */
  static boolean matches(byte[] p, int pi, int itemEnd, byte b) {
    int c = b & 0xFF;
    return switch (p[pi]) {
      case '.' -> true;
      case ESCAPE -> CharacterClass.matches(c, p[pi + 1] & 0xFF);
      case '[' -> inSet(p, c, pi, itemEnd - 1);
      default -> (p[pi] & 0xFF) == c;
    };
  }

  /** Whether byte {@code c} is in the set {@code [...]} at {@code pi} whose {@code ]} is at {@code close}. */
  static boolean inSet(byte[] p, int c, int pi, int close) {
    boolean member = true;
    int i = pi + 1;
    if (p[i] == '^') {
      member = false;
      i++;
    }
    while (i < close) {
      if (p[i] == ESCAPE) {
        if (CharacterClass.matches(c, p[i + 1] & 0xFF)) {
          return member;
        }
        i += 2;
      } else if (i + 2 < close && p[i + 1] == '-') {
        if ((p[i] & 0xFF) <= c && c <= (p[i + 2] & 0xFF)) {
          return member;
        }
        i += 3;
      } else {
        if ((p[i] & 0xFF) == c) {
          return member;
        }
        i++;
      }
    }
    return !member;
  }
}
