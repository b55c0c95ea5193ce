package dev.egresskit.lua.robustness;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Lua handler that keeps everything it allocates fills a 128 MiB heap long before its 60 s
 * deadline: the allocation that fails ends the handler with an error naming its line, the
 * interpreter is dropped, and the same JVM resolves the next name. Run in a JVM of its own
 * ({@link HeapHogMain}) so that the build's JVM never runs short of memory.
 */
class LuaHeapExhaustionRobustnessTest {
  @TempDir Path dir;

  @Test
  void aHandlerThatFillsTheHeapFailsAndTheJvmResolvesTheNextName() throws Exception {
    Path policy = Files.writeString(dir.resolve("policy.lua"),
        "kumo.on('get_egress_source', function(name)\n"
            + "  local kept = {}\n"
            + "  while name == 'hog' do kept[#kept + 1] = string.rep('x', 2^16) .. #kept end\n"
            + "  return kumo.make_egress_source{name = name}\n"
            + "end)\n");
    Process child = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
        "-cp", System.getProperty("java.class.path"), HeapHogMain.class.getName(),
        policy.toString())
        .redirectErrorStream(true).start();
    try {
      assertThat(child.waitFor(120, TimeUnit.SECONDS)).as("child JVM finished").isTrue();
      String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(output)
          .contains("hog: ")
          .contains("policy.lua:3: get_egress_source handler for 'hog' ran out of memory")
          .contains("after: normal");
      assertThat(child.exitValue()).as(output).isZero();
    } finally {
      child.destroyForcibly();
    }
  }
}
