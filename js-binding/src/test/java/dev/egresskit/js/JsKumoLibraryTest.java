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
import dev.egresskit.core.policy.kumo.KumoFunction;
import dev.egresskit.core.policy.kumo.KumoLibrary;
import dev.egresskit.core.policy.kumo.PolicyModule;
import dev.egresskit.core.policy.kumo.PolicyModuleProvider;
import dev.egresskit.core.policy.kumo.PolicyModules;
import dev.egresskit.core.policy.support.PolicyFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
    return load(text, PolicyModules.none());
  }

  /** Loads {@code text} into a fresh interpreter (a new global) with {@code modules}. */
  private PolicyUsage load(String text, PolicyModules modules) throws IOException {
    Path script = write("policy.js", text);
    PolicyUsage usage = new PolicyUsage();
    JsRuntime runtime = JsRuntime.shared();
    try {
      JsInterpreter.load(runtime, runtime.compile("policy.js",
          DeadlineChecks.instrument("policy.js", text)), "policy.js", PolicyFiles.of(script),
          Duration.ofSeconds(10), false, usage, modules);
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

  /** KumoMTA's timer, seen from JavaScript: done() once, and no Lua close handler as a field. */
  @Test
  void aTimerAnswersDoneOnceAndCarriesNoCloseField() throws IOException {
    PolicyUsage usage = load("""
        var timer = kumo.time.start_timer('js');
        var seconds = timer.done();
        if (typeof seconds !== 'number' || seconds < 0) { throw new Error('seconds ' + seconds); }
        if (timer.done() != null) { throw new Error('done twice'); }
        if ('__close' in timer) { throw new Error('a close field'); }
        var writer = kumo.jsonl.new_writer({ log_dir: '/nowhere' });
        writer.write_line('x');
        writer.close();
        """);
    assertThat(usage.inertCalls()).extracting(PolicyUsage.InertCall::function)
        .containsExactly("kumo.time.start_timer", "kumo.jsonl.new_writer");
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

  /**
   * Names are made on first use in each interpreter, from what Java says a name is: every name
   * of the library and every sub-module is there, with its kind, in a fresh interpreter.
   */
  @Test
  void everyLibraryNameAndModuleIsThereOnFirstUseInAFreshInterpreter() throws IOException {
    KumoLibrary library = KumoLibrary.standard();
    StringBuilder policy = new StringBuilder("""
        var wrong = [];
        function check(ok, what) { if (!ok) { wrong.push(what); } }
        """);
    library.entries().forEach((name, entry) -> policy.append("check(typeof kumo.").append(name)
        .append(" === '").append(entry.kind() == KumoLibrary.Kind.VALUE ? "string" : "function")
        .append("', '").append(name).append("');\n"));
    for (String module : library.modules()) {
      policy.append("check(typeof kumo.").append(module)
          .append(" === 'object' && Object.isFrozen(kumo.").append(module).append("), '")
          .append(module).append("');\n");
    }
    policy.append("if (wrong.length > 0) { throw new Error('wrong: ' + wrong.join(', ')); }\n");
    assertThat(library.entries()).hasSizeGreaterThan(100);
    assertThat(library.modules()).contains("string", "regex", "dns", "api.inject");
    load(policy.toString());
    assertThatThrownBy(() -> load("kumo.api.nope;\n"))
        .hasMessageContaining("kumo.api.nope is not part of KumoMTA's kumo API");
  }

  /** A policy module's functions are kumo.<module>.<function>, also in a fresh interpreter. */
  @Test
  void policyModuleFunctionsAreMembersOfKumo() throws IOException {
    PolicyModuleProvider provider = new PolicyModuleProvider() {
      @Override
      public String name() {
        return "alpha";
      }

      @Override
      public PolicyModule create() {
        return new PolicyModule() {
          @Override
          public Map<String, KumoFunction> functions() {
            return Map.of("echo", (args, context) -> args.string(0, "TEXT") + "!",
                "deep.twice", (args, context) -> args.string(0, "TEXT").repeat(2));
          }

          @Override
          public void close() {}
        };
      }
    };
    try (PolicyModules modules = PolicyModules.of(List.of(provider))) {
      load("""
          if (kumo.alpha.echo('a') !== 'a!') { throw new Error('echo'); }
          if (kumo.alpha.deep.twice('b') !== 'bb') { throw new Error('twice'); }
          if (!Object.isFrozen(kumo.alpha) || !Object.isFrozen(kumo.alpha.deep)) {
            throw new Error('frozen');
          }
          """, modules);
      assertThatThrownBy(() -> load("\nkumo.alpha.nope('a');\n", modules))
          .isInstanceOf(PolicyException.class)
          .hasMessageContaining("policy.js:2")
          .hasMessageContaining("kumo.alpha.nope is not part of KumoMTA's kumo API");
      assertThatThrownBy(() -> load("kumo.alpha.deep.nope;\n", modules))
          .hasMessageContaining("kumo.alpha.deep.nope is not part of KumoMTA's kumo API");
      // Without the module, the name is unknown.
      assertThatThrownBy(() -> load("kumo.alpha.echo('a');\n"))
          .hasMessageContaining("kumo.alpha is not part of KumoMTA's kumo API");
    }
  }
}
