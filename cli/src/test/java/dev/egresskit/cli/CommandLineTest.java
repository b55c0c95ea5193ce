package dev.egresskit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.egresskit.cli.output.Io;
import dev.egresskit.cli.output.Lifecycle;
import dev.egresskit.cli.output.Style;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CommandLineTest {

  @Test
  void helpListsEveryCommandAndTheExitCodes() {
    Cli.Result result = Cli.run("--help");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out())
        .contains("Usage: egresskit")
        .contains("sink")
        .contains("Exit codes:")
        .contains("0   ok")
        .contains("1   the job failed")
        .contains("2   bad usage or bad policy");
  }

  @Test
  void everyCommandHasHelpWithTheExitCodes() {
    CommandLine root = Main.commandLine(new EgressKitCommand(new Io(
        new java.io.PrintWriter(new LineCapture()), new java.io.PrintWriter(new LineCapture()),
        Style.PLAIN, new Lifecycle())));
    assertThat(root.getSubcommands()).isNotEmpty();
    for (String name : root.getSubcommands().keySet()) {
      if (name.equals("help")) {
        continue;
      }
      Cli.Result result = Cli.run(name, "--help");
      assertThat(result.exitCode()).as(name).isZero();
      assertThat(result.out()).as(name)
          .contains("Usage: egresskit " + name)
          .contains("Exit codes:")
          .contains("--plugin=DIR");
    }
  }

  @Test
  void versionPrintsTheProjectVersion() {
    Cli.Result result = Cli.run("--version");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).startsWith("egresskit " + VersionProvider.version());
    assertThat(VersionProvider.version()).matches("\\d+\\.\\d+\\.\\d+.*");
  }

  @Test
  void anUnknownCommandExitsTwoWithASuggestion() {
    Cli.Result result = Cli.run("snk");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("error: Unmatched argument at index 0: 'snk'")
        .contains("egresskit sink").contains("Run 'egresskit --help' for usage.");
    assertThat(result.out()).isEmpty();
  }

  @Test
  void noCommandPrintsUsageAndExitsTwo() {
    Cli.Result result = Cli.run();

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("Usage: egresskit");
  }

  @Test
  void aMalformedListenAddressExitsTwoAndSaysWhatIsExpected() {
    Cli.Result result = Cli.run("sink", "--listen", "127.0.0.1:99999");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("invalid port '99999' (allowed: 0..65535");
  }

  @Test
  void aPluginFolderThatDoesNotExistIsBadInputEvenAfterTheSubcommand(@TempDir Path dir) {
    Path missing = dir.resolve("nope");

    Cli.Result result = Cli.run("sink", "--listen", "127.0.0.1:0", "--plugin", missing.toString());

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("--plugin " + missing + ": not a folder");
  }

  @Test
  void aPluginFolderWithoutJarsIsBadInput(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("readme.txt"), "not a jar");

    Cli.Result result = Cli.run("--plugin", dir.toString(), "sink", "--listen", "127.0.0.1:0");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("holds no .jar files");
  }

  @Test
  void outputHasNoEscapeCodesWhenItIsNotATerminal() {
    Cli.Result result = Cli.run("sink", "--help");

    assertThat(result.out()).doesNotContain("\u001b[");
    assertThat(new Style(true).red("x")).isEqualTo("\u001b[31mx\u001b[0m");
    assertThat(Style.PLAIN.red("x")).isEqualTo("x");
  }
}
