package dev.egresskit.cli.bench;

import dev.egresskit.cli.run.CommandContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;

/** {@code egresskit bench}: connection-setup and policy benchmarks with reports and charts. */
@Command(
    name = "bench",
    description = {
      "Measure connection setup per source route (bench connect) or compare policies in"
          + " different languages (bench policy). For JMH-grade numbers of the library itself"
          + " use benchmarks/run; these commands measure your own policies and routes.",
      ""
    },
    subcommands = {BenchConnectCommand.class, BenchPolicyCommand.class, HelpCommand.class})
public final class BenchCommand implements java.util.concurrent.Callable<Integer> {

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @picocli.CommandLine.ParentCommand CommandContext root;

  @Override
  public Integer call() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(),
        "bench needs a subcommand: connect or policy");
  }
}
