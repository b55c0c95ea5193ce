package dev.egresskit.cli.demo;

import dev.egresskit.cli.output.Json;
import dev.egresskit.cli.run.AssembledRun;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The demo's policy folder: a fresh temporary folder with the bundled policy and
 * {@code demo-ports.json}, which is how the policy learns the servers' ephemeral ports (it reads
 * the file with {@code kumo.json_load}).
 */
final class DemoPolicyFolder {
  private DemoPolicyFolder() {}

  /**
   * Writes the folder for {@code servers}; it is deleted when the run ends unless {@code keep}.
   *
   * @return the policy file ({@code demo.lua} or {@code demo.js}) inside the folder
   */
  static Path write(AssembledRun run, DemoServers servers, String lang, boolean keep)
      throws IOException {
    Path folder = Files.createTempDirectory("egresskit-demo-");
    if (!keep) {
      run.own(() -> deleteTree(folder));
    }
    Files.writeString(folder.resolve("demo-ports.json"),
        Json.mapper().writeValueAsString(servers.ports()) + "\n");
    String resource = "demo." + lang;
    Path policy = folder.resolve(resource);
    try (InputStream in = DemoPolicyFolder.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is missing from the egresskit jar");
      }
      Files.copy(in, policy);
    }
    return policy;
  }

  private static void deleteTree(Path folder) throws IOException {
    if (!Files.exists(folder)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(folder)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
