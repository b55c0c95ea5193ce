package dev.egresskit.lua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.model.Route;
import dev.egresskit.core.model.Secret;
import dev.egresskit.core.policy.FileAccess;
import dev.egresskit.core.policy.PolicyEngine;
import dev.egresskit.core.policy.PolicySettings;
import dev.egresskit.core.resolve.SourceResolver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code socks5_proxy_password} file is read at each handshake under the policy's read rule:
 * a policy cannot make EgressKit send an arbitrary file to a proxy of its choosing.
 */
class PasswordFilesTest {
  @TempDir Path root;

  private Secret password(String path, PolicySettings settings) {
    Path policy = Policies.write(root.resolve("policy"), "policy.lua",
        "kumo.on('get_egress_source', function(name)\n"
        + "  return kumo.make_egress_source { name = name,\n"
        + "    socks5_proxy_server = '127.0.0.1:1080',\n"
        + "    socks5_proxy_username = 'u', socks5_proxy_password = '" + path + "' }\n"
        + "end)\n");
    try (PolicyEngine engine = new LuaPolicyEngineProvider().load(policy, settings)) {
      EgressSource source = SourceResolver.builder(engine).build().resolve("s");
      return ((Route.Socks5) source.route()).credentials().orElseThrow().password();
    }
  }

  @Test
  void aPasswordFileInThePolicyFolderIsRead() throws Exception {
    Policies.write(root.resolve("policy"), "secrets/pw", "s3cret\n");
    assertThat(password("secrets/pw", Policies.SETTINGS).reveal()).isEqualTo("s3cret");
  }

  @Test
  void aPasswordFileOutsideNeedsAllowRead() throws Exception {
    Path outside = Policies.write(root, "shared/pw", "shared-secret\n");
    assertThatThrownBy(() -> password(outside.toString(), Policies.SETTINGS).reveal())
        .isInstanceOf(IOException.class)
        .hasMessageContaining("is outside the policy folder")
        .hasMessageNotContaining("shared-secret");
    PolicySettings allowed = Policies.SETTINGS.withFiles(
        new FileAccess(List.of(outside.getParent()), List.of()));
    assertThat(password(outside.toString(), allowed).reveal()).isEqualTo("shared-secret");
  }

  @Test
  void systemFilesAndEscapesAreRefused() {
    for (String path : new String[] {"/etc/passwd", "../../../../etc/passwd", "/dev/zero",
        "/proc/self/environ"}) {
      assertThatThrownBy(() -> password(path, Policies.SETTINGS).reveal()).as(path)
          .isInstanceOf(IOException.class)
          .hasMessageContaining("socks5_proxy_password: ")
          .hasMessageContaining("outside the policy folder");
    }
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void aFifoPasswordFileIsRefusedAtOnce() throws Exception {
    Path fifo = root.resolve("policy/pw.fifo");
    Files.createDirectories(fifo.getParent());
    assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor(10,
        TimeUnit.SECONDS)).isTrue();
    assertThatThrownBy(() -> password("pw.fifo", Policies.SETTINGS).reveal())
        .isInstanceOf(IOException.class)
        .hasMessageContaining("is not a regular file");
  }
}
