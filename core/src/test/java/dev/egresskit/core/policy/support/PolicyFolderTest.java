package dev.egresskit.core.policy.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PolicyFolderTest {
  @TempDir Path root;
  private Path policyDir;
  private PolicyFolder folder;

  @BeforeEach
  void setUp() throws Exception {
    policyDir = Files.createDirectories(root.resolve("policy"));
    Files.writeString(Files.createDirectories(policyDir.resolve("data")).resolve("s.json"), "{}");
    Files.writeString(root.resolve("secret.txt"), "top secret");
    folder = PolicyFolder.of(policyDir.resolve("policy.lua"));
  }

  @Test
  void aRelativePathInsideTheFolderIsRead() {
    assertThat(folder.read("json_load", "data/s.json")).isEqualTo("{}");
    assertThat(folder.read("json_load", "./data/../data/s.json")).isEqualTo("{}");
  }

  @ParameterizedTest(name = "''{0}'' is refused")
  @ValueSource(strings = {"../secret.txt", "data/../../secret.txt", "/etc/passwd", ""})
  void pathsThatLeaveTheFolderAreRefused(String path) {
    assertThatThrownBy(() -> folder.read("json_load", path))
        .isInstanceOf(KumoApiException.class)
        .hasMessageStartingWith("json_load: ")
        .hasMessageNotContaining("top secret");
  }

  @Test
  void anAbsolutePathIntoTheFolderIsStillRefused() {
    assertThatThrownBy(() -> folder.read("toml_load",
        policyDir.resolve("data/s.json").toString()))
        .hasMessageContaining("is an absolute path");
  }

  @Test
  void aSymbolicLinkLeavingTheFolderIsRefused() throws Exception {
    Files.createSymbolicLink(policyDir.resolve("link.txt"), root.resolve("secret.txt"));
    Files.createSymbolicLink(policyDir.resolve("linkdir"), root);
    assertThatThrownBy(() -> folder.read("json_load", "link.txt"))
        .hasMessageContaining("symbolic link that leaves the policy folder");
    assertThatThrownBy(() -> folder.read("json_load", "linkdir/secret.txt"))
        .hasMessageContaining("symbolic link that leaves the policy folder");
  }

  @Test
  void aSymbolicLinkInsideTheFolderIsFollowed() throws Exception {
    Files.createSymbolicLink(policyDir.resolve("alias.json"), policyDir.resolve("data/s.json"));
    assertThat(folder.read("json_load", "alias.json")).isEqualTo("{}");
  }

  @Test
  void directoriesAndMissingFilesAreRefused() {
    assertThatThrownBy(() -> folder.read("json_load", "data"))
        .hasMessage("json_load: 'data' is not a regular file");
    assertThatThrownBy(() -> folder.read("json_load", "none.json"))
        .hasMessageStartingWith("json_load: 'none.json' does not exist in the policy folder");
  }

  @Test
  void moduleNamesMapToFilesAndOnlyDottedIdentifiersAreAccepted() throws Exception {
    Files.writeString(policyDir.resolve("data/util.lua"), "return 1");
    assertThat(folder.resolveModule("data.util", "lua"))
        .isEqualTo(policyDir.resolve("data/util.lua").toRealPath());
    assertThatThrownBy(() -> folder.resolveModule("../x", "lua"))
        .hasMessageStartingWith("require: module '../x' is not a valid name");
    assertThatThrownBy(() -> folder.resolveModule("a..b", "lua"))
        .hasMessageStartingWith("require: module 'a..b' is not a valid name");
  }
}
