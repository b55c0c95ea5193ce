package dev.egresskit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code check} and {@code resolve} on the field rules of issue 15 (point 6: when the rules that
 * need several fields run) and issue 21 (point 2: EHLO names that can never be sent).
 */
class CheckFieldTimingTest {
  @TempDir Path dir;

  @Test
  void aFieldProbeLoadsAndAHalfConfiguredSourceFailsWhenResolvedAtItsMakeLine() {
    Path policy = Policies.write(dir, "probe.lua", """
        kumo.make_egress_source { name = 'dummy', ha_proxy_server = '10.0.0.1:5000' }
        kumo.on('get_egress_source', function(name)
          return kumo.make_egress_source { name = name, ha_proxy_server = '10.0.0.1:5000' }
        end)
        """);

    Cli.Result result = Cli.run("resolve", "--policy", policy.toString(), "half");

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
    assertThat(result.err()).contains("probe.lua:3: get_egress_source 'half': ha_proxy_server:"
        + " ha_proxy_server is set but ha_proxy_source_address is not");
  }

  @Test
  void aHalfConfiguredDefinitionIsReportedByCheckAtItsMakeLine() {
    Path policy = Policies.write(dir, "defined.lua", """
        kumo.define_egress_source { name = 'ok', source_address = '10.0.0.1' }
        kumo.define_egress_source { name = 'half', ha_proxy_source_address = '10.0.0.2' }
        """);

    Cli.Result result = Cli.run("check", "--policy", policy.toString());

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
    assertThat(result.out()).contains("defined.lua (lua): loaded")
        .contains("ok       ok  direct from 10.0.0.1")
        .contains("defined.lua:2: get_egress_source 'half': ha_proxy_source_address:"
            + " ha_proxy_source_address is set but ha_proxy_server is not")
        .contains("1 problem (1 of 2 names failed");
  }

  @Test
  void anEhloNameWithALineBreakIsAProblemAndNotAnInternalErrorLater() {
    Path policy = Policies.write(dir, "crlf.lua", """
        kumo.on('get_egress_source', function(name)
          return kumo.make_egress_source { name = name, ehlo_domain = 'mta1\\r\\nRSET' }
        end)
        """);

    Cli.Result check = Cli.run("check", "--policy", policy.toString(), "ip-1");
    Cli.Result probe = Cli.run("probe", "--policy", policy.toString(), "-s", "ip-1",
        "127.0.0.1:9");

    assertThat(check.exitCode()).as(check.toString()).isEqualTo(2);
    assertThat(check.out()).contains("crlf.lua:2: get_egress_source 'ip-1': ehlo_domain: invalid"
        + " value: string \"mta1\\r\\nRSET\", expected an EHLO name that can be sent on the"
        + " wire: control character U+000D");
    assertThat(probe.exitCode()).as(probe.toString()).isEqualTo(2);
    assertThat(probe.err()).contains("control character U+000D").doesNotContain("internal error");
  }

  @Test
  void checkWarnsButDoesNotFailAboutABareIpAddressAsEhloName() {
    Path policy = Policies.write(dir, "bare.lua", """
        kumo.on('get_egress_source', function(name)
          local ehlo = { ['v4'] = '192.0.2.1', ['v6'] = '2001:db8::1', ['lit'] = '[192.0.2.1]' }
          return kumo.make_egress_source { name = name, ehlo_domain = ehlo[name] }
        end)
        """);

    Cli.Result result = Cli.run("check", "--policy", policy.toString(), "v4", "v6", "lit");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out())
        .contains("warning  bare.lua: source 'v4': ehlo_domain 192.0.2.1 is a bare IP address,"
            + " which SMTP servers commonly refuse; write the address literal [192.0.2.1]")
        .contains("source 'v6': ehlo_domain 2001:db8::1 is a bare IP address, which SMTP servers"
            + " commonly refuse; write the address literal [IPv6:2001:db8::1]")
        .doesNotContain("source 'lit'")
        .contains("no problems (3 checked, 2 warnings)");
  }
}
