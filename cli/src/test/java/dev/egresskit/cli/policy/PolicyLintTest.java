package dev.egresskit.cli.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyLintTest {

  @Test
  void theSeedsHandlerThatForgetsReturnIsReportedAtTheCallsLine() {
    String seed = """
        kumo.on('get_egress_source', function(source_name)
          if source_name == 'ip-1' then
            -- Make a source that will emit from 10.0.0.1
            kumo.make_egress_source {
              name = 'ip-1',
              source_address = '10.0.0.1',
            }
          end
          error 'you need to do something for other source names'
        end)
        """;

    List<PolicyLint.Warning> warnings = PolicyLint.scan("seed.lua", seed, true).warnings();

    assertThat(warnings).hasSize(1);
    assertThat(warnings.get(0).text()).startsWith("seed.lua:4: the value built by"
        + " kumo.make_egress_source is discarded").contains("is a 'return' missing?");
  }

  @Test
  void returnedAssignedAndNestedBuildsAreNotReported() {
    String lua = """
        local cached = kumo.make_egress_source { name = 'a' }
        kumo.on('get_egress_source', function(name)
          local s
          s = kumo.make_egress_source { name = name }
          if name == 'x' then return kumo.make_egress_source { name = name } end
          return wrap(kumo.make_egress_source { name = name }) or cached
        end)
        kumo.on('get_egress_pool', function(name)
          return kumo.make_egress_pool { name = name, entries = {} }
        end)
        """;

    assertThat(PolicyLint.scan("ok.lua", lua, true).warnings()).isEmpty();
  }

  @Test
  void callsInsideCommentsAndStringsAreIgnored() {
    String lua = """
        -- kumo.make_egress_source { name = 'commented' }
        --[[ kumo.make_egress_source { name = 'block' } ]]
        local s = [[ kumo.make_egress_source { name = 'long string' } ]]
        error("kumo.make_egress_source is needed")
        """;

    assertThat(PolicyLint.scan("c.lua", lua, true).warnings()).isEmpty();
  }

  @Test
  void javascriptStatementsThatDropTheValueAreReported() {
    String js = """
        // kumo.make_egress_source({ name: 'comment' });
        kumo.on('get_egress_source', function (name) {
          if (name === 'ip-1') {
            kumo.make_egress_source({ name: name, source_address: '10.0.0.1' });
          }
          const s = kumo.make_egress_source({ name: name });
          return name === 'x' ? kumo.make_egress_source({ name: name }) : s;
        });
        kumo.on('get_egress_pool', (name) => kumo.make_egress_pool({ name: name, entries: [] }));
        """;

    List<PolicyLint.Warning> warnings = PolicyLint.scan("p.js", js, false).warnings();

    assertThat(warnings).extracting(PolicyLint.Warning::text)
        .containsExactly("p.js:4: the value built by kumo.make_egress_source is discarded"
            + " (neither returned nor assigned); the handler returns nothing here: is a"
            + " 'return' missing?");
  }

  @Test
  void literalDataFileNamesAreFoundWithTheirLines() {
    String lua = """
        local sources = kumo.json_load('sources.json')
        local more = kumo.toml_load "more.toml"
        local dynamic = kumo.json_load(name)
        """;

    List<PolicyLint.DataFile> files = PolicyLint.scan("p.lua", lua, true).dataFiles();

    assertThat(files).extracting(PolicyLint.DataFile::name)
        .containsExactly("sources.json", "more.toml");
    assertThat(files.get(1).location().line()).isEqualTo(2);
  }
}
