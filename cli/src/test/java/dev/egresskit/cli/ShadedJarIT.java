package dev.egresskit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * The shaded {@code egresskit.jar} (built in the package phase, so this runs as an integration
 * test) ships the runtime only: no test library comes along with the SMTP sink or anything else.
 */
class ShadedJarIT {

  private static List<String> entries() throws IOException {
    Path jar = Path.of(System.getProperty("egresskit.jar", "target/egresskit.jar"));
    assertThat(jar).as("the shaded jar").isRegularFile();
    try (JarFile file = new JarFile(jar.toFile())) {
      return file.stream().map(JarEntry::getName).toList();
    }
  }

  @Test
  void theCommandJarHoldsNoTestLibrary() throws IOException {
    assertThat(entries())
        .filteredOn(name -> name.startsWith("org/junit/") || name.startsWith("org/assertj/")
            || name.startsWith("net/jqwik/") || name.startsWith("org/opentest4j/"))
        .isEmpty();
  }

  @Test
  void theCommandJarHoldsTheCommandAndTheSink() throws IOException {
    assertThat(entries()).contains("dev/egresskit/cli/Main.class",
        "dev/egresskit/sink/SmtpSink.class",
        "META-INF/services/dev.egresskit.core.policy.PolicyEngineProvider");
  }

  /** The proxy grows its splice pipes through JNA: its classes and its Linux stubs come along. */
  @Test
  void theCommandJarHoldsJnaWithItsLinuxStubs() throws IOException {
    assertThat(entries()).contains("com/sun/jna/Native.class",
        "com/sun/jna/linux-x86-64/libjnidispatch.so",
        "com/sun/jna/linux-aarch64/libjnidispatch.so");
  }
}
