package dev.egresskit.lua.patterns;

/**
 * A malformed pattern or replacement, or a pattern too complex to match, with the message Lua 5.4
 * gives for it (for example {@code malformed pattern (ends with '%')}).
 */
public final class PatternException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  PatternException(String message) {
    super(message, null, false, false);
  }
}
