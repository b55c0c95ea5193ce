package dev.egresskit.lua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.egresskit.core.policy.PolicyEngine;
import dev.egresskit.core.policy.PolicyException;
import dev.egresskit.core.policy.PolicyUsage;
import dev.egresskit.core.policy.ScriptLocation;
import dev.egresskit.core.policy.HttpListenerSpec;
import dev.egresskit.core.policy.ProxyListenerSpec;
import dev.egresskit.core.policy.TcpKeepalive;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** KumoProxy's {@code proxy} module: listener tables, defaults, the duration grammar, errors. */
class ProxyPolicyTest {
  @TempDir Path dir;

  @Test
  void proxyInitRecordsListenersWithKumoMtaDefaults() {
    try (PolicyEngine engine = Policies.load(dir, """
        local proxy = require 'proxy'
        kumo.on('proxy_init', function()
          proxy.start_proxy_listener { listen = '127.0.0.1:1080' }
          kumo.start_proxy_listener {
            listen = '[::1]:1081', timeout = 90, use_splice = false, require_auth = true,
            hostname = 'proxy.example',
            tcp_keepalive = { enabled = false, time = '2m', interval = 15, retries = 4 },
          }
          proxy.start_http_listener {}
          proxy.start_http_listener { listen = '0.0.0.0:9000', trusted_hosts = { '10.0.0.0/8' } }
        end)
        """)) {
      assertThat(engine.usage().proxyListeners()).isEmpty();
      engine.fire("proxy_init");

      List<ProxyListenerSpec> listeners = engine.usage().proxyListeners();
      assertThat(listeners).hasSize(2);
      ProxyListenerSpec first = listeners.get(0);
      assertThat(first.listen()).isEqualTo(new InetSocketAddress("127.0.0.1", 1080));
      assertThat(first.timeout()).isEqualTo(Duration.ofSeconds(60));
      assertThat(first.useSplice()).isTrue();
      assertThat(first.useTls()).isFalse();
      assertThat(first.requireAuth()).isFalse();
      assertThat(first.tls()).isNull();
      assertThat(first.hostname()).isNotBlank();
      assertThat(first.tcpKeepalive()).isEqualTo(TcpKeepalive.DEFAULTS)
          .isEqualTo(new TcpKeepalive(true, Duration.ofMinutes(5), Duration.ofSeconds(30), 3));
      assertThat(first.where()).isEqualTo(new ScriptLocation("policy.lua", 3));
      ProxyListenerSpec second = listeners.get(1);
      assertThat(second.listen()).isEqualTo(new InetSocketAddress("::1", 1081));
      assertThat(second.timeout()).isEqualTo(Duration.ofSeconds(90));
      assertThat(second.useSplice()).isFalse();
      assertThat(second.requireAuth()).isTrue();
      assertThat(second.hostname()).isEqualTo("proxy.example");
      assertThat(second.tcpKeepalive()).isEqualTo(
          new TcpKeepalive(false, Duration.ofMinutes(2), Duration.ofSeconds(15), 4));

      List<HttpListenerSpec> http = engine.usage().httpListeners();
      assertThat(http).extracting(HttpListenerSpec::listen).containsExactly(
          new InetSocketAddress("127.0.0.1", 8000), new InetSocketAddress("0.0.0.0", 9000));
      assertThat(http).extracting(HttpListenerSpec::trustedHosts).containsExactly(
          List.of("127.0.0.1", "::1"), List.of("10.0.0.0/8"));
    }
  }

  @Test
  void theKumoAliasesOutsideProxyInitStayInertAsInAnMtaPolicy() {
    try (PolicyEngine engine = Policies.load(dir, """
        kumo.start_http_listener { listen = '0.0.0.0:8000', use_tls = true, request_body_limit = 1 }
        kumo.on('init', function()
          kumo.start_proxy_listener { anything = true }
        end)
        """)) {
      PolicyUsage usage = engine.usage();
      assertThat(usage.inertCalls()).extracting(PolicyUsage.InertCall::function)
          .contains("kumo.start_http_listener", "kumo.start_proxy_listener");
      assertThat(usage.proxyListeners()).isEmpty();
      assertThat(usage.httpListeners()).isEmpty();
    }
  }

  @Test
  void mistakesAreErrorsAtTheCallingLineNamingTheFieldAndTheAllowedForm() {
    assertThat(failure("proxy.start_proxy_listener { listen = '127.0.0.1:1', timeout = '90' }"))
        .isEqualTo("policy.lua:3: proxy.start_proxy_listener: timeout: invalid value:"
            + " string \"90\", expected a duration (a number of seconds, or text such as"
            + " '30 seconds' or '5m')");
    assertThat(failure("proxy.start_proxy_listener { listen = '127.0.0.1:1',"
        + " tcp_keepalive = { idle = '1m' } }"))
        .endsWith("proxy.start_proxy_listener: unknown field tcp_keepalive.idle; allowed"
            + " fields: tcp_keepalive {enabled, time, interval, retries}");
    assertThat(failure("proxy.start_proxy_listener { listen = '127.0.0.1:1',"
        + " tcp_keepalive = { retries = 0 } }"))
        .endsWith("tcp_keepalive.retries is 0: expected 1 to 127");
    assertThat(failure("proxy.start_proxy_listener { listen = 'localhost:1080' }"))
        .endsWith("proxy.start_proxy_listener: listen \"localhost:1080\": invalid IP address"
            + " syntax: expected <ip>:<port> such as 0.0.0.0:1080 or [::1]:1080");
    assertThat(failure("proxy.start_proxy_listener { timeout = '1m' }"))
        .endsWith("proxy.start_proxy_listener: missing field listen");
    assertThat(failure("proxy.start_proxy_listener { listen = '127.0.0.1:1', use_tls = 'yes' }"))
        .endsWith("use_tls must be true or false, got a string");
    assertThat(failure("proxy.start_proxy_listener { listen = '127.0.0.1:1', use_tls = true,"
        + " tls_certificate = { vault_mount = 'secret', vault_path = 'x' },"
        + " tls_private_key = { vault_mount = 'secret', vault_path = 'y' } }"))
        .contains("tls_certificate from HashiCorp Vault is not supported by EgressKit");
    assertThat(failure("proxy.start_proxy_listener { listen = '127.0.0.1:1',"
        + " tls_certificate = 'cert.pem' }"))
        .endsWith("tls_certificate without tls_private_key: give both, or neither for a"
            + " self-signed certificate");
    assertThat(failure("proxy.start_http_listener { trusted_hosts = { '10.0.0.0/33' } }"))
        .endsWith("proxy.start_http_listener: trusted_hosts[1] \"10.0.0.0/33\": prefix must be"
            + " 0 to 32: expected an IP literal or <ip>/<prefix> such as 10.0.0.0/8 or ::1");
    assertThat(failure("proxy.start_http_listener { hostname = 'x', request_body_limit = 1 }"))
        .endsWith("proxy.start_http_listener: hostname, request_body_limit are not supported by"
            + " EgressKit (KumoMTA documents them; EgressKit's HTTP listener is plain HTTP"
            + " without authentication); supported fields: listen, trusted_hosts");
  }

  private String failure(String call) {
    try (PolicyEngine engine = Policies.load(dir, "local proxy = require 'proxy'\n"
        + "kumo.on('proxy_init', function()\n  " + call + "\nend)\n")) {
      assertThatThrownBy(() -> engine.fire("proxy_init")).isInstanceOf(PolicyException.class);
      try {
        engine.fire("proxy_init");
        throw new AssertionError("no failure");
      } catch (PolicyException e) {
        return e.getMessage();
      }
    }
  }
}
