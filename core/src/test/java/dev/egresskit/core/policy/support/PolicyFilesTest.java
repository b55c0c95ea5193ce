package dev.egresskit.core.policy.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.egresskit.core.model.Secret;
import dev.egresskit.core.policy.FileAccess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PolicyFilesTest {
  @TempDir Path root;
  private Path policyDir;
  private PolicyFiles files;

  @BeforeEach
  void setUp() throws Exception {
    policyDir = Files.createDirectories(root.resolve("policy"));
    Files.writeString(Files.createDirectories(policyDir.resolve("data")).resolve("s.json"), "{}");
    Files.writeString(root.resolve("secret.txt"), "top secret");
    files = PolicyFiles.of(policyDir.resolve("policy.lua"));
  }

  private String text(PolicyFiles rule, String path) {
    return rule.readText("json_load", path);
  }

  @Test
  void aRelativePathInsideTheFolderIsRead() {
    assertThat(text(files, "data/s.json")).isEqualTo("{}");
    assertThat(text(files, "./data/../data/s.json")).isEqualTo("{}");
  }

  @Test
  void anAbsolutePathIntoTheFolderIsRead() {
    assertThat(text(files, policyDir.resolve("data/s.json").toString())).isEqualTo("{}");
  }

  @ParameterizedTest(name = "''{0}'' is refused")
  @ValueSource(strings = {"../secret.txt", "data/../../secret.txt", "/etc/passwd", "",
      "/dev/zero", "/proc/self/environ"})
  void pathsThatLeaveTheFolderAreRefused(String path) {
    assertThatThrownBy(() -> text(files, path))
        .isInstanceOf(KumoApiException.class)
        .hasMessageStartingWith("json_load: ")
        .hasMessageNotContaining("top secret");
  }

  @Test
  void theRefusalSaysHowToAllowMore() {
    assertThatThrownBy(() -> text(files, root.resolve("secret.txt").toString()))
        .hasMessageContaining("is outside the policy folder")
        .hasMessageContaining("--allow-read DIR")
        .hasMessageContaining("--path-map FROM=TO");
  }

  @Test
  void anAllowedDirectoryIsReadButNotItsParent() throws Exception {
    Path shared = Files.createDirectories(root.resolve("shared"));
    Files.writeString(shared.resolve("pools.toml"), "x = 1");
    PolicyFiles allowing = PolicyFiles.of(policyDir.resolve("policy.lua"),
        new FileAccess(List.of(shared), List.of()));
    assertThat(allowing.readText("toml_load", shared.resolve("pools.toml").toString()))
        .isEqualTo("x = 1");
    assertThatThrownBy(() -> allowing.readText("toml_load", shared + "/../secret.txt"))
        .hasMessageContaining("outside the policy folder");
    assertThatThrownBy(() -> allowing.readText("toml_load", "../shared/../secret.txt"))
        .hasMessageContaining("outside the policy folder");
  }

  @Test
  void aPathMapReadsADeployedPathFromALocalFolder() {
    PolicyFiles mapped = PolicyFiles.of(policyDir.resolve("policy.lua"), new FileAccess(
        List.of(), List.of(FileAccess.PathMap.parse("/opt/kumomta/etc/policy=" + policyDir))));
    assertThat(text(mapped, "/opt/kumomta/etc/policy/data/s.json")).isEqualTo("{}");
    assertThatThrownBy(() -> text(mapped, "/opt/kumomta/etc/policy/../../../secret.txt"))
        .hasMessageContaining("outside the policy folder");
    assertThatThrownBy(() -> text(mapped, "/opt/kumomta/etc/policy/none.json"))
        .hasMessageContaining("does not exist");
  }

  @Test
  void theMostSpecificPathMapWins() throws Exception {
    Path share = Files.createDirectories(root.resolve("share"));
    Files.writeString(share.resolve("x.lua"), "share");
    FileAccess access = new FileAccess(List.of(), List.of(
        FileAccess.PathMap.parse("/opt/kumomta=" + policyDir),
        FileAccess.PathMap.parse("/opt/kumomta/share=" + share)));
    PolicyFiles mapped = PolicyFiles.of(policyDir.resolve("policy.lua"), access);
    assertThat(mapped.readText("require", "/opt/kumomta/share/x.lua")).isEqualTo("share");
    assertThat(text(mapped, "/opt/kumomta/data/s.json")).isEqualTo("{}");
  }

  @Test
  void aSymbolicLinkLeavingTheFolderIsRefused() throws Exception {
    Files.createSymbolicLink(policyDir.resolve("link.txt"), root.resolve("secret.txt"));
    Files.createSymbolicLink(policyDir.resolve("linkdir"), root);
    assertThatThrownBy(() -> text(files, "link.txt"))
        .hasMessageContaining("symbolic link that leaves the policy folder");
    assertThatThrownBy(() -> text(files, "linkdir/secret.txt"))
        .hasMessageContaining("symbolic link that leaves the policy folder");
  }

  @Test
  void aSymbolicLinkInsideTheFolderIsFollowed() throws Exception {
    Files.createSymbolicLink(policyDir.resolve("alias.json"), policyDir.resolve("data/s.json"));
    assertThat(text(files, "alias.json")).isEqualTo("{}");
  }

  @Test
  void directoriesAndMissingFilesAreRefused() {
    assertThatThrownBy(() -> text(files, "data"))
        .hasMessageStartingWith("json_load: 'data' is not a regular file");
    assertThatThrownBy(() -> text(files, "none.json"))
        .hasMessageStartingWith("json_load: 'none.json' does not exist in the policy folder");
    assertThat(files.locate("require", "none.lua")).isEmpty();
  }

  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS)
  void aFifoIsRefusedWithoutOpeningIt() throws Exception {
    Path fifo = policyDir.resolve("pw.fifo");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS)).isTrue();
    // Opening a fifo with no writer blocks forever: the timeout above fails the test if it did.
    assertThatThrownBy(() -> text(files, "pw.fifo"))
        .hasMessageContaining("is not a regular file");
    Files.createSymbolicLink(policyDir.resolve("zero"), Path.of("/dev/zero"));
    assertThatThrownBy(() -> text(files, "zero"))
        .hasMessageContaining("symbolic link that leaves the policy folder");
  }

  @Test
  void aFileLargerThanTheBoundIsRefused() throws Exception {
    Path big = policyDir.resolve("big.json");
    try (var out = Files.newOutputStream(big)) {
      out.write(new byte[(int) PolicyFiles.MAX_FILE_BYTES + 1]);
    }
    assertThatThrownBy(() -> files.read("json_load", "big.json"))
        .hasMessageContaining("is larger than " + PolicyFiles.MAX_FILE_BYTES + " bytes");
  }

  @Test
  void passwordFilesAreReadUnderTheRule() throws Exception {
    Files.writeString(policyDir.resolve("pw"), "s3cret\n");
    Secret inside = new Secret.FileRef(Path.of("pw"), files);
    assertThat(inside.reveal()).isEqualTo("s3cret");
    Secret outside = new Secret.FileRef(root.resolve("secret.txt"), files);
    assertThatThrownBy(outside::reveal).isInstanceOf(IOException.class)
        .hasMessageContaining("socks5_proxy_password: ")
        .hasMessageContaining("outside the policy folder")
        .hasMessageNotContaining("top secret");
  }

  @Test
  void nonUtf8TextIsAnErrorNamingTheFile() throws Exception {
    Files.write(policyDir.resolve("bad.json"), new byte[] {'{', (byte) 0xff, '}'});
    assertThatThrownBy(() -> text(files, "bad.json"))
        .hasMessage("json_load: 'bad.json' is not UTF-8 text");
    assertThat(new String(files.read("json_load", "data/s.json"), StandardCharsets.UTF_8))
        .isEqualTo("{}");
  }
}
