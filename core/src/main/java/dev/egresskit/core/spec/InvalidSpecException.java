package dev.egresskit.core.spec;

import dev.egresskit.core.policy.ScriptLocation;
import java.util.List;

/**
 * A raw spec failed validation. Carries <b>every</b> problem found, and formats them as a
 * numbered list (Guice {@code CreationException} style):
 *
 * <pre>
 * make_egress_source at policy.lua:12: 2 problems
 *   1) source_address: invalid IP address syntax: "010.0.0.1" (allowed: ...) at policy.lua:12
 *   2) ttl: invalid value: string "90", expected a duration (allowed: ...) at policy.lua:12
 * </pre>
 *
 * <p>Problem values of secrets are always {@code <redacted>}, so the message is safe to log.
 */
public final class InvalidSpecException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient List<Problem> problems;
  private final String what;
  private final transient ScriptLocation location;

  /**
   * @param what     the function that built the spec, e.g. {@code make_egress_source}
   * @param location where it was called
   * @param problems at least one problem
   */
  public InvalidSpecException(String what, ScriptLocation location, List<Problem> problems) {
    super(format(what, location, problems));
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("an InvalidSpecException needs at least one problem");
    }
    this.what = what;
    this.location = location;
    this.problems = List.copyOf(problems);
  }

  /** Every problem, in the order found. */
  public List<Problem> problems() {
    return problems;
  }

  /** The function that built the spec, e.g. {@code make_egress_source}. */
  public String what() {
    return what;
  }

  /** Where the spec was built. */
  public ScriptLocation location() {
    return location;
  }

  private static String format(String what, ScriptLocation location, List<Problem> problems) {
    StringBuilder out = new StringBuilder();
    out.append(what).append(" at ").append(location).append(": ").append(problems.size())
        .append(problems.size() == 1 ? " problem" : " problems");
    for (int i = 0; i < problems.size(); i++) {
      out.append("\n  ").append(i + 1).append(") ").append(problems.get(i).describe());
    }
    return out.toString();
  }
}
