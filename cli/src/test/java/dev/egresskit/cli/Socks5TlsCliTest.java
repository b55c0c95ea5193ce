package dev.egresskit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code check} and {@code resolve} accept and show {@code socks5_proxy_tls}. */
class Socks5TlsCliTest {
  private static final String POLICY = """
      kumo.on('get_egress_source', function(name)
        return kumo.make_egress_source {
          name = name,
          socks5_proxy_server = 'proxy.example.com:1080',
          socks5_proxy_tls = true,
          socks5_proxy_tls_ca = 'proxy-ca.pem',
        }
      end)
      """;

  @TempDir Path dir;

  @Test
  void checkAcceptsTheFieldsAndResolveShowsThem() {
    Path policy = Policies.write(dir, "policy.lua", POLICY);

    Cli.Result check = Cli.run("check", "--policy", policy.toString(), "ip-1");
    assertThat(check.exitCode()).as(check.toString()).isZero();
    assertThat(check.out()).contains("ok       ip-1");

    Cli.Result table = Cli.run("resolve", "--policy", policy.toString(), "ip-1");
    assertThat(table.exitCode()).as(table.toString()).isZero();
    assertThat(table.out()).contains("via proxy.example.com:1080 tls ca proxy-ca.pem");

    Cli.Result json = Cli.run("resolve", "--policy", policy.toString(), "--json", "ip-1");
    assertThat(json.out()).contains("\"socks5_proxy_tls\" : true")
        .contains("\"socks5_proxy_tls_ca\" : \"proxy-ca.pem\"");
  }

  @Test
  void checkReportsAWrongTypeWithLineFieldAndAllowedForm() {
    Path policy = Policies.write(dir, "policy.lua",
        POLICY.replace("socks5_proxy_tls = true", "socks5_proxy_tls = 'yes'"));

    Cli.Result check = Cli.run("check", "--policy", policy.toString(), "ip-1");
    assertThat(check.exitCode()).as(check.toString()).isEqualTo(2);
    assertThat(check.out()).contains("policy.lua:2").contains("socks5_proxy_tls")
        .contains("expected a boolean");
  }
}
