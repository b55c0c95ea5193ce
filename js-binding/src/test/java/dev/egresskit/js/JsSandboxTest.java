package dev.egresskit.js;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.egresskit.core.policy.PolicyException;
import dev.egresskit.core.policy.ScriptLocation;
import javax.script.ScriptException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsSandboxTest {
  /** Shared by the read-only checks: an engine costs ~100 ms to set up. */
  private static final JsSandbox SHARED =
      JsSandbox.create(withLibrary(new KumoBridge(new RecordingKumo(), "policy.js")));

  private final RecordingKumo kumo = new RecordingKumo();
  private final KumoBridge bridge = withLibrary(new KumoBridge(kumo, "policy.js"));
  private final JsSandbox sandbox = JsSandbox.create(bridge);

  /** A bridge with the kumo library, as every engine has it. */
  static KumoBridge withLibrary(KumoBridge bridge) {
    JsKumoLibrary.addTo(bridge, dev.egresskit.core.policy.kumo.KumoLibrary.standard(),
        dev.egresskit.core.policy.kumo.KumoContext.of(bridge::callerLocation,
            new dev.egresskit.core.policy.PolicyUsage(),
            dev.egresskit.core.policy.support.PolicyFiles.of(java.nio.file.Path.of("policy.js")),
            () -> Long.MAX_VALUE));
    return bridge;
  }

  private Object eval(String text) throws ScriptException {
    return sandbox.eval("policy.js", text);
  }

  private PolicyException failureOf(String text) {
    try {
      eval(text);
    } catch (ScriptException | RuntimeException e) {
      return JsErrors.translate(e, bridge, new ScriptLocation("policy.js", 0));
    }
    throw new AssertionError("the script did not fail: " + text);
  }

  @ParameterizedTest
  @ValueSource(strings = {"Java", "Packages", "java", "javax", "JavaImporter", "engine",
      "context", "exit", "quit", "loadWithNewGlobal", "__noSuchProperty__", "$EXEC", "$ENV",
      "readFully"})
  void dangerousGlobalsAreUndefined(String name) throws Exception {
    assertThat(SHARED.eval("policy.js", "typeof " + name)).isEqualTo("undefined");
    assertThat(SHARED.eval("policy.js", "this['" + name + "']")).isNull();
  }

  @Test
  void javaTypeFailsWithAReferenceError() {
    assertThat(failureOf("\nvar System = Java.type('java.lang.System');").getMessage())
        .isEqualTo("policy.js:2: ReferenceError: \"Java\" is not defined");
  }

  @Test
  void packagesAndJavaLangSystemFailWithAReferenceError() {
    assertThat(failureOf("Packages.java.lang.System.exit(1)").getMessage())
        .contains("\"Packages\" is not defined");
    assertThat(failureOf("java.lang.System.exit(1)").getMessage())
        .contains("\"java\" is not defined");
  }

  @Test
  void exitAndQuitFailWithAReferenceError() {
    assertThat(failureOf("exit(3)").getMessage()).contains("\"exit\" is not defined");
    assertThat(failureOf("quit()").getMessage()).contains("\"quit\" is not defined");
  }

  @Test
  void theScriptEngineObjectsAreUnreachable() {
    assertThat(failureOf("engine.eval('1')").getMessage()).contains("\"engine\" is not defined");
    assertThat(failureOf("context.getAttribute('x')").getMessage())
        .contains("\"context\" is not defined");
  }

  @Test
  void bridgeFunctionsExposeNoJavaMethods() throws Exception {
    assertThat(failureOf("kumo.on.getClass()").getMessage())
        .isEqualTo("policy.js:1: TypeError: kumo.on.getClass is not a function");
    assertThat(eval("typeof kumo.make_egress_source.getClass")).isEqualTo("undefined");
  }

  @Test
  void javaExceptionsCaughtByAScriptCannotReachAnyClass() {
    // Calling an opaque value is one of the few ways a Java exception reaches a JS catch.
    String caught = "try { kumo.make_egress_source({name: 'x'})() } catch (e) { ";

    assertThat(failureOf(caught + "e.getClass().forName('java.lang.System') }").getMessage())
        .isEqualTo("policy.js:1: TypeError: Java reflection not supported when class filter is"
            + " present");
    assertThat(failureOf(caught + "e.getClass().getClassLoader() }").getMessage())
        .contains("Java reflection not supported");
  }

  @Test
  void loadHandsThePathToThePolicyFolderLoaderAndRunsOnlyWhatItReturns() throws Exception {
    kumo.scripts.put("lib/a.js", new KumoApi.ScriptSource("lib/a.js", "var fromLib = 41 + 1;"));

    eval("load('lib/a.js')");

    assertThat(eval("fromLib")).isEqualTo(42);
    assertThat(kumo.calls).extracting(RecordingKumo.Call::argument).containsExactly("lib/a.js");
  }

  @ParameterizedTest
  @ValueSource(strings = {"nashorn:mozilla_compat.js", "http://127.0.0.1:9/x.js",
      "classpath:dev/egresskit/js/kumo-bootstrap.js", "/etc/passwd"})
  void loadNeverReachesNashornsOwnLoader(String path) {
    PolicyException e = failureOf("\n\nload('" + path + "')");

    assertThat(e.getMessage()).isEqualTo("policy.js:3: load: no script '" + path + "'");
    assertThat(kumo.calls).extracting(RecordingKumo.Call::argument).containsExactly(path);
  }

  @Test
  void loadedScriptsReportTheirOwnNameAndLine() {
    kumo.scripts.put("lib/b.js", new KumoApi.ScriptSource("lib/b.js", "\n\nnosuch();"));

    PolicyException e = failureOf("load('lib/b.js')");

    assertThat(e.getMessage()).startsWith("lib/b.js:3: ReferenceError");
    assertThat(e.location()).contains(new ScriptLocation("lib/b.js", 3));
  }

  @Test
  void theKumoObjectCannotBeReplacedOrChanged() throws Exception {
    eval("var before = kumo.on; kumo.on = null; kumo.extra = 1; delete kumo.make_egress_source;"
        + " kumo = null; var kumo = 5;");

    // Reading a name KumoMTA does not have is an error (see JsKumoLibraryTest), so ask `in`.
    assertThat(eval("kumo.on === before && !('extra' in kumo)"
        + " && typeof kumo.make_egress_source === 'function'")).isEqualTo(true);
    assertThat(eval("Object.isFrozen(kumo)")).isEqualTo(true);
  }

  @Test
  void kumoCallsKnowThePolicyLineThatCalledThem() throws Exception {
    eval("function f() {\n  kumo.on('get_egress_source', f);\n}\n\nf();");

    assertThat(kumo.calls).containsExactly(
        new RecordingKumo.Call("on", "get_egress_source", new ScriptLocation("policy.js", 2)));
  }

  @Test
  void aFailedKumoCallIsAnErrorTheScriptCanCatch() throws Exception {
    kumo.failWith = new IllegalArgumentException("kumo.on: bad event");

    Object caught = eval("\ntry { kumo.on('x', null); 'no error' }"
        + " catch (e) { (e instanceof Error) + ' ' + e.message }");

    assertThat(caught).isEqualTo("true policy.js:2: kumo.on: bad event");
  }

  @Test
  void aPollutedObjectPrototypeDoesNotChangeKumoErrors() {
    kumo.failWith = new IllegalArgumentException("kumo.on: bad event");

    PolicyException e = failureOf("Object.prototype.get = function () { return 1; };\n"
        + "kumo.on('x');");

    assertThat(e.getMessage()).isEqualTo("policy.js:2: kumo.on: bad event");
  }

  @Test
  void anUncaughtKumoFailureKeepsItsLocationAndCauseEvenWhenRethrown() {
    IllegalArgumentException cause = new IllegalArgumentException("kumo.on: bad event");
    kumo.failWith = cause;

    PolicyException e = failureOf("var saved;\ntry { kumo.on('x') } catch (e) { saved = e }"
        + "\n\nthrow saved;");

    assertThat(e.getMessage()).isEqualTo("policy.js:2: kumo.on: bad event");
    assertThat(e.location()).contains(new ScriptLocation("policy.js", 2));
    assertThat(e.getCause()).isSameAs(cause);
  }

  @Test
  void aThrownErrorReachesTheUserUnchangedWithItsLine() {
    PolicyException e = failureOf("\n\nthrow new Error('no source called ip-9');");

    assertThat(e.getMessage()).isEqualTo("policy.js:3: no source called ip-9");
    assertThat(e.location()).contains(new ScriptLocation("policy.js", 3));
  }

  @Test
  void otherErrorTypesKeepTheirName() {
    assertThat(failureOf("\nthrow new TypeError('wrong kind');").getMessage())
        .isEqualTo("policy.js:2: TypeError: wrong kind");
  }

  @Test
  void aThrownStringReachesTheUserUnchanged() {
    assertThat(failureOf("\nthrow 'plain text';").getMessage())
        .isEqualTo("policy.js:2: plain text");
  }

  @Test
  void aSyntaxErrorNamesTheScriptAndLine() {
    PolicyException e = failureOf("var a = 1;\nvar b = ;");

    assertThat(e.getMessage()).startsWith("policy.js:2:8 Expected an operand but found ;");
    assertThat(e.location()).contains(new ScriptLocation("policy.js", 2));
  }

  @Test
  void invokeResultsArePlainJavaScriptObjects() throws Exception {
    kumo.lookups.put("ip-1", "{\"name\":\"ip-1\",\"ttl\":\"1m\",\"remote_port\":2525}");

    Object result = eval("var s = kumo.invoke_get_egress_source('ip-1');"
        + " Object.getPrototypeOf(s) === Object.prototype && s.remote_port + 1 === 2526"
        + " && s.ttl === '1m' && JSON.stringify(s)");

    assertThat(result).isEqualTo("{\"name\":\"ip-1\",\"ttl\":\"1m\",\"remote_port\":2525}");
  }

  @Test
  void madeValuesAreOpaque() throws Exception {
    eval("\nvar v = kumo.make_egress_source({name: 'ip-1'}); v.name = 'other';");

    assertThat(eval("typeof v + ' ' + v.name + ' ' + ('name' in v)"))
        .isEqualTo("object null false");
    assertThat(eval("String(v)")).isEqualTo("[make_egress_source result at policy.js:2]");
  }

  /** Nashorn has none; the sandbox's follows ES2015 within the size bound. */
  @Test
  void stringRepeatWorksWithinItsBound() throws Exception {
    assertThat(SHARED.eval("policy.js", "['ab'.repeat(3), 'x'.repeat(0), 'x'.repeat(2.7),"
        + " ''.repeat(5), 'y'.repeat(NaN), String.prototype.repeat.call(7, 2)].join('|')"))
        .isEqualTo("ababab||xx|||77");
    assertThat(failureOf("'x'.repeat(-1)").getMessage())
        .isEqualTo("policy.js:1: RangeError: Invalid count value: -1");
    assertThat(failureOf("'x'.repeat(Infinity)").getMessage())
        .isEqualTo("policy.js:1: RangeError: Invalid count value: Infinity");
    assertThat(failureOf("String.prototype.repeat.call(null, 2)").getMessage())
        .contains("TypeError: String.prototype.repeat called on null");
  }

  /**
   * The built-ins the sandbox wraps (size bounds, guarded regular expressions) look like the
   * built-ins they replace: writable, configurable, not enumerable, the matching ones under
   * their own names.
   */
  @Test
  void wrappedBuiltInsKeepTheAttributesAndNamesOfTheOriginals() throws Exception {
    assertThat(SHARED.eval("policy.js", """
        var out = [];
        var wrapped = [[Array.prototype, 'join'], [Array.prototype, 'concat'],
          [Array.prototype, 'sort'], [RegExp.prototype, 'exec'], [RegExp.prototype, 'test'],
          [String.prototype, 'match'], [String.prototype, 'search'],
          [String.prototype, 'replace'], [String.prototype, 'split'],
          [String.prototype, 'repeat'], [JSON, 'stringify']];
        for (var i = 0; i < wrapped.length; i++) {
          var d = Object.getOwnPropertyDescriptor(wrapped[i][0], wrapped[i][1]);
          out.push(wrapped[i][1] + ':' + typeof d.value + ',' + d.writable + ','
            + d.enumerable + ',' + d.configurable);
        }
        var names = [RegExp.prototype.exec.name, RegExp.prototype.test.name,
          ''.match.name, ''.search.name, ''.replace.name, ''.split.name, ''.repeat.name];
        var enumerable = [];
        for (var k in []) { enumerable.push(k); }
        for (var k2 in '') { enumerable.push(k2); }
        out.join(' ') + ' | ' + names.join(',') + ' | ' + enumerable.length
          + Object.keys(Array.prototype).length + Object.keys(JSON).length""")).isEqualTo(
        "join:function,true,false,true concat:function,true,false,true"
            + " sort:function,true,false,true exec:function,true,false,true"
            + " test:function,true,false,true match:function,true,false,true"
            + " search:function,true,false,true replace:function,true,false,true"
            + " split:function,true,false,true repeat:function,true,false,true"
            + " stringify:function,true,false,true"
            + " | exec,test,match,search,replace,split,repeat | 000");
  }
}
