package dev.egresskit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.egresskit.cli.output.Json;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckCommandTest {
  private static final String BROKEN = """
      kumo.on('get_egress_source', function(name)
        if name == 'bad-fields' then
          return kumo.make_egress_source {
            name = name,
            source_address = '010.0.0.1',
            remote_port = 70000,
            ttl = '90',
          }
        elseif name == 'forgot-return' then
          kumo.make_egress_source { name = name }
        elseif name == 'wrong-name' then
          return kumo.make_egress_source { name = 'other' }
        else
          error('no source named ' .. name)
        end
      end)
      """;

  @TempDir Path dir;

  @Test
  void checkOnABrokenPolicyListsEveryProblemWithScriptAndLineAndExitsTwo() {
    Path policy = Policies.write(dir, "broken.lua", BROKEN);

    Cli.Result result = Cli.run("check", "--policy", policy.toString(), "bad-fields",
        "forgot-return", "wrong-name", "unknown");

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
    assertThat(result.out())
        .contains("broken.lua (lua): loaded")
        .contains("broken.lua:3: get_egress_source 'bad-fields': source_address: invalid IP"
            + " address syntax")
        .contains("broken.lua:3: get_egress_source 'bad-fields': remote_port: invalid value:"
            + " integer `70000`, expected u16")
        .contains("broken.lua:3: get_egress_source 'bad-fields': ttl: invalid value: string"
            + " \"90\", expected a duration")
        .contains("get_egress_source 'forgot-return': the get_egress_source handler in"
            + " broken.lua returned nothing")
        .contains("broken.lua:12: get_egress_source 'wrong-name': the get_egress_source handler"
            + " returned a value named 'other'")
        .contains("broken.lua:14: get_egress_source 'unknown': no source named unknown")
        .contains("warning  broken.lua:10: the value built by kumo.make_egress_source is"
            + " discarded")
        .contains("6 problems (4 of 4 names failed, 1 warning)");
  }

  @Test
  void checkJsonListsProblemsWithScriptAndLineAsFields() throws Exception {
    Path policy = Policies.write(dir, "broken.lua", BROKEN);

    Cli.Result result = Cli.run("check", "--policy", policy.toString(), "--json", "bad-fields");

    assertThat(result.exitCode()).isEqualTo(2);
    JsonNode json = Json.mapper().readTree(result.out());
    assertThat(json.get("problems")).hasSize(3);
    JsonNode first = json.get("problems").get(0);
    assertThat(first.get("name").asText()).isEqualTo("bad-fields");
    assertThat(first.get("script").asText()).isEqualTo("broken.lua");
    assertThat(first.get("line").asInt()).isEqualTo(3);
    assertThat(json.get("warnings").get(0).get("line").asInt()).isEqualTo(10);
  }

  @Test
  void withoutNamesCheckResolvesStaticDefinitionsAndDataFileSources() throws Exception {
    Policies.write(dir, "sources.json", """
        { "source": { "ip-1": { "source_address": "10.0.0.1" },
                      "ip-2": { "source_address": "10.0.0.300" } },
          "pool": { "warm": { "ip-1": { "weight": 2 } } } }
        """);
    Path policy = Policies.write(dir, "policy.lua", """
        local data = kumo.json_load('sources.json')
        kumo.define_egress_source { name = 'static-1' }
        kumo.on('get_egress_source', function(name)
          if name == 'static-1' then return kumo.make_egress_source { name = name } end
          local fields = data.source[name]
          return kumo.make_egress_source { name = name, source_address = fields.source_address }
        end)
        kumo.on('get_egress_pool', function(name)
          local entries = {}
          for source, entry in pairs(data.pool[name]) do
            table.insert(entries, { name = source, weight = entry.weight })
          end
          return kumo.make_egress_pool { name = name, entries = entries }
        end)
        """);

    Cli.Result result = Cli.run("check", "--policy", policy.toString());

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
    assertThat(result.out())
        .contains("ok       static-1")
        .contains("ok       ip-1  direct from 10.0.0.1")
        .contains("error    ip-2")
        .contains("policy.lua:6: get_egress_source 'ip-2': source_address: invalid IP address"
            + " syntax")
        .contains("ok       pool warm  1 entry");
  }

  @Test
  void aPolicyThatDoesNotLoadIsReportedWithItsLine() {
    Path policy = Policies.write(dir, "syntax.lua", """
        kumo.on('get_egress_source', function(name)
          return kumo.make_egress_source { name = name
        end)
        """);

    Cli.Result result = Cli.run("check", "--policy", policy.toString(), "ip-1");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.out()).contains("syntax.lua (lua): does not load").contains("syntax.lua:");
  }

  @Test
  void aCleanPolicyPassesWithExitZero() {
    Path policy = Policies.write(dir, "ok.lua", """
        kumo.on('get_egress_source', function(name)
          return kumo.make_egress_source { name = name, source_address = '127.0.0.2' }
        end)
        """);

    Cli.Result result = Cli.run("check", "--policy", policy.toString(), "ip-1", "ip-2");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).contains("no problems (2 checked, 0 warnings)");
  }
}
