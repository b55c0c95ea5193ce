package dev.egresskit.core.policy.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.policy.Hook;
import dev.egresskit.core.policy.Made;
import dev.egresskit.core.policy.PolicyException;
import dev.egresskit.core.policy.ScriptLocation;
import org.junit.jupiter.api.Test;

class KumoBuildersTest {
  private final ScriptLocation handler = new ScriptLocation("policy.lua", 2);
  private final Made<EgressSource> source =
      new Made<>(EgressSource.named("ip-1"), new ScriptLocation("policy.lua", 3));

  @Test
  void aValueBuiltForTheHookIsAccepted() {
    assertThat(KumoBuilders.acceptResult(Hook.GET_EGRESS_SOURCE, "ip-1", source, "userdata",
        handler)).isSameAs(source);
  }

  @Test
  void nothingReturnedIsPassedOnAsNull() {
    assertThat(KumoBuilders.acceptResult(Hook.GET_EGRESS_SOURCE, "ip-1", null, "nil", handler))
        .isNull();
  }

  @Test
  void aPlainTableIsRejectedNamingTheBuilderToCall() {
    assertThatThrownBy(() -> KumoBuilders.acceptResult(Hook.GET_EGRESS_SOURCE, "ip-1",
        new Object(), "table", handler))
        .isInstanceOf(PolicyException.class)
        .hasMessage("policy.lua:2: get_egress_source handler for 'ip-1' returned a table; it must"
            + " return the value of kumo.make_egress_source (pass the table to"
            + " kumo.make_egress_source instead of returning it)")
        .satisfies(e -> assertThat(((PolicyException) e).location()).contains(handler));
  }

  @Test
  void aSourceReturnedForAPoolIsRejected() {
    assertThatThrownBy(() -> KumoBuilders.acceptResult(Hook.GET_EGRESS_POOL, "p", source,
        "userdata", handler))
        .hasMessage("policy.lua:2: get_egress_pool handler for 'p' returned a value built by"
            + " kumo.make_egress_source (at policy.lua:3); it must return the value of"
            + " kumo.make_egress_pool");
  }
}
