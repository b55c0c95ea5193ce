package dev.egresskit.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.egresskit.core.model.EgressSource;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyEnginesTest {

  /** A policy language plug-in whose "scripts" define one source named after the file. */
  public static final class StubProvider implements PolicyEngineProvider {
    /** For ServiceLoader. */
    public StubProvider() {}

    @Override
    public String language() {
      return "stub";
    }

    @Override
    public Set<String> extensions() {
      return Set.of("stub", "stb");
    }

    @Override
    public PolicyEngine load(Path script, PolicySettings settings) {
      return JavaPolicy.builder().scriptName(script.getFileName().toString())
          .define(EgressSource.named("from-" + script.getFileName())).build();
    }
  }

  /** Another plug-in that claims the same extension. */
  public static final class RivalProvider implements PolicyEngineProvider {
    /** For ServiceLoader. */
    public RivalProvider() {}

    @Override
    public String language() {
      return "rival";
    }

    @Override
    public Set<String> extensions() {
      return Set.of("stub");
    }

    @Override
    public PolicyEngine load(Path script, PolicySettings settings) {
      throw new AssertionError("never chosen");
    }
  }

  private static URLClassLoader withProviders(Path dir, Class<?>... providers)
      throws IOException {
    Path services = dir.resolve("META-INF/services");
    Files.createDirectories(services);
    StringBuilder lines = new StringBuilder();
    for (Class<?> provider : providers) {
      lines.append(provider.getName()).append('\n');
    }
    Files.writeString(services.resolve(PolicyEngineProvider.class.getName()), lines);
    return new URLClassLoader(new URL[] {dir.toUri().toURL()},
        PolicyEnginesTest.class.getClassLoader());
  }

  @Test
  void providerIsChosenByTheScriptsExtension(@TempDir Path dir) throws IOException {
    try (URLClassLoader loader = withProviders(dir, StubProvider.class)) {
      PolicyEngine engine = PolicyEngines.load(Path.of("conf/Policy.STUB"),
          PolicySettings.DEFAULTS, loader);

      assertThat(engine.scriptName()).isEqualTo("Policy.STUB");
      assertThat(engine.definedSources()).containsOnlyKeys("from-Policy.STUB");
      assertThat(PolicyEngines.providerFor(Path.of("x.stb"), loader))
          .isInstanceOf(StubProvider.class);
    }
  }

  @Test
  void unknownExtensionIsAnErrorListingTheSupportedOnes(@TempDir Path dir) throws IOException {
    try (URLClassLoader loader = withProviders(dir, StubProvider.class)) {
      assertThatThrownBy(() -> PolicyEngines.providerFor(Path.of("policy.py"), loader))
          .isInstanceOf(PolicyException.class)
          .hasMessage("cannot load policy 'policy.py': no policy engine handles .py;"
              + " supported extensions: .stb, .stub");
      assertThatThrownBy(() -> PolicyEngines.providerFor(Path.of("policy"), loader))
          .hasMessage("cannot load policy 'policy': it has no file extension;"
              + " supported extensions: .stb, .stub");
    }
  }

  @Test
  void extensionClaimedTwiceIsAnError(@TempDir Path dir) throws IOException {
    try (URLClassLoader loader = withProviders(dir, StubProvider.class, RivalProvider.class)) {
      assertThatThrownBy(() -> PolicyEngines.providerFor(Path.of("p.stub"), loader))
          .hasMessage("cannot load policy 'p.stub': .stub is claimed by several policy engines:"
              + " stub, rival");
    }
  }

  @Test
  void withoutAnyProviderTheErrorSaysSo() {
    // core itself ships no policy language
    assertThat(PolicyEngines.providers()).isEmpty();
    assertThatThrownBy(() -> PolicyEngines.load(Path.of("policy.lua"), PolicySettings.DEFAULTS))
        .isInstanceOf(PolicyException.class)
        .hasMessageContaining("no policy engine is on the class path");
  }
}
