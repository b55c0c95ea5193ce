package dev.egresskit.core.policy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Which files, beyond its own folder, a policy may make EgressKit read: the directories given
 * with {@code --allow-read DIR}, and the absolute prefixes mapped to local directories with
 * {@code --path-map FROM=TO} (so that a policy deployed at {@code /opt/kumomta/etc/policy} can be
 * checked from a checkout unchanged). A mapped directory may be read, as if allowed. Nothing is
 * ever written.
 *
 * @param allowRead extra directories whose files may be read (absolute)
 * @param pathMaps  absolute prefixes rewritten to local directories, longest prefix first
 */
public record FileAccess(List<Path> allowRead, List<PathMap> pathMaps) {

  /** Only the policy's own folder. */
  public static final FileAccess POLICY_FOLDER_ONLY = new FileAccess(List.of(), List.of());

  /**
   * One {@code --path-map FROM=TO}.
   *
   * @param from an absolute prefix as policies write it, e.g. {@code /opt/kumomta/etc/policy}
   * @param to   the local directory it stands for
   */
  public record PathMap(Path from, Path to) {
    public PathMap {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
      if (!from.isAbsolute()) {
        throw new IllegalArgumentException("the prefix of a path map must be absolute: " + from);
      }
      from = from.normalize();
      to = to.toAbsolutePath().normalize();
    }

    /**
     * Parses {@code FROM=TO}.
     *
     * @throws IllegalArgumentException naming the allowed form
     */
    public static PathMap parse(String text) {
      int eq = text == null ? -1 : text.indexOf('=');
      if (eq <= 0 || eq == text.length() - 1) {
        throw new IllegalArgumentException("'" + text + "' is not FROM=TO (allowed: an absolute"
            + " prefix, '=', a local directory, e.g. /opt/kumomta/etc/policy=./policy)");
      }
      Path from = Path.of(text.substring(0, eq));
      if (!from.isAbsolute()) {
        throw new IllegalArgumentException("'" + text + "': FROM must be an absolute path, such"
            + " as /opt/kumomta/etc/policy");
      }
      return new PathMap(from, Path.of(text.substring(eq + 1)));
    }

    @Override
    public String toString() {
      return from + "=" + to;
    }
  }

  public FileAccess {
    allowRead = allowRead.stream().map(p -> p.toAbsolutePath().normalize()).toList();
    List<PathMap> sorted = new ArrayList<>(pathMaps);
    // The most specific prefix wins, whatever the order on the command line.
    sorted.sort(Comparator.comparingInt((PathMap m) -> m.from().getNameCount()).reversed());
    pathMaps = List.copyOf(sorted);
  }

  /** {@code path} rewritten by the most specific path map whose prefix it starts with. */
  public Optional<Path> mapped(Path path) {
    for (PathMap map : pathMaps) {
      if (path.startsWith(map.from())) {
        return Optional.of(map.to().resolve(map.from().relativize(path)));
      }
    }
    return Optional.empty();
  }
}
