package dev.egresskit.lua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.egresskit.core.model.EgressPool;
import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.policy.Hook;
import dev.egresskit.core.policy.Made;
import dev.egresskit.core.policy.PolicyEngine;
import dev.egresskit.core.policy.PolicyException;
import dev.egresskit.core.policy.ScriptLocation;
import dev.egresskit.core.spec.InvalidSpecException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KumoModuleTest {
  @TempDir Path dir;

  @Test
  void makeEgressSourceValidatesAndRemembersTheLineThatBuiltIt() {
    try (PolicyEngine engine = Policies.load(dir, "kumo.on('get_egress_source', function(name)\n"
        + "  local s = kumo.make_egress_source {\n"
        + "    name = name, source_address = '10.0.0.1', remote_port = 2525,\n"
        + "  }\n"
        + "  return s\n"
        + "end)\n")) {
      Made<EgressSource> made = engine.invoke(Hook.GET_EGRESS_SOURCE, "ip-1", Policies.NO_LOOKUP);
      assertThat(made.value().name()).isEqualTo("ip-1");
      assertThat(made.value().remotePort()).hasValue(2525);
      assertThat(made.location()).isEqualTo(new ScriptLocation("policy.lua", 2));
    }
  }

  @Test
  void aMakeCallInTailPositionKnowsItsLineToo() {
    try (PolicyEngine engine = Policies.load(dir, "kumo.on('get_egress_pool', function(name)\n"
        + "\n"
        + "  return kumo.make_egress_pool { name = name, entries = { { name = 'a' } } }\n"
        + "end)\n")) {
      Made<EgressPool> made = engine.invoke(Hook.GET_EGRESS_POOL, "p", Policies.NO_LOOKUP);
      assertThat(made.value().entries()).hasSize(1);
      assertThat(made.location()).isEqualTo(new ScriptLocation("policy.lua", 3));
    }
  }

  @Test
  void aBadTableFailsAtItsLineListingEveryProblem() {
    try (PolicyEngine engine = Policies.load(dir, "kumo.on('get_egress_source', function(name)\n"
        + "  local s = kumo.make_egress_source { name = name, source_address = 5,\n"
        + "    remote_port = 'x', ehlo_domain = true }\n"
        + "  return s\n"
        + "end)\n")) {
      assertThatThrownBy(() -> engine.invoke(Hook.GET_EGRESS_SOURCE, "ip-1", Policies.NO_LOOKUP))
          .isInstanceOf(PolicyException.class)
          .hasMessageStartingWith("make_egress_source at policy.lua:2: 3 problems")
          .hasMessageContainingAll("source_address", "remote_port", "ehlo_domain")
          .hasCauseInstanceOf(InvalidSpecException.class)
          .satisfies(e -> assertThat(((PolicyException) e).location())
              .contains(new ScriptLocation("policy.lua", 2)));
    }
  }

  @Test
  void aScriptCanCatchAValidationErrorWithPcall() {
    try (PolicyEngine engine = Policies.load(dir, "kumo.on('get_egress_source', function(name)\n"
        + "  local ok, err = pcall(kumo.make_egress_source, { name = name, ttl = 'soon' })\n"
        + "  assert(not ok and err:find('ttl', 1, true), err)\n"
        + "  return kumo.make_egress_source { name = name }\n"
        + "end)\n")) {
      assertThat(engine.invoke(Hook.GET_EGRESS_SOURCE, "ip-1", Policies.NO_LOOKUP).value().ttl())
          .isEqualTo(EgressSource.DEFAULT_TTL);
    }
  }

  @Test
  void builtValuesAreOpaqueAndNeverShowSecrets() {
    try (PolicyEngine engine = Policies.load(dir, "kumo.on('get_egress_source', function(name)\n"
        + "  local s = kumo.make_egress_source { name = name,\n"
        + "    socks5_proxy_server = '127.0.0.1:1080', socks5_proxy_username = 'u',\n"
        + "    socks5_proxy_password = { key_data = 'hunter2' } }\n"
        + "  local text = tostring(s)\n"
        + "  assert(not text:find('hunter2'), text)\n"
        + "  assert(text:find(\"egress source 'ip%-1'\"), text)\n"
        + "  assert(getmetatable(s) == 'kumo value')\n"
        + "  assert(not pcall(setmetatable, s, {}))\n"
        + "  local ok, err = pcall(function() return s.name end)\n"
        + "  assert(not ok and err:find('opaque'), err)\n"
        + "  assert(type(s) == 'userdata')\n"
        + "  return s\n"
        + "end)\n")) {
      assertThat(engine.invoke(Hook.GET_EGRESS_SOURCE, "ip-1", Policies.NO_LOOKUP)).isNotNull();
    }
  }

  @Test
  void defineEgressSourceKeepsTheLatestDefinitionOfEachName() {
    try (PolicyEngine engine = Policies.load(dir,
        "kumo.define_egress_source { name = 'a', source_address = '10.0.0.1' }\n"
            + "kumo.define_egress_source { name = 'b' }\n"
            + "kumo.define_egress_source { name = 'a', source_address = '10.0.0.2' }\n")) {
      assertThat(engine.definedSources()).containsOnlyKeys("a", "b");
      Made<EgressSource> a = engine.definedSources().get("a");
      assertThat(a.value().sourceAddress()).hasValueSatisfying(
          ip -> assertThat(ip.getHostAddress()).isEqualTo("10.0.0.2"));
      assertThat(a.location()).isEqualTo(new ScriptLocation("policy.lua", 3));
      assertThat(engine.hasHandler(Hook.GET_EGRESS_SOURCE)).isFalse();
    }
  }

  @Test
  void defineEgressSourceIsRefusedInsideAHandler() {
    try (PolicyEngine engine = Policies.load(dir, "kumo.on('get_egress_source', function(name)\n"
        + "  kumo.define_egress_source { name = name }\n"
        + "end)\n")) {
      assertThatThrownBy(() -> engine.invoke(Hook.GET_EGRESS_SOURCE, "x", Policies.NO_LOOKUP))
          .hasMessage("policy.lua:2: kumo.define_egress_source may only be called while the"
              + " policy loads (at its top level, or in init), not from within the event handler"
              + " 'get_egress_source'");
      assertThat(engine.definedSources()).isEmpty();
    }
  }

  @Test
  void aPoolReturnedForASourceIsRejected() {
    try (PolicyEngine engine = Policies.load(dir, "kumo.on('get_egress_source', function(name)\n"
        + "  return kumo.make_egress_pool { name = name }\n"
        + "end)\n")) {
      assertThatThrownBy(() -> engine.invoke(Hook.GET_EGRESS_SOURCE, "x", Policies.NO_LOOKUP))
          .hasMessage("policy.lua:1: get_egress_source handler for 'x' returned a value built by"
              + " kumo.make_egress_pool (at policy.lua:2); it must return the value of"
              + " kumo.make_egress_source");
    }
  }
}
