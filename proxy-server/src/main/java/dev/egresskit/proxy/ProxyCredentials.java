package dev.egresskit.proxy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The users the proxy accepts for RFC 1929 username/password authentication, loaded from a
 * users file. Each non-blank line that does not start with {@code #} is
 * {@code user:pbkdf2-sha256$<iterations>$<salt-base64>$<hash-base64>}; create such a line with
 * {@link #hashLine(String, char[])} (the CLI exposes it as {@code egresskit proxy hash-password}).
 *
 * <p>Usernames are 1 to 255 printable ASCII characters without {@code :}; passwords are 1 to 255
 * printable ASCII characters (space included). The limit to ASCII is deliberate: Netty's RFC 1929
 * decoder reads both fields as US-ASCII, so any other character could never match.
 *
 * <p>A PBKDF2 check is deliberately slow. So that a busy MTA does not pay it on every connection,
 * a successful check is remembered as an HMAC of the password under a random key that exists
 * only in this process; the next connection with the same password costs one HMAC. Unknown users
 * are checked against a decoy hash, so response time does not reveal which usernames exist.
 *
 * <p>A users file that others may write to is accepted with a {@linkplain #warnings() warning},
 * as ssh warns about such files: whoever can write it can add a user.
 *
 * <p>{@code toString} shows only the number of users. Instances are immutable and thread-safe.
 */
public final class ProxyCredentials implements ProxyAuthenticator {

  /** The PBKDF2 iteration count {@link #hashLine(String, char[])} uses (OWASP 2023 guidance). */
  public static final int DEFAULT_ITERATIONS = 600_000;

  private static final String LINE_FORM = "user:" + PasswordHash.FORM;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Map<String, PasswordHash> users;
  private final PasswordHash decoy;
  private final byte[] rememberKey = new byte[32];
  private final Map<String, byte[]> remembered = new ConcurrentHashMap<>();
  private final List<String> warnings;

  private ProxyCredentials(Map<String, PasswordHash> users, List<String> warnings) {
    this.users = Collections.unmodifiableMap(users);
    this.warnings = List.copyOf(warnings);
    int maxIterations =
        users.values().stream().mapToInt(PasswordHash::iterations).max().orElse(DEFAULT_ITERATIONS);
    this.decoy = PasswordHash.decoy(maxIterations, RANDOM);
    RANDOM.nextBytes(rememberKey);
  }

  /**
   * Loads a users file.
   *
   * @param file the users file (UTF-8)
   * @return the credentials
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException if the file has no users or a line is malformed; the
   *     message lists every problem with its line number and never repeats a hash
   */
  public static ProxyCredentials load(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    return new ProxyCredentials(parseUsers(file.toString(), lines), UsersFilePermissions.warnings(file));
  }

  /**
   * Parses the lines of a users file.
   *
   * @param origin what the lines came from, used in error messages (usually the file name)
   * @param lines the lines
   * @return the credentials
   * @throws IllegalArgumentException if there are no users or a line is malformed; the message
   *     lists every problem with its line number and never repeats a hash
   */
  public static ProxyCredentials parse(String origin, List<String> lines) {
    return new ProxyCredentials(parseUsers(origin, lines), List.of());
  }

  private static Map<String, PasswordHash> parseUsers(String origin, List<String> lines) {
    Objects.requireNonNull(origin, "origin");
    Map<String, PasswordHash> users = new LinkedHashMap<>();
    Map<String, Integer> firstLine = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      int lineNo = i + 1;
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int colon = line.indexOf(':');
      if (colon < 0) {
        problems.add("line " + lineNo + ": expected " + LINE_FORM);
        continue;
      }
      String user = line.substring(0, colon);
      String userProblem = usernameProblem(user);
      if (userProblem != null) {
        problems.add("line " + lineNo + ": " + userProblem);
        continue;
      }
      PasswordHash hash;
      try {
        hash = PasswordHash.parse(line.substring(colon + 1));
      } catch (IllegalArgumentException e) {
        problems.add("line " + lineNo + ": user \"" + user + "\": " + e.getMessage());
        continue;
      }
      Integer earlier = firstLine.putIfAbsent(user, lineNo);
      if (earlier != null) {
        problems.add(
            "line " + lineNo + ": duplicate user \"" + user + "\" (first defined on line " + earlier + ")");
        continue;
      }
      users.put(user, hash);
    }
    if (problems.isEmpty() && users.isEmpty()) {
      problems.add("no users defined: expected at least one line " + LINE_FORM);
    }
    if (!problems.isEmpty()) {
      StringBuilder message = new StringBuilder("Invalid proxy users file ").append(origin).append(':');
      for (int i = 0; i < problems.size(); i++) {
        message.append("\n  ").append(i + 1).append(") ").append(problems.get(i));
      }
      message.append("\nCreate a line with `egresskit proxy hash-password`.");
      throw new IllegalArgumentException(message.toString());
    }
    return users;
  }

  /**
   * Creates a users-file line for a user with {@link #DEFAULT_ITERATIONS}.
   *
   * @param username the username (1 to 255 printable ASCII characters, no {@code :})
   * @param password the password (1 to 255 printable ASCII characters); not retained
   * @return {@code user:pbkdf2-sha256$...}
   * @throws IllegalArgumentException if the username or password is not allowed
   */
  public static String hashLine(String username, char[] password) {
    return hashLine(username, password, DEFAULT_ITERATIONS);
  }

  /**
   * Creates a users-file line for a user with a chosen iteration count (tests use a low count).
   *
   * @param username the username (1 to 255 printable ASCII characters, no {@code :})
   * @param password the password (1 to 255 printable ASCII characters); not retained
   * @param iterations the PBKDF2 iteration count, 1000 to 10,000,000
   * @return {@code user:pbkdf2-sha256$...}
   * @throws IllegalArgumentException if the username, password or count is not allowed
   */
  public static String hashLine(String username, char[] password, int iterations) {
    String userProblem = usernameProblem(Objects.requireNonNull(username, "username"));
    if (userProblem != null) {
      throw new IllegalArgumentException(userProblem);
    }
    String passwordProblem = passwordProblem(Objects.requireNonNull(password, "password"));
    if (passwordProblem != null) {
      throw new IllegalArgumentException(passwordProblem);
    }
    return username + ":" + PasswordHash.create(password, iterations, RANDOM);
  }

  /**
   * Checks a username and password. May take a PBKDF2 computation (tens to hundreds of
   * milliseconds): never call it on an event loop.
   *
   * @param username the username the client sent
   * @param password the password the client sent
   * @return whether the user exists and the password matches
   */
  public boolean verify(String username, String password) {
    if (username == null || password == null) {
      return false;
    }
    if (isRemembered(username, password)) {
      return true;
    }
    PasswordHash hash = users.get(username);
    char[] chars = password.toCharArray();
    boolean ok;
    if (hash == null || passwordProblem(chars) != null) {
      decoy.matches(chars);
      ok = false;
    } else {
      ok = hash.matches(chars);
    }
    java.util.Arrays.fill(chars, '\0');
    if (ok) {
      remembered.put(username, remember(username, password));
    }
    return ok;
  }

  /**
   * Checks the attempt's username and password with {@link #verify}; a refusal says whether
   * the username is a user of this file (only then does the log line show it).
   */
  @Override
  public AuthVerdict authenticate(AuthAttempt attempt) {
    if (verify(attempt.username(), attempt.password())) {
      return AuthVerdict.accept();
    }
    return AuthVerdict.refuse(users.containsKey(attempt.username()));
  }

  /** Accepts at the cost of one HMAC a password that passed the PBKDF2 check before. */
  @Override
  public AuthVerdict quickVerdict(AuthAttempt attempt) {
    return isRemembered(attempt.username(), attempt.password()) ? AuthVerdict.accept() : null;
  }

  /**
   * What is wrong with the users file's permissions, one sentence each: empty when it was
   * parsed from lines, or only its owner may write it.
   *
   * @return the warnings
   */
  public List<String> warnings() {
    return warnings;
  }

  /** The cheap half of {@link #verify}: a password that already passed the PBKDF2 check. */
  boolean isRemembered(String username, String password) {
    byte[] known = remembered.get(username);
    return known != null && MessageDigest.isEqual(known, remember(username, password));
  }

  /**
   * The usernames, in file order.
   *
   * @return an unmodifiable set
   */
  public Set<String> usernames() {
    return users.keySet();
  }

  @Override
  public String toString() {
    return "ProxyCredentials[" + users.size() + (users.size() == 1 ? " user]" : " users]");
  }

  private byte[] remember(String username, String password) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(rememberKey, "HmacSHA256"));
      mac.update(username.getBytes(StandardCharsets.UTF_8));
      mac.update((byte) 0);
      return mac.doFinal(password.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  private static String usernameProblem(String user) {
    if (user.isEmpty() || user.length() > 255) {
      return "username must be 1 to 255 characters";
    }
    for (int i = 0; i < user.length(); i++) {
      char c = user.charAt(i);
      if (c < 0x21 || c > 0x7e || c == ':') {
        return "username \"" + printable(user) + "\" must be printable ASCII without spaces or ':'";
      }
    }
    return null;
  }

  private static String passwordProblem(char[] password) {
    if (password.length == 0 || password.length > 255) {
      return "password must be 1 to 255 characters";
    }
    for (char c : password) {
      if (c < 0x20 || c > 0x7e) {
        return "password must be printable ASCII (Netty's RFC 1929 decoder reads it as US-ASCII)";
      }
    }
    return null;
  }

  private static String printable(String s) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      out.append(c >= 0x20 && c <= 0x7e ? String.valueOf(c) : String.format("\\u%04x", (int) c));
    }
    return out.toString();
  }
}
