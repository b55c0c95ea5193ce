package dev.egresskit.core.policy;

import dev.egresskit.core.grammar.IpLiterals;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;

/**
 * The HTTP listener {@code proxy.start_http_listener{...}} asks for: {@code /metrics} and
 * {@code /proxy/status}, answered only to {@code trusted_hosts}.
 *
 * @param listen where to listen (default {@code 127.0.0.1:8000})
 * @param trustedHosts IP literals or CIDR networks allowed to use it (default
 *     {@code 127.0.0.1}, {@code ::1})
 * @param where the call, for messages
 */
public record HttpListenerSpec(InetSocketAddress listen, List<String> trustedHosts,
    ScriptLocation where) {

  /** KumoMTA's default {@code trusted_hosts}. */
  public static final List<String> DEFAULT_TRUSTED = List.of("127.0.0.1", "::1");

  /** Copies the list. */
  public HttpListenerSpec {
    Objects.requireNonNull(listen, "listen");
    trustedHosts = List.copyOf(trustedHosts);
  }

  @Override
  public String toString() {
    return "listen=" + IpLiterals.format(listen) + " trusted_hosts=" + trustedHosts;
  }
}
