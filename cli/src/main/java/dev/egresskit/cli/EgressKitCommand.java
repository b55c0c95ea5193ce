package dev.egresskit.cli;

import dev.egresskit.cli.bench.BenchCommand;
import dev.egresskit.cli.demo.DemoCommand;
import dev.egresskit.cli.output.ExitCodes;
import dev.egresskit.cli.output.Io;
import dev.egresskit.cli.policy.CheckCommand;
import dev.egresskit.cli.policy.ResolveCommand;
import dev.egresskit.cli.probe.ProbeCommand;
import dev.egresskit.cli.proxy.ProxyCommand;
import dev.egresskit.cli.run.AssembledRun;
import dev.egresskit.cli.run.CommandContext;
import dev.egresskit.cli.sink.SinkCommand;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** The root {@code egresskit} command: global options and the subcommands. */
@Command(
    name = "egresskit",
    scope = ScopeType.INHERIT,
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "KumoMTA-compatible egress sources: resolve policy-defined sources (Lua or JavaScript)"
          + " and open real SMTP connections from them, directly, through HAProxy (PROXY v2)"
          + " or through SOCKS5.",
      ""
    },
    commandListHeading = "%nCommands:%n",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:ok",
      "1:the job failed (a connection, probe or demo route did not deliver)",
      "2:bad usage or bad policy (load, handler or validation error)"
    },
    footerHeading = "%n",
    footer = "Colour is used only on a terminal (set NO_COLOR to turn it off).",
    subcommands = {
      DemoCommand.class,
      ResolveCommand.class,
      CheckCommand.class,
      ProbeCommand.class,
      ProxyCommand.class,
      SinkCommand.class,
      BenchCommand.class,
      HelpCommand.class
    })
final class EgressKitCommand implements CommandContext, Callable<Integer>, AutoCloseable {

  @Spec CommandSpec spec;

  @Option(
      names = "--plugin",
      paramLabel = "DIR",
      scope = ScopeType.INHERIT,
      description = "Add every .jar in DIR to the class path before anything is loaded;"
          + " services in those jars (policy engines, validators, caches, connect strategies)"
          + " are found with ServiceLoader. Repeatable.")
  List<Path> pluginDirs = new ArrayList<>();

  private final Io io;
  private AssembledRun session;

  EgressKitCommand(Io io) {
    this.io = io;
  }

  @Override
  public Io io() {
    return io;
  }

  @Override
  public synchronized AssembledRun run(Optional<String> sharedHealth) {
    if (session == null) {
      session = AssembledRun.open(io, pluginDirs, sharedHealth);
    }
    return session;
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(io.err());
    return ExitCodes.BAD_INPUT;
  }

  @Override
  public synchronized void close() {
    if (session != null) {
      session.close();
      session = null;
    }
  }
}
