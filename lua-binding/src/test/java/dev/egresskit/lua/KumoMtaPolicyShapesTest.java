package dev.egresskit.lua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.egresskit.core.policy.FileAccess;
import dev.egresskit.core.policy.PolicyEngine;
import dev.egresskit.core.policy.PolicyException;
import dev.egresskit.core.policy.PolicySettings;
import dev.egresskit.core.policy.RegisteredEvent;
import dev.egresskit.core.resolve.SourceResolver;
import dev.egresskit.core.resolve.SourceViews;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole init.lua in the shape operators deploy (written for this test): most of it configures
 * the rest of an MTA, it edits {@code package.path}, requires modules with dashes in their names
 * from absolute deployed paths, defines a source in {@code init}, registers many events and
 * reads its data from {@code /opt/kumomta/etc/policy}. It must load unchanged, and its sources
 * and pools must equal what the same egress handlers give when cut out alone.
 */
class KumoMtaPolicyShapesTest {
  private static final String DEPLOYED = "/opt/kumomta/etc/policy";

  /** The egress part, identical in the whole policy and in the cut-out one. */
  private static final String EGRESS = """
      local site = require 'site-config.egress'
      local data = kumo.toml_load('/opt/kumomta/etc/policy/egress.toml')

      kumo.on('get_egress_source', function(name)
        local fields = data.source[name]
        if not fields then
          error('unknown source ' .. name)
        end
        local spec = { name = name, ehlo_domain = site.ehlo_for(name) }
        for key, value in pairs(fields) do
          spec[key] = value
        end
        return kumo.make_egress_source(spec)
      end)

      kumo.on('get_egress_pool', function(name)
        local entries = {}
        for _, member in ipairs(site.sorted_keys(data.pool[name])) do
          table.insert(entries, { name = member, weight = data.pool[name][member].weight })
        end
        return kumo.make_egress_pool { name = name, entries = entries, ttl = '2m' }
      end)
      """;

  private static final String WHOLE = """
      -- The operator's deployed init.lua: listeners, queues, logging and egress.
      local kumo = require 'kumo'
      package.path = '/opt/kumomta/etc/policy/lib/?.lua;' .. package.path
      local helpers = require 'policy-helpers'

      kumo.on('pre_init', function()
        helpers.note('pre_init')
      end)

      kumo.on('init', function()
        kumo.define_egress_source { name = 'static-1', source_address = '10.0.0.9' }
      end)

      kumo.on('get_listener_domain', function(domain, listener, conn_meta)
        return nil
      end)

      kumo.on('smtp_server_message_received', function(msg, conn_meta)
        msg:set_meta('queue', 'never-called')
      end)

      kumo.on('http_message_generated', function(msg)
        msg:set_meta('queue', 'never-called')
      end)

      kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
        return nil
      end)

      kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
        return nil
      end)

      kumo.on('get_egress_path_config', function(domain, egress_source, site_name)
        return nil
      end)

      kumo.on('should_enqueue_log_record', function(msg, hook_name)
        return true
      end)

      kumo.on('validate_config', function()
        if not _VALIDATING_CONFIG then
          error('validate_config runs only when validating')
        end
      end)

      """ + EGRESS;

  @TempDir Path deployed;
  private PolicySettings mapped;

  @BeforeEach
  void deploy() {
    Policies.write(deployed, "lib/site-config/egress.lua", """
        local M = {}
        function M.ehlo_for(name)
          return name .. '.mta.example.com'
        end
        function M.sorted_keys(t)
          local keys = {}
          for key in pairs(t) do
            keys[#keys + 1] = key
          end
          table.sort(keys)
          return keys
        end
        return M
        """);
    Policies.write(deployed, "lib/policy-helpers.lua", """
        local notes = {}
        return {
          note = function(what) notes[#notes + 1] = what end,
        }
        """);
    Policies.write(deployed, "egress.toml", """
        [source."ip-1"]
        source_address = "10.0.0.1"

        [source."ip-2"]
        source_address = "10.0.0.2"
        ehlo_domain = "override.example.com"
        ttl = "5m"

        [source."proxied-1"]
        socks5_proxy_server = "10.1.0.1:1080"
        socks5_proxy_source_address = "192.0.2.10"

        [pool.warm]
        "ip-1" = { weight = 3 }
        "ip-2" = { weight = 1 }
        "proxied-1" = { weight = 2 }
        """);
    mapped = Policies.SETTINGS.withFiles(new FileAccess(List.of(),
        List.of(FileAccess.PathMap.parse(DEPLOYED + "=" + deployed))));
  }

  private static Map<String, Object> resolveAll(PolicyEngine engine, List<String> sources) {
    SourceResolver resolver = SourceResolver.builder(engine).build();
    Map<String, Object> out = new LinkedHashMap<>();
    for (String name : sources) {
      out.put(name, SourceViews.sourceView(resolver.resolve(name)));
    }
    out.put("pool warm", SourceViews.poolView(resolver.resolvePool("warm")));
    return out;
  }

  @Test
  void theWholePolicyLoadsUnchangedAndResolvesAsItsEgressHandlersAlone() {
    Path whole = Policies.write(deployed, "init.lua", WHOLE);
    Path alone = Policies.write(deployed, "egress-alone.lua",
        "package.path = '/opt/kumomta/etc/policy/lib/?.lua;' .. package.path\n" + EGRESS
            + "kumo.define_egress_source { name = 'static-1', source_address = '10.0.0.9' }\n");
    List<String> names = List.of("ip-1", "ip-2", "proxied-1");
    try (PolicyEngine full = new LuaPolicyEngineProvider().load(whole,
             mapped.withValidating(true));
         PolicyEngine cut = new LuaPolicyEngineProvider().load(alone, mapped)) {
      Map<String, Object> fromWhole = resolveAll(full, names);
      assertThat(fromWhole).isEqualTo(resolveAll(cut, names));
      assertThat(fromWhole.get("ip-1")).isEqualTo(Map.of("name", "ip-1",
          "source_address", "10.0.0.1", "ehlo_domain", "ip-1.mta.example.com", "ttl", "1m"));
      assertThat(full.usage().validationFailures()).isEmpty();
      // What init defined (KumoMTA uses such sources when no get_egress_source handler exists).
      assertThat(SourceViews.sourceView(full.definedSources().get("static-1").value()))
          .isEqualTo(SourceViews.sourceView(cut.definedSources().get("static-1").value()));
      assertThat(full.registeredEvents()).extracting(RegisteredEvent::name).containsExactly(
          "pre_init", "init", "get_listener_domain", "smtp_server_message_received",
          "http_message_generated", "get_queue_config", "get_egress_path_config",
          "should_enqueue_log_record", "validate_config", "get_egress_source",
          "get_egress_pool");
    }
  }

  @Test
  void withoutThePathMapTheDeployedPathIsRefusedNamingTheFlags() {
    Path whole = Policies.write(deployed, "init.lua", WHOLE);
    assertThatThrownBy(() -> new LuaPolicyEngineProvider().load(whole, Policies.SETTINGS))
        .isInstanceOf(PolicyException.class)
        .hasMessageStartingWith("init.lua:4: module 'policy-helpers' not found:")
        .hasMessageContaining("no file '/opt/kumomta/etc/policy/lib/policy-helpers.lua'"
            + " (outside the policy folder and the --allow-read/--path-map directories)");
  }
}
