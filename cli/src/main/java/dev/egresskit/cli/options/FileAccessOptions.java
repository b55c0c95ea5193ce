package dev.egresskit.cli.options;

import dev.egresskit.cli.output.BadInputException;
import dev.egresskit.core.policy.FileAccess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code --allow-read DIR} and {@code --path-map FROM=TO}: which files beyond its own folder a
 * policy may make EgressKit read (data files, modules, password files). Shared by every command
 * that loads a policy.
 */
public final class FileAccessOptions {

  @Option(names = "--allow-read", paramLabel = "DIR",
      description = "Also let the policy read files under DIR (data files, require'd modules,"
          + " socks5_proxy_password files), after symbolic links are resolved. Repeatable. By"
          + " default only the policy's own folder is readable.")
  public List<Path> allowRead = new ArrayList<>();

  @Option(names = "--path-map", paramLabel = "FROM=TO",
      description = "Read an absolute path under FROM from the local directory TO instead, e.g."
          + " /opt/kumomta/etc/policy=./policy, so a deployed policy is checked from a checkout"
          + " unchanged; TO becomes readable. Repeatable; the longest FROM wins.")
  public List<String> pathMaps = new ArrayList<>();

  /**
   * The access the options give.
   *
   * @throws BadInputException naming the option when a directory is missing or a map malformed
   */
  public FileAccess access() {
    for (Path dir : allowRead) {
      if (!Files.isDirectory(dir)) {
        throw new BadInputException("--allow-read " + dir + ": no such directory");
      }
    }
    List<FileAccess.PathMap> maps = new ArrayList<>();
    for (String text : pathMaps) {
      FileAccess.PathMap map;
      try {
        map = FileAccess.PathMap.parse(text);
      } catch (IllegalArgumentException e) {
        throw new BadInputException("--path-map " + e.getMessage());
      }
      if (!Files.isDirectory(map.to())) {
        throw new BadInputException("--path-map " + text + ": " + map.to()
            + " is not a directory");
      }
      maps.add(map);
    }
    return new FileAccess(allowRead, maps);
  }
}
