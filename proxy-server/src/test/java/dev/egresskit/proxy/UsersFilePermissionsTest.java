package dev.egresskit.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The users file is accepted whatever its mode, with ssh's warnings about who may write it. */
class UsersFilePermissionsTest {

  @TempDir Path dir;

  private Path usersFile(String mode) throws Exception {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    Path file = dir.resolve("users");
    Files.writeString(file,
        ProxyCredentials.hashLine("alice", "s3cret".toCharArray(), PasswordHash.MIN_ITERATIONS) + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
    return file;
  }

  @Test
  void aFileOnlyItsOwnerMayWriteHasNoWarning() throws Exception {
    assertThat(ProxyCredentials.load(usersFile("rw-r--r--")).warnings()).isEmpty();
  }

  @Test
  void aWorldWritableFileIsLoadedWithAWarning() throws Exception {
    List<String> warnings = ProxyCredentials.load(usersFile("rw-rw-rw-")).warnings();
    assertThat(warnings).singleElement().asString()
        .contains("writable by everyone", "(mode 0666)", "chmod go-w");
  }

  @Test
  void aGroupWritableFileIsLoadedWithAWarning() throws Exception {
    assertThat(ProxyCredentials.load(usersFile("rw-rw----")).warnings()).singleElement()
        .asString().contains("writable by its group");
  }

  @Test
  void aFolderOthersMayWriteIsWarnedAboutUnlessItIsSticky() throws Exception {
    Path file = usersFile("rw-------");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
    assertThat(ProxyCredentials.load(file).warnings()).singleElement().asString()
        .contains("folder", "writable by everyone", "could replace the file");
    Process sticky = new ProcessBuilder("chmod", "1777", dir.toString()).start();
    assertThat(sticky.waitFor()).isZero();
    assertThat(ProxyCredentials.load(file).warnings()).isEmpty();
  }

  @Test
  void parsedLinesHaveNoFileAndNoWarning() {
    assertThat(ProxyCredentials.parse("inline", List.of(
        ProxyCredentials.hashLine("bob", "pw".toCharArray(), PasswordHash.MIN_ITERATIONS)))
        .warnings()).isEmpty();
  }
}
