package dev.egresskit.proxy;

import dev.egresskit.core.grammar.Durations;
import java.time.Duration;
import java.util.Objects;

/**
 * The time limits of every phase of a proxied connection. KumoProxy has one timeout for the
 * whole handshake and none at all while relaying (its relays can hang forever, KumoMTA #508);
 * here each phase has its own bound and an idle relay is closed.
 *
 * @param greeting how long a new client may take to send its method greeting
 * @param auth how long the RFC 1929 exchange may take, including the password check
 * @param request how long the server waits for each {@code BIND}/{@code CONNECT} request
 * @param connect how long binding and dialling the destination may take; on expiry the client
 *     gets reply {@code 06} (TTL expired), as KumoProxy answers a handler timeout
 * @param idle how long a relay may go without a byte in either direction before both sides
 *     are closed
 * @param shutdown how long {@link Socks5ProxyServer#close()} lets running relays finish
 *     before it closes them
 */
public record ProxyTimeouts(
    Duration greeting,
    Duration auth,
    Duration request,
    Duration connect,
    Duration idle,
    Duration shutdown) {

  /** The longest accepted timeout: Netty's connect timeout is an {@code int} of milliseconds. */
  public static final Duration MAX = Duration.ofMillis(Integer.MAX_VALUE);

  /**
   * Validates every timeout.
   *
   * @param greeting the greeting timeout
   * @param auth the authentication timeout
   * @param request the per-request timeout
   * @param connect the bind-and-connect timeout
   * @param idle the relay idle timeout
   * @param shutdown the graceful shutdown bound
   * @throws IllegalArgumentException if a timeout is not between 1 ms and {@link #MAX}
   */
  public ProxyTimeouts {
    check("greeting", greeting);
    check("auth", auth);
    check("request", request);
    check("connect", connect);
    check("idle", idle);
    check("shutdown", shutdown);
  }

  /**
   * The defaults: greeting, auth and request 10 s each, connect 30 s, idle 10 min (longer than
   * the 10 min an SMTP server may take to answer the end of {@code DATA}, RFC 5321 §4.5.3.2),
   * shutdown 30 s.
   *
   * @return the default timeouts
   */
  public static ProxyTimeouts defaults() {
    return new ProxyTimeouts(
        Duration.ofSeconds(10),
        Duration.ofSeconds(10),
        Duration.ofSeconds(10),
        Duration.ofSeconds(30),
        Duration.ofMinutes(10),
        Duration.ofSeconds(30));
  }

  /**
   * Returns a copy with another greeting timeout.
   *
   * @param value the new timeout
   * @return the copy
   */
  public ProxyTimeouts withGreeting(Duration value) {
    return new ProxyTimeouts(value, auth, request, connect, idle, shutdown);
  }

  /**
   * Returns a copy with another auth timeout.
   *
   * @param value the new timeout
   * @return the copy
   */
  public ProxyTimeouts withAuth(Duration value) {
    return new ProxyTimeouts(greeting, value, request, connect, idle, shutdown);
  }

  /**
   * Returns a copy with another request timeout.
   *
   * @param value the new timeout
   * @return the copy
   */
  public ProxyTimeouts withRequest(Duration value) {
    return new ProxyTimeouts(greeting, auth, value, connect, idle, shutdown);
  }

  /**
   * Returns a copy with another connect timeout.
   *
   * @param value the new timeout
   * @return the copy
   */
  public ProxyTimeouts withConnect(Duration value) {
    return new ProxyTimeouts(greeting, auth, request, value, idle, shutdown);
  }

  /**
   * Returns a copy with another relay idle timeout.
   *
   * @param value the new timeout
   * @return the copy
   */
  public ProxyTimeouts withIdle(Duration value) {
    return new ProxyTimeouts(greeting, auth, request, connect, value, shutdown);
  }

  /**
   * Returns a copy with another shutdown bound.
   *
   * @param value the new bound
   * @return the copy
   */
  public ProxyTimeouts withShutdown(Duration value) {
    return new ProxyTimeouts(greeting, auth, request, connect, idle, value);
  }

  /** The timeouts as KumoMTA writes durations ({@code 10s}, {@code 10m}), not ISO-8601. */
  @Override
  public String toString() {
    return "ProxyTimeouts[greeting=" + text(greeting) + ", auth=" + text(auth) + ", request="
        + text(request) + ", connect=" + text(connect) + ", idle=" + text(idle) + ", shutdown="
        + text(shutdown) + "]";
  }

  private static void check(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.compareTo(Duration.ofMillis(1)) < 0 || value.compareTo(MAX) > 0) {
      throw new IllegalArgumentException("timeout " + name + " is " + text(value)
          + ": expected between 1ms and " + Durations.format(MAX));
    }
  }

  private static String text(Duration value) {
    return value.isNegative() ? "-" + Durations.format(value.negated()) : Durations.format(value);
  }
}
