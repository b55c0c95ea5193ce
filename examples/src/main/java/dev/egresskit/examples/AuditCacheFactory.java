package dev.egresskit.examples;

import dev.egresskit.core.cache.CacheSettings;
import dev.egresskit.core.cache.CacheSetup;
import dev.egresskit.core.cache.SourceCache;
import dev.egresskit.core.cache.SourceCacheFactory;
import dev.egresskit.core.cache.SourceCaches;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A cache named {@code audit}: the built-in Caffeine cache (same TTLs, capacity and
 * single-flight loading), plus one JSON line per load, i.e. per time the policy was actually
 * asked. Useful to see how often a policy runs and how long it takes.
 *
 * <pre>
 * {"time":"2026-01-01T10:00:00Z","cache":"egress_source_sources","key":"ip-1","outcome":"loaded","micros":812}
 * </pre>
 *
 * <p>Lines go to the file named by the system property {@code egresskit.examples.audit-file},
 * else the environment variable {@code EGRESSKIT_AUDIT_FILE} (appended, created if missing), else
 * to standard error. Failures are logged with their message, which EgressKit keeps free of
 * secrets. Select it with {@code egresskit --plugin DIR resolve --cache audit ...}.
 */
public final class AuditCacheFactory implements SourceCacheFactory {

  /** For {@link java.util.ServiceLoader}. */
  public AuditCacheFactory() {}

  @Override
  public String name() {
    return "audit";
  }

  @Override
  public <V> SourceCache<V> create(CacheSetup<V> setup) {
    // Delegate to the built-in implementation, found the same way EgressKit finds it.
    SourceCacheFactory builtIn =
        SourceCaches.factory(CacheSettings.LRUTTL, SourceCacheFactory.class.getClassLoader());
    return new AuditCache<>(builtIn.create(setup), sink(), Clock.systemUTC());
  }

  /** Where lines go; a file is opened per line (append), so nothing stays open. */
  private static Consumer<String> sink() {
    String file = System.getProperty("egresskit.examples.audit-file");
    if (file == null || file.isBlank()) {
      file = System.getenv("EGRESSKIT_AUDIT_FILE");
    }
    if (file == null || file.isBlank()) {
      PrintStream err = System.err;
      return err::println;
    }
    Path path = Path.of(file);
    return line -> {
      try {
        Files.writeString(path, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
            StandardOpenOption.APPEND, StandardOpenOption.WRITE);
      } catch (IOException e) {
        throw new UncheckedIOException("audit cache: cannot write " + path, e);
      }
    };
  }

  /** The wrapper: every call of the loader is timed and written as one line. */
  static final class AuditCache<V> implements SourceCache<V> {
    private final SourceCache<V> delegate;
    private final Consumer<String> out;
    private final Clock clock;

    AuditCache(SourceCache<V> delegate, Consumer<String> out, Clock clock) {
      this.delegate = delegate;
      this.out = out;
      this.clock = clock;
    }

    @Override
    public String name() {
      return delegate.name();
    }

    @Override
    public V get(String key, Function<String, ? extends V> loader) {
      return delegate.get(key, k -> {
        long start = System.nanoTime();
        try {
          V value = loader.apply(k);
          write(k, "loaded", start, null);
          return value;
        } catch (RuntimeException e) {
          write(k, "failed", start, e.getMessage());
          throw e;
        }
      });
    }

    private void write(String key, String outcome, long start, String error) {
      long micros = (System.nanoTime() - start) / 1000;
      StringBuilder line = new StringBuilder(160).append('{');
      field(line, "time", clock.instant().toString()).append(',');
      field(line, "cache", delegate.name()).append(',');
      field(line, "key", key).append(',');
      field(line, "outcome", outcome).append(",\"micros\":").append(micros);
      if (error != null) {
        line.append(',');
        field(line, "error", error);
      }
      line.append('}');
      synchronized (this) {
        out.accept(line.toString());
      }
    }

    private static StringBuilder field(StringBuilder line, String name, String value) {
      line.append('"').append(name).append("\":\"");
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        switch (c) {
          case '"' -> line.append("\\\"");
          case '\\' -> line.append("\\\\");
          case '\n' -> line.append("\\n");
          case '\r' -> line.append("\\r");
          case '\t' -> line.append("\\t");
          default -> {
            if (c < 0x20) {
              line.append(String.format("\\u%04x", (int) c));
            } else {
              line.append(c);
            }
          }
        }
      }
      return line.append('"');
    }

    @Override
    public void invalidate(String key) {
      delegate.invalidate(key);
    }

    @Override
    public void invalidateAll() {
      delegate.invalidateAll();
    }

    @Override
    public long estimatedSize() {
      return delegate.estimatedSize();
    }

    @Override
    public void cleanUp() {
      delegate.cleanUp();
    }
  }
}
