package dev.egresskit.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.egresskit.core.model.EgressPool;
import dev.egresskit.core.model.PoolEntry;
import dev.egresskit.core.policy.PolicyEngine;
import dev.egresskit.core.policy.PolicyEngineProvider;
import dev.egresskit.core.policy.PolicyException;
import dev.egresskit.core.policy.PolicySettings;
import dev.egresskit.core.pool.PoolSelector;
import dev.egresskit.core.resolve.ResolutionException;
import dev.egresskit.core.resolve.SourceResolver;
import dev.egresskit.core.resolve.SourceViews;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;

/**
 * Runs the conformance cases against a {@link PolicyEngineProvider}. A binding's test suite only
 * needs:
 *
 * <pre>
 * &#64;TestFactory
 * Stream&lt;DynamicTest&gt; conformance() {
 *   return ConformanceSuite.tests(new LuaPolicyEngineProvider());
 * }
 * </pre>
 *
 * <p>Each lookup of each case is one test with a freshly loaded policy (copied, with the case's
 * data files, into a temporary folder) and a fresh {@link SourceResolver}. A case without a
 * {@code policy.<ext>} for the provider's language fails, so a new language must cover every case.
 */
public final class ConformanceSuite {
  /** Where the cases live on the class path. */
  public static final String ROOT = "conformance/";

  /** The settings every case is loaded with. */
  public static final PolicySettings SETTINGS = new PolicySettings(2, Duration.ofSeconds(5));

  private static final ObjectMapper JSON = new ObjectMapper();

  private ConformanceSuite() {}

  /** Every case, in folder order (listed in {@code conformance/cases.txt}). */
  public static List<ConformanceCase> cases() {
    List<ConformanceCase> cases = new ArrayList<>();
    for (String line : resourceText(ROOT + "cases.txt").split("\n")) {
      String id = line.strip();
      if (!id.isEmpty() && !id.startsWith("#")) {
        cases.add(CaseParser.parse(id, resourceText(ROOT + id + "/case.json")));
      }
    }
    return List.copyOf(cases);
  }

  /** One dynamic test per lookup (or load failure) of every case that applies to the provider. */
  public static Stream<DynamicTest> tests(PolicyEngineProvider provider) {
    String language = provider.language();
    return cases().stream()
        .filter(c -> c.appliesTo(language))
        .flatMap(c -> testsOf(c, provider));
  }

  /** Runs one case completely (every lookup), failing with an assertion error. */
  public static void run(ConformanceCase c, PolicyEngineProvider provider) {
    testsOf(c, provider).forEach(t -> {
      try {
        t.getExecutable().execute();
      } catch (Throwable e) {
        if (e instanceof RuntimeException r) {
          throw r;
        }
        if (e instanceof Error err) {
          throw err;
        }
        throw new IllegalStateException(e);
      }
    });
  }

  private static Stream<DynamicTest> testsOf(ConformanceCase c, PolicyEngineProvider provider) {
    String language = provider.language();
    String ext = extension(provider);
    String label = c.id() + " [" + language + "] ";
    List<DynamicTest> tests = new ArrayList<>();
    if (c.loadErrorFor(language).isPresent()) {
      tests.add(DynamicTest.dynamicTest(label + "does not load",
          () -> expectLoadFailure(c, provider, ext, c.loadErrorFor(language).get())));
    }
    for (ConformanceCase.Lookup lookup : c.sources()) {
      tests.add(DynamicTest.dynamicTest(label + "source '" + lookup.name() + "'",
          () -> withResolver(c, provider, ext, resolver -> checkSource(resolver, lookup,
              language, scriptName(ext)))));
    }
    for (ConformanceCase.Lookup lookup : c.pools()) {
      tests.add(DynamicTest.dynamicTest(label + "pool '" + lookup.name() + "'",
          () -> withResolver(c, provider, ext, resolver -> checkPool(resolver, lookup,
              language, scriptName(ext)))));
    }
    if (tests.isEmpty()) {
      tests.add(DynamicTest.dynamicTest(label + "has expectations",
          () -> fail("case " + c.id() + " expects nothing for " + language)));
    }
    return tests.stream();
  }

  private static void checkSource(SourceResolver resolver, ConformanceCase.Lookup lookup,
      String language, String script) {
    if (lookup.view() != null) {
      Map<String, Object> view = SourceViews.sourceView(resolver.resolve(lookup.name()));
      assertView(lookup, view);
    } else {
      assertError(() -> resolver.resolve(lookup.name()), lookup, language, script);
    }
  }

  private static void checkPool(SourceResolver resolver, ConformanceCase.Lookup lookup,
      String language, String script) {
    if (lookup.view() != null) {
      EgressPool pool = resolver.resolvePool(lookup.name());
      assertView(lookup, SourceViews.poolView(pool));
      if (!lookup.picks().isEmpty()) {
        PoolSelector selector = PoolSelector.of(pool);
        List<String> picks = new ArrayList<>();
        for (int i = 0; i < lookup.picks().size(); i++) {
          picks.add(selector.next().map(PoolEntry::name).orElse("<none>"));
        }
        assertThat(picks).as("weighted round robin picks of pool '%s'", lookup.name())
            .containsExactlyElementsOf(lookup.picks());
      }
    } else {
      assertError(() -> resolver.resolvePool(lookup.name()), lookup, language, script);
    }
  }

  private static void assertView(ConformanceCase.Lookup lookup, Map<String, Object> view) {
    try {
      String actualText = JSON.writeValueAsString(view);
      JsonNode actual = JSON.readTree(actualText);
      JsonNode expected = JSON.readTree(lookup.view());
      assertThat(actual).as("view of '%s'", lookup.name()).isEqualTo(expected);
      for (String secret : lookup.absent()) {
        assertThat(actualText).as("view of '%s'", lookup.name()).doesNotContain(secret);
      }
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void assertError(Runnable lookupCall, ConformanceCase.Lookup lookup,
      String language, String script) {
    assertThatThrownBy(lookupCall::run)
        .as("lookup of '%s'", lookup.name())
        .isInstanceOf(ResolutionException.class)
        .satisfies(e -> {
          for (String fragment : lookup.errorsFor(language)) {
            assertThat(e.getMessage()).contains(fragment.replace("{script}", script));
          }
          for (String secret : lookup.absent()) {
            assertThat(e.getMessage()).doesNotContain(secret);
          }
        });
  }

  private static void expectLoadFailure(ConformanceCase c, PolicyEngineProvider provider,
      String ext, List<String> fragments) {
    Path folder = materialise(c, ext);
    try {
      assertThatThrownBy(() -> provider.load(folder.resolve(scriptName(ext)), SETTINGS).close())
          .isInstanceOf(PolicyException.class)
          .satisfies(e -> {
            for (String fragment : fragments) {
              assertThat(e.getMessage()).contains(fragment.replace("{script}", scriptName(ext)));
            }
          });
    } finally {
      delete(folder);
    }
  }

  private static void withResolver(ConformanceCase c, PolicyEngineProvider provider, String ext,
      java.util.function.Consumer<SourceResolver> body) {
    Path folder = materialise(c, ext);
    try (PolicyEngine engine = provider.load(folder.resolve(scriptName(ext)), SETTINGS)) {
      body.accept(SourceResolver.builder(engine).build());
    } finally {
      delete(folder);
    }
  }

  /** Copies the case's policy and files into a fresh temporary folder. */
  private static Path materialise(ConformanceCase c, String ext) {
    try {
      Path folder = Files.createTempDirectory("conformance-" + c.id() + "-");
      copy(c.id() + "/" + scriptName(ext), folder.resolve(scriptName(ext)),
          "case " + c.id() + " has no " + scriptName(ext) + " (every case needs one per language"
              + " unless its case.json restricts \"languages\")");
      for (String file : c.files()) {
        Path target = folder.resolve(file).normalize();
        if (!target.startsWith(folder)) {
          throw new IllegalArgumentException("case " + c.id() + ": file " + file
              + " leaves the case folder");
        }
        Files.createDirectories(target.getParent());
        copy(c.id() + "/" + file, target, "case " + c.id() + " lists missing file " + file);
      }
      return folder;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void copy(String resource, Path target, String missing) throws IOException {
    try (InputStream in = ConformanceSuite.class.getClassLoader()
        .getResourceAsStream(ROOT + resource)) {
      if (in == null) {
        fail(missing);
      }
      Files.copy(in, target);
    }
  }

  private static void delete(Path folder) {
    try (Stream<Path> paths = Files.walk(folder)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String extension(PolicyEngineProvider provider) {
    return provider.extensions().stream().sorted().findFirst().orElseThrow(
        () -> new IllegalArgumentException(provider + " handles no file extension"));
  }

  private static String scriptName(String ext) {
    return "policy." + ext;
  }

  private static String resourceText(String resource) {
    try (InputStream in = ConformanceSuite.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing conformance resource " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
