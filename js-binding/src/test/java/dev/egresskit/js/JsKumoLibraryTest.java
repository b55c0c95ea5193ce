package dev.egresskit.js;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.model.PoolEntry;
import dev.egresskit.core.policy.Hook;
import dev.egresskit.core.policy.PolicyEngine;
import dev.egresskit.core.policy.PolicyException;
import dev.egresskit.core.policy.PolicySettings;
import dev.egresskit.core.policy.PolicyUsage;
import dev.egresskit.core.policy.SourceLookup;
import dev.egresskit.core.policy.support.PolicyFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rest of KumoMTA's kumo API in JavaScript, and kumo.sources. */
class JsKumoLibraryTest {
  private static final SourceLookup NO_LOOKUP = new SourceLookup() {
    @Override
    public Map<String, Object> invokeGetEgressSource(String name) {
      throw new AssertionError(name);
    }

    @Override
    public Map<String, Object> invokeGetEgressPool(String name) {
      throw new AssertionError(name);
    }
  };

  @TempDir Path dir;

  private Path write(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, text);
    return file;
  }

  private PolicyUsage load(String text) throws IOException {
    Path script = write("policy.js", text);
    PolicyUsage usage = new PolicyUsage();
    JsRuntime runtime = JsRuntime.shared();
    try {
      JsInterpreter.load(runtime, runtime.compile("policy.js",
          DeadlineChecks.instrument("policy.js", text)), "policy.js", PolicyFiles.of(script),
          Duration.ofSeconds(10), false, usage);
    } catch (javax.script.ScriptException e) {
      throw new AssertionError(e);
    }
    return usage;
  }

  @Test
  void realFunctionsGiveKumoMtasDocumentedResults() throws IOException {
    load("""
        function check(ok, what) { if (!ok) { throw new Error('failed: ' + what); } }
        check(kumo.json_encode(kumo.string.split('Mary had a little lamb', ' '))
          === '["Mary","had","a","little","lamb"]', 'split');
        check(kumo.string.replacen('foo foo 123 foo', 'foo', 'new', 2) === 'new new 123 foo',
          'replacen');
        var re = kumo.regex.compile("'(?<title>[^']+)'\\\\s+\\\\((?<year>\\\\d{4})\\\\)");
        var cap = re.captures("Not my favorite movie: 'Citizen Kane' (1941).");
        check(cap[0] === "'Citizen Kane' (1941)" && cap.title === 'Citizen Kane', 'captures');
        check(kumo.regex.compile('[^01]+').replace('1078910', '') === '1010', 'replace');
        check(kumo.digest.sha1('hello').hex === 'aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d',
          'sha1');
        check(kumo.serde.json_parse('{"a": 1, "a": 2} // c').a === 2, 'json');
        var calls = 0;
        var cached = kumo.memoize(function (a, b) { calls++; return { sum: a + b }; },
          { name: 'user.js-test-memoize', ttl: '5 minutes', capacity: 5 });
        check(cached(1, 2).sum === 3 && cached(1, 2).sum === 3 && calls === 1, 'memoize');
        """);
  }

  @Test
  void inertCallsAreRecordedAndUnknownNamesNamed() throws IOException {
    PolicyUsage usage = load("""
        kumo.start_esmtp_listener({ listen: '0:25' });
        kumo.define_spool({ name: 'data', path: '/var/spool/kumomta/data' });
        var q = kumo.make_queue_config({ egress_pool: 'warm' });
        if (q.egress_pool !== 'warm') { throw new Error('shape'); }
        kumo.dns.lookup_mx('example.com');
        """);
    assertThat(usage.inertCalls()).extracting(PolicyUsage.InertCall::function).containsExactly(
        "kumo.start_esmtp_listener", "kumo.define_spool", "kumo.make_queue_config",
        "kumo.dns.lookup_mx");
    assertThat(usage.inertCalls().get(3).firstAt().line()).isEqualTo(5);
    assertThatThrownBy(() -> load("\nkumo.nonexistent();\n"))
        .isInstanceOf(PolicyException.class)
        .hasMessageContaining("kumo.nonexistent is not part of KumoMTA's kumo API");
    assertThatThrownBy(() -> load("kumo.string.nope('a');\n"))
        .hasMessageContaining("kumo.string.nope is not part of KumoMTA's kumo API");
  }

  @Test
  void kumoSourcesSetupReadsTheSameDataFormatAsTheLuaHelper() throws IOException {
    write("sources.toml", """
        [source."ip-1"]
        source_address = "10.0.0.1"
        ehlo_domain = "mta1.example.com"
        suspend_when_unplumbed = { duration = "10m", trigger = { Threshold = "3/5m" } }
        [pool."warm"."ip-1"]
        weight = 3
        [pool."warm"."ip-2"]
        """);
    Path script = write("policy.js", "kumo.sources.setup(['sources.toml']);\n");
    try (PolicyEngine engine = new JsPolicyEngineProvider().load(script,
        new PolicySettings(1, Duration.ofSeconds(10)))) {
      EgressSource source = engine.invoke(Hook.GET_EGRESS_SOURCE, "ip-1", NO_LOOKUP).value();
      assertThat(source.ehloDomain()).hasValue("mta1.example.com");
      assertThat(engine.invoke(Hook.GET_EGRESS_POOL, "warm", NO_LOOKUP).value().entries())
          .extracting(PoolEntry::name, PoolEntry::weight)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("ip-1", 3L),
              org.assertj.core.groups.Tuple.tuple("ip-2", 1L));
    }
  }
}
