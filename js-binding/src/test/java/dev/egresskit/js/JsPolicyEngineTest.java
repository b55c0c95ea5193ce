package dev.egresskit.js;

import dev.egresskit.core.model.EgressPool;
import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.model.PoolEntry;
import dev.egresskit.core.policy.Hook;
import dev.egresskit.core.policy.Made;
import dev.egresskit.core.policy.PolicyEngine;
import dev.egresskit.core.policy.PolicyEngines;
import dev.egresskit.core.policy.PolicyException;
import dev.egresskit.core.policy.PolicySettings;
import dev.egresskit.core.policy.ScriptLocation;
import dev.egresskit.core.policy.SourceLookup;
import dev.egresskit.core.policy.support.PooledPolicyEngine;
import dev.egresskit.core.resolve.ResolutionException;
import dev.egresskit.core.resolve.SourceResolver;
import dev.egresskit.core.resolve.SourceViews;
import dev.egresskit.core.spec.InvalidSpecException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;


class JsPolicyEngineTest {
  private static final PolicySettings SETTINGS = new PolicySettings(2, Duration.ofSeconds(5));

  @TempDir
  Path dir;

  private final List<PolicyEngine> engines = new ArrayList<>();

  @AfterEach
  void closeEngines() {
    engines.forEach(PolicyEngine::close);
  }

  private Path write(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
    return file;
  }

  private PolicyEngine load(String policy) throws IOException {
    PolicyEngine engine = PolicyEngines.load(write("policy.js", policy), SETTINGS);
    engines.add(engine);
    return engine;
  }

  private PolicyException loadFailure(String policy) throws IOException {
    Path script = write("policy.js", policy);
    try {
      engines.add(PolicyEngines.load(script, SETTINGS));
    } catch (PolicyException e) {
      return e;
    }
    throw new AssertionError("the policy loaded");
  }

  private SourceResolver resolver(String policy) throws IOException {
    return SourceResolver.builder(load(policy)).build();
  }

  private static final String SOURCE_HANDLER =
      "kumo.on('get_egress_source', function (name) {\n"
      + "  return kumo.make_egress_source({ name: name, source_address: '10.0.0.1',"
      + " ttl: '5 mins' });\n"
      + "});\n";

  @Test
  void theProviderIsFoundByServiceLoaderForDotJs() {
    assertThat(PolicyEngines.providerFor(Path.of("policy.js")))
        .isInstanceOf(JsPolicyEngineProvider.class);
    assertThat(new JsPolicyEngineProvider().language()).isEqualTo("js");
    assertThat(new JsPolicyEngineProvider().extensions()).containsExactly("js");
  }

  @Test
  void theIssueExampleResolvesToAValidatedSource() throws IOException {
    EgressSource source = resolver(SOURCE_HANDLER).resolve("ip-1");

    assertThat(SourceViews.sourceView(source)).isEqualTo(Map.of(
        "name", "ip-1", "source_address", "10.0.0.1", "ttl", "5m"));
  }

  @Test
  void theEngineReportsItsScriptAndHandlers() throws IOException {
    PolicyEngine engine = load(SOURCE_HANDLER);

    assertThat(engine.scriptName()).isEqualTo("policy.js");
    assertThat(engine.hasHandler(Hook.GET_EGRESS_SOURCE)).isTrue();
    assertThat(engine.hasHandler(Hook.GET_EGRESS_POOL)).isFalse();
  }

  @Test
  void madeValuesKnowTheLineThatBuiltThem() throws IOException {
    Made<EgressSource> made = load(SOURCE_HANDLER)
        .invoke(Hook.GET_EGRESS_SOURCE, "ip-1", NO_LOOKUP);

    assertThat(made.location()).isEqualTo(new ScriptLocation("policy.js", 2));
  }

  @Test
  void theLineIsTheInnermostPolicyCallerAcrossFilesAndAfterTheJitRecompiles() throws IOException {
    write("lib/build.js", "var build = function (name, make) {\n"
        + "  return make({ name: name, source_address: '10.0.0.1' });\n"
        + "};");
    PolicyEngine engine = load("load('lib/build.js');\n"
        + "var make = kumo.make_egress_source;\n"
        + "kumo.on('get_egress_source', function (name) {\n"
        + "  if (name === 'direct') {\n"
        + "    return kumo.make_egress_source({ name: name });\n"
        + "  }\n"
        + "  return build(name, make);\n"
        + "});");

    // Enough calls for Nashorn to recompile the handler with new types (new classes): the line
    // must not come from a frame of the wrong class or of the bootstrap.
    for (int i = 0; i < 3000; i++) {
      String name = i % 2 == 0 ? "direct" : "ip-" + i;
      Made<EgressSource> made = engine.invoke(Hook.GET_EGRESS_SOURCE, name, NO_LOOKUP);
      assertThat(made.location()).isEqualTo(i % 2 == 0 ? new ScriptLocation("policy.js", 5)
          : new ScriptLocation("lib/build.js", 2));
    }
  }

  @Test
  void aSyntaxErrorFailsTheLoadWithScriptAndLine() throws IOException {
    PolicyException e = loadFailure("var ok = 1;\nkumo.on('get_egress_source', function (n) {\n");

    assertThat(e.getMessage()).startsWith("policy.js:3:");
    assertThat(e.location()).contains(new ScriptLocation("policy.js", 3));
  }

  @Test
  void aSecondHandlerForTheSameEventNamesTheFirst() throws IOException {
    PolicyException e = loadFailure(SOURCE_HANDLER + "\n" + SOURCE_HANDLER);

    assertThat(e.getMessage()).isEqualTo("policy.js:5: get_egress_source event already has a"
        + " handler defined at policy.js:1");
  }

  @Test
  void anyEventNameIsAcceptedAsKumoMtaAcceptsItAndListed() throws IOException {
    PolicyEngine engine = load("kumo.on('get_egress_sauce', function () {});\n"
        + "kumo.on('validate_config', function () {});\n"
        + "kumo.on('validate_config', function () {});");
    assertThat(engine.registeredEvents()).extracting(e -> e.name() + "=" + e.handlers().size())
        .containsExactly("get_egress_sauce=1", "validate_config=2");
  }

  @Test
  void initRunsOnceAfterLoadingAndWhatItDefinesIsVisible() throws IOException {
    PolicyEngine engine = load("var inits = 0;\n"
        + "kumo.on('init', function () {\n"
        + "  inits++;\n"
        + "  kumo.define_egress_source({ name: 'from-init-' + inits });\n"
        + "});");
    assertThat(engine.definedSources()).containsOnlyKeys("from-init-1");
  }

  @Test
  void aHandlerThatIsNotAFunctionIsRefused() throws IOException {
    assertThat(loadFailure("kumo.on('get_egress_source', 'f');").getMessage())
        .isEqualTo("policy.js:1: kumo.on: the handler for 'get_egress_source' must be a"
            + " function, got a string");
  }

  @Test
  void aBadSpecFailsAtTheCallWithEveryProblemAndKeepsTheValidationError() throws IOException {
    ResolutionException e = catchResolution(resolver(
        "kumo.on('get_egress_source', function (name) {\n"
        + "  return kumo.make_egress_source({ name: name, source_address: '010.0.0.1',"
        + " remote_port: 70000 });\n});"), "ip-1");

    assertThat(e.getMessage()).startsWith("get_egress_source 'ip-1': make_egress_source at"
        + " policy.js:2: 2 problems");
    assertThat(e.getMessage()).contains("invalid IP address syntax", "70000");
    assertThat(e.getCause().getCause()).isInstanceOf(InvalidSpecException.class);
  }

  @Test
  void aThrownErrorReachesTheUserUnchangedInsideTheResolversWrapping() throws IOException {
    ResolutionException e = catchResolution(resolver(
        "kumo.on('get_egress_source', function (name) {\n"
        + "  throw new Error('no source for ' + name);\n});"), "ip-9");

    assertThat(e.getMessage()).isEqualTo("get_egress_source 'ip-9': policy.js:2: no source for"
        + " ip-9");
  }

  @Test
  void returningAPlainObjectSaysToCallMakeEgressSource() throws IOException {
    ResolutionException e = catchResolution(resolver(
        "kumo.on('get_egress_source', function (name) {\n  return { name: name };\n});"), "a");

    assertThat(e.getMessage()).contains("policy.js:1: get_egress_source handler for 'a'"
        + " returned a JavaScript object", "kumo.make_egress_source");
  }

  @Test
  void returningNothingHintsAtAMissingReturn() throws IOException {
    ResolutionException e = catchResolution(resolver(
        "kumo.on('get_egress_source', function (name) {\n"
        + "  kumo.make_egress_source({ name: name });\n});"), "a");

    assertThat(e.getMessage()).contains("returned nothing", "is a 'return' missing?");
  }

  @Test
  void aPoolHandlerBuildsAWeightedPool() throws IOException {
    SourceResolver resolver = resolver(SOURCE_HANDLER
        + "kumo.on('get_egress_pool', function (name) {\n"
        + "  return kumo.make_egress_pool({ name: name, entries: [{ name: 'ip-1', weight: 5 },"
        + " { name: 'ip-2' }], ttl: 90 });\n});");

    EgressPool pool = resolver.resolvePool("p");

    assertThat(pool.entries()).containsExactly(new PoolEntry("ip-1", 5), new PoolEntry("ip-2", 1));
    assertThat(pool.ttl()).isEqualTo(Duration.ofSeconds(90));
  }

  @Test
  void definedSourcesServeLookupsWithoutAHandlerAndTheLatestDefinitionWins() throws IOException {
    PolicyEngine engine = load("kumo.define_egress_source({ name: 'ip-1', ehlo_domain: 'a' });\n"
        + "kumo.define_egress_source({ name: 'ip-1', ehlo_domain: 'b' });");

    assertThat(engine.definedSources().get("ip-1").value().ehloDomain()).contains("b");
    assertThat(engine.definedSources().get("ip-1").location())
        .isEqualTo(new ScriptLocation("policy.js", 2));
    assertThat(SourceResolver.builder(engine).build().resolve("ip-1").ehloDomain()).contains("b");
  }

  @Test
  void invokeGetEgressSourceReturnsThePlainViewThroughTheCache() throws IOException {
    SourceResolver resolver = resolver(
        "kumo.on('get_egress_source', function (name) {\n"
        + "  if (name === 'alias') {\n"
        + "    var base = kumo.invoke_get_egress_source('ip-1');\n"
        + "    return kumo.make_egress_source({ name: name, source_address: base.source_address,"
        + " ttl: base.ttl, remote_port: base.remote_port + 1 });\n"
        + "  }\n"
        + "  return kumo.make_egress_source({ name: name, source_address: '10.0.0.7',"
        + " remote_port: 2525, ttl: '2m' });\n"
        + "});");

    assertThat(SourceViews.sourceView(resolver.resolve("alias"))).isEqualTo(Map.of(
        "name", "alias", "source_address", "10.0.0.7", "remote_port", 2526, "ttl", "2m"));
  }

  @Test
  void invokeOutsideAHandlerIsRefused() throws IOException {
    assertThat(loadFailure("\nkumo.invoke_get_egress_source('x');").getMessage())
        .isEqualTo("policy.js:2: kumo.invoke_get_egress_source can only be called from within"
            + " an event handler, not while the policy loads");
  }

  @Test
  void dataFilesAreReadRelativeToThePolicyFolder() throws IOException {
    write("data/sources.json", "{\"ip-1\": {\"source_address\": \"10.0.0.3\", \"ttl\": 90}}");
    write("data/sources.toml", "[ip-2]\nsource_address = \"10.0.0.4\"\nremote_port = 2525\n");
    SourceResolver resolver = resolver(
        "kumo.on('get_egress_source', function (name) {\n"
        + "  var spec = kumo.json_load('data/sources.json')[name]\n"
        + "      || kumo.toml_load('data/sources.toml')[name];\n"
        + "  spec.name = name;\n"
        + "  return kumo.make_egress_source(spec);\n"
        + "});");

    assertThat(SourceViews.sourceView(resolver.resolve("ip-1"))).isEqualTo(Map.of(
        "name", "ip-1", "source_address", "10.0.0.3", "ttl", "1m 30s"));
    assertThat(SourceViews.sourceView(resolver.resolve("ip-2"))).isEqualTo(Map.of(
        "name", "ip-2", "source_address", "10.0.0.4", "remote_port", 2525, "ttl", "1m"));
  }

  @Test
  void dataFilesOutsideThePolicyFolderAreRefused() throws IOException {
    write("../outside.json", "{}");

    assertThat(loadFailure("\nkumo.json_load('../outside.json');").getMessage())
        .startsWith("policy.js:2: json_load: '../outside.json' is outside the policy folder");
    assertThat(loadFailure("kumo.toml_load('/etc/passwd');").getMessage())
        .startsWith("policy.js:1: toml_load: '/etc/passwd' is outside the policy folder");
  }

  @Test
  void loadRunsScriptsFromThePolicyFolderOnly() throws IOException {
    write("lib/names.js", "function sourceName(n) { return 'src-' + n; }");
    PolicyEngine engine = load("load('lib/names.js');\n"
        + "kumo.define_egress_source({ name: sourceName(1) });");

    assertThat(engine.definedSources()).containsOnlyKeys("src-1");
    assertThat(loadFailure("\nload('nashorn:mozilla_compat.js');").getMessage())
        .startsWith("policy.js:2: load: 'nashorn:mozilla_compat.js' does not exist in the"
            + " policy folder");
    write("../outside.js", "var escaped = true;");
    assertThat(loadFailure("load('../outside.js');").getMessage())
        .startsWith("policy.js:1: load: '../outside.js' is outside the policy folder");
    assertThat(loadFailure("load('http://127.0.0.1:9/x.js');").getMessage())
        .startsWith("policy.js:1: load:");
  }

  @Test
  void javaIsUnreachableFromAPolicy() throws IOException {
    assertThat(loadFailure("var S = Java.type('java.lang.System');").getMessage())
        .isEqualTo("policy.js:1: ReferenceError: \"Java\" is not defined");
    assertThat(loadFailure("\njava.lang.System.exit(1);").getMessage())
        .isEqualTo("policy.js:2: ReferenceError: \"java\" is not defined");
    assertThat(loadFailure("Packages.java.lang.Runtime.getRuntime();").getMessage())
        .isEqualTo("policy.js:1: ReferenceError: \"Packages\" is not defined");
    assertThat(loadFailure("exit(0);").getMessage())
        .isEqualTo("policy.js:1: ReferenceError: \"exit\" is not defined");
    assertThat(loadFailure("quit();").getMessage())
        .isEqualTo("policy.js:1: ReferenceError: \"quit\" is not defined");
  }

  @Test
  void registeringFromInsideAHandlerIsRefused() throws IOException {
    ResolutionException e = catchResolution(resolver(
        "kumo.on('get_egress_source', function (name) {\n"
        + "  kumo.on('get_egress_pool', function (p) {});\n"
        + "  return kumo.make_egress_source({ name: name });\n});"), "ip-1");

    assertThat(e.getMessage()).startsWith("get_egress_source 'ip-1': policy.js:2: Attempting to"
        + " register an event handler via `kumo.on('get_egress_pool', ...)` from within the event"
        + " handler 'get_egress_source'");
  }

  @Test
  void concurrentHandlerCallsRunOnSeparateEngines() throws Exception {
    PolicyEngine engine = load(
        "var calls = 0;\n"
        + "kumo.on('get_egress_source', function (name) {\n"
        + "  calls++;\n"
        + "  var seen = kumo.invoke_get_egress_source(name).name;\n"
        + "  return kumo.make_egress_source({ name: seen, ehlo_domain: 'calls-' + calls });\n"
        + "});");
    CountDownLatch bothInside = new CountDownLatch(2);
    SourceLookup rendezvous = new SourceLookup() {
      @Override
      public Map<String, Object> invokeGetEgressSource(String name) {
        bothInside.countDown();
        try {
          // Both handlers are inside at once only if each has its own engine.
          assertThat(bothInside.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
        return Map.of("name", name);
      }

      @Override
      public Map<String, Object> invokeGetEgressPool(String name) {
        throw new UnsupportedOperationException();
      }
    };
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      Future<Made<EgressSource>> a =
          threads.submit(() -> engine.invoke(Hook.GET_EGRESS_SOURCE, "a", rendezvous));
      Future<Made<EgressSource>> b =
          threads.submit(() -> engine.invoke(Hook.GET_EGRESS_SOURCE, "b", rendezvous));

      // Each engine loaded the policy itself, so each counts its own first call.
      assertThat(a.get(20, TimeUnit.SECONDS).value().ehloDomain()).contains("calls-1");
      assertThat(b.get(20, TimeUnit.SECONDS).value().ehloDomain()).contains("calls-1");
      assertThat(((PooledPolicyEngine<?>) engine).interpretersLoaded()).isEqualTo(2);
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void aHandlerThatLooksItselfUpGetsTheResolversRecursionErrorEvenWithOneEngine()
      throws IOException {
    PolicyEngine engine = PolicyEngines.load(write("policy.js",
        "kumo.on('get_egress_source', function (name) {\n"
        + "  var other = name === 'a' ? 'b' : 'a';\n"
        + "  var seen = kumo.invoke_get_egress_source(other);\n"
        + "  return kumo.make_egress_source({ name: name, ehlo_domain: seen.name });\n"
        + "});"), new PolicySettings(1, Duration.ofSeconds(5)));
    engines.add(engine);

    ResolutionException e = catchResolution(SourceResolver.builder(engine).build(), "a");

    // The nested lookup re-entered the one engine this thread already held: no deadlock.
    assertThat(e.getMessage()).startsWith("get_egress_source 'a': policy.js:3:")
        .contains("recursive lookup");
    assertThat(((PooledPolicyEngine<?>) engine).interpretersLoaded()).isEqualTo(1);
  }

  @Test
  void endlessRecursionIsAnErrorAndTheEngineIsReplaced() throws IOException {
    PolicyEngine engine = load(
        "function deeper(n) { return deeper(n + 1) + 1; }\n"
        + "kumo.on('get_egress_source', function (name) {\n"
        + "  if (name === 'loop') { deeper(0); }\n"
        + "  return kumo.make_egress_source({ name: name });\n"
        + "});");

    assertThatThrownBy(() -> engine.invoke(Hook.GET_EGRESS_SOURCE, "loop", NO_LOOKUP))
        .isInstanceOf(PolicyException.class)
        .hasMessage("policy.js: the policy overflowed the stack (endless recursion?)");
    assertThat(engine.invoke(Hook.GET_EGRESS_SOURCE, "fine", NO_LOOKUP).value().name())
        .isEqualTo("fine");
    assertThat(((PooledPolicyEngine<?>) engine).interpretersLoaded()).isEqualTo(2);
  }

  @Test
  void aHandlerCanCatchAFailedKumoCallAndRecover() throws IOException {
    SourceResolver resolver = resolver(
        "kumo.on('get_egress_source', function (name) {\n"
        + "  try {\n"
        + "    return kumo.make_egress_source({ name: name, source_address: 'bogus' });\n"
        + "  } catch (e) {\n"
        // The caught message's first line, carried out in the EHLO name (which cannot hold
        // white space, issue 21).
        + "    var first = e.message.split('\\n')[0].replace(/ /g, '_');\n"
        + "    return kumo.make_egress_source({ name: name, ehlo_domain: first });\n"
        + "  }\n"
        + "});");

    assertThat(resolver.resolve("ip-1").ehloDomain())
        .contains("make_egress_source_at_policy.js:3:_1_problem");
  }

  private static ResolutionException catchResolution(SourceResolver resolver, String name) {
    try {
      resolver.resolve(name);
    } catch (ResolutionException e) {
      return e;
    }
    throw new AssertionError("resolving '" + name + "' did not fail");
  }

  private static final SourceLookup NO_LOOKUP = new SourceLookup() {
    @Override
    public Map<String, Object> invokeGetEgressSource(String name) {
      throw new AssertionError("no lookup expected");
    }

    @Override
    public Map<String, Object> invokeGetEgressPool(String name) {
      throw new AssertionError("no lookup expected");
    }
  };
}
