package dev.egresskit.lua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.egresskit.core.policy.Hook;
import dev.egresskit.core.policy.KumoEvents;
import dev.egresskit.core.policy.PolicyEngine;
import dev.egresskit.core.policy.PolicyException;
import dev.egresskit.core.policy.PolicySettings;
import dev.egresskit.core.policy.PolicyUsage;
import dev.egresskit.core.policy.RegisteredEvent;
import dev.egresskit.core.policy.SourceLookup;
import dev.egresskit.core.policy.support.PooledPolicyEngine;
import dev.egresskit.core.policy.ScriptLocation;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every KumoMTA event name in {@code kumo.on}, and KumoMTA's start-up: init, validate_config. */
class LuaEventsTest {
  private static final PolicySettings VALIDATING = Policies.SETTINGS.withValidating(true);
  @TempDir Path dir;

  @Test
  void everyKumoMtaEventRegistersAndNoneOutsideEgressIsCalled() {
    String policy = KumoEvents.KNOWN.stream().sorted()
        .filter(event -> !KumoEvents.called(event))
        .map(event -> "kumo.on('" + event + "', function(...) error('called: " + event + "') end)")
        .collect(Collectors.joining("\n", "", "\n"));
    try (PolicyEngine engine = Policies.load(dir, policy, VALIDATING)) {
      assertThat(engine.registeredEvents()).extracting(RegisteredEvent::name)
          .hasSize(KumoEvents.KNOWN.size() - KumoEvents.CALLED.size());
      assertThat(engine.registeredEvents()).noneMatch(RegisteredEvent::called);
      assertThat(engine.usage().validationFailures()).isEmpty();
    }
  }

  @Test
  void multipleHandlerEventsKeepEveryHandlerAndSingleOnesRefuseASecond() {
    try (PolicyEngine engine = Policies.load(dir, "kumo.on('get_queue_config', function() end)\n"
        + "kumo.on('get_queue_config', function() end)\n"
        + "kumo.on('should_enqueue_log_record', function() end)\n"
        + "kumo.on('should_enqueue_log_record', function() end)\n")) {
      assertThat(engine.registeredEvents()).extracting(e -> e.handlers().size())
          .containsExactly(2, 2);
    }
    assertThatThrownBy(() -> Policies.load(dir,
        "kumo.on('smtp_server_message_received', function() end)\n"
        + "kumo.on('smtp_server_message_received', function() end)\n"))
        .isInstanceOf(PolicyException.class)
        .hasMessage("policy.lua:2: smtp_server_message_received event already has a handler"
            + " defined at policy.lua:1");
  }

  @Test
  void preInitThenInitRunOnceAfterLoadingAndWhatInitDefinesResolves() {
    try (PolicyEngine engine = Policies.load(dir, "local order = {}\n"
        + "kumo.on('init', function()\n"
        + "  table.insert(order, 'init')\n"
        + "  kumo.define_egress_source { name = 'ip-1', source_address = '10.0.0.1' }\n"
        + "  kumo.define_egress_source { name = 'order-' .. table.concat(order, '-') }\n"
        + "end)\n"
        + "kumo.on('pre_init', function() table.insert(order, 'pre') end)\n"
        + "kumo.on('pre_init', function() table.insert(order, 'pre2') end)\n")) {
      assertThat(engine.definedSources()).containsOnlyKeys("ip-1", "order-pre-pre2-init");
      assertThat(engine.definedSources().get("ip-1").location())
          .isEqualTo(new ScriptLocation("policy.lua", 4));
    }
  }

  @Test
  void initRunsOnceEvenWhenThePoolLoadsMoreInterpreters() throws Exception {
    CountDownLatch bothInside = new CountDownLatch(2);
    SourceLookup rendezvous = new SourceLookup() {
      @Override
      public Map<String, Object> invokeGetEgressSource(String name) {
        bothInside.countDown();
        try {
          bothInside.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return Map.of("name", name, "ttl", "1m");
      }

      @Override
      public Map<String, Object> invokeGetEgressPool(String name) {
        throw new AssertionError(name);
      }
    };
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try (PolicyEngine engine = Policies.load(dir,
        "kumo.on('init', function() kumo.validation_failed() end)\n"
        + "kumo.on('get_egress_source', function(name)\n"
        + "  kumo.invoke_get_egress_source('other-' .. name)\n"
        + "end)\n")) {
      Future<?> a = threads.submit(() -> engine.invoke(Hook.GET_EGRESS_SOURCE, "a", rendezvous));
      Future<?> b = threads.submit(() -> engine.invoke(Hook.GET_EGRESS_SOURCE, "b", rendezvous));
      a.get(20, TimeUnit.SECONDS);
      b.get(20, TimeUnit.SECONDS);
      assertThat(((PooledPolicyEngine<?>) engine).interpretersLoaded()).isEqualTo(2);
      // init recorded one call: the second interpreter ran the top level only.
      assertThat(engine.usage().validationFailures()).hasSize(1);
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void aFailingInitFailsTheLoadAtItsLine() {
    assertThatThrownBy(() -> Policies.load(dir, "kumo.on('init', function()\n"
        + "  error('no spool configured')\n"
        + "end)\n"))
        .isInstanceOf(PolicyException.class)
        .hasMessage("policy.lua:2: no spool configured");
  }

  @Test
  void registeringFromInitIsRefusedInKumoMtasWords() {
    assertThatThrownBy(() -> Policies.load(dir, "kumo.on('init', function()\n"
        + "  kumo.on('get_egress_source', function(name) end)\n"
        + "end)\n"))
        .hasMessageStartingWith("policy.lua:2: Attempting to register an event handler via"
            + " `kumo.on('get_egress_source', ...)` from within the event handler 'init'.");
  }

  @Test
  void validateConfigRunsOnlyWhenValidatingAndEveryFailureIsRecordedAtItsLine() {
    String policy = "assert(_VALIDATING_CONFIG == VALIDATING)\n"
        + "kumo.on('validate_config', function()\n"
        + "  kumo.validation_failed()\n"
        + "end)\n"
        + "kumo.on('validate_config', function()\n"
        + "  error('pool warm has no sources')\n"
        + "end)\n"
        + "kumo.on('validate_config', function() end)\n";
    try (PolicyEngine quiet = Policies.load(dir, "VALIDATING = nil\n" + policy)) {
      assertThat(quiet.usage().validationFailures()).isEmpty();
    }
    try (PolicyEngine engine = Policies.load(dir, "VALIDATING = true\n" + policy, VALIDATING)) {
      assertThat(engine.usage().validationFailures()).containsExactly(
          new PolicyUsage.ValidationFailure("kumo.validation_failed() was called",
              new ScriptLocation("policy.lua", 4)),
          new PolicyUsage.ValidationFailure("policy.lua:7: pool warm has no sources",
              new ScriptLocation("policy.lua", 7)));
    }
  }

  @Test
  void theFirstMultipleHandlerThatReturnsAValueEndsTheEventAsInKumoMta() {
    try (PolicyEngine engine = Policies.load(dir,
        "kumo.on('validate_config', function() return true end)\n"
        + "kumo.on('validate_config', function() kumo.validation_failed() end)\n", VALIDATING)) {
      assertThat(engine.usage().validationFailures()).isEmpty();
    }
  }

  @Test
  void helpersReportTheNamesTheyKnowForCheck() {
    try (PolicyEngine engine = Policies.load(dir, "local ek = require 'egresskit'\n"
        + "ek.known_sources({ 'ip-1', 'ip-2' })\n"
        + "ek.known_sources('ip-1', 'ip-3')\n"
        + "ek.known_pools({ 'warm' })\n")) {
      assertThat(engine.usage().knownSources()).containsExactly("ip-1", "ip-2", "ip-3");
      assertThat(engine.usage().knownPools()).containsExactly("warm");
    }
  }
}
