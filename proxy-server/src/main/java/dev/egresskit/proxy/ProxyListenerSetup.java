package dev.egresskit.proxy;

import dev.egresskit.core.policy.ProxyListenerSpec;
import java.util.Objects;

/**
 * The one place where a KumoProxy listener spec ({@code proxy.start_proxy_listener{...}} or the
 * flags of {@code egresskit proxy}) becomes server settings:
 * <ul>
 *   <li>{@code listen}, {@code require_auth};</li>
 *   <li>{@code timeout} bounds the greeting, the RFC 1929 exchange, each request and the dial
 *       (KumoProxy's one handshake timeout); the relay idle timeout stays EgressKit's own;</li>
 *   <li>{@code use_tls} with {@code tls_certificate}/{@code tls_private_key}, or a self-signed
 *       certificate for {@code hostname};</li>
 *   <li>{@code tcp_keepalive};</li>
 *   <li>{@code use_splice}: see {@link #spliceWanted}.</li>
 * </ul>
 */
public final class ProxyListenerSetup {
  private ProxyListenerSetup() {}

  /**
   * Applies {@code spec} to {@code builder}.
   *
   * @param builder the server being configured (authentication and allow-lists are the
   *     caller's)
   * @param spec the listener
   * @return the builder
   * @throws IllegalArgumentException if the TLS certificate or key cannot be used, or the
   *     timeout is out of range
   */
  public static Socks5ProxyServer.Builder apply(Socks5ProxyServer.Builder builder,
      ProxyListenerSpec spec) {
    Objects.requireNonNull(builder, "builder");
    Objects.requireNonNull(spec, "spec");
    builder.listen(spec.listen())
        .requireAuth(spec.requireAuth())
        .tcpKeepalive(spec.tcpKeepalive())
        .useSplice(spliceWanted(spec));
    if (spec.where() != null) {
      // The policy form follows KumoProxy's single timeout; the flag form keeps its defaults.
      ProxyTimeouts timeouts = ProxyTimeouts.defaults()
          .withGreeting(spec.timeout())
          .withAuth(spec.timeout())
          .withRequest(spec.timeout())
          .withConnect(spec.timeout());
      builder.timeouts(timeouts);
    }
    if (spec.useTls()) {
      builder.tls(spec.tls() != null ? ProxyTls.of(spec.tls()) : ProxyTls.selfSigned(spec.hostname()));
    }
    return builder;
  }

  /**
   * Whether relays of this listener should use {@code splice(2)}: {@code use_splice}, and never
   * with TLS (the bytes must be decrypted in user space, as KumoProxy documents).
   *
   * @param spec the listener
   * @return true when splice is wanted
   */
  public static boolean spliceWanted(ProxyListenerSpec spec) {
    return spec.useSplice() && !spec.useTls();
  }
}
