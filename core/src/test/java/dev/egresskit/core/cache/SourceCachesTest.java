package dev.egresskit.core.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourceCachesTest {

  /** A third-party cache implementation, registered only through a services file. */
  public static final class PlugInFactory implements SourceCacheFactory {
    /** For ServiceLoader. */
    public PlugInFactory() {}

    @Override
    public String name() {
      return "plug-in";
    }

    @Override
    public <V> SourceCache<V> create(CacheSetup<V> setup) {
      return new UncachedCacheFactory().create(setup);
    }
  }

  @Test
  void builtInImplementationsAreFoundByName() {
    assertThat(SourceCaches.factory("lruttl")).isInstanceOf(LruTtlCacheFactory.class);
    assertThat(SourceCaches.factory("uncached")).isInstanceOf(UncachedCacheFactory.class);
    assertThat(SourceCaches.factories()).extracting(SourceCacheFactory::name)
        .contains("lruttl", "uncached");
  }

  @Test
  void unknownNameIsAnErrorListingTheAvailableImplementations() {
    assertThatThrownBy(() -> SourceCaches.factory("redis"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no source cache implementation named 'redis'; available: lruttl, uncached");
  }

  @Test
  void plugInOnTheClassPathIsSelectableByName(@TempDir Path dir) throws IOException {
    Path services = dir.resolve("META-INF/services");
    Files.createDirectories(services);
    Files.writeString(services.resolve(SourceCacheFactory.class.getName()),
        PlugInFactory.class.getName() + "\n");
    try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()},
        SourceCachesTest.class.getClassLoader())) {
      SourceCacheFactory factory = SourceCaches.factory("plug-in", loader);

      assertThat(factory).isInstanceOf(PlugInFactory.class);
      SourceCache<String> cache = factory.create(new CacheSetup<>("plugged", v -> Duration.ZERO,
          CacheSettings.DEFAULTS.withImplementation("plug-in"), () -> 0L,
          new io.micrometer.core.instrument.simple.SimpleMeterRegistry()));
      Function<String, String> loader2 = key -> "v-" + key;
      assertThat(cache.get("k", loader2)).isEqualTo("v-k");
    }
    assertThatThrownBy(() -> SourceCaches.factory("plug-in"))
        .hasMessageContaining("available: lruttl, uncached");
  }

  @Test
  void settingsRejectNonsense() {
    assertThatThrownBy(() -> CacheSettings.DEFAULTS.withCapacity(0))
        .hasMessageContaining("capacity must be at least 1");
    assertThatThrownBy(() -> CacheSettings.DEFAULTS.withNegativeTtl(Duration.ofSeconds(-1)))
        .hasMessageContaining("negativeTtl must not be negative");
    assertThatThrownBy(() -> CacheSettings.DEFAULTS.withStaleGrace(Duration.ofSeconds(-1)))
        .hasMessageContaining("staleGrace must not be negative");
    assertThatThrownBy(() -> CacheSettings.DEFAULTS.withImplementation(" "))
        .hasMessageContaining("implementation must name");
  }
}
