package dev.egresskit.lua;

import dev.egresskit.core.policy.Hook;
import dev.egresskit.core.policy.PolicyEngine;
import dev.egresskit.core.policy.PolicyException;
import dev.egresskit.core.policy.PolicySettings;
import dev.egresskit.core.policy.ScriptLocation;
import dev.egresskit.core.policy.support.PooledPolicyEngine;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;


class HandlerTest {
  @TempDir Path dir;

  private PolicyException invokeFails(String lua) {
    try (PolicyEngine engine = Policies.load(dir, lua)) {
      return org.junit.jupiter.api.Assertions.assertThrows(PolicyException.class,
          () -> engine.invoke(Hook.GET_EGRESS_SOURCE, "ip-1", Policies.NO_LOOKUP));
    }
  }

  @Test
  void handlersAreReportedPerEvent() {
    try (PolicyEngine engine = Policies.load(dir,
        "kumo.on('get_egress_source', function(name) end)\n")) {
      assertThat(engine.hasHandler(Hook.GET_EGRESS_SOURCE)).isTrue();
      assertThat(engine.hasHandler(Hook.GET_EGRESS_POOL)).isFalse();
      assertThat(engine.scriptName()).isEqualTo("policy.lua");
    }
  }

  @Test
  void aHandlerThatReturnsNothingYieldsNull() {
    try (PolicyEngine engine = Policies.load(dir,
        "kumo.on('get_egress_source', function(name) local x = name end)\n")) {
      assertThat(engine.invoke(Hook.GET_EGRESS_SOURCE, "ip-1", Policies.NO_LOOKUP)).isNull();
    }
  }

  @Test
  void theHandlerReceivesTheRequestedName() {
    PolicyException e = invokeFails("kumo.on('get_egress_source', function(name)\n"
        + "  error('asked for ' .. name)\n"
        + "end)\n");
    assertThat(e).hasMessage("policy.lua:2: asked for ip-1");
    assertThat(e.location()).contains(new ScriptLocation("policy.lua", 2));
  }

  @Test
  void aRuntimeErrorNamesScriptAndLine() {
    PolicyException e = invokeFails("kumo.on('get_egress_source', function(name)\n"
        + "  local t = nil\n"
        + "  return t.field\n"
        + "end)\n");
    assertThat(e.getMessage()).startsWith("policy.lua:3: attempt to index");
    assertThat(e.location()).contains(new ScriptLocation("policy.lua", 3));
  }

  @Test
  void anErrorInARequiredModuleNamesTheModuleFile() {
    Policies.write(dir, "lib/fail.lua", "return { go = function()\n  error('deep')\nend }\n");
    PolicyException e = invokeFails("local lib = require 'lib.fail'\n"
        + "kumo.on('get_egress_source', function(name) return lib.go() end)\n");
    assertThat(e).hasMessage("lib/fail.lua:2: deep");
  }

  @Test
  void anErrorCaughtWithPcallDoesNotEscape() {
    try (PolicyEngine engine = Policies.load(dir, "kumo.on('get_egress_source', function(name)\n"
        + "  local ok, err = pcall(error, 'inner')\n"
        + "  assert(not ok and err == 'inner', tostring(err))\n"
        + "  local ok2, err2 = pcall(function() error('located') end)\n"
        + "  assert(err2 == 'policy.lua:4: located', err2)\n"
        + "end)\n")) {
      assertThat(engine.invoke(Hook.GET_EGRESS_SOURCE, "x", Policies.NO_LOOKUP)).isNull();
    }
  }

  @Test
  void returningAPlainTableTellsTheUserToCallMakeEgressSource() {
    PolicyException e = invokeFails("\nkumo.on('get_egress_source', function(name)\n"
        + "  return { name = name }\n"
        + "end)\n");
    assertThat(e.getMessage())
        .startsWith("policy.lua:2: get_egress_source handler for 'ip-1' returned a table")
        .contains("kumo.make_egress_source");
  }

  @Test
  void returningAStringIsAnError() {
    assertThat(invokeFails("kumo.on('get_egress_source', function(name) return name end)\n"))
        .hasMessageContaining("returned a string; it must return the value of"
            + " kumo.make_egress_source");
  }

  @Test
  void aSecondHandlerForAnEventNamesTheFirst() {
    assertThatThrownBy(() -> Policies.load(dir,
        "kumo.on('get_egress_source', function(name) end)\n"
            + "\n"
            + "kumo.on('get_egress_source', function(name) end)\n"))
        .isInstanceOf(PolicyException.class)
        .hasMessage("policy.lua:3: get_egress_source event already has a handler defined at"
            + " policy.lua:1");
  }

  @Test
  void registeringFromInsideAHandlerIsAnError() {
    assertThat(invokeFails("kumo.on('get_egress_source', function(name)\n"
        + "  kumo.on('get_egress_pool', function(p) end)\n"
        + "end)\n"))
        .hasMessageStartingWith("policy.lua:2: Attempting to register an event handler via"
            + " `kumo.on('get_egress_pool', ...)` from within the event handler"
            + " 'get_egress_source'. You must move");
  }

  @Test
  void anEventKumoMtaDoesNotFireIsAcceptedAsKumoMtaDoesAndListedAsNeverCalled() {
    try (PolicyEngine engine = Policies.load(dir,
        "kumo.on('get_egress_sorce', function(name) end)\n")) {
      assertThat(engine.registeredEvents()).singleElement().satisfies(event -> {
        assertThat(event.name()).isEqualTo("get_egress_sorce");
        assertThat(event.called()).isFalse();
        assertThat(event.handlers()).containsExactly(new ScriptLocation("policy.lua", 1));
      });
      assertThat(engine.hasHandler(Hook.GET_EGRESS_SOURCE)).isFalse();
    }
  }

  @Test
  void aHandlerMustBeAFunction() {
    assertThatThrownBy(() -> Policies.load(dir, "kumo.on('get_egress_source', 'nope')\n"))
        .isInstanceOf(PolicyException.class)
        .hasMessageContaining("must be a function, got a string");
  }

  @Test
  void invokingAnEventWithoutHandlerSaysItIsNotRegistered() {
    assertThat(invokeFails("local x = 1\n"))
        .hasMessageStartingWith("Event get_egress_source has not been registered");
  }

  @Test
  void aCompileErrorNamesTheScript() {
    assertThatThrownBy(() -> Policies.load(dir, "kumo.on('get_egress_source', function(name)\n"))
        .isInstanceOf(PolicyException.class)
        .hasMessage("policy.lua:2: 'end' expected (to close 'function' at line 1)")
        .satisfies(e -> assertThat(((PolicyException) e).location())
            .contains(new ScriptLocation("policy.lua", 2)));
  }

  @Test
  void anErrorRaisedInTailPositionStillNamesItsLine() {
    assertThat(invokeFails("kumo.on('get_egress_source', function(name)\n"
        + "  return error('tail')\n"
        + "end)\n")).hasMessage("policy.lua:2: tail");
  }

  @Test
  void aKumoFunctionMisusedInTailPositionNamesItsLine() {
    assertThat(invokeFails("kumo.on('get_egress_source', function(name)\n"
        + "  return kumo.make_egress_source('ip-1')\n"
        + "end)\n")).hasMessage("policy.lua:2: kumo.make_egress_source expects a table such as"
            + " {name = 'ip-1'}, got a string");
  }

  @Test
  void invokeFunctionsAreRefusedWhileThePolicyLoads() {
    assertThatThrownBy(() -> Policies.load(dir, "kumo.invoke_get_egress_source('a')\n"))
        .isInstanceOf(PolicyException.class)
        .hasMessage("policy.lua:1: kumo.invoke_get_egress_source can only be called from within"
            + " an event handler, not while the policy loads");
  }

  @Test
  void aRunawayHandlerIsStoppedAtTheDeadlineEvenUnderPcall() {
    PolicySettings quick = new PolicySettings(1, Duration.ofMillis(200));
    try (PolicyEngine engine = Policies.load(dir, "kumo.on('get_egress_source', function(name)\n"
        + "  while true do\n"
        + "    pcall(function() while true do end end)\n"
        + "  end\n"
        + "end)\n", quick)) {
      long start = System.nanoTime();
      assertThatThrownBy(() -> engine.invoke(Hook.GET_EGRESS_SOURCE, "ip-1", Policies.NO_LOOKUP))
          .isInstanceOf(PolicyException.class)
          .hasMessageContaining("get_egress_source handler for 'ip-1' did not finish within"
              + " 200ms");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
      // The stopped interpreter was discarded; the next call loads a fresh one and works.
      assertThatThrownBy(() -> engine.invoke(Hook.GET_EGRESS_SOURCE, "ip-2", Policies.NO_LOOKUP))
          .hasMessageContaining("'ip-2' did not finish");
      assertThat(((PooledPolicyEngine<?>) engine).interpretersLoaded()).isEqualTo(2);
    }
  }

  @Test
  void aRunawayTopLevelIsStopped() {
    PolicySettings quick = new PolicySettings(1, Duration.ofMillis(100));
    assertThatThrownBy(() -> Policies.load(dir, "local i = 0\nwhile true do i = i + 1 end\n",
        quick))
        .isInstanceOf(PolicyException.class)
        .hasMessageContaining("the top level of policy.lua did not finish within 100ms");
  }

  @Test
  void endlessRecursionIsReported() {
    assertThat(invokeFails("local function f(n) return 1 + f(n + 1) end\n"
        + "kumo.on('get_egress_source', function(name) return f(1) end)\n"))
        .hasMessageContaining("stack");
  }
}
