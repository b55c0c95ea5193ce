package dev.egresskit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.egresskit.cli.Main;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Packs this module's classes into a jar, as a user would ship the plug-in, and runs the real
 * CLI with {@code --plugin} on the jar's folder. The classes are not on the test class path
 * (see the surefire configuration), so anything the plug-in does here came through the plug-in
 * loader.
 */
class PluginThroughTheCliTest {

  @TempDir static Path pluginDir;
  @TempDir Path work;

  /** One CLI run's outcome. */
  record Run(int exitCode, String out, String err) {}

  @BeforeAll
  static void packThePluginJar() throws IOException {
    Path classes = Path.of(System.getProperty("egresskit.examples.classes"));
    try (OutputStream file = Files.newOutputStream(pluginDir.resolve("egresskit-examples.jar"));
        JarOutputStream jar = new JarOutputStream(file);
        Stream<Path> paths = Files.walk(classes)) {
      for (Path path : paths.filter(Files::isRegularFile).sorted().toList()) {
        jar.putNextEntry(new JarEntry(classes.relativize(path).toString().replace('\\', '/')));
        Files.copy(path, jar);
        jar.closeEntry();
      }
    }
  }

  @Test
  void thePluginClassesAreNotOnTheTestClassPath() {
    assertThat(getClass().getClassLoader().getResource("dev/egresskit/examples/EhloDomainRule.class"))
        .isNull();
  }

  @Test
  void theSiteRuleRejectsAnEhloNameOutsideTheDomainOnlyWhenThePluginIsLoaded() throws IOException {
    Path policy = policy("mta1.other.example");

    Run with = run("--plugin", pluginDir.toString(), "resolve", "--policy", policy.toString(),
        "ip-1");
    Run without = run("resolve", "--policy", policy.toString(), "ip-1");

    assertThat(with.exitCode()).as(with.toString()).isEqualTo(2);
    assertThat(with.err()).contains("policy.lua:2: get_egress_source 'ip-1': ehlo_domain: is not"
        + " under demo.egresskit.test: \"mta1.other.example\" (allowed: a host name under"
        + " demo.egresskit.test (site rule EhloDomainRule))");
    assertThat(without.exitCode()).as(without.toString()).isZero();
  }

  @Test
  void theSiteRuleAcceptsANameUnderTheDomain() throws IOException {
    Run run = run("--plugin", pluginDir.toString(), "resolve", "--policy",
        policy("mta1.demo.egresskit.test").toString(), "ip-1");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out()).contains("mta1.demo.egresskit.test");
  }

  @Test
  void theAuditCacheWritesOneLinePerPolicyLookupAndCachesLikeCaffeine() throws IOException {
    Path audit = work.resolve("audit.jsonl");
    System.setProperty("egresskit.examples.audit-file", audit.toString());
    Run run;
    try {
      run = run("--plugin", pluginDir.toString(), "resolve", "--cache", "audit", "--policy",
          policy("mta1.demo.egresskit.test").toString(), "ip-1", "ip-1", "ip-2");
    } finally {
      System.clearProperty("egresskit.examples.audit-file");
    }

    assertThat(run.exitCode()).as(run.toString()).isZero();
    List<String> lines = Files.readAllLines(audit, StandardCharsets.UTF_8);
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).contains("\"cache\":\"egress_source_sources\"")
        .contains("\"key\":\"ip-1\"").contains("\"outcome\":\"loaded\"");
    assertThat(lines.get(1)).contains("\"key\":\"ip-2\"");
  }

  @Test
  void withoutThePluginTheAuditCacheDoesNotExist() throws IOException {
    Run run = run("resolve", "--cache", "audit", "--policy",
        policy("mta1.demo.egresskit.test").toString(), "ip-1");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--cache audit: no such cache implementation (available:"
        + " lruttl, uncached)");
  }

  @Test
  void theProxyV1StrategyReplacesTheBuiltInOneWhenEnabledAndTheDemoStillDelivers()
      throws Exception {
    System.setProperty("egresskit.examples.proxy-protocol", "v1");
    Run run;
    try {
      run = run("--plugin", pluginDir.toString(), "demo", "--json");
    } finally {
      System.clearProperty("egresskit.examples.proxy-protocol");
    }

    assertThat(run.exitCode()).as(run.toString()).isZero();
    JsonNode demo = new ObjectMapper().readTree(run.out());
    JsonNode haproxy = demo.get("routes").get(1);
    assertThat(haproxy.get("probe").get("protocol").asText()).isEqualTo("haproxy-v1");
    JsonNode header = haproxy.get("seen").get("proxy_header");
    assertThat(header.get("version").asInt()).isEqualTo(1);
    assertThat(header.get("source").asText()).startsWith("127.0.0.3:")
        .isEqualTo(haproxy.get("probe").get("reported_source").asText());
    assertThat(header.get("destination").asText())
        .isEqualTo(demo.get("servers").get("sink").asText());
  }

  @Test
  void withoutTheSettingTheBuiltInProxyV2StrategyIsUsed() throws Exception {
    Run run = run("--plugin", pluginDir.toString(), "demo", "--json");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    JsonNode haproxy = new ObjectMapper().readTree(run.out()).get("routes").get(1);
    assertThat(haproxy.get("probe").get("protocol").asText()).isEqualTo("haproxy");
    assertThat(haproxy.get("seen").get("proxy_header").get("version").asInt()).isEqualTo(2);
  }

  private Path policy(String ehlo) throws IOException {
    Path policy = work.resolve("policy.lua");
    Files.writeString(policy, """
        kumo.on('get_egress_source', function(name)
          return kumo.make_egress_source { name = name, ehlo_domain = '%s' }
        end)
        """.formatted(ehlo));
    return policy;
  }

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(code, out.toString(), err.toString());
  }
}
