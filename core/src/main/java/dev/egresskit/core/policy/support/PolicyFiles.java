package dev.egresskit.core.policy.support;

import dev.egresskit.core.model.Secret;
import dev.egresskit.core.policy.FileAccess;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The one rule for every file a policy can make EgressKit read: data files
 * ({@code kumo.json_load}, {@code toml_load}, the serde loads), modules ({@code require}), the
 * {@code socks5_proxy_password} file read at each handshake, the {@code socks5_proxy_tls_ca}
 * file read at each connection, and anything added later.
 *
 * <p>A relative path is relative to the policy's folder. An absolute path is first rewritten by
 * the most specific {@code --path-map FROM=TO}. The result is read only if, after resolving
 * symbolic links, it lies inside the policy's folder, a {@code --allow-read} directory or a
 * mapped directory, and is a regular file of at most {@link #MAX_FILE_BYTES} bytes: no {@code ..}
 * or symbolic link leads out, and a fifo or a device ({@code /dev/zero}) is refused before it is
 * opened, so it can neither stall nor exhaust anything. A path outside every root is refused
 * without being looked at. Nothing is ever written. Thread-safe and immutable.
 */
public final class PolicyFiles implements Secret.FileReader {
  /** Refuses to read files larger than this (a policy's data, not a database dump). */
  public static final long MAX_FILE_BYTES = 16L * 1024 * 1024;

  private final Path folder;
  private final FileAccess access;
  /** Lexical and real forms of every root, so a check never needs to look outside them. */
  private final Set<Path> lexicalRoots;
  private final List<Path> realRoots;

  private PolicyFiles(Path folder, FileAccess access, Set<Path> lexicalRoots,
      List<Path> realRoots) {
    this.folder = folder;
    this.access = access;
    this.lexicalRoots = lexicalRoots;
    this.realRoots = realRoots;
  }

  /**
   * The rule for the policy {@code script}: its folder plus what {@code access} allows.
   *
   * @throws UncheckedIOException if the policy's folder cannot be read
   * @throws IllegalArgumentException if an allowed or mapped directory does not exist
   */
  public static PolicyFiles of(Path script, FileAccess access) {
    Objects.requireNonNull(access, "access");
    Path folder = script.toAbsolutePath().normalize().getParent();
    Set<Path> lexical = new LinkedHashSet<>();
    List<Path> real = new ArrayList<>();
    try {
      addRoot(folder, lexical, real);
    } catch (IOException e) {
      throw new UncheckedIOException("the folder of policy " + script + " is not readable", e);
    }
    List<Path> extra = new ArrayList<>(access.allowRead());
    access.pathMaps().forEach(m -> extra.add(m.to()));
    for (Path dir : extra) {
      try {
        if (!Files.isDirectory(dir)) {
          throw new IllegalArgumentException(dir + " is not a directory");
        }
        addRoot(dir, lexical, real);
      } catch (IOException e) {
        throw new IllegalArgumentException(dir + " cannot be read: " + e.getMessage(), e);
      }
    }
    return new PolicyFiles(folder, access, Set.copyOf(lexical), List.copyOf(real));
  }

  /** The rule for a policy in {@code script}'s folder that may read nothing else. */
  public static PolicyFiles of(Path script) {
    return of(script, FileAccess.POLICY_FOLDER_ONLY);
  }

  private static void addRoot(Path dir, Set<Path> lexical, List<Path> real) throws IOException {
    Path absolute = dir.toAbsolutePath().normalize();
    Path realDir = absolute.toRealPath();
    lexical.add(absolute);
    lexical.add(realDir);
    real.add(realDir);
  }

  /** The policy's folder, absolute and normalised. */
  public Path folder() {
    return folder;
  }

  /**
   * The file a policy's path names, if it exists.
   *
   * @param function the {@code kumo.*} function or statement reading it, for the error text
   * @param path     the path as the script wrote it
   * @return the file's real path, or empty when nothing exists there
   * @throws KumoApiException if the path is refused (outside every root, a symbolic link that
   *     leads out, not a regular file)
   */
  public Optional<Path> locate(String function, String path) {
    Objects.requireNonNull(function, "function");
    if (path == null || path.isEmpty()) {
      throw new KumoApiException(function + ": the path is empty" + allowed());
    }
    Path given;
    try {
      given = Path.of(path);
    } catch (InvalidPathException e) {
      throw new KumoApiException(function + ": '" + path + "' is not a valid path" + allowed());
    }
    Optional<Path> mapped = given.isAbsolute() ? access.mapped(given) : Optional.empty();
    Path candidate = (given.isAbsolute() ? mapped.orElse(given) : folder.resolve(given))
        .normalize();
    String shown = "'" + path + "'" + mapped.map(m -> " (mapped to " + m + ")").orElse("");
    if (lexicalRoots.stream().noneMatch(candidate::startsWith)) {
      throw new KumoApiException(function + ": " + shown + " is outside the policy folder"
          + allowed());
    }
    Path real;
    try {
      real = candidate.toRealPath();
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new KumoApiException(function + ": " + shown + " cannot be read: " + e, e);
    }
    if (realRoots.stream().noneMatch(real::startsWith)) {
      throw new KumoApiException(function + ": " + shown + " is a symbolic link that leaves the"
          + " policy folder" + allowed());
    }
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(real, BasicFileAttributes.class);
    } catch (IOException e) {
      throw new KumoApiException(function + ": " + shown + " cannot be read: " + e, e);
    }
    if (!attributes.isRegularFile()) {
      throw new KumoApiException(function + ": " + shown + " is not a regular file (folders,"
          + " fifos and devices are never read)");
    }
    return Optional.of(real);
  }

  /**
   * The real path of the regular file a policy's path names.
   *
   * @throws KumoApiException as {@link #locate} does, or when the file does not exist
   */
  public Path resolve(String function, String path) {
    return locate(function, path).orElseThrow(() -> new KumoApiException(function + ": '" + path
        + "' does not exist" + (Path.of(path).isAbsolute() ? "" : " in the policy folder "
            + folder)));
  }

  /**
   * Reads a file a policy named, at most {@link #MAX_FILE_BYTES} bytes.
   *
   * @throws KumoApiException if the path is refused, the file is missing, too large or
   *     unreadable
   */
  public byte[] read(String function, String path) {
    return readReal(function, path, resolve(function, path));
  }

  /** Reads a file already {@linkplain #locate located}; {@code path} is for the error text. */
  public byte[] readReal(String function, String path, Path real) {
    try (InputStream in = Files.newInputStream(real)) {
      // Read one byte past the bound rather than trusting the size a file system reports.
      byte[] bytes = in.readNBytes((int) MAX_FILE_BYTES + 1);
      if (bytes.length > MAX_FILE_BYTES) {
        throw new KumoApiException(function + ": '" + path + "' is larger than "
            + MAX_FILE_BYTES + " bytes; at most " + MAX_FILE_BYTES + " bytes are read");
      }
      return bytes;
    } catch (IOException e) {
      throw new KumoApiException(function + ": '" + path + "' cannot be read: " + e, e);
    }
  }

  /**
   * Reads a file a policy named as UTF-8 text.
   *
   * @throws KumoApiException as {@link #read} does, or when the file is not UTF-8
   */
  public String readText(String function, String path) {
    return utf8(function, path, read(function, path));
  }

  /** Decodes strictly, so a stray byte is an error naming the file rather than a U+FFFD. */
  public static String utf8(String function, String path, byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new KumoApiException(function + ": '" + path + "' is not UTF-8 text", e);
    }
  }

  /**
   * Reads a {@code socks5_proxy_password} file under this rule (at each handshake).
   *
   * @throws IOException with the rule's explanation when the file is refused or unreadable
   */
  @Override
  public byte[] read(Path path) throws IOException {
    try {
      return read("socks5_proxy_password", path.toString());
    } catch (KumoApiException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  /**
   * A reader of files under this rule whose errors name {@code field}, e.g.
   * {@code socks5_proxy_tls_ca}.
   */
  public Secret.FileReader reader(String field) {
    Objects.requireNonNull(field, "field");
    return path -> {
      try {
        return read(field, path.toString());
      } catch (KumoApiException e) {
        throw new IOException(e.getMessage(), e);
      }
    };
  }

  private String allowed() {
    StringBuilder text = new StringBuilder(" (allowed: a file in the policy folder ")
        .append(folder);
    access.allowRead().forEach(dir -> text.append(", or under --allow-read ").append(dir));
    access.pathMaps().forEach(map -> text.append(", or under --path-map ").append(map));
    return text.append("; give --allow-read DIR to read elsewhere, or --path-map FROM=TO to map a"
        + " deployed path to a local folder)").toString();
  }

  @Override
  public String toString() {
    return "PolicyFiles[" + folder + ", " + access + "]";
  }
}
