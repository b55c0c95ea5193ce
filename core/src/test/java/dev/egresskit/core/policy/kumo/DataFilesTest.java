package dev.egresskit.core.policy.kumo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.egresskit.core.policy.support.KumoApiException;
import dev.egresskit.core.policy.support.PolicyFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** KumoMTA's data-file rules, once for every binding. */
class DataFilesTest {
  @TempDir Path dir;

  private static Object json(String text) {
    return DataFiles.parse(text, "d.json", DataFiles.Format.JSON);
  }

  @Test
  void jsonCommentsOfEveryKindAreStrippedOutsideStrings() {
    assertThat(json("""
        {
          /* a block
             comment */
          "a": "x // not a comment # nor this", // line comment
          # hash comment
          "b": [1, 2.5, true, null]
        }""")).isEqualTo(Map.of("a", "x // not a comment # nor this",
        "b", java.util.Arrays.asList(1L, 2.5, true, null)));
  }

  @Test
  void aRepeatedJsonKeyKeepsTheLastValue() {
    assertThat(json("{\"a\": 1, \"a\": 2}")).isEqualTo(Map.of("a", 2L));
  }

  @Test
  void trailingContentAndEmptyInputAreErrorsWithKumoMtasTexts() {
    assertThatThrownBy(() -> json("{\"a\": 1}\n  x"))
        .isInstanceOf(KumoApiException.class)
        .hasMessage("parsing d.json as json: trailing characters at line 2 column 3");
    assertThatThrownBy(() -> json(""))
        .hasMessage("parsing d.json as json: EOF while parsing a value at line 1 column 0");
    assertThatThrownBy(() -> json("// only a comment"))
        .hasMessage("parsing d.json as json: EOF while parsing a value at line 1 column 17");
  }

  @Test
  void tomlAsKumoMtaTakesIt() {
    assertThat(DataFiles.parse("", "e.toml", DataFiles.Format.TOML)).isEqualTo(Map.of());
    assertThat(DataFiles.parse("[source.\"ip-1\"]\nremote_port = 25\nwhen = 1979-05-27T07:32:00Z\n",
        "s.toml", DataFiles.Format.TOML)).isEqualTo(Map.of("source", Map.of("ip-1",
        Map.of("remote_port", 25L, "when", Map.of(Values.TOML_DATETIME_KEY,
            "1979-05-27T07:32Z")))));
    assertThatThrownBy(() -> DataFiles.parse("a = 1\na = 2\n", "dup.toml",
        DataFiles.Format.TOML)).hasMessageStartingWith("parsing dup.toml as toml: ");
  }

  @Test
  void yamlParses() {
    assertThat(DataFiles.parse("a:\n  - 1\n  - two\n", "y", DataFiles.Format.YAML))
        .isEqualTo(Map.of("a", List.of(1L, "two")));
  }

  @Test
  void filesAreReadThroughThePolicysReadRule() throws Exception {
    Path policy = Files.createDirectories(dir.resolve("policy"));
    Files.writeString(policy.resolve("d.json"), "{\"v\": 1} # note");
    Files.writeString(dir.resolve("outside.json"), "{}");
    PolicyFiles folder = PolicyFiles.of(policy.resolve("init.lua"));
    assertThat(DataFiles.load(folder, "json_load", "d.json", DataFiles.Format.JSON))
        .isEqualTo(Map.of("v", 1L));
    assertThatThrownBy(() -> DataFiles.load(folder, "json_load", "../outside.json",
        DataFiles.Format.JSON)).hasMessageContaining("is outside the policy folder");
  }
}
