package dev.egresskit.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.egresskit.core.model.EgressSource;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class DefinedSourcesTest {

  private static EgressSource withPort(String name, int port) {
    EgressSource s = EgressSource.named(name);
    return new EgressSource(name, Optional.empty(), OptionalInt.of(port), s.ttl(), s.health(),
        s.route());
  }

  @Test
  void definingANameAgainReplacesTheEarlierDefinitionAndKeepsItsPlace() {
    DefinedSources defined = new DefinedSources();
    defined.define(new Made<>(withPort("a", 25), new ScriptLocation("p.lua", 1)));
    defined.define(EgressSource.named("b"));
    Optional<Made<EgressSource>> replaced =
        defined.define(new Made<>(withPort("a", 2525), new ScriptLocation("p.lua", 9)));

    assertThat(replaced).map(m -> m.location().line()).contains(1);
    assertThat(defined.get("a")).map(s -> s.remotePort().getAsInt()).contains(2525);
    assertThat(defined.definition("a")).map(m -> m.location().line()).contains(9);
    assertThat(defined.all()).extracting(EgressSource::name).containsExactly("a", "b");
    assertThat(defined.size()).isEqualTo(2);
  }

  @Test
  void unknownNamesAreEmpty() {
    assertThat(new DefinedSources().get("nope")).isEmpty();
    assertThat(new DefinedSources().all()).isEmpty();
  }
}
