package dev.egresskit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.egresskit.cli.output.Json;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResolveCommandTest {
  private static final String POLICY = """
      kumo.on('get_egress_source', function(name)
        if name == 'direct' then
          return kumo.make_egress_source {
            name = name, source_address = '127.0.0.2', ehlo_domain = 'a.example', ttl = '5 mins',
          }
        elseif name == 'socks' then
          return kumo.make_egress_source {
            name = name,
            socks5_proxy_server = '127.0.0.1:1080',
            socks5_proxy_source_address = '127.0.0.4',
            socks5_proxy_username = 'mta1',
            socks5_proxy_password = { key_data = 'hunter2-secret' },
          }
        end
        error('no source named ' .. name)
      end)
      kumo.on('get_egress_pool', function(name)
        return kumo.make_egress_pool {
          name = name,
          entries = { { name = 'direct', weight = 3 }, { name = 'socks' } },
        }
      end)
      """;

  @TempDir Path dir;

  @Test
  void resolvePrintsATableWithTheRouteOfEachSource() {
    Path policy = Policies.write(dir, "policy.lua", POLICY);

    Cli.Result result = Cli.run("resolve", "--policy", policy.toString(), "direct", "socks");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out().lines().toList()).containsExactly(
        "SOURCE  ROUTE                BIND       VIA                                          EHLO       PORT  TTL",
        "direct  direct               127.0.0.2  -                                            a.example  -     5m",
        "socks   socks5 bind+connect  -          via 127.0.0.1:1080 bind 127.0.0.4 user mta1  -          -     1m");
    assertThat(result.out() + result.err()).doesNotContain("hunter2");
  }

  @Test
  void resolveJsonUsesKumoMtaFieldNamesAndRedactsThePassword() throws Exception {
    Path policy = Policies.write(dir, "policy.lua", POLICY);

    Cli.Result result = Cli.run("resolve", "--policy", policy.toString(), "--json", "socks");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).doesNotContain("hunter2");
    JsonNode socks = Json.mapper().readTree(result.out()).get("sources").get(0);
    assertThat(socks.get("socks5_proxy_server").asText()).isEqualTo("127.0.0.1:1080");
    assertThat(socks.get("socks5_proxy_source_address").asText()).isEqualTo("127.0.0.4");
    assertThat(socks.get("socks5_proxy_username").asText()).isEqualTo("mta1");
    assertThat(socks.get("socks5_proxy_password").asText()).isEqualTo("<redacted>");
    assertThat(socks.get("ttl").asText()).isEqualTo("1m");
  }

  @Test
  void aPoolIsShownWithItsWeightsAndEveryEntrysRoute() throws Exception {
    Path policy = Policies.write(dir, "policy.lua", POLICY);

    Cli.Result text = Cli.run("resolve", "--policy", policy.toString(), "--pool", "warm");
    Cli.Result json = Cli.run("resolve", "--policy", policy.toString(), "--pool", "warm", "--json");

    assertThat(text.exitCode()).isZero();
    assertThat(text.out()).contains("pool warm (ttl 1m, 2 entries)")
        .contains("direct  3       direct")
        .contains("socks   1       socks5 bind+connect");
    JsonNode pool = Json.mapper().readTree(json.out()).get("pools").get(0);
    assertThat(pool.get("entries").get(1).get("weight").asInt()).isEqualTo(1);
  }

  @Test
  void aHandlerErrorIsReportedWithScriptAndLineAndExitsTwo() {
    Path policy = Policies.write(dir, "policy.lua", POLICY);

    Cli.Result result = Cli.run("resolve", "--policy", policy.toString(), "direct", "nope");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.out()).contains("direct");
    assertThat(result.err()).contains("error: ").contains("get_egress_source 'nope'")
        .contains("policy.lua:15: get_egress_source 'nope': no source named nope");
  }

  @Test
  void theUncachedImplementationCanBeChosenAndAnUnknownOneIsBadInput() {
    Path policy = Policies.write(dir, "policy.lua", POLICY);

    Cli.Result uncached = Cli.run("resolve", "--policy", policy.toString(), "--cache", "uncached",
        "direct");
    Cli.Result unknown = Cli.run("resolve", "--policy", policy.toString(), "--cache", "nope",
        "direct");

    assertThat(uncached.exitCode()).isZero();
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.err()).contains("--cache nope: no such cache implementation (available:"
        + " lruttl, uncached)");
  }

  @Test
  void aMissingPolicyOrNoNamesIsBadUsage() {
    Cli.Result missing = Cli.run("resolve", "--policy", dir.resolve("nope.lua").toString(), "x");
    Cli.Result noNames = Cli.run("resolve", "--policy", dir.resolve("nope.lua").toString());
    Cli.Result unknownLanguage = Cli.run("resolve", "--policy",
        Policies.write(dir, "policy.py", "print(1)").toString(), "x");

    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).contains("nope.lua: no such file");
    assertThat(noNames.exitCode()).isEqualTo(2);
    assertThat(noNames.err()).contains("give at least one source NAME or --pool NAME");
    assertThat(unknownLanguage.exitCode()).isEqualTo(2);
    assertThat(unknownLanguage.err()).contains("no policy engine handles .py");
  }
}
