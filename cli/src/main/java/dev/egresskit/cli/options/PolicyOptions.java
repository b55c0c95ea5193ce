package dev.egresskit.cli.options;

import dev.egresskit.core.policy.FileAccess;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options every command that loads a policy shares. */
public final class PolicyOptions {

  @Option(names = {"-p", "--policy"}, paramLabel = "FILE", required = true,
      description = "The policy script; its extension picks the engine (.lua or .js, or one a"
          + " plug-in adds).")
  public Path policy;

  @Option(names = "--cache", paramLabel = "NAME", defaultValue = "lruttl",
      description = "The source/pool cache implementation: lruttl (default; KumoMTA's per-entry"
          + " TTL, capacity 128 and 60 s negative TTL), uncached, or one a plug-in adds.")
  public String cache;

  @Mixin public FileAccessOptions files = new FileAccessOptions();

  /** What the policy may read beyond its folder ({@code --allow-read}, {@code --path-map}). */
  public FileAccess access() {
    return files.access();
  }
}
