package dev.egresskit.proxy;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * One PBKDF2-HMAC-SHA256 password hash in the text form
 * {@code pbkdf2-sha256$<iterations>$<salt-base64>$<hash-base64>} (standard Base64, padding
 * optional). The JDK's {@code PBKDF2WithHmacSHA256} encodes the password as UTF-8.
 */
final class PasswordHash {

  static final String SCHEME = "pbkdf2-sha256";
  static final String FORM = SCHEME + "$<iterations>$<salt-base64>$<hash-base64>";
  static final int MIN_ITERATIONS = 1_000;
  // A bound so that a hostile or mistyped users file cannot make one check take minutes.
  static final int MAX_ITERATIONS = 10_000_000;
  private static final int SALT_BYTES = 16;
  private static final int HASH_BYTES = 32;
  private static final String ALGORITHM = "PBKDF2WithHmacSHA256";

  private final int iterations;
  private final byte[] salt;
  private final byte[] hash;

  private PasswordHash(int iterations, byte[] salt, byte[] hash) {
    this.iterations = iterations;
    this.salt = salt;
    this.hash = hash;
  }

  /**
   * Parses the text form. The message of the exception never repeats the text: it is half of a
   * secret.
   */
  static PasswordHash parse(String text) {
    String[] parts = text.split("\\$", -1);
    if (parts.length != 4 || !parts[0].equals(SCHEME)) {
      throw new IllegalArgumentException("expected " + FORM);
    }
    int iterations;
    try {
      iterations = Integer.parseInt(parts[1]);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("iterations must be a whole number in " + FORM);
    }
    if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
      throw new IllegalArgumentException(
          "iterations must be between " + MIN_ITERATIONS + " and " + MAX_ITERATIONS);
    }
    byte[] salt = decode(parts[2], "salt");
    byte[] hash = decode(parts[3], "hash");
    if (salt.length < 8) {
      throw new IllegalArgumentException("salt must be at least 8 bytes");
    }
    if (hash.length < 16 || hash.length > 64) {
      throw new IllegalArgumentException("hash must be 16 to 64 bytes");
    }
    return new PasswordHash(iterations, salt, hash);
  }

  /** A fresh hash of the password with a random salt, in the text form. */
  static String create(char[] password, int iterations, SecureRandom random) {
    if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
      throw new IllegalArgumentException(
          "iterations " + iterations + ": expected between " + MIN_ITERATIONS + " and " + MAX_ITERATIONS);
    }
    byte[] salt = new byte[SALT_BYTES];
    random.nextBytes(salt);
    byte[] hash = derive(password, salt, iterations, HASH_BYTES);
    Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
    return SCHEME + "$" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
  }

  /** A hash that no password matches, for checking unknown users in the same time. */
  static PasswordHash decoy(int iterations, SecureRandom random) {
    byte[] salt = new byte[SALT_BYTES];
    random.nextBytes(salt);
    byte[] hash = new byte[HASH_BYTES];
    random.nextBytes(hash);
    return new PasswordHash(iterations, salt, hash);
  }

  int iterations() {
    return iterations;
  }

  /** Whether the password matches; the comparison takes the same time wherever bytes differ. */
  boolean matches(char[] password) {
    byte[] candidate = derive(password, salt, iterations, hash.length);
    try {
      return MessageDigest.isEqual(candidate, hash);
    } finally {
      Arrays.fill(candidate, (byte) 0);
    }
  }

  private static byte[] derive(char[] password, byte[] salt, int iterations, int bytes) {
    PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, bytes * 8);
    try {
      return SecretKeyFactory.getInstance(ALGORITHM).generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      // Every Java 17 runtime ships PBKDF2WithHmacSHA256 (it is a required algorithm).
      throw new IllegalStateException(ALGORITHM + " is not available", e);
    } finally {
      spec.clearPassword();
    }
  }

  private static byte[] decode(String text, String what) {
    try {
      return Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(what + " is not valid Base64 in " + FORM);
    }
  }

  @Override
  public String toString() {
    return "PasswordHash[" + SCHEME + ", iterations=" + iterations + "]";
  }
}
