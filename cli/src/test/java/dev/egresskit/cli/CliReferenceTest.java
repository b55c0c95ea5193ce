package dev.egresskit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.egresskit.cli.output.Io;
import dev.egresskit.cli.output.Lifecycle;
import dev.egresskit.cli.output.Style;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** docs/cli.md cannot fall behind the commands: every command and option must be in it. */
class CliReferenceTest {

  @Test
  void theCliReferenceDocumentsEveryCommandAndOption() throws Exception {
    String reference = Files.readString(Path.of("..", "docs", "cli.md"), StandardCharsets.UTF_8);
    CommandLine root = Main.commandLine(new EgressKitCommand(new Io(
        new PrintWriter(new LineCapture()), new PrintWriter(new LineCapture()), Style.PLAIN,
        new Lifecycle())));
    List<String> missing = new ArrayList<>();
    collect(root, reference, missing);

    assertThat(missing).as("missing from docs/cli.md").isEmpty();
  }

  private static void collect(CommandLine command, String reference, List<String> missing) {
    String name = command.getCommandSpec().qualifiedName();
    if (!command.getCommandName().equals("help") && !reference.contains(name)) {
      missing.add(name);
    }
    for (OptionSpec option : command.getCommandSpec().options()) {
      String longest = option.longestName();
      if (!option.usageHelp() && !option.versionHelp() && !reference.contains(longest)) {
        missing.add(name + " " + longest);
      }
    }
    command.getSubcommands().values().forEach(sub -> collect(sub, reference, missing));
  }
}
