package dev.egresskit.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProxyCredentialsTest {

  private static final int FAST = PasswordHash.MIN_ITERATIONS;

  @Test
  void hashLineHasTheDocumentedTextForm() {
    String line = ProxyCredentials.hashLine("alice", "s3cret".toCharArray(), FAST);

    assertThat(line).matches("alice:pbkdf2-sha256\\$1000\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");
    assertThat(line).doesNotContain("s3cret");
  }

  @Test
  void twoHashesOfOnePasswordUseDifferentSalts() {
    String a = ProxyCredentials.hashLine("alice", "s3cret".toCharArray(), FAST);
    String b = ProxyCredentials.hashLine("alice", "s3cret".toCharArray(), FAST);

    assertThat(a).isNotEqualTo(b);
  }

  @Test
  void rightPasswordIsAcceptedAndWrongOnesAreRefused() {
    ProxyCredentials creds = ProxyCredentials.parse("test",
        List.of(ProxyCredentials.hashLine("alice", "s3cret".toCharArray(), FAST)));

    assertThat(creds.verify("alice", "s3cret")).isTrue();
    assertThat(creds.verify("alice", "s3cret ")).isFalse();
    assertThat(creds.verify("alice", "S3cret")).isFalse();
    assertThat(creds.verify("bob", "s3cret")).isFalse();
    assertThat(creds.verify("alice", "")).isFalse();
  }

  @Test
  void aVerifiedPasswordIsRememberedButAWrongOneIsNot() {
    ProxyCredentials creds = ProxyCredentials.parse("test",
        List.of(ProxyCredentials.hashLine("alice", "s3cret".toCharArray(), FAST)));
    assertThat(creds.isRemembered("alice", "s3cret")).isFalse();

    creds.verify("alice", "s3cret");
    creds.verify("alice", "wrong");

    assertThat(creds.isRemembered("alice", "s3cret")).isTrue();
    assertThat(creds.isRemembered("alice", "wrong")).isFalse();
  }

  @Test
  void aHashMadeByAnotherPbkdf2ImplementationVerifies() {
    // Python's hashlib.pbkdf2_hmac('sha256', b'passwordPASSWORD', b'saltSALTsaltSALT', 4096, 32)
    ProxyCredentials creds = ProxyCredentials.parse("test", List.of(
        "carol:pbkdf2-sha256$4096$c2FsdFNBTFRzYWx0U0FMVA==$LHdefuID1lRQ776BBGO4iF6EYzjMMzVCuviQ3Dw6Bu8="));

    assertThat(creds.verify("carol", "passwordPASSWORD")).isTrue();
    assertThat(creds.verify("carol", "passwordPASSWORd")).isFalse();
  }

  @Test
  void usersFileSkipsCommentsAndBlankLines(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("users");
    Files.write(file, List.of(
        "# proxy users",
        "",
        ProxyCredentials.hashLine("alice", "a-pass".toCharArray(), FAST),
        "   ",
        ProxyCredentials.hashLine("bob", "b-pass".toCharArray(), FAST)));

    ProxyCredentials creds = ProxyCredentials.load(file);

    assertThat(creds.usernames()).containsExactly("alice", "bob");
    assertThat(creds.verify("bob", "b-pass")).isTrue();
  }

  @Test
  void everyMalformedLineIsReportedWithItsNumberAndNoHashText() {
    String good = ProxyCredentials.hashLine("alice", "a-pass".toCharArray(), FAST);
    String hash = good.substring(good.indexOf(':') + 1);
    List<String> lines = List.of(
        "no colon here",
        "bob:md5$abc",
        "carol:pbkdf2-sha256$12$c2FsdHNhbHQ=$" + hash.substring(hash.lastIndexOf('$') + 1),
        good,
        "alice:" + hash,
        "dave:pbkdf2-sha256$1000$!!!$AAAA");

    assertThatThrownBy(() -> ProxyCredentials.parse("/etc/users", lines))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Invalid proxy users file /etc/users:")
        .hasMessageContaining("1) line 1: expected user:pbkdf2-sha256$<iterations>$<salt-base64>$<hash-base64>")
        .hasMessageContaining("2) line 2: user \"bob\": expected pbkdf2-sha256$")
        .hasMessageContaining("3) line 3: user \"carol\": iterations must be between 1000 and 10000000")
        .hasMessageContaining("4) line 5: duplicate user \"alice\" (first defined on line 4)")
        .hasMessageContaining("5) line 6: user \"dave\": salt is not valid Base64")
        .hasMessageContaining("egresskit proxy hash-password")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(hash).doesNotContain("md5$abc"));
  }

  @Test
  void aFileWithoutUsersIsAnError() {
    assertThatThrownBy(() -> ProxyCredentials.parse("empty", List.of("# nothing", "")))
        .hasMessageContaining("no users defined");
  }

  @Test
  void passwordsOutsidePrintableAsciiCannotBeHashed() {
    assertThatThrownBy(() -> ProxyCredentials.hashLine("alice", "pässword".toCharArray(), FAST))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("printable ASCII");
    assertThatThrownBy(() -> ProxyCredentials.hashLine("alice", new char[0], FAST))
        .hasMessageContaining("1 to 255");
    assertThatThrownBy(() -> ProxyCredentials.hashLine("al ice", "x".toCharArray(), FAST))
        .hasMessageContaining("username");
    assertThatThrownBy(() -> ProxyCredentials.hashLine("alice", "x".toCharArray(), 999))
        .hasMessageContaining("expected between 1000 and 10000000");
  }

  @Test
  void toStringShowsOnlyTheNumberOfUsers() {
    ProxyCredentials creds = ProxyCredentials.parse("test",
        List.of(ProxyCredentials.hashLine("alice", "s3cret".toCharArray(), FAST)));

    assertThat(creds).hasToString("ProxyCredentials[1 user]");
  }
}
