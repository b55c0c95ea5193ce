package dev.egresskit.core.model;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A secret value such as {@code socks5_proxy_password}. Its {@code toString} never shows the
 * value; only {@link #reveal()} does, at the moment it is needed.
 */
public sealed interface Secret permits Secret.Inline, Secret.FileRef {

  /** The text printed wherever a secret would otherwise appear. */
  String REDACTED = "<redacted>";

  /**
   * Returns the secret's value. A {@link FileRef} reads its file on every call, so a rotated
   * password is picked up by the next handshake.
   *
   * @throws IOException if the file cannot be read
   */
  String reveal() throws IOException;

  /**
   * A secret given inline, {@code {key_data = "..."}}.
   *
   * @param value the secret
   */
  record Inline(String value) implements Secret {
    public Inline {
      Objects.requireNonNull(value, "value");
    }

    @Override
    public String reveal() {
      return value;
    }

    @Override
    public String toString() {
      return "Inline[" + REDACTED + "]";
    }
  }

  /**
   * Reads the file behind a {@link FileRef}. A policy's sources read through the policy's read
   * rule (its folder and the directories it is allowed), so a policy cannot make EgressKit send
   * an arbitrary file as a password.
   */
  @FunctionalInterface
  interface FileReader {
    /**
     * The file's bytes.
     *
     * @param path the path as the policy wrote it
     * @throws IOException if the file is refused or cannot be read
     */
    byte[] read(Path path) throws IOException;
  }

  /**
   * A secret kept in a file (a plain string in the policy is a path, as in KumoMTA). Trailing
   * line breaks are stripped.
   *
   * @param path   the file that holds the secret, as the policy wrote it
   * @param reader reads it, under the policy's read rule for a policy's source
   */
  record FileRef(Path path, FileReader reader) implements Secret {
    /**
     * Reads straight from the file system: only regular files, at most 64 KiB, so a fifo or a
     * device cannot stall or exhaust the reader. For sources built in Java; a policy's sources
     * are bound to the policy's read rule instead.
     */
    public static final FileReader DIRECT = FileRef::readDirect;

    private static final int MAX_DIRECT_BYTES = 64 * 1024;

    public FileRef {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(reader, "reader");
    }

    /** A file read with {@link #DIRECT}. */
    public FileRef(Path path) {
      this(path, DIRECT);
    }

    /** The same file, read with {@code other}. */
    public FileRef readWith(FileReader other) {
      return new FileRef(path, other);
    }

    @Override
    public String reveal() throws IOException {
      String text = new String(reader.read(path), StandardCharsets.UTF_8);
      int end = text.length();
      while (end > 0 && (text.charAt(end - 1) == '\n' || text.charAt(end - 1) == '\r')) {
        end--;
      }
      return text.substring(0, end);
    }

    private static byte[] readDirect(Path path) throws IOException {
      if (!Files.isRegularFile(path)) {
        throw new IOException(path + " is not a regular file");
      }
      try (java.io.InputStream in = Files.newInputStream(path)) {
        byte[] bytes = in.readNBytes(MAX_DIRECT_BYTES + 1);
        if (bytes.length > MAX_DIRECT_BYTES) {
          throw new IOException(path + " is larger than " + MAX_DIRECT_BYTES + " bytes");
        }
        return bytes;
      }
    }

    @Override
    public String toString() {
      return "FileRef[" + path + "]";
    }
  }
}
