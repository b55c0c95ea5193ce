package dev.egresskit.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
      HelpCommand.class
    })
final class EgressKitCommand implements Callable<Integer>, AutoCloseable {

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
  private Session session;

  EgressKitCommand(Io io) {
    this.io = io;
  }

  Io io() {
    return io;
  }

  /** The assembled parts for this run, created on first use (after options are parsed). */
  synchronized Session session() {
    if (session == null) {
      session = Session.open(io, pluginDirs);
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
