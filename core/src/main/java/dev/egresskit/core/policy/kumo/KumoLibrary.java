package dev.egresskit.core.policy.kumo;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.egresskit.core.policy.support.KumoApiException;
import java.time.Clock;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The rest of KumoMTA's {@code kumo} API, implemented once for every binding: each name of
 * KumoMTA's reference (except the egress functions the bindings implement themselves) is either
 * <b>real</b> (memoize, serde, string, regex, digest, encode, uuid, time, log, ...) or
 * <b>inert</b> (it configures the rest of an MTA: it accepts its arguments, returns a value of
 * the documented shape, and is recorded in {@link dev.egresskit.core.policy.PolicyUsage}).
 *
 * <p>Names are written without the {@code kumo.} prefix: {@code memoize},
 * {@code string.split}, {@code dns.lookup_mx}.
 */
public final class KumoLibrary {
  /** What a name does. */
  public enum Kind { REAL, INERT, VALUE }

  /**
   * One name.
   *
   * @param name     without {@code kumo.}, e.g. {@code string.split}
   * @param kind     real, inert, or a plain value ({@code kumo.version})
   * @param function the body (for {@link Kind#VALUE}, it returns the value)
   */
  public record Entry(String name, Kind kind, KumoFunction function) {}

  /** KumoMTA's version this API follows ({@code kumo.version}). */
  public static final String KUMO_VERSION = "2025.12.02-67ee9e96 (egresskit)";

  private static final KumoLibrary STANDARD =
      new KumoLibrary(Clock.systemUTC(), Memoize.global());

  private final Map<String, Entry> entries;
  private final Set<String> modules;
  private final Memoize memoize;

  private KumoLibrary(Clock clock, Memoize memoize) {
    this.memoize = memoize;
    Builder b = new Builder();
    b.value("version", KUMO_VERSION);
    Control.register(b, memoize);
    Serde.register(b);
    KumoStrings.register(b);
    KumoRegex.register(b);
    Digests.register(b);
    Encodings.register(b);
    Uuids.register(b, clock);
    KumoTimes.register(b, clock);
    SourcesHelper.register(b, memoize);
    ProxyFunctions.register(b);
    InertFunctions.register(b);
    this.entries = Collections.unmodifiableMap(b.entries);
    Set<String> mods = new TreeSet<>();
    for (String name : entries.keySet()) {
      int dot = name.lastIndexOf('.');
      while (dot > 0) {
        mods.add(name.substring(0, dot));
        dot = name.lastIndexOf('.', dot - 1);
      }
    }
    this.modules = Collections.unmodifiableSet(mods);
  }

  /** The library every policy engine uses: the system clock and the process-global caches. */
  public static KumoLibrary standard() {
    return STANDARD;
  }

  /** A library on its own clock and memoize caches (for tests that move time). */
  public static KumoLibrary create(Clock clock, Ticker ticker) {
    return new KumoLibrary(clock, new Memoize(ticker));
  }

  /** Every name, in registration order. */
  public Map<String, Entry> entries() {
    return entries;
  }

  /** The sub-modules ({@code string}, {@code serde}, {@code api.inject}, ...), sorted. */
  public Set<String> modules() {
    return modules;
  }

  /** The memoize caches this library uses. */
  public Memoize memoize() {
    return memoize;
  }

  /** The entry for {@code name}, if KumoMTA has it. */
  public Optional<Entry> entry(String name) {
    return Optional.ofNullable(entries.get(name));
  }

  /**
   * Calls {@code name}; an inert call is recorded first.
   *
   * @throws KumoApiException if the name is not KumoMTA's, or the call is wrong
   */
  public Object call(String name, List<Object> args, KumoContext context) {
    Entry entry = entries.get(name);
    if (entry == null) {
      throw new KumoApiException(unknownName("kumo." + name));
    }
    if (entry.kind() == Kind.INERT) {
      context.usage().inertCall("kumo." + name, context.here());
    }
    return entry.function().apply(new Args("kumo." + name, args), context);
  }

  /** The error text for a name KumoMTA does not have, e.g. {@code kumo.nonexistent}. */
  public static String unknownName(String qualified) {
    return qualified + " is not part of KumoMTA's kumo API (see docs/kumomta-policies.md for"
        + " the names EgressKit provides)";
  }

  /** Collects the names while the library is built. */
  static final class Builder {
    private final Map<String, Entry> entries = new LinkedHashMap<>();

    void real(String name, KumoFunction function) {
      add(new Entry(name, Kind.REAL, function));
    }

    void inert(String name, KumoFunction function) {
      add(new Entry(name, Kind.INERT, function));
    }

    void value(String name, Object value) {
      add(new Entry(name, Kind.VALUE, (args, ctx) -> value));
    }

    boolean has(String name) {
      return entries.containsKey(name);
    }

    private void add(Entry entry) {
      Objects.requireNonNull(entry.function(), entry.name());
      if (entries.putIfAbsent(entry.name(), entry) != null) {
        throw new IllegalStateException("kumo." + entry.name() + " is registered twice");
      }
    }
  }
}
