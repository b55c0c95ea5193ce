package dev.egresskit.js;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.egresskit.core.policy.support.KumoApiException;
import org.junit.jupiter.api.Test;

class DataFilesTest {

  @Test
  void jsonIsReencodedUnchanged() {
    assertThat(DataFiles.toJson(DataFiles.Format.JSON, "s.json",
        "{\"source\": {\"ip-1\": {\"source_address\": \"10.0.0.1\", \"remote_port\": 25}},"
            + " \"list\": [1, 2.5, true, null]}"))
        .isEqualTo("{\"source\":{\"ip-1\":{\"source_address\":\"10.0.0.1\",\"remote_port\":25}},"
            + "\"list\":[1,2.5,true,null]}");
  }

  @Test
  void tomlTablesBecomeObjects() {
    assertThat(DataFiles.toJson(DataFiles.Format.TOML, "s.toml",
        "[source.\"ip-1\"]\nsource_address = \"10.0.0.1\"\nttl = 90\n\n"
            + "[pool.\"p\".\"ip-1\"]\nweight = 2\n"))
        .isEqualTo("{\"source\":{\"ip-1\":{\"source_address\":\"10.0.0.1\",\"ttl\":90}},"
            + "\"pool\":{\"p\":{\"ip-1\":{\"weight\":2}}}}");
  }

  @Test
  void invalidJsonNamesTheFileLineAndColumn() {
    assertThatThrownBy(() -> DataFiles.toJson(DataFiles.Format.JSON, "data/s.json",
        "{\n  \"a\": 1,\n  \"b\": }"))
        .isInstanceOf(KumoApiException.class)
        .hasMessageStartingWith("json_load: 'data/s.json' is not valid JSON at line 3, column");
  }

  @Test
  void duplicateJsonKeysAndTrailingContentAreErrors() {
    assertThatThrownBy(() -> DataFiles.toJson(DataFiles.Format.JSON, "d.json",
        "{\"a\": 1, \"a\": 2}"))
        .hasMessageContaining("Duplicate field 'a'");
    assertThatThrownBy(() -> DataFiles.toJson(DataFiles.Format.JSON, "t.json", "{} {}"))
        .hasMessageStartingWith("json_load: 't.json' is not valid JSON");
  }

  @Test
  void invalidTomlNamesTheFileAndLine() {
    assertThatThrownBy(() -> DataFiles.toJson(DataFiles.Format.TOML, "s.toml",
        "[source]\nname = \n"))
        .hasMessageStartingWith("toml_load: 's.toml' is not valid TOML at line 2");
  }

  @Test
  void anEmptyJsonFileIsAnError() {
    assertThatThrownBy(() -> DataFiles.toJson(DataFiles.Format.JSON, "e.json", "  "))
        .hasMessage("json_load: 'e.json' is empty (allowed: JSON text)");
  }
}
