package dev.egresskit.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.resolve.ResolutionException;
import dev.egresskit.core.spec.Problem;
import dev.egresskit.core.spec.SourceValidator;
import dev.egresskit.embed.assembly.SetupException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The builder's options, each observable through the kit it builds. */
class BuilderTest {
  @TempDir Path dir;

  /** A clock the test moves by hand. */
  private static final class HandClock extends Clock {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @Test
  void theClockDecidesWhenACachedSourceExpiresAndThePolicyIsAskedAgain() {
    HandClock clock = new HandClock();
    try (EgressKit kit = EgressKit.builder().policy(TestPolicy.write(dir, null)).clock(clock)
        .interpreters(1).build()) {
      String first = kit.source("counted").ehloDomain().orElseThrow();
      clock.advance(Duration.ofSeconds(9));
      assertThat(kit.source("counted").ehloDomain()).contains(first);
      clock.advance(Duration.ofSeconds(2));
      assertThat(kit.source("counted").ehloDomain()).isPresent().get().isNotEqualTo(first);
    }
  }

  @Test
  void theUncachedImplementationAsksThePolicyEveryTime() {
    try (EgressKit kit = EgressKit.builder().policy(TestPolicy.write(dir, null)).cache("uncached")
        .interpreters(1).build()) {
      assertThat(kit.source("counted").ehloDomain())
          .isNotEqualTo(kit.source("counted").ehloDomain());
    }
  }

  @Test
  void anApplicationValidatorRejectsSourcesWithItsOwnProblem() {
    SourceValidator onlyExampleCom = (EgressSource source, dev.egresskit.core.spec.RawSpec spec) ->
        source.ehloDomain().orElse("").endsWith(".example.com") ? List.of()
            : List.of(new Problem("ehlo_domain", spec.location(), source.ehloDomain(),
                "is not under example.com", "a name under example.com"));
    try (EgressKit kit = EgressKit.builder().policy(TestPolicy.write(dir, null))
        .validators(onlyExampleCom).build()) {
      assertThat(kit.source("ip-1").name()).isEqualTo("ip-1");
      assertThatThrownBy(() -> kit.source("counted"))
          .isInstanceOf(ResolutionException.class)
          .hasMessageContaining("ehlo_domain")
          .hasMessageContaining("is not under example.com");
    }
  }

  @Test
  void cacheMetersGoToTheGivenRegistry() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (EgressKit kit = EgressKit.builder().policy(TestPolicy.write(dir, null))
        .meterRegistry(registry).build()) {
      kit.source("ip-1");
      kit.source("ip-1");
    }
    assertThat(registry.getMeters()).extracting(m -> m.getId().getName())
        .anyMatch(name -> name.contains("cache"));
  }

  @Test
  void badSetupsFailWithWhatIsWrong() throws Exception {
    Path txt = Files.writeString(dir.resolve("policy.txt"), "nothing");
    assertThatThrownBy(() -> EgressKit.builder().build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("no policy");
    assertThatThrownBy(() -> EgressKit.builder().policy(txt).build())
        .isInstanceOf(SetupException.class)
        .hasMessageContaining("no policy engine handles .txt (supported: .js, .lua)");
    assertThatThrownBy(() -> EgressKit.builder().policy(dir.resolve("missing.lua")).build())
        .isInstanceOf(SetupException.class).hasMessageContaining("no such file");
    assertThatThrownBy(() -> EgressKit.builder().policy(TestPolicy.write(dir, null))
        .cache("nope").build())
        .isInstanceOf(SetupException.class)
        .hasMessageContaining("nope: no such cache implementation (available: lruttl, uncached)");
    assertThat(Optional.of(EgressKitBuilder.DEFAULT_CONNECT_TIMEOUT))
        .contains(Duration.ofSeconds(60));
  }

  @Test
  void aReadRootLetsThePolicyReadDataOutsideItsOwnFolderAndNothingElseDoes() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    Files.writeString(data.resolve("sources.json"), """
        { "ip-9": { "source_address": "127.0.0.9", "ehlo_domain": "mta9.example.com" } }
        """);
    Path policy = Files.createDirectories(dir.resolve("policy")).resolve("policy.lua");
    Files.writeString(policy, """
        local sources = kumo.json_load('%s')
        kumo.on('get_egress_source', function(name)
          local fields = sources[name]
          fields.name = name
          return kumo.make_egress_source(fields)
        end)
        """.formatted(data.resolve("sources.json").toAbsolutePath()));

    assertThatThrownBy(() -> EgressKit.builder().policy(policy).build())
        .hasMessageContaining("is outside the policy folder");
    try (EgressKit kit = EgressKit.builder().policy(policy).allowRead(data).build()) {
      assertThat(kit.source("ip-9").ehloDomain()).contains("mta9.example.com");
    }
  }
}
