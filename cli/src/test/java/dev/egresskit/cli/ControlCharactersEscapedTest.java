package dev.egresskit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.egresskit.cli.output.ExitCodes;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Names a policy or the file system chose never reach the terminal raw (issue #21.6): a newline
 * cannot forge a table row or an error line, an ESC cannot recolour or clear the screen.
 */
class ControlCharactersEscapedTest {
  private static final String ESC = "\u001b";
  // A source name that would forge a whole row and clear the screen if printed raw.
  private static final String POLICY = """
      local evil = 'ok\\nforged  direct  127.0.0.9\\27[2J\\r'
      kumo.on('get_egress_source', function(name)
        return kumo.make_egress_source { name = name, source_address = '127.0.0.2' }
      end)
      kumo.on('get_egress_pool', function(name)
        return kumo.make_egress_pool { name = name, entries = { { name = evil } } }
      end)
      """;

  @TempDir Path dir;

  private static void assertNoRawControls(Cli.Result result) {
    String all = result.out() + result.err();
    assertThat(all).doesNotContain(ESC).doesNotContain("\r");
    assertThat(all.lines()).noneMatch(line -> line.startsWith("forged"));
  }

  @Test
  void aSourceNameInATableIsEscaped() {
    Path policy = Policies.write(dir, "policy.lua", POLICY);
    Cli.Result result = Cli.run("resolve", "--policy", policy.toString(),
        "ok\nforged  direct  127.0.0.9" + ESC + "[2J\r");
    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertNoRawControls(result);
    assertThat(result.out()).contains("ok\\nforged  direct  127.0.0.9\\u001b[2J\\r");
  }

  @Test
  void aPoolEntryNameInAnErrorIsEscaped() {
    Path policy = Policies.write(dir, "policy.lua", POLICY.replace(
        "return kumo.make_egress_source { name = name,",
        "error('no source ' .. name) return kumo.make_egress_source { name = name,"));
    Cli.Result result = Cli.run("resolve", "--policy", policy.toString(), "--pool", "p");
    assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.BAD_INPUT);
    assertNoRawControls(result);
    assertThat(result.err()).contains("ok\\nforged  direct  127.0.0.9\\u001b[2J\\r");
  }

  @Test
  void aPolicyFileNameInAnErrorIsEscaped() {
    Path policy = Policies.write(dir, "bad" + ESC + "[31m\nforged.lua", "this is not lua");
    Cli.Result result = Cli.run("check", "--policy", policy.toString());
    assertThat(result.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertNoRawControls(result);
    assertThat(result.out() + result.err()).contains("bad\\u001b[31m\\nforged.lua");
  }
}
