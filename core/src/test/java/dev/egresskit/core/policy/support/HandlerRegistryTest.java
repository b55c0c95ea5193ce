package dev.egresskit.core.policy.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.egresskit.core.policy.Hook;
import dev.egresskit.core.policy.RegisteredEvent;
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
  void everyEventNameIsAcceptedAndListedInRegistrationOrder() {
    registry.register("smtp_server_message_received", "fn", line3);
    registry.register("make.my_hook.log_hook", "custom", new ScriptLocation("policy.js", 4));
    assertThat(registry.registered()).extracting(r -> r.name())
        .containsExactly("smtp_server_message_received", "make.my_hook.log_hook");
    assertThat(registry.registered().get(0).called()).isFalse();
  }

  @Test
  void multipleHandlerEventsKeepEveryHandlerInOrder() {
    registry.register("validate_config", "a", line3);
    registry.register("get_queue_config", "q", line3);
    registry.register("validate_config", "b", new ScriptLocation("policy.js", 7));
    assertThat(registry.handlers("validate_config")).extracting(HandlerRegistry.Handler::function)
        .containsExactly("a", "b");
    assertThat(registry.registered().get(0).handlers()).containsExactly(line3,
        new ScriptLocation("policy.js", 7));
  }

  @Test
  void singleHandlerEventsKumoMtaDoesNotDeclareRefuseASecondHandler() {
    registry.register("init", "a", line3);
    registry.register("my_own_event", "a", line3);
    assertThatThrownBy(() -> registry.register("init", "b", line3))
        .hasMessage("init event already has a handler defined at policy.js:3");
    assertThatThrownBy(() -> registry.register("my_own_event", "b", line3))
        .hasMessage("my_own_event event already has a handler defined at policy.js:3");
  }

  @Test
  void kumoMtasOtherEventsAreAcceptedAndNeverCalled() {
    registry.register("smtp_server_message_received", "fn", line3);
    registry.register("validate_config", "fn", line3);
    assertThat(registry.registered()).extracting(RegisteredEvent::name)
        .containsExactly("smtp_server_message_received", "validate_config");
    assertThat(registry.handler(Hook.GET_EGRESS_SOURCE)).isEmpty();
  }

  @Test
  void registeringWhileAHandlerRunsIsRejectedUntilItEnds() {
    try (HandlerRegistry.RunningScope outer = registry.enter(Hook.GET_EGRESS_SOURCE)) {
      try (HandlerRegistry.RunningScope inner = registry.enter(Hook.GET_EGRESS_POOL)) {
        assertThat(registry.runningHandler()).contains("get_egress_pool");
        assertThatThrownBy(() -> registry.register("get_egress_source", "fn", line3))
            .hasMessageStartingWith("Attempting to register an event handler via"
                + " `kumo.on('get_egress_source', ...)` from within the event handler"
                + " 'get_egress_pool'. You must move your event handler registration");
      }
      assertThat(registry.runningHandler()).contains("get_egress_source");
    }
    assertThat(registry.runningHandler()).isEmpty();
    registry.register("get_egress_source", "fn", line3);
    assertThat(registry.handler(Hook.GET_EGRESS_SOURCE)).isPresent();
  }
}
