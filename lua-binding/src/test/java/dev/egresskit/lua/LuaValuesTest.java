package dev.egresskit.lua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.egresskit.core.policy.support.KumoApiException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaValue;

class LuaValuesTest {
  private final Globals globals = Sandbox.newGlobals(new CallTracker());

  private LuaValue eval(String expression) {
    return globals.load("return " + expression, "test").call();
  }

  private Map<String, Object> fields(String table) {
    return LuaValues.fields("make_egress_source", eval(table));
  }

  @Test
  void scalarsMapToTheRawSpecTypes() {
    Map<String, Object> f = fields("{ i = 25, neg = -1, big = 2^40, half = 1.5, whole = 5.0,"
        + " s = 'x', yes = true, no = false }");
    assertThat(f).containsEntry("i", 25L).containsEntry("neg", -1L)
        .containsEntry("big", 1L << 40).containsEntry("half", 1.5)
        .containsEntry("whole", 5L).containsEntry("s", "x")
        .containsEntry("yes", true).containsEntry("no", false);
    assertThat(f.get("i")).isInstanceOf(Long.class);
    assertThat(f.get("half")).isInstanceOf(Double.class);
  }

  @Test
  void nilFieldsAreAbsent() {
    assertThat(fields("{ name = 'a', ehlo_domain = nil }")).containsOnlyKeys("name");
  }

  @Test
  void nestedTablesBecomeMapsAndListsInOrder() {
    Map<String, Object> f = fields("{ suspend_when_unplumbed = { trigger = { Threshold = '3/5m' },"
        + " duration = '10m' }, entries = { { name = 'a', weight = 2 }, 'b' } }");
    assertThat(f.get("suspend_when_unplumbed")).isEqualTo(
        Map.of("trigger", Map.of("Threshold", "3/5m"), "duration", "10m"));
    assertThat(f.get("entries")).isEqualTo(List.of(Map.of("name", "a", "weight", 2L), "b"));
  }

  @Test
  void namedKeysComeOutSorted() {
    assertThat(fields("{ zeta = 1, alpha = 2, mid = 3 }").keySet())
        .containsExactly("alpha", "mid", "zeta");
  }

  @Test
  void anEmptyTableIsAnEmptyList() {
    assertThat(fields("{ entries = {} }").get("entries")).isEqualTo(List.of());
    assertThat(fields("{}")).isEmpty();
  }

  @Test
  void mixedKeysAreRejectedNamingTheField() {
    assertThatThrownBy(() -> fields("{ entries = { 'a', name = 'b' } }"))
        .isInstanceOf(KumoApiException.class)
        .hasMessage("kumo.make_egress_source: field 'entries' mixes list items (1 positional)"
            + " with named keys (name); use either a list {'a', 'b'} or named fields {k = v}");
  }

  @Test
  void listsWithHolesAreRejected() {
    assertThatThrownBy(() -> fields("{ entries = { 'a', nil, 'c' } }"))
        .isInstanceOf(KumoApiException.class)
        .hasMessageContaining("field 'entries' is a list with holes");
    assertThatThrownBy(() -> fields("{ x = { [2] = 'a' } }"))
        .hasMessageContaining("positions [2]");
  }

  @Test
  void oddKeysAreRejected() {
    assertThatThrownBy(() -> fields("{ x = { [true] = 1 } }"))
        .isInstanceOf(KumoApiException.class)
        .hasMessageContaining("field 'x' has a key of type boolean");
    assertThatThrownBy(() -> fields("{ x = { [1.5] = 1 } }"))
        .hasMessageContaining("has a key of type number (1.5)");
  }

  @Test
  void functionsAreRejectedWithTheAllowedTypes() {
    assertThatThrownBy(() -> fields("{ s = { a = { b = print } } }"))
        .isInstanceOf(KumoApiException.class)
        .hasMessage("kumo.make_egress_source: field 's.a.b' holds a function (allowed: a string,"
            + " number, boolean or table)");
  }

  @Test
  void aTableThatContainsItselfIsRejected() {
    LuaValue t = globals.load("local t = {}; t.self = t; return t", "test").call();
    assertThatThrownBy(() -> LuaValues.fields("make_egress_source", t))
        .isInstanceOf(KumoApiException.class)
        .hasMessageContaining("nested more than 16 tables deep (or contains itself)");
  }

  @Test
  void aListAtTheTopIsNotAFieldTable() {
    assertThatThrownBy(() -> fields("{ 'ip-1' }"))
        .hasMessageContaining("expects named fields such as {name = 'ip-1'}, got a list");
  }

  @Test
  void javaDataBecomesLuaTables() {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("name", "ip-1");
    view.put("remote_port", 2525);
    view.put("weight", 5_000_000_000L);
    view.put("ratio", 0.5);
    view.put("gone", null);
    view.put("entries", List.of(Map.of("name", "a", "weight", 1L)));
    LuaValue table = LuaValues.toLua(view);
    globals.set("v", table);
    LuaValue ok = globals.load("return v.name == 'ip-1' and v.remote_port == 2525"
        + " and v.weight == 5000000000 and v.ratio == 0.5 and v.gone == nil"
        + " and #v.entries == 1 and v.entries[1].name == 'a' and v.entries[1].weight == 1",
        "test").call();
    assertThat(ok.toboolean()).isTrue();
    // and back again, unchanged
    assertThat(LuaValues.toJava("x", table, "", 0)).isEqualTo(Map.of("name", "ip-1",
        "remote_port", 2525L, "weight", 5_000_000_000L, "ratio", 0.5,
        "entries", List.of(Map.of("name", "a", "weight", 1L))));
  }
}
