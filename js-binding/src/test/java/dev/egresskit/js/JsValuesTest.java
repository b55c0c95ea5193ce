package dev.egresskit.js;

import static org.assertj.core.api.Assertions.assertThat;

import dev.egresskit.core.policy.ScriptLocation;
import java.util.List;
import java.util.Map;
import javax.script.ScriptException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Conversions from script values to raw-spec types, through a real engine. */
class JsValuesTest {
  private static RecordingKumo kumo;
  private static KumoBridge bridge;
  private static JsSandbox sandbox;

  @BeforeAll
  static void engine() {
    kumo = new RecordingKumo();
    bridge = new KumoBridge(kumo, "policy.js");
    sandbox = JsSandbox.create(bridge);
  }

  /** The field map {@code kumo.make_egress_source(expression)} produced. */
  private static Object fieldsOf(String expression) throws ScriptException {
    kumo.calls.clear();
    sandbox.eval("policy.js", "kumo.make_egress_source(" + expression + ")");
    return kumo.calls.get(0).argument();
  }

  /** The message of the error {@code kumo.make_egress_source(expression)} raised. */
  private static String errorOf(String expression) {
    try {
      sandbox.eval("policy.js", "\nkumo.make_egress_source(" + expression + ")");
    } catch (ScriptException e) {
      return JsErrors.translate(e, bridge, new ScriptLocation("policy.js", 0)).getMessage();
    }
    throw new AssertionError("no error for " + expression);
  }

  @Test
  void wholeNumbersBecomeLongsAndOthersDoubles() throws Exception {
    assertThat(fieldsOf("{a: 1, b: 2.0, c: 2.5, d: 2147483648, e: -7, f: -0, g: 1e300,"
        + " h: 0.1 + 0.2, i: NaN}"))
        .isEqualTo(Map.of("a", 1L, "b", 2L, "c", 2.5, "d", 2147483648L, "e", -7L, "f", 0L,
            "g", 1e300, "h", 0.1 + 0.2, "i", Double.NaN));
  }

  @Test
  void stringsIncludingTemplateAndConcatenatedOnesBecomeStrings() throws Exception {
    assertThat(fieldsOf("{name: 'ip-' + 1, ttl: `${5} mins`, ehlo_domain: 'a'.concat('b')}"))
        .isEqualTo(Map.of("name", "ip-1", "ttl", "5 mins", "ehlo_domain", "ab"));
  }

  @Test
  void undefinedAndNullMembersAreAbsent() throws Exception {
    assertThat(fieldsOf("{name: 'x', ttl: undefined, remote_port: null, b: false}"))
        .isEqualTo(Map.of("name", "x", "b", false));
  }

  @Test
  void nestedObjectsAndArraysKeepTheirShapeAndOrder() throws Exception {
    Object fields = fieldsOf("{name: 'p', entries: [{name: 'a', weight: 2}, {name: 'b'}],"
        + " suspend_when_unplumbed: {trigger: {Threshold: '3/5m'}, duration: '10m'}}");

    assertThat(fields).isEqualTo(Map.of(
        "name", "p",
        "entries", List.of(Map.of("name", "a", "weight", 2L), Map.of("name", "b")),
        "suspend_when_unplumbed",
        Map.of("trigger", Map.of("Threshold", "3/5m"), "duration", "10m")));
    assertThat(List.copyOf(((Map<?, ?>) fields).keySet()))
        .isEqualTo(List.of("name", "entries", "suspend_when_unplumbed"));
  }

  @Test
  void inheritedAndNonEnumerablePropertiesAreIgnored() throws Exception {
    assertThat(fieldsOf("Object.create({name: 'inherited'}, {ttl: {value: '1m'},"
        + " remote_port: {value: 25, enumerable: true}})"))
        .isEqualTo(Map.of("remote_port", 25L));
  }

  @Test
  void aNonObjectArgumentIsRefusedWithTheExpectedForm() {
    assertThat(errorOf("'ip-1'")).isEqualTo("policy.js:2: kumo.make_egress_source expects one"
        + " object such as {name: 'ip-1', source_address: '10.0.0.1'}, got a string");
    assertThat(errorOf("")).endsWith("got undefined");
    assertThat(errorOf("[{name: 'x'}]")).endsWith("got an array");
  }

  @Test
  void functionsDatesAndMadeValuesAreRefusedWithTheirPath() {
    assertThat(errorOf("{name: 'x', ttl: function () {}}")).isEqualTo("policy.js:2: ttl: a"
        + " function is not allowed here (allowed: strings, numbers, booleans, plain objects"
        + " and arrays)");
    assertThat(errorOf("{name: 'x', entries: [{when: new Date(0)}]}"))
        .startsWith("policy.js:2: entries[0].when: a Date object is not allowed here");
    assertThat(errorOf("{name: 'p', entries: [kumo.make_egress_source({name: 'a'})]}"))
        .startsWith("policy.js:2: entries[0]: a value built by kumo.make_egress_source is not"
            + " allowed here");
  }

  @Test
  void holesAndUndefinedInArraysAreRefused() {
    assertThat(errorOf("{name: 'p', entries: [{name: 'a'}, , {name: 'b'}]}"))
        .startsWith("policy.js:2: entries[1]: is undefined (allowed:");
    assertThat(errorOf("{name: 'p', entries: [null]}"))
        .startsWith("policy.js:2: entries[0]: is null");
  }

  @Test
  void cyclicObjectsAreRefusedInsteadOfOverflowingTheStack() {
    assertThat(errorOf("(function () { var o = {name: 'x'}; o.self = o; return o; })()"))
        .contains("is nested more than 16 levels deep (is the object cyclic?)");
  }

  @Test
  void aGetterThatThrowsKeepsItsOwnError() {
    assertThat(errorOf("{get name() { throw new Error('from getter') }}"))
        .isEqualTo("policy.js:2: from getter");
  }
}
