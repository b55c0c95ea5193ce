package dev.egresskit.js;

import static org.assertj.core.api.Assertions.assertThat;

import dev.egresskit.core.policy.PolicyUsage;
import dev.egresskit.core.policy.support.PolicyFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.script.CompiledScript;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The interpreters of one policy share compiled code and nothing else: what one policy run
 * changes in its global (globals, built-in prototypes, the sandbox's wrappers, the kumo names
 * it made) is not seen by another interpreter of the same policy, loaded before or after.
 *
 * <p>Not covered, because it does not hold (Nashorn 15, see docs/robustness.md): a property
 * <em>added</em> to a built-in prototype ({@code Object.prototype.x = ...}) can be read wrongly
 * by code shared with another interpreter that linked the same property access first.
 */
class JsInterpreterIsolationTest {
  private static final String POLICY = """
      var calls = 0;
      kumo.on('mutate', function () {
        calls++;
        leaked = 'polluted';
        Object.prototype.toString = function () { return 'polluted'; };
        Array.prototype.join = function () { return 'polluted'; };
        String.prototype.trim = function () { return 'polluted'; };
        RegExp.prototype.exec = function () { return ['polluted']; };
        JSON.parse = function () { return 'polluted'; };
        Math.max = function () { return -1; };
        var split = kumo.string.split;
        return calls;
      });
      kumo.on('look', function () {
        return calls + ' ' + [1, 2].join('+') + ' ' + typeof leaked + ' ' + ({}).toString()
          + ' ' + ' x '.trim() + ' ' + /\\d/.exec('a1')[0] + ' ' + JSON.parse('7') + ' '
          + Math.max(1, 2) + ' ' + kumo.string.split('a,b', ',').length;
      });
      """;

  @TempDir
  Path dir;

  private JsInterpreter load(JsRuntime runtime, CompiledScript policy) {
    return JsInterpreter.load(runtime, policy, "policy.js", PolicyFiles.of(dir.resolve(
        "policy.js")), Duration.ofSeconds(10), false, new PolicyUsage());
  }

  @Test
  void whatOneInterpreterChangesNoOtherSees() throws Exception {
    Files.writeString(dir.resolve("policy.js"), POLICY);
    JsRuntime runtime = JsRuntime.shared();
    CompiledScript policy = runtime.compile("policy.js",
        DeadlineChecks.instrument("policy.js", POLICY));
    JsInterpreter before = load(runtime, policy);
    JsInterpreter changed = load(runtime, policy);

    assertThat(changed.call("mutate", List.of())).isEqualTo(1L);
    assertThat(changed.call("look", List.of()))
        .isEqualTo("1 polluted string polluted polluted polluted polluted -1 2");

    String pristine = "0 1+2 undefined [object Object] x 1 7 2 2";
    assertThat(before.call("look", List.of())).isEqualTo(pristine);
    assertThat(load(runtime, policy).call("look", List.of())).isEqualTo(pristine);
  }

  /** Each global's script context makes its output stream on first use: print still prints. */
  @Test
  void printWritesToStandardOutput() throws IOException {
    String text = "print('hello from ' + 'the policy');\n";
    Files.writeString(dir.resolve("policy.js"), text);
    JsRuntime runtime = JsRuntime.shared();
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      load(runtime, runtime.compile("policy.js", DeadlineChecks.instrument("policy.js", text)));
    } catch (javax.script.ScriptException e) {
      throw new AssertionError(e);
    } finally {
      System.setOut(original);
    }
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("hello from the policy"
        + System.lineSeparator());
  }
}
