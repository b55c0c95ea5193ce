package dev.egresskit.lua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.model.Route;
import dev.egresskit.core.model.Socks5Tls;
import dev.egresskit.core.policy.PolicyEngine;
import dev.egresskit.core.resolve.ResolutionException;
import dev.egresskit.core.resolve.SourceResolver;
import dev.egresskit.core.resolve.SourceViews;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code socks5_proxy_tls} in a Lua policy; the {@code socks5_proxy_tls_ca} file is read under
 * the policy's read rule, as a password file is.
 */
class Socks5TlsPolicyTest {
  @TempDir Path root;

  private EgressSource resolve(String fields) {
    Path policy = Policies.write(root.resolve("policy"), "policy.lua",
        "kumo.on('get_egress_source', function(name)\n"
        + "  return kumo.make_egress_source { name = name,\n"
        + "    socks5_proxy_server = 'proxy.example.com:1080',\n"
        + fields + " }\n"
        + "end)\n");
    try (PolicyEngine engine = new LuaPolicyEngineProvider().load(policy, Policies.SETTINGS)) {
      return SourceResolver.builder(engine).build().resolve("s");
    }
  }

  @Test
  void theFieldsParseAndTheCaFileIsReadUnderThePolicyRule() throws Exception {
    Policies.write(root.resolve("policy"), "certs/proxy.pem", "PEM TEXT\n");
    EgressSource source = resolve(
        "    socks5_proxy_tls = true, socks5_proxy_tls_ca = 'certs/proxy.pem'");
    Socks5Tls tls = ((Route.Socks5) source.route()).tls().orElseThrow();
    assertThat(new String(tls.reader().read(tls.caFile().orElseThrow()),
        StandardCharsets.UTF_8)).isEqualTo("PEM TEXT\n");
    assertThat(SourceViews.sourceView(source)).containsEntry("socks5_proxy_tls", true)
        .containsEntry("socks5_proxy_tls_ca", "certs/proxy.pem");
  }

  @Test
  void aCaFileOutsideThePolicyFolderIsRefusedNamingTheField() {
    EgressSource source = resolve(
        "    socks5_proxy_tls = true, socks5_proxy_tls_ca = '/etc/ssl/certs/../../passwd'");
    Socks5Tls tls = ((Route.Socks5) source.route()).tls().orElseThrow();
    assertThatThrownBy(() -> tls.reader().read(tls.caFile().orElseThrow()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("socks5_proxy_tls_ca: ")
        .hasMessageContaining("outside the policy folder");
  }

  @Test
  void aWrongTypeIsAnErrorAtTheScriptLine() {
    assertThatThrownBy(() -> resolve("    socks5_proxy_tls = 'yes'"))
        .isInstanceOf(ResolutionException.class)
        .hasMessageContaining("policy.lua:2")
        .hasMessageContaining("socks5_proxy_tls")
        .hasMessageContaining("expected a boolean")
        .hasMessageContaining("true or false (default false)");
  }
}
