package dev.egresskit.lua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.egresskit.core.model.EgressPool;
import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.model.PoolEntry;
import dev.egresskit.core.policy.Hook;
import dev.egresskit.core.policy.PolicyEngine;
import dev.egresskit.core.policy.PolicyException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built-in policy-extras helpers, found by require without installing anything. */
class PolicyExtrasTest {
  @TempDir Path dir;

  private static final String EVERY_FIELD = """
      [source."ha"]
      ehlo_domain = "mta1.example.com"
      source_address = "10.0.0.1"
      remote_port = 2525
      ha_proxy_server = "127.0.0.1:5000"
      ha_proxy_source_address = "192.0.2.1"
      suspend_when_unplumbed = { duration = "10m", trigger = "Immediate" }
      suspend_when_proxy_unhealthy = { duration = "1h", trigger = { Threshold = "3/5m" } }
      ttl = "5 minutes"

      [source."socks"]
      name = "socks-renamed"
      socks5_proxy_server = "[::1]:1080"
      socks5_proxy_source_address = "::ffff:10.0.0.7"
      socks5_proxy_username = "user"
      socks5_proxy_password = { key_data = "secret" }

      [pool."warm"]
      [pool."warm"."socks"]
      weight = 2
      [pool."warm"."ha"]

      [pool."empty"]
      """;

  /** The same fields, cut out into make_egress_source calls. */
  private static final String CUT_OUT = """
      local fields = {
        ha = { name = 'ha', ehlo_domain = 'mta1.example.com', source_address = '10.0.0.1',
          remote_port = 2525, ha_proxy_server = '127.0.0.1:5000',
          ha_proxy_source_address = '192.0.2.1',
          suspend_when_unplumbed = { duration = '10m', trigger = 'Immediate' },
          suspend_when_proxy_unhealthy = { duration = '1h', trigger = { Threshold = '3/5m' } },
          ttl = '5 minutes' },
        socks = { name = 'socks-renamed', socks5_proxy_server = '[::1]:1080',
          socks5_proxy_source_address = '::ffff:10.0.0.7', socks5_proxy_username = 'user',
          socks5_proxy_password = { key_data = 'secret' } },
      }
      kumo.on('get_egress_source', function(name) return kumo.make_egress_source(fields[name]) end)
      kumo.on('get_egress_pool', function(name)
        return kumo.make_egress_pool { name = 'warm',
          entries = { { name = 'socks', weight = 2 }, { name = 'ha' } } }
      end)
      """;

  private EgressSource source(PolicyEngine engine, String name) {
    return engine.invoke(Hook.GET_EGRESS_SOURCE, name, Policies.NO_LOOKUP).value();
  }

  @Test
  void aDataFileWithEveryFieldGivesTheValuesOfTheSameFieldsCutOut() {
    Policies.write(dir, "sources.toml", EVERY_FIELD);
    try (PolicyEngine helper = Policies.load(dir, """
            local sources = require 'policy-extras.sources'
            sources:setup { 'sources.toml' }
            """);
        PolicyEngine cutOut = Policies.load(dir.resolve("cut"), CUT_OUT)) {
      for (String name : new String[] {"ha", "socks"}) {
        assertThat(source(helper, name)).isEqualTo(source(cutOut, name));
      }
      EgressSource ha = source(helper, "ha");
      assertThat(ha.ehloDomain()).hasValue("mta1.example.com");
      assertThat(ha.remotePort()).hasValue(2525);
      assertThat(ha.ttl()).hasMinutes(5);
      assertThat(source(helper, "socks").name()).isEqualTo("socks-renamed");
      EgressPool warm = helper.invoke(Hook.GET_EGRESS_POOL, "warm", Policies.NO_LOOKUP).value();
      assertThat(warm.entries()).extracting(PoolEntry::name, PoolEntry::weight)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("socks", 2L),
              org.assertj.core.groups.Tuple.tuple("ha", 1L));
      assertThat(warm).isEqualTo(cutOut.invoke(Hook.GET_EGRESS_POOL, "warm",
          Policies.NO_LOOKUP).value());
      assertThat(helper.invoke(Hook.GET_EGRESS_POOL, "empty", Policies.NO_LOOKUP).value()
          .entries()).isEmpty();
    }
  }

  @Test
  void jsonFilesAndInlineTablesMergeLaterWinsAndPoolEntriesAppend() {
    Policies.write(dir, "a.json", """
        {"source": {"ip-1": {"source_address": "10.0.0.1", "ehlo_domain": "a.example"}},
         "pool": {"p": {"ip-1": {"weight": 3}}}}""");
    try (PolicyEngine engine = Policies.load(dir, """
            local sources = require 'policy-extras.sources'
            sources:setup { 'a.json', { source = { ['ip-1'] = { ehlo_domain = 'b.example' },
              ['ip-2'] = { source_address = '10.0.0.2' } },
              pool = { p = { ['ip-2'] = {} } } } }
            """)) {
      EgressSource one = source(engine, "ip-1");
      assertThat(one.ehloDomain()).hasValue("b.example");
      assertThat(one.sourceAddress()).isPresent();
      assertThat(engine.invoke(Hook.GET_EGRESS_POOL, "p", Policies.NO_LOOKUP).value().entries())
          .extracting(PoolEntry::name).containsExactly("ip-1", "ip-2");
    }
  }

  @Test
  void badDataIsRejectedWhereKumoMtaRejectsItNamingFileKeyAndForm() {
    assertRejected("[source.\"x\"]\nsource_address = \"10.0.0.300\"\n",
        "sources: s.toml: source 'x': SourceConfig: invalid value for field 'source_address'");
    assertRejected("[source.\"x\"]\nsource_adress = \"10.0.0.1\"\n",
        "sources: s.toml: source 'x': SourceConfig: unknown field 'source_adress' (allowed:"
            + " the make_egress_source fields name, ehlo_domain");
    assertRejected("[sources.\"x\"]\n", "SourcesHelperConfig: unknown field 'sources'");
    assertRejected("[pool.\"p\".\"x\"]\nweight = \"heavy\"\n",
        "pool 'p' entry 'x': PoolSourceEntry: invalid value for field 'weight'");
    assertRejected("[pool.\"p\".\"x\"]\nwieght = 1\n",
        "pool 'p' entry 'x': PoolSourceEntry: unknown field 'wieght'");
  }

  @Test
  void fieldsAreCheckedAloneSoAHalfConfiguredProxyFieldIsNotRejectedByTheHelper() {
    // KumoMTA's helper probes each field alone; whether the source is complete is decided
    // where it is built (make_egress_source in the get_egress_source handler).
    Policies.write(dir, "s.toml", "[source.\"x\"]\nha_proxy_source_address = \"10.0.0.9\"\n");
    try (PolicyEngine engine = Policies.load(dir, """
            local sources = require 'policy-extras.sources'
            sources:setup { 's.toml' }
            local d = kumo.sources.load { 's.toml' }
            assert(d.sources.x.ha_proxy_source_address == '10.0.0.9')
            """)) {
      assertThat(engine).isNotNull();
    }
  }

  private int cases;

  private void assertRejected(String toml, String expected) {
    // One folder per case: the helper's data (and a failure) is cached per folder and files.
    Path folder = dir.resolve("case-" + ++cases);
    Policies.write(folder, "s.toml", toml);
    try (PolicyEngine engine = Policies.load(folder, """
            local sources = require 'policy-extras.sources'
            sources:setup { 's.toml' }
            """)) {
      assertThatThrownBy(() -> engine.invoke(Hook.GET_EGRESS_SOURCE, "x", Policies.NO_LOOKUP))
          .isInstanceOf(PolicyException.class).hasMessageContaining(expected);
    }
  }

  @Test
  void settingUpTwiceIsAnError() {
    assertThatThrownBy(() -> Policies.load(dir, """
            local sources = require 'policy-extras.sources'
            sources:setup { { source = {} } }
            sources:setup { { source = {} } }
            """).close())
        .isInstanceOf(PolicyException.class)
        .hasMessageContaining("sources module has already been configured");
  }

  @Test
  void theInertHelpersSetUpAtLoadTimeAndPolicyUtilsIsReal() {
    try (PolicyEngine engine = Policies.load(dir, """
            local shaping = require 'policy-extras.shaping'
            local shaper = shaping:setup_with_automation {
              publish = { 'http://127.0.0.1:8008' }, subscribe = { 'http://127.0.0.1:8008' },
              extra_files = { '/opt/kumomta/etc/policy/shaping.toml' },
            }
            kumo.on('get_egress_path_config', shaper.get_egress_path_config)
            local queue_module = require 'policy-extras.queue'
            local queue_helper = queue_module:setup { '/opt/kumomta/etc/policy/queues.toml' }
            assert(queue_helper.resolve_config ~= nil)
            local listener_domains = require 'policy-extras.listener_domains'
            kumo.on('get_listener_domain', listener_domains:setup { 'listener_domains.toml' })
            local log_hooks = require 'policy-extras.log_hooks'
            log_hooks:new_json { name = 'webhook', url = 'http://127.0.0.1:4000/log' }
            local dkim_sign = require 'policy-extras.dkim_sign'
            local dkim_signer = dkim_sign:setup { '/opt/kumomta/etc/dkim_data.toml' }
            kumo.on('smtp_server_message_received', function(msg) dkim_signer(msg) end)
            local utils = require 'policy-extras.policy_utils'
            local merged = utils.merge_into({ a = 1 }, { b = 2 })
            utils.assert_eq(merged, { a = 1, b = 2 })
            assert(not pcall(utils.assert_eq, 1, 2))
            kumo.on('get_egress_source', function(name)
              return kumo.make_egress_source { name = name }
            end)
            """)) {
      assertThat(source(engine, "s").name()).isEqualTo("s");
    }
  }
}
