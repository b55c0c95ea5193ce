package dev.egresskit.core.policy;

import dev.egresskit.core.grammar.Durations;
import java.time.Duration;
import java.util.Objects;

/**
 * KumoProxy's {@code tcp_keepalive} for the accepted client sockets and the outbound sockets of
 * one listener.
 *
 * @param enabled whether keepalive probes are sent at all ({@code false}: the kernel default,
 *     usually off)
 * @param time the idle period before the first probe
 * @param interval the interval between probes
 * @param retries how many unanswered probes end the connection
 */
public record TcpKeepalive(boolean enabled, Duration time, Duration interval, int retries) {

  /** KumoMTA's defaults: enabled, 5 minutes, 30 seconds, 3 probes. */
  public static final TcpKeepalive DEFAULTS =
      new TcpKeepalive(true, Duration.ofMinutes(5), Duration.ofSeconds(30), 3);

  /**
   * Checks the values.
   *
   * @throws IllegalArgumentException if a duration is not between 1 s and 32767 s (the kernel's
   *     bound for {@code TCP_KEEPIDLE}/{@code TCP_KEEPINTVL}) or retries is not 1 to 127
   */
  public TcpKeepalive {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(interval, "interval");
    checkSeconds("time", time);
    checkSeconds("interval", interval);
    if (retries < 1 || retries > 127) {
      throw new IllegalArgumentException("retries is " + retries + ": expected 1 to 127");
    }
  }

  private static void checkSeconds(String name, Duration value) {
    if (value.compareTo(Duration.ofSeconds(1)) < 0 || value.compareTo(Duration.ofSeconds(32767)) > 0) {
      throw new IllegalArgumentException(name + " is " + Durations.format(value)
          + ": expected between 1s and 32767s (the kernel's keepalive bound)");
    }
  }

  @Override
  public String toString() {
    return enabled ? "tcp_keepalive{time=" + Durations.format(time) + ", interval="
        + Durations.format(interval) + ", retries=" + retries + "}" : "tcp_keepalive{disabled}";
  }
}
