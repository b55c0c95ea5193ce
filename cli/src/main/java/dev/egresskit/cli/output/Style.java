package dev.egresskit.cli.output;

/**
 * ANSI styling that is only applied when the output is a terminal (and {@code NO_COLOR} is not
 * set), so piped output and {@code --json} stay plain text.
 *
 * @param enabled whether escape sequences are written at all
 */
public record Style(boolean enabled) {

  /** No escape sequences. */
  public static final Style PLAIN = new Style(false);

  /** Colour when stdout is a terminal and the user has not opted out with {@code NO_COLOR}. */
  public static Style detect() {
    String noColor = System.getenv("NO_COLOR");
    return new Style(System.console() != null && (noColor == null || noColor.isEmpty()));
  }

  public String bold(String text) {
    return wrap("1", text);
  }

  public String green(String text) {
    return wrap("32", text);
  }

  public String red(String text) {
    return wrap("31", text);
  }

  public String yellow(String text) {
    return wrap("33", text);
  }

  private String wrap(String code, String text) {
    return enabled ? "\u001b[" + code + "m" + text + "\u001b[0m" : text;
  }
}
