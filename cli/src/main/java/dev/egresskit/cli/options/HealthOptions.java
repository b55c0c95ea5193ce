package dev.egresskit.cli.options;

import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --health}: where the source health of a command that connects lives. */
public final class HealthOptions {

  @Option(names = "--health", paramLabel = "URL",
      description = "Share source health with a fleet through Redis: redis://[[user]:password@]"
          + "host[:port][/db] or rediss://... Failures count fleet-wide and suspensions reach"
          + " every node at once; connects never wait on Redis. An unreachable Redis means"
          + " local health until it returns; a wrong password, database or TLS setting is an"
          + " error at start. Default: this process's own health.")
  String url;

  /** The {@code --health} URL, if given. */
  public Optional<String> url() {
    return Optional.ofNullable(url);
  }
}
