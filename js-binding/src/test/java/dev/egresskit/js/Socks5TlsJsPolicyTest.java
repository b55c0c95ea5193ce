package dev.egresskit.js;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.model.Route;
import dev.egresskit.core.policy.PolicyEngine;
import dev.egresskit.core.policy.PolicyEngines;
import dev.egresskit.core.policy.PolicySettings;
import dev.egresskit.core.resolve.SourceResolver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code socks5_proxy_tls} and {@code socks5_proxy_tls_ca} in a JavaScript policy. */
class Socks5TlsJsPolicyTest {
  private static final PolicySettings SETTINGS = new PolicySettings(1, Duration.ofSeconds(5));

  @TempDir Path dir;

  private EgressSource resolve(String fields) throws Exception {
    Path policy = Files.writeString(dir.resolve("policy.js"),
        "kumo.on('get_egress_source', function (name) {\n"
        + "  return kumo.make_egress_source({ name: name,\n"
        + "    socks5_proxy_server: '127.0.0.1:1080', " + fields + " });\n"
        + "});\n");
    try (PolicyEngine engine = PolicyEngines.load(policy, SETTINGS)) {
      return SourceResolver.builder(engine).build().resolve("s");
    }
  }

  @Test
  void theFieldsParse() throws Exception {
    Route.Socks5 route = (Route.Socks5) resolve(
        "socks5_proxy_tls: true, socks5_proxy_tls_ca: 'ca.pem'").route();
    assertThat(route.tls().orElseThrow().caFile()).contains(Path.of("ca.pem"));
    assertThat(((Route.Socks5) resolve("socks5_proxy_tls: false").route()).tls()).isEmpty();
  }

  @Test
  void aCaWithoutTlsIsAnErrorNamingTheField() {
    assertThatThrownBy(() -> resolve("socks5_proxy_tls_ca: 'ca.pem'"))
        .hasMessageContaining("policy.js:2")
        .hasMessageContaining("socks5_proxy_tls_ca is set but socks5_proxy_tls is not true");
  }
}
