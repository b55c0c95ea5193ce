package dev.egresskit.core.policy.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.egresskit.core.policy.Hook;
import dev.egresskit.core.policy.ScriptLocation;
import org.junit.jupiter.api.Test;

class HandlerRegistryTest {
  private final HandlerRegistry<String> registry = new HandlerRegistry<>();
  private final ScriptLocation line3 = new ScriptLocation("policy.js", 3);

  @Test
  void aRegisteredHandlerIsFoundByItsHook() {
    registry.register("get_egress_pool", "fn", line3);
    assertThat(registry.handler(Hook.GET_EGRESS_POOL)).hasValueSatisfying(h -> {
      assertThat(h.function()).isEqualTo("fn");
      assertThat(h.location()).isEqualTo(line3);
    });
    assertThat(registry.handler(Hook.GET_EGRESS_SOURCE)).isEmpty();
  }

  @Test
  void aSecondHandlerNamesWhereTheFirstWasDefined() {
    registry.register("get_egress_source", "first", line3);
    assertThatThrownBy(() -> registry.register("get_egress_source", "second",
        new ScriptLocation("policy.js", 9)))
        .isInstanceOf(KumoApiException.class)
        .hasMessage("get_egress_source event already has a handler defined at policy.js:3");
    assertThat(registry.handler(Hook.GET_EGRESS_SOURCE).orElseThrow().function())
        .isEqualTo("first");
  }

  @Test
  void unknownEventsAreRejectedListingTheKnownOnes() {
    assertThatThrownBy(() -> registry.register("smtp_server_message_recieved", "fn", line3))
        .isInstanceOf(KumoApiException.class)
        .hasMessage("kumo.on: unknown event 'smtp_server_message_recieved' (allowed:"
            + " get_egress_source, get_egress_pool)");
  }

  @Test
  void kumoMtasOtherEventsAreAcceptedAndNeverCalled() {
    registry.register("smtp_server_message_received", "fn", line3);
    registry.register("validate_config", "fn", line3);
    assertThat(registry.otherEvents())
        .containsExactly("smtp_server_message_received", "validate_config");
    assertThat(registry.handler(Hook.GET_EGRESS_SOURCE)).isEmpty();
  }

  @Test
  void registeringWhileAHandlerRunsIsRejectedUntilItEnds() {
    try (HandlerRegistry.RunningScope outer = registry.enter(Hook.GET_EGRESS_SOURCE)) {
      try (HandlerRegistry.RunningScope inner = registry.enter(Hook.GET_EGRESS_POOL)) {
        assertThat(registry.runningHandler()).contains(Hook.GET_EGRESS_POOL);
        assertThatThrownBy(() -> registry.register("get_egress_source", "fn", line3))
            .hasMessageStartingWith("Attempting to register an event handler via kumo.on(...)"
                + " from within the event handler 'get_egress_pool'");
      }
      assertThat(registry.runningHandler()).contains(Hook.GET_EGRESS_SOURCE);
    }
    assertThat(registry.runningHandler()).isEmpty();
    registry.register("get_egress_source", "fn", line3);
    assertThat(registry.handler(Hook.GET_EGRESS_SOURCE)).isPresent();
  }
}
