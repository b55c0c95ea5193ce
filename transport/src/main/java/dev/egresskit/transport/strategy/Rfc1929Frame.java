package dev.egresskit.transport.strategy;

import dev.egresskit.core.health.FailureKind;
import dev.egresskit.core.model.Socks5Credentials;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The RFC 1929 username/password request, with the credentials as UTF-8 bytes and lengths
 * counted in bytes, as KumoProxy expects (Netty's SOCKS5 encoder would send ASCII).
 */
final class Rfc1929Frame {
  private Rfc1929Frame() {}

  /** Why no frame can be sent; the message never contains the password. */
  static final class Unusable extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient FailureKind kind;

    Unusable(FailureKind kind, String message, Throwable cause) {
      super(message, cause);
      this.kind = kind;
    }

    FailureKind kind() {
      return kind;
    }
  }

  /** The largest frame: version, two lengths and 255 bytes each. */
  static final int MAX_LENGTH = 3 + 255 + 255;

  /** The frame; the password is read now, so a rotated password file is picked up. */
  static ByteBuf encode(ByteBufAllocator alloc, Socks5Credentials credentials)
      throws Unusable {
    ByteBuf frame = alloc.buffer(MAX_LENGTH);
    try {
      return write(frame, credentials);
    } catch (Unusable | RuntimeException e) {
      frame.release();
      throw e;
    }
  }

  /**
   * Appends the frame to {@code out} (which must have room for {@link #MAX_LENGTH} more bytes);
   * on failure nothing is appended.
   */
  static ByteBuf write(ByteBuf out, Socks5Credentials credentials) throws Unusable {
    String password;
    try {
      password = credentials.password().reveal();
    } catch (Exception e) {
      // The reader's own words (the policy's read rule says why a file is refused); they name
      // the file, never its content.
      throw new Unusable(FailureKind.SECRET_UNAVAILABLE, "failed to retrieve socks5 password: "
          + (e instanceof java.io.IOException && e.getMessage() != null ? e.getMessage()
              : e.getClass().getSimpleName() + " for " + credentials.password()), e);
    }
    byte[] user = credentials.username().getBytes(StandardCharsets.UTF_8);
    byte[] pass = password.getBytes(StandardCharsets.UTF_8);
    try {
      if (user.length > 255) {
        throw new Unusable(FailureKind.PROXY_PROTOCOL_ERROR,
            "username is too long for SOCKS5 protocol", null);
      }
      if (pass.length > 255) {
        // KumoMTA reuses the username text here; naming the right field is clearer.
        throw new Unusable(FailureKind.PROXY_PROTOCOL_ERROR,
            "password is too long for SOCKS5 protocol", null);
      }
      return out.writeByte(0x01).writeByte(user.length).writeBytes(user)
          .writeByte(pass.length).writeBytes(pass);
    } finally {
      Arrays.fill(pass, (byte) 0);
    }
  }
}
