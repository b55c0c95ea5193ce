package dev.egresskit.core.policy;

import dev.egresskit.core.text.Printable;
import java.util.Objects;

/**
 * Where in a policy script something happened.
 *
 * @param script the script's file name as the user wrote it (for example {@code policy.lua})
 * @param line   the 1-based line, or 0 when unknown
 */
public record ScriptLocation(String script, int line) {

  /** For values built by Java code rather than by a script. */
  public static final ScriptLocation JAVA = new ScriptLocation("<java>", 0);

  public ScriptLocation {
    Objects.requireNonNull(script, "script");
    if (line < 0) {
      throw new IllegalArgumentException("line must be >= 0: " + line);
    }
  }

  /**
   * {@code script:line}, or just {@code script} when the line is unknown; control characters in
   * the script's name are escaped ({@link Printable}), as this text ends up in messages.
   */
  @Override
  public String toString() {
    String name = Printable.escape(script);
    return line > 0 ? name + ":" + line : name;
  }
}
