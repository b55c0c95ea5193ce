package dev.egresskit.sink;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Scripted failures: what the sink does instead of its normal reply, per command verb. The
 * pseudo-verb {@link #BANNER} stands for the greeting sent on connect.
 *
 * <pre>{@code
 * SinkScript.normal()
 *     .reply("MAIL", "451 4.3.0 try again later")
 *     .disconnect("RCPT")
 *     .silent(SinkScript.BANNER);
 * }</pre>
 */
public final class SinkScript {

  /** The pseudo-verb for the greeting. */
  public static final String BANNER = "BANNER";

  /** What to do instead of the normal reply. */
  public sealed interface Action permits Reply, Disconnect, Silent, Delay {}

  /**
   * Send this reply (one or more lines separated by {@code \n}, each a full SMTP reply line).
   *
   * @param text the reply, e.g. {@code 451 4.3.0 try again later}
   */
  public record Reply(String text) implements Action {
    public Reply {
      Objects.requireNonNull(text, "text");
    }
  }

  /** Close the connection without replying. */
  public record Disconnect() implements Action {}

  /** Never reply; the session stays open until the idle timeout or the client closes. */
  public record Silent() implements Action {}

  /**
   * Give the normal reply after a delay.
   *
   * @param delay how long to wait first
   */
  public record Delay(Duration delay) implements Action {
    public Delay {
      Objects.requireNonNull(delay, "delay");
    }
  }

  private static final SinkScript NORMAL = new SinkScript(Map.of());

  private final Map<String, Action> actions;

  private SinkScript(Map<String, Action> actions) {
    this.actions = actions;
  }

  /** No scripted failures. */
  public static SinkScript normal() {
    return NORMAL;
  }

  /** A copy that answers {@code verb} with {@code replyText}. */
  public SinkScript reply(String verb, String replyText) {
    return with(verb, new Reply(replyText));
  }

  /** A copy that closes the connection when {@code verb} arrives. */
  public SinkScript disconnect(String verb) {
    return with(verb, new Disconnect());
  }

  /** A copy that never answers {@code verb}. */
  public SinkScript silent(String verb) {
    return with(verb, new Silent());
  }

  /** A copy that answers {@code verb} normally after {@code delay}. */
  public SinkScript delay(String verb, Duration delay) {
    return with(verb, new Delay(delay));
  }

  /** The scripted action for {@code verb} (case-insensitive), if any. */
  public Optional<Action> actionFor(String verb) {
    return Optional.ofNullable(actions.get(verb.toUpperCase(Locale.ROOT)));
  }

  private SinkScript with(String verb, Action action) {
    Map<String, Action> copy = new TreeMap<>(actions);
    copy.put(verb.toUpperCase(Locale.ROOT), action);
    return new SinkScript(Map.copyOf(copy));
  }

  @Override
  public String toString() {
    return "SinkScript" + new TreeMap<>(actions);
  }
}
