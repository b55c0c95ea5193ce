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
   * A secret kept in a file (a plain string in the policy is a path, as in KumoMTA). Trailing
   * line breaks are stripped.
   *
   * @param path the file that holds the secret
   */
  record FileRef(Path path) implements Secret {
    public FileRef {
      Objects.requireNonNull(path, "path");
    }

    @Override
    public String reveal() throws IOException {
      String text = Files.readString(path, StandardCharsets.UTF_8);
      int end = text.length();
      while (end > 0 && (text.charAt(end - 1) == '\n' || text.charAt(end - 1) == '\r')) {
        end--;
      }
      return text.substring(0, end);
    }

    @Override
    public String toString() {
      return "FileRef[" + path + "]";
    }
  }
}
