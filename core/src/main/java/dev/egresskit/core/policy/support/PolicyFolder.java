package dev.egresskit.core.policy.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The folder a policy script lives in, and the only place its data files
 * ({@code kumo.json_load}, {@code kumo.toml_load}) and modules ({@code require}) may come from.
 * A path is relative to this folder; an absolute path, a {@code ..} that leaves the folder, or a
 * symbolic link that points outside it is refused.
 */
public final class PolicyFolder {
  /** Refuses to read data files larger than this (a policy's data, not a database dump). */
  public static final long MAX_FILE_BYTES = 16L * 1024 * 1024;

  private static final Pattern MODULE_NAME =
      Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*");

  private final Path folder;
  private final Path realFolder;

  private PolicyFolder(Path folder, Path realFolder) {
    this.folder = folder;
    this.realFolder = realFolder;
  }

  /**
   * The folder of {@code script}.
   *
   * @throws UncheckedIOException if the folder does not exist
   */
  public static PolicyFolder of(Path script) {
    Path absolute = script.toAbsolutePath().normalize();
    Path parent = absolute.getParent();
    try {
      return new PolicyFolder(parent, parent.toRealPath());
    } catch (IOException e) {
      throw new UncheckedIOException("the folder of policy " + script + " is not readable", e);
    }
  }

  /** The folder, absolute and normalised. */
  public Path path() {
    return folder;
  }

  /**
   * Resolves a data-file path written in a policy.
   *
   * @param function the {@code kumo.*} function, for the error text (e.g. {@code json_load})
   * @param relative the path as the script wrote it
   * @return the file's real path, inside the folder
   * @throws KumoApiException if the path is empty, absolute, leaves the folder (directly or
   *     through a symbolic link), or does not name a regular file
   */
  public Path resolve(String function, String relative) {
    Objects.requireNonNull(function, "function");
    String allowed = " (allowed: a path relative to the policy folder " + folder
        + ", such as 'data/sources.json', that stays inside it)";
    if (relative == null || relative.isEmpty()) {
      throw new KumoApiException(function + ": the path is empty" + allowed);
    }
    Path given;
    try {
      given = Path.of(relative);
    } catch (InvalidPathException e) {
      throw new KumoApiException(function + ": '" + relative + "' is not a valid path" + allowed);
    }
    if (given.isAbsolute() || relative.startsWith("/") || relative.startsWith("\\")) {
      throw new KumoApiException(function + ": '" + relative + "' is an absolute path" + allowed);
    }
    Path candidate = folder.resolve(given).normalize();
    if (!candidate.startsWith(folder)) {
      throw new KumoApiException(function + ": '" + relative + "' leaves the policy folder"
          + allowed);
    }
    Path real;
    try {
      real = candidate.toRealPath();
    } catch (NoSuchFileException e) {
      throw new KumoApiException(function + ": '" + relative + "' does not exist in the policy"
          + " folder " + folder);
    } catch (IOException e) {
      throw new KumoApiException(function + ": '" + relative + "' cannot be read: " + e, e);
    }
    // A symbolic link inside the folder must not lead outside it.
    if (!real.startsWith(realFolder)) {
      throw new KumoApiException(function + ": '" + relative + "' is a symbolic link that leaves"
          + " the policy folder" + allowed);
    }
    if (!Files.isRegularFile(real)) {
      throw new KumoApiException(function + ": '" + relative + "' is not a regular file");
    }
    return real;
  }

  /**
   * Reads a data file as UTF-8 text.
   *
   * @see #resolve(String, String)
   * @throws KumoApiException if the path is refused, the file is larger than
   *     {@link #MAX_FILE_BYTES}, not UTF-8, or cannot be read
   */
  public String read(String function, String relative) {
    Path file = resolve(function, relative);
    try {
      long size = Files.size(file);
      if (size > MAX_FILE_BYTES) {
        throw new KumoApiException(function + ": '" + relative + "' is " + size
            + " bytes; at most " + MAX_FILE_BYTES + " bytes are read");
      }
      return StandardCharsets.UTF_8.newDecoder().decode(
          java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
    } catch (CharacterCodingException e) {
      throw new KumoApiException(function + ": '" + relative + "' is not UTF-8 text", e);
    } catch (IOException e) {
      throw new KumoApiException(function + ": '" + relative + "' cannot be read: " + e, e);
    }
  }

  /**
   * Resolves a module name given to {@code require} to a file in the folder: {@code a.b} becomes
   * {@code a/b.<extension>}.
   *
   * @param name      the module name, dot separated identifiers
   * @param extension the language's file extension without the dot, e.g. {@code lua}
   * @throws KumoApiException if the name is not a dotted identifier or the file is refused
   */
  public Path resolveModule(String name, String extension) {
    if (name == null || !MODULE_NAME.matcher(name).matches()) {
      throw new KumoApiException("require: module '" + name + "' is not a valid name (allowed:"
          + " dot separated identifiers such as 'lib.sources', found as lib/sources."
          + extension + " in the policy folder " + folder + ")");
    }
    return resolve("require", moduleFile(name, extension));
  }

  /** The relative file name of module {@code name}: {@code a.b} is {@code a/b.<extension>}. */
  public static String moduleFile(String name, String extension) {
    return name.replace('.', '/') + "." + extension;
  }

  @Override
  public String toString() {
    return folder.toString();
  }
}
