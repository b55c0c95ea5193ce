package dev.egresskit.lua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.egresskit.core.policy.Hook;
import dev.egresskit.core.policy.PolicyEngine;
import dev.egresskit.core.policy.PolicyException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataFilesTest {
  @TempDir Path dir;

  private void runHandler(Path folder, String body) {
    try (PolicyEngine engine = new LuaPolicyEngineProvider().load(Policies.write(folder,
        "policy.lua", "kumo.on('get_egress_source', function(name)\n" + body + "\nend)\n"),
        Policies.SETTINGS)) {
      assertThat(engine.invoke(Hook.GET_EGRESS_SOURCE, "ip-1", Policies.NO_LOOKUP)).isNull();
    }
  }

  @Test
  void jsonLoadReadsAFileRelativeToThePolicyFolder() {
    Policies.write(dir, "data/sources.json", "{\"source\": {\"ip-1\": {\"source_address\":"
        + " \"10.0.0.1\", \"remote_port\": 2525, \"ttl\": 1.5, \"on\": true,"
        + " \"tags\": [\"a\", \"b\"]}}}");
    runHandler(dir, "local d = kumo.json_load('data/sources.json')\n"
        + "local s = d.source[name]\n"
        + "assert(s.source_address == '10.0.0.1' and s.remote_port == 2525 and s.ttl == 1.5)\n"
        + "assert(s.on == true and #s.tags == 2 and s.tags[2] == 'b')\n");
  }

  @Test
  void tomlLoadReadsTheSourcesHelperFormat() {
    Policies.write(dir, "sources.toml", "[source.\"ip-1\"]\nsource_address = \"10.0.0.1\"\n"
        + "ttl = \"5 mins\"\n\n[pool.\"p\"]\n[pool.\"p\".\"ip-1\"]\nweight = 2\n");
    runHandler(dir, "local d = kumo.toml_load('sources.toml')\n"
        + "assert(d.source['ip-1'].source_address == '10.0.0.1')\n"
        + "assert(d.source['ip-1'].ttl == '5 mins')\n"
        + "assert(d.pool.p['ip-1'].weight == 2)\n");
  }

  @Test
  void theFileIsReadAgainOnEveryCall() throws Exception {
    Path data = Policies.write(dir, "d.json", "{\"v\": 1}");
    try (PolicyEngine engine = Policies.load(dir, "kumo.on('get_egress_source', function(name)\n"
        + "  error('v=' .. kumo.json_load('d.json').v)\nend)\n")) {
      assertThatThrownBy(() -> engine.invoke(Hook.GET_EGRESS_SOURCE, "a", Policies.NO_LOOKUP))
          .hasMessage("policy.lua:2: v=1");
      Files.writeString(data, "{\"v\": 2}");
      assertThatThrownBy(() -> engine.invoke(Hook.GET_EGRESS_SOURCE, "a", Policies.NO_LOOKUP))
          .hasMessage("policy.lua:2: v=2");
    }
  }

  @Test
  void badJsonNamesFileLineAndColumn() {
    Policies.write(dir, "bad.json", "{\n  \"a\": ,\n}");
    assertThatThrownBy(() -> runHandler(dir, "kumo.json_load('bad.json')"))
        .isInstanceOf(PolicyException.class)
        .hasMessageStartingWith("policy.lua:2: parsing bad.json as json: ")
        .hasMessageEndingWith("at line 2 column 8");
  }

  @Test
  void badTomlIsReported() {
    Policies.write(dir, "bad.toml", "[source\nx = 1\n");
    assertThatThrownBy(() -> runHandler(dir, "return kumo.toml_load('bad.toml')"))
        .isInstanceOf(PolicyException.class)
        .hasMessageStartingWith("policy.lua:2: parsing bad.toml as toml: ");
  }

  @Test
  void pathsOutsideThePolicyFolderAreRefused() throws Exception {
    Path policyDir = Files.createDirectories(dir.resolve("policy"));
    Path secret = Policies.write(dir, "secret.json", "{\"password\": \"x\"}");
    Files.createSymbolicLink(policyDir.resolve("link.json"), secret);
    for (String path : new String[] {"../secret.json", secret.toString(), "link.json",
        "sub/../../secret.json"}) {
      assertThatThrownBy(() -> runHandler(policyDir, "kumo.json_load('" + path + "')"))
          .as(path)
          .isInstanceOf(PolicyException.class)
          .hasMessageStartingWith("policy.lua:2: json_load: '" + path + "'")
          .hasMessageNotContaining("password");
    }
  }

  @Test
  void aMissingFileIsReported() {
    assertThatThrownBy(() -> runHandler(dir, "kumo.toml_load('nope.toml')"))
        .hasMessageStartingWith("policy.lua:2: toml_load: 'nope.toml' does not exist");
  }
}
