package dev.egresskit.core.policy.kumo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.egresskit.core.policy.PolicyUsage;
import dev.egresskit.core.policy.support.KumoApiException;
import dev.egresskit.core.policy.support.PolicyFiles;
import dev.egresskit.core.policy.ScriptLocation;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** kumo.memoize with KumoMTA's parameters and semantics, on a ticker the test moves. */
class MemoizeTest {
  private final AtomicLong nanos = new AtomicLong();
  private final Ticker ticker = nanos::get;
  private final Memoize memoize = new Memoize(ticker);
  private final KumoContext context = new KumoContext() {
    @Override
    public ScriptLocation here() {
      return new ScriptLocation("policy.lua", 1);
    }

    @Override
    public PolicyUsage usage() {
      return new PolicyUsage();
    }

    @Override
    public PolicyFiles files() {
      throw new AssertionError();
    }

    @Override
    public long deadlineNanos() {
      return Long.MAX_VALUE;
    }
  };

  private void advance(Duration d) {
    nanos.addAndGet(d.toNanos());
  }

  @Test
  void aValueIsKeptForTheTtlPerArguments() {
    AtomicInteger calls = new AtomicInteger();
    ScriptFunction f = memoize.wrap(args -> calls.incrementAndGet(), Memoize.params(Map.of(
        "name", "ttl-test", "ttl", "5 minutes", "capacity", 10L)), context);
    assertThat(f.call(List.of("a"))).isEqualTo(1L);
    assertThat(f.call(List.of("a"))).isEqualTo(1L);
    assertThat(f.call(List.of("b"))).isEqualTo(2L);
    advance(Duration.ofMinutes(5).plusSeconds(1));
    assertThat(f.call(List.of("a"))).isEqualTo(3L);
  }

  @Test
  void anErrorIsCachedForSixtySeconds() {
    AtomicInteger calls = new AtomicInteger();
    ScriptFunction f = memoize.wrap(args -> {
      calls.incrementAndGet();
      throw new KumoApiException("boom");
    }, Memoize.params(Map.of("name", "err-test", "ttl", 600L, "capacity", 10L)), context);
    assertThatThrownBy(() -> f.call(List.of())).hasMessage("boom");
    assertThatThrownBy(() -> f.call(List.of())).hasMessage("boom");
    assertThat(calls).hasValue(1);
    advance(Duration.ofSeconds(61));
    assertThatThrownBy(() -> f.call(List.of())).hasMessage("boom");
    assertThat(calls).hasValue(2);
  }

  @Test
  void cachesAreFoundByNameSameParametersShareDifferentOnesReplace() {
    AtomicInteger calls = new AtomicInteger();
    Memoize.Params params = Memoize.params(Map.of("name", "shared", "ttl", 60L, "capacity", 5L));
    memoize.wrap(args -> calls.incrementAndGet(), params, context).call(List.of(1L));
    memoize.wrap(args -> calls.incrementAndGet(), params, context).call(List.of(1L));
    assertThat(calls).hasValue(1);
    memoize.wrap(args -> calls.incrementAndGet(), Memoize.params(Map.of("name", "shared",
        "ttl", 61L, "capacity", 5L)), context).call(List.of(1L));
    assertThat(calls).hasValue(2);
  }

  @Test
  void theKeyIsTheJsonOfTheArguments() {
    assertThat(Memoize.key(List.of())).isEqualTo("null");
    assertThat(Memoize.key(List.of("a"))).isEqualTo("\"a\"");
    assertThat(Memoize.key(List.of("a", 1L))).isEqualTo("[\"a\",1]");
  }

  @Test
  void parametersAreCheckedAsKumoMtaChecksThem() {
    assertThatThrownBy(() -> Memoize.params(Map.of("name", "x", "ttl", 1L, "capacity", 1L,
        "colour", "red"))).hasMessageStartingWith("kumo.memoize: unknown field `colour`");
    assertThatThrownBy(() -> Memoize.params(Map.of("name", "egress_source_sources", "ttl", 1L,
        "capacity", 1L))).hasMessageStartingWith("cannot use name `egress_source_sources` for a"
        + " memoize cache, as it collides with a built-in cache.");
    assertThatThrownBy(() -> Memoize.params(Map.of("name", "x", "capacity", 1L)))
        .hasMessageStartingWith("kumo.memoize: missing field `ttl`");
    assertThat(Memoize.params(Map.of("name", "x", "ttl", "2m", "capacity", 3L,
        "allow_stale_reads", true)).populateTimeout()).isEqualTo(Duration.ofSeconds(120));
  }
}
