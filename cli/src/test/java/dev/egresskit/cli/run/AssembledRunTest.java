package dev.egresskit.cli.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import dev.egresskit.cli.LineCapture;
import dev.egresskit.cli.output.Io;
import dev.egresskit.cli.output.Lifecycle;
import dev.egresskit.cli.output.Style;
import dev.egresskit.core.cache.SourceCacheFactory;
import dev.egresskit.core.policy.PolicyEngineProvider;
import dev.egresskit.core.spec.SourceValidator;
import dev.egresskit.transport.EgressConnector;
import dev.egresskit.transport.SmtpProbe;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SessionTest {

  private static Io io() {
    return new Io(new PrintWriter(new LineCapture()), new PrintWriter(new LineCapture()),
        Style.PLAIN, new Lifecycle());
  }

  @Test
  void theInjectorAssemblesEveryFeatureWithoutPlugins() {
    try (AssembledRun session = AssembledRun.open(io(), List.of())) {
      Map<String, PolicyEngineProvider> engines = session.injector().getInstance(
          Key.get(new TypeLiteral<Map<String, PolicyEngineProvider>>() {}));
      Map<String, SourceCacheFactory> caches = session.injector().getInstance(
          Key.get(new TypeLiteral<Map<String, SourceCacheFactory>>() {}));
      Set<SourceValidator> validators = session.injector().getInstance(
          Key.get(new TypeLiteral<Set<SourceValidator>>() {}));

      assertThat(engines).containsOnlyKeys("lua", "js");
      assertThat(caches).containsOnlyKeys("lruttl", "uncached");
      assertThat(validators).as("no plug-in validators").isEmpty();
      assertThat(session.get(dev.egresskit.embed.assembly.PolicyLoader.class).extensions())
          .containsExactly(".js", ".lua");
      assertThat(session.get(SmtpProbe.class)).isNotNull();
      assertThat(session.get(EgressConnector.class))
          .isSameAs(session.get(EgressConnector.class));
    }
  }

  @Test
  void closingTheSessionClosesWhatItCreatedAndRestoresTheContextClassLoader() {
    ClassLoader before = Thread.currentThread().getContextClassLoader();
    EgressConnector connector;
    try (AssembledRun session = AssembledRun.open(io(), List.of())) {
      connector = session.get(EgressConnector.class);
    }

    assertThat(Thread.currentThread().getContextClassLoader()).isSameAs(before);
    assertThat(connector.openChannels()).isZero();
  }

  @Test
  void theClosersFailuresDoNotStopTheOtherResources() {
    dev.egresskit.embed.assembly.Closer closer = new dev.egresskit.embed.assembly.Closer();
    int[] closed = {0};
    closer.register(() -> closed[0]++);
    closer.register(() -> {
      throw new IllegalStateException("boom");
    });
    closer.register(() -> closed[0]++);

    assertThatThrownBy(closer::close).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("boom");
    assertThat(closed[0]).isEqualTo(2);
  }
}
