package dev.egresskit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A policy file that is not UTF-8 is bad input: exit 2, its line, no stack trace (issue #21.8). */
class NonUtf8PolicyTest {
  @TempDir Path dir;

  @Test
  void aJavaScriptPolicyWithOneNonUtf8ByteExitsTwoNamingTheLine() throws IOException {
    byte[] head = ("kumo.on('get_egress_source', function (name) {\n"
        + "  return kumo.make_egress_source({ name: name, ehlo_domain: 'caf").getBytes(
            StandardCharsets.US_ASCII);
    byte[] tail = ".example' });\n});\n".getBytes(StandardCharsets.US_ASCII);
    byte[] source = new byte[head.length + 1 + tail.length];
    System.arraycopy(head, 0, source, 0, head.length);
    source[head.length] = (byte) 0xE9; // 'é' in Latin-1, never a whole UTF-8 sequence
    System.arraycopy(tail, 0, source, head.length + 1, tail.length);
    Path policy = Files.write(dir.resolve("policy.js"), source);

    Cli.Result result = Cli.run("resolve", "--policy", policy.toString(), "ip-1");

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
    assertThat(result.err()).contains("policy.js:2").contains("not UTF-8")
        .doesNotContain("internal error").doesNotContain("\tat ");
  }
}
