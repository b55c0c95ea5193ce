package dev.egresskit.cli.output;

import dev.egresskit.core.text.Printable;
import dev.egresskit.core.policy.PolicyException;
import dev.egresskit.core.policy.ScriptLocation;
import dev.egresskit.core.resolve.ResolutionException;
import dev.egresskit.core.spec.InvalidSpecException;
import dev.egresskit.core.spec.Problem;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns policy failures into lines a user (and an editor) can act on:
 * {@code script:line: what is wrong}, one per problem. A validation failure yields one line per
 * problem of its numbered list; other failures one line with their full message.
 */
public final class Failures {
  private Failures() {}

  /**
   * One reported problem.
   *
   * @param location where in the policy, when known
   * @param message  what is wrong (never containing a secret: the model redacts them)
   */
  public record Line(Optional<ScriptLocation> location, String message) {
    /**
     * {@code script:line: message}, or just the message when the location is unknown: one line,
     * its control characters escaped ({@link Printable}).
     */
    public String text() {
      String escaped = Printable.escape(message);
      return location.map(l -> l + ": " + escaped).orElse(escaped);
    }

    public Map<String, Object> view() {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("script", location.map(ScriptLocation::script).orElse(null));
      out.put("line", location.map(ScriptLocation::line).filter(l -> l > 0).orElse(null));
      out.put("message", message);
      return out;
    }
  }

  /** The lines for {@code failure}, deepest validation problems first-class. */
  public static List<Line> lines(Throwable failure) {
    InvalidSpecException invalid = find(failure, InvalidSpecException.class);
    List<Line> out = new ArrayList<>();
    if (invalid != null) {
      String prefix = prefix(failure, invalid);
      for (Problem problem : invalid.problems()) {
        out.add(new Line(Optional.of(problem.location()), prefix + withoutLocation(problem)));
      }
      return out;
    }
    Optional<ScriptLocation> location = Optional.empty();
    if (failure instanceof ResolutionException resolution) {
      location = resolution.location().filter(l -> !l.equals(ScriptLocation.JAVA));
    } else if (failure instanceof PolicyException policy) {
      location = policy.location();
    }
    String message = String.valueOf(failure.getMessage());
    // The message often repeats the same script:line (after KumoMTA's "get_egress_source 'x': "
    // prefix); it is printed once, in front.
    if (location.isPresent() && location.get().line() > 0) {
      int at = message.indexOf(location.get() + ": ");
      if (at >= 0) {
        message = message.substring(0, at)
            + message.substring(at + location.get().toString().length() + 2);
      }
    }
    out.add(new Line(location, message));
    return out;
  }

  /** KumoMTA's wrapping ({@code get_egress_source 'x': }) kept in front of each problem. */
  private static String prefix(Throwable outer, InvalidSpecException invalid) {
    String message = String.valueOf(outer.getMessage());
    int at = message.indexOf(invalid.what() + " at ");
    return at > 0 ? message.substring(0, at) : "";
  }

  private static String withoutLocation(Problem problem) {
    String text = problem.describe();
    String suffix = " at " + problem.location();
    return text.endsWith(suffix) ? text.substring(0, text.length() - suffix.length()) : text;
  }

  private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }
}
