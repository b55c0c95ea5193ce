package dev.egresskit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.egresskit.sink.SmtpSink;
import dev.egresskit.testkit.await.Await;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The shaded {@code egresskit.jar} (built in the package phase, so this runs as an integration
 * test) ships the runtime only: no test library comes along with the SMTP sink or anything else,
 * and of JNA's JNI stubs only the one for the platform whose Netty epoll native it carries.
 */
class ShadedJarIT {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final Pattern LISTENING =
      Pattern.compile("SOCKS5 proxy listening on 127\\.0\\.0\\.1:(\\d+) ");
  private static final Pattern EPOLL_NATIVE =
      Pattern.compile("META-INF/native/libnetty_transport_native_epoll_(.+)\\.so");

  private static Path jar() {
    Path jar = Path.of(System.getProperty("egresskit.jar", "target/egresskit.jar"));
    assertThat(jar).as("the shaded jar").isRegularFile();
    return jar;
  }

  private static List<String> entries() throws IOException {
    try (JarFile file = new JarFile(jar().toFile())) {
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

  /**
   * The proxy grows its splice pipes through JNA, and splices only on Netty's epoll transport:
   * JNA's classes come along with its Linux stub for each architecture whose epoll native the
   * jar carries (this machine's among them), and no stub for any other platform.
   */
  @Test
  void theCommandJarHoldsJnaWithTheLinuxStubsOfTheEpollNativesOnly() throws IOException {
    List<String> entries = entries();
    List<String> epollArchitectures = entries.stream().map(EPOLL_NATIVE::matcher)
        .filter(Matcher::matches).map(m -> m.group(1)).toList();
    String here = System.getProperty("os.arch").equals("amd64") ? "x86_64"
        : System.getProperty("os.arch");
    assertThat(epollArchitectures).as("Netty epoll natives").contains(here);
    List<String> wanted = new ArrayList<>();
    for (String arch : epollArchitectures) {
      // Netty names them x86_64 and aarch_64, JNA linux-x86-64 and linux-aarch64.
      wanted.add("com/sun/jna/linux-" + arch.replace("x86_64", "x86-64").replace("_", "")
          + "/libjnidispatch.so");
    }
    assertThat(entries).contains("com/sun/jna/Native.class", "com/sun/jna/Platform.class");
    assertThat(entries).filteredOn(name -> name.startsWith("com/sun/jna/")
            && name.contains("jnidispatch"))
        .containsExactlyInAnyOrderElementsOf(wanted)
        .noneMatch(name -> name.contains("darwin") || name.contains("win32"));
  }

  /** On this machine JNA loads from the filtered jar: relay pipes grow to 1 MiB. */
  @Test
  void theJarProxyGrowsItsSplicePipesWhereTheStubIsThere() throws Exception {
    assertThat(startLineOfASplicingProxyThatRelays())
        .contains("epoll, splice relays (1024 KiB pipes)");
  }

  /**
   * Where the jar has no JNA stub (here: JNA told to look for linux-aarch64's, which the jar no
   * longer carries, and not to search the system), the proxy still starts, splices and relays,
   * with 64 KiB pipes.
   */
  @Test
  void theJarProxySplicesWithDefaultPipesWhereJnaCannotLoad() throws Exception {
    assertThat(entries()).doesNotContain("com/sun/jna/linux-aarch64/libjnidispatch.so");
    assertThat(startLineOfASplicingProxyThatRelays("-Djna.prefix=linux-aarch64",
        "-Djna.nosys=true"))
        .contains("epoll, splice relays (64 KiB pipes)");
  }

  /**
   * Runs {@code java OPTIONS -jar egresskit.jar proxy --splice}, relays one SMTP session through
   * it, stops it with SIGTERM and returns its start line.
   */
  private static String startLineOfASplicingProxyThatRelays(String... jvmOptions)
      throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of(jvmOptions));
    command.addAll(List.of("-jar", jar().toString(), "proxy", "--listen", "127.0.0.1:0",
        "--splice"));
    Process process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    StderrLines stderr = StderrLines.follow(process);
    List<String> err = stderr.lines();
    try (SmtpSink sink = SmtpSink.builder().build().start()) {
      Await.until(() -> err.stream().anyMatch(l -> LISTENING.matcher(l).find()), WAIT,
          "the proxy listening: " + err);
      String started = err.stream().filter(l -> LISTENING.matcher(l).find()).findFirst()
          .orElseThrow();
      Matcher port = LISTENING.matcher(started);
      assertThat(port.find()).isTrue();
      InetSocketAddress proxy = new InetSocketAddress("127.0.0.1", Integer.parseInt(port.group(1)));
      assertThat(ProxyCommandTest.relayOneSession(proxy, sink, "jar.example").ehlo())
          .contains("jar.example");
      assertThat(process.isAlive()).as("the proxy after the relay: " + err).isTrue();
      return started;
    } finally {
      process.toHandle().destroy(); // SIGTERM only: the CLI's graceful stop
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      stderr.awaitEnd(Duration.ofSeconds(10));
    }
  }
}
