package dev.egresskit.core.policy.kumo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.egresskit.core.policy.PolicyUsage;
import dev.egresskit.core.policy.support.KumoApiException;
import dev.egresskit.core.policy.support.PolicyFiles;
import dev.egresskit.core.policy.ScriptLocation;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The names of KumoMTA's kumo API and what calling them does, language-neutrally. */
class KumoLibraryTest {
  private final KumoLibrary library = KumoLibrary.create(
      Clock.fixed(Instant.ofEpochSecond(1), ZoneOffset.UTC), Ticker.disabledTicker());
  private final PolicyUsage usage = new PolicyUsage();
  private final KumoContext context = new KumoContext() {
    @Override
    public ScriptLocation here() {
      return new ScriptLocation("init.lua", 7);
    }

    @Override
    public PolicyUsage usage() {
      return usage;
    }

    @Override
    public PolicyFiles files() {
      throw new AssertionError("no files");
    }

    @Override
    public long deadlineNanos() {
      return Long.MAX_VALUE;
    }
  };

  private Object call(String name, Object... args) {
    return library.call(name, Arrays.asList(args), context);
  }

  @Test
  void kumoMtasReferenceNamesExistAsRealOrInert() {
    // A sample across KumoMTA's docs/reference/kumo*/ folders.
    Map<String, KumoLibrary.Kind> expected = Map.ofEntries(
        Map.entry("memoize", KumoLibrary.Kind.REAL),
        Map.entry("serde.yaml_load", KumoLibrary.Kind.REAL),
        Map.entry("json_encode_pretty", KumoLibrary.Kind.REAL),
        Map.entry("string.split_ascii_whitespace", KumoLibrary.Kind.REAL),
        Map.entry("digest.sha3_512", KumoLibrary.Kind.REAL),
        Map.entry("encode.base32hex_nopad_decode", KumoLibrary.Kind.REAL),
        Map.entry("uuid.new_v7", KumoLibrary.Kind.REAL),
        Map.entry("time.parse_rfc2822", KumoLibrary.Kind.REAL),
        Map.entry("start_esmtp_listener", KumoLibrary.Kind.INERT),
        Map.entry("configure_redis_throttles", KumoLibrary.Kind.INERT),
        Map.entry("set_max_lua_context_age", KumoLibrary.Kind.INERT),
        Map.entry("dns.configure_unbound_resolver", KumoLibrary.Kind.INERT),
        Map.entry("dkim.ed25519_signer", KumoLibrary.Kind.INERT),
        Map.entry("api.inject.inject_v1", KumoLibrary.Kind.INERT),
        Map.entry("xfer.xfer_in_requeue", KumoLibrary.Kind.INERT),
        Map.entry("version", KumoLibrary.Kind.VALUE));
    expected.forEach((name, kind) ->
        assertThat(library.entry(name)).as(name).hasValueSatisfying(e ->
            assertThat(e.kind()).isEqualTo(kind)));
    assertThat(library.modules()).contains("string", "serde", "dns", "api", "api.inject");
  }

  @Test
  void inertCallsAreRecordedWithTheirFirstLineAndCount() {
    assertThat(call("make_queue_config", Map.of("egress_pool", "warm")))
        .isEqualTo(Map.of("egress_pool", "warm"));
    call("make_queue_config", Map.of());
    assertThat(usage.inertCalls()).containsExactly(new PolicyUsage.InertCall(
        "kumo.make_queue_config", new ScriptLocation("init.lua", 7), 2));
    call("string.trim", " x ");
    assertThat(usage.inertCalls()).hasSize(1);
  }

  @Test
  void anUnknownNameIsNamed() {
    assertThatThrownBy(() -> call("memoise"))
        .isInstanceOf(KumoApiException.class)
        .hasMessageStartingWith("kumo.memoise is not part of KumoMTA's kumo API");
  }

  @Test
  void stringsFollowRustsStrMethods() {
    assertThat(call("string.split", "abc", "")).isEqualTo(List.of("", "a", "b", "c", ""));
    assertThat(call("string.split", "a,b,,c", ",")).isEqualTo(List.of("a", "b", "", "c"));
    assertThat(call("string.splitn", "a,b,c", 0L, ",")).isEqualTo(List.of());
    assertThat(call("string.trim", "\u00a0 x\u2003")).isEqualTo("x");
    assertThat(call("string.replacen", "aaa", "a", "b", 0L)).isEqualTo("aaa");
    assertThatThrownBy(() -> call("string.split", 1.5, null))
        .hasMessage("kumo.string.split: argument #2 (PATTERN) must be a string, got nil");
  }

  @Test
  void regexEscapeAndReplacementSyntaxAreRusts() {
    assertThat(call("regex.escape", "a.b*c")).isEqualTo("a\\.b\\*c");
    @SuppressWarnings("unchecked")
    Map<String, Object> re = (Map<String, Object>) call("regex.compile", "(?P<d>\\d)(x)?");
    ScriptFunction replaceAll = (ScriptFunction) re.get("replace_all");
    assertThat(replaceAll.call(List.of("a1b2", "[${d}$2$$]"))).isEqualTo("a[1$]b[2$]");
    assertThatThrownBy(() -> call("regex.compile", "("))
        .hasMessageStartingWith("kumo.regex.compile: invalid regular expression '('");
  }

  @Test
  void timeAndUuidReadTheInjectedClock() {
    @SuppressWarnings("unchecked")
    Map<String, Object> now = (Map<String, Object>) call("time.now");
    assertThat(now).containsEntry("unix_timestamp", 1L).containsEntry("year", 1970L)
        .containsEntry("rfc3339", "1970-01-01T00:00:01+00:00");
    @SuppressWarnings("unchecked")
    Map<String, Object> v7 = (Map<String, Object>) call("uuid.new_v7");
    assertThat((String) v7.get("hyphenated")).startsWith("00000000-03e8-7");
  }
}
