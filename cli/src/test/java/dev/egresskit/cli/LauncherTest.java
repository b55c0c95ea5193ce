package dev.egresskit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The repository's {@code egresskit} launcher script, run by bash with a stand-in {@code java}
 * (via {@code JAVA}) that records its arguments: which JVM options each command gets.
 */
class LauncherTest {

  private static final Path LAUNCHER = Path.of("..", "egresskit").toAbsolutePath().normalize();
  private static final List<String> SERVER_OPTS = List.of("-Xms64m", "-XX:+AlwaysPreTouch");

  @TempDir Path dir;
  private Path jar;
  private Path recorded;
  private Path fakeJava;

  @BeforeEach
  void standIns() throws IOException {
    jar = Files.writeString(dir.resolve("set-aside.jar"), "not run");
    recorded = dir.resolve("args");
    fakeJava = dir.resolve("java");
    Files.writeString(fakeJava, "#!/usr/bin/env bash\nprintf '%s\\n' \"$@\" > \"$RECORD\"\n");
    Files.setPosixFilePermissions(fakeJava, PosixFilePermissions.fromString("rwx------"));
  }

  @Test
  void theServersStartWithASmallPreTouchedHeap() throws Exception {
    assertThat(launch(Map.of(), "proxy", "--listen", "127.0.0.1:1080"))
        .isEqualTo(javaArgs(SERVER_OPTS, "proxy", "--listen", "127.0.0.1:1080"));
    assertThat(launch(Map.of(), "--plugin", "/opt/plugins", "sink", "--listen", "127.0.0.1:25"))
        .isEqualTo(javaArgs(SERVER_OPTS, "--plugin", "/opt/plugins", "sink", "--listen",
            "127.0.0.1:25"));
  }

  @Test
  void otherCommandsGetTheJvmDefaults() throws Exception {
    assertThat(launch(Map.of(), "bench", "connect", "127.0.0.1:25"))
        .isEqualTo(javaArgs(List.of(), "bench", "connect", "127.0.0.1:25"));
    // --plugin's directory is not the command, whatever it is called.
    assertThat(launch(Map.of(), "--plugin", "proxy", "demo"))
        .isEqualTo(javaArgs(List.of(), "--plugin", "proxy", "demo"));
    assertThat(launch(Map.of(), "--version")).isEqualTo(javaArgs(List.of(), "--version"));
  }

  @Test
  void egresskitJavaOptsReplacesTheDefaultsEvenWhenEmpty() throws Exception {
    assertThat(launch(Map.of("EGRESSKIT_JAVA_OPTS", "-Xmx1g  -Dfoo=bar"), "proxy"))
        .isEqualTo(javaArgs(List.of("-Xmx1g", "-Dfoo=bar"), "proxy"));
    assertThat(launch(Map.of("EGRESSKIT_JAVA_OPTS", "-Xss1m"), "demo"))
        .isEqualTo(javaArgs(List.of("-Xss1m"), "demo"));
    assertThat(launch(Map.of("EGRESSKIT_JAVA_OPTS", ""), "proxy"))
        .isEqualTo(javaArgs(List.of(), "proxy"));
  }

  @Test
  void aMissingSetAsideJarIsNamed() throws Exception {
    Path missing = dir.resolve("gone.jar");
    Process process = start(Map.of("EGRESSKIT_JAR", missing.toString()), "demo");
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isEqualTo(1);
    assertThat(new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8))
        .contains("EGRESSKIT_JAR=" + missing + ": no such file");
    assertThat(recorded).doesNotExist();
  }

  private List<String> javaArgs(List<String> opts, String... command) {
    List<String> args = new ArrayList<>(opts);
    args.add("-jar");
    args.add(jar.toString());
    args.addAll(List.of(command));
    return args;
  }

  private List<String> launch(Map<String, String> env, String... args) throws Exception {
    Files.deleteIfExists(recorded);
    Process process = start(env, args);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("launcher finished").isTrue();
    assertThat(process.exitValue())
        .as(new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8))
        .isZero();
    return Files.readAllLines(recorded);
  }

  private Process start(Map<String, String> env, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("bash", LAUNCHER.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    builder.environment().remove("EGRESSKIT_JAVA_OPTS");
    builder.environment().put("JAVA", fakeJava.toString());
    builder.environment().put("EGRESSKIT_JAR", jar.toString());
    builder.environment().put("RECORD", recorded.toString());
    builder.environment().putAll(env);
    return builder.start();
  }
}
