package dev.egresskit.lua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.egresskit.core.policy.PolicyException;
import dev.egresskit.core.policy.PolicyUsage;
import dev.egresskit.core.policy.PolicySettings;
import dev.egresskit.core.policy.support.PolicyFiles;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rest of KumoMTA's kumo API in Lua: real functions, inert ones, unknown names. */
class LuaKumoLibraryTest {
  @TempDir Path dir;

  private PolicyUsage load(String text) {
    Path script = Policies.write(dir, "policy.lua", text);
    PolicyUsage usage = new PolicyUsage();
    LuaInterpreter.load(LuaCompiler.compile(script, "policy.lua"), "policy.lua",
        PolicyFiles.of(script), new PolicySettings(1, Duration.ofSeconds(10)), usage);
    return usage;
  }

  @Test
  void kumoMtaDocumentedExamplesHold() {
    load("""
        assert(kumo.json_encode(kumo.string.split('Mary had a little lamb', ' '))
          == '["Mary","had","a","little","lamb"]')
        assert(kumo.json_encode(kumo.string.rsplit('Mary had a little lamb', ' '))
          == '["lamb","little","a","had","Mary"]')
        assert(kumo.json_encode(kumo.string.splitn('Mary had a little lamb', 3, ' '))
          == '["Mary","had","a little lamb"]')
        assert(kumo.json_encode(kumo.string.rsplitn('Mary had a little lamb', 3, ' '))
          == '["lamb","little","Mary had a"]')
        assert(kumo.json_encode(kumo.string.split_whitespace 'Mary had a little lamb')
          == '["Mary","had","a","little","lamb"]')
        assert(kumo.string.replace('this is old', 'old', 'new') == 'this is new')
        assert(kumo.string.replacen('foo foo 123 foo', 'foo', 'new', 2) == 'new new 123 foo')
        assert(kumo.string.trim '\\n Hello\\tworld\\t\\n' == 'Hello\\tworld')
        assert(kumo.string.wrap(string.rep('A', 200), 75, 100)
          == string.rep('A', 100) .. '\\r\\n\\t' .. string.rep('A', 100))
        assert(kumo.string.wrap(string.rep('hello there ', 10), 75, 100)
          == 'hello there hello there hello there hello there hello there hello there\\r\\n'
          .. '\\thello there hello there hello there hello there')

        local re = kumo.regex.compile "'([^']+)'\\\\s+\\\\((\\\\d{4})\\\\)"
        local cap = re:captures "Not my favorite movie: 'Citizen Kane' (1941)."
        assert(cap[0] == "'Citizen Kane' (1941)")
        assert(cap[1] == 'Citizen Kane' and cap[2] == '1941')
        local named = kumo.regex.compile "'(?<title>[^']+)'\\\\s+\\\\((?<year>\\\\d{4})\\\\)"
        local c2 = named:captures "Not my favorite movie: 'Citizen Kane' (1941)."
        assert(c2.title == 'Citizen Kane' and c2.year == '1941')
        assert(kumo.regex.compile('oo'):is_match 'foo')
        assert(kumo.regex.compile('o+'):find 'fooood' == 'oooo')
        assert(kumo.json_encode(kumo.regex.compile('\\\\b\\\\w{13}\\\\b'):find_all
          'Retroactively relinquishing remunerations is reprehensible.')
          == '["Retroactively","relinquishing","remunerations","reprehensible"]')
        assert(kumo.regex.compile('[^01]+'):replace('1078910', '') == '1010')
        assert(kumo.regex.compile('(?P<last>[^,\\\\s]+),\\\\s+(?P<first>\\\\S+)')
          :replace('Springsteen, Bruce', '$first $last') == 'Bruce Springsteen')
        assert(kumo.json_encode(kumo.regex.compile('[ \\\\t]+'):split 'a b \\t  c\\td    e')
          == '["a","b","c","d","e"]')

        local d = kumo.digest.sha1 'hello'
        assert(d.hex == 'aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d')
        assert(d.base32 == 'VL2MMHO4YXUKFWV63YHTWSBM3GXKSQ2N')
        assert(d.base32hex == 'LBQCC7ESONKA5MLURO7JMI1CR6NAIGQD')
        assert(d.base64 == 'qvTGHdzF6KLavt4PO0gs2a6pQ00=')
        assert(d.base64url_nopad == 'qvTGHdzF6KLavt4PO0gs2a6pQ00')

        local u = kumo.uuid.parse '69994630-3e27-11ef-91fc-cc28aa0a5c5a'
        assert(u.simple == '699946303e2711ef91fccc28aa0a5c5a')
        assert(u.braced == '{69994630-3e27-11ef-91fc-cc28aa0a5c5a}')
        assert(u.urn == 'urn:uuid:69994630-3e27-11ef-91fc-cc28aa0a5c5a')
        assert(#kumo.uuid.new_v4().hyphenated == 36)

        local delta1 = kumo.time.parse_duration(20)
        local delta2 = kumo.time.parse_duration '10 seconds'
        assert(delta2.seconds - delta1.seconds == -10)
        assert(kumo.time.from_unix_timestamp(1).rfc3339 == '1970-01-01T00:00:01+00:00')

        local t = kumo.serde.json_parse '{"a": 1, /* note */ "a": 2} // last wins'
        assert(t.a == 2)
        assert(kumo.serde.toml_parse('x = 1').x == 1)
        assert(kumo.serde.yaml_parse('x: [1, 2]').x[2] == 2)
        assert(kumo.json_encode_pretty({a = 1}) == '{\\n  "a": 1\\n}')
        assert(kumo.dns.reverse_ip '10.0.0.1' == '1.0.0.10')
        assert(kumo.encode.base64_encode 'hello' == 'aGVsbG8=')
        assert(kumo.encode.base32_decode(kumo.encode.base32_encode 'hi!') == 'hi!')
        assert(type(kumo.version) == 'string')
        """);
  }

  @Test
  void memoizeCachesPerArgumentsAndReturnsSeveralValuesAsOneList() {
    load("""
        local calls = 0
        local f = kumo.memoize(function(a, b)
          calls = calls + 1
          return a .. b, 'second'
        end, { name = 'user.lua-test-memoize', ttl = '5 minutes', capacity = 10 })
        local r1 = f('x', 'y')
        local r2 = f('x', 'y')
        assert(calls == 1, 'populated ' .. calls .. ' times')
        assert(r1[1] == 'xy' and r2[2] == 'second')
        f('x', 'z')
        assert(calls == 2)
        local ok, err = pcall(kumo.memoize, f, { name = 'dns_resolver_mx', ttl = 1, capacity = 1 })
        assert(not ok and err:find('collides with a built%-in cache'), err)
        ok, err = pcall(kumo.memoize, f, { name = 'user.x', ttl = 1, capacity = 1, size = 2 })
        assert(not ok and err:find('unknown field `size`'), err)
        """);
  }

  @Test
  void inertCallsAreAcceptedAndRecorded() {
    PolicyUsage usage = load("""
        kumo.start_esmtp_listener { listen = '0:25', hostname = 'mx.example.com' }
        kumo.start_http_listener { listen = '127.0.0.1:8000' }
        kumo.define_spool { name = 'data', path = '/var/spool/kumomta/data' }
        kumo.define_spool { name = 'meta', path = '/var/spool/kumomta/meta' }
        kumo.configure_local_logs { log_dir = '/var/log/kumomta' }
        kumo.configure_accounting_db_path '/tmp/acct.db'
        kumo.configure_bounce_classifier { files = {} }
        kumo.configure_redis_throttles { node = 'redis://127.0.0.1/' }
        kumo.set_diagnostic_log_filter 'kumod=info'
        local q = kumo.make_queue_config { egress_pool = 'warm', max_age = '5 days' }
        assert(q.egress_pool == 'warm')
        assert(kumo.make_egress_path { enable_tls = 'Opportunistic' }.enable_tls == 'Opportunistic')
        assert(kumo.make_listener_domain { relay_to = true }.relay_to)
        local mx = kumo.dns.lookup_mx 'example.com'
        assert(#mx.hosts == 0)
        local throttle = kumo.make_throttle('t', '10/s')
        assert(throttle:throttle().throttled == false)
        kumo.dkim.rsa_sha256_signer { domain = 'example.com', selector = 's', key = 'k.pem' }
        kumo.reject(550, 'no')
        """);
    assertThat(usage.inertCalls()).extracting(PolicyUsage.InertCall::function).containsExactly(
        "kumo.start_esmtp_listener", "kumo.start_http_listener", "kumo.define_spool",
        "kumo.configure_local_logs", "kumo.configure_accounting_db_path",
        "kumo.configure_bounce_classifier", "kumo.configure_redis_throttles",
        "kumo.set_diagnostic_log_filter", "kumo.make_queue_config", "kumo.make_egress_path",
        "kumo.make_listener_domain", "kumo.dns.lookup_mx", "kumo.make_throttle",
        "kumo.dkim.rsa_sha256_signer", "kumo.reject");
    assertThat(usage.inertCalls().get(2).calls()).isEqualTo(2);
    assertThat(usage.inertCalls().get(2).firstAt().line()).isEqualTo(3);
  }

  @Test
  void aNameKumoMtaDoesNotHaveIsNamedInTheError() {
    assertThatThrownBy(() -> load("kumo.nonexistent()\n"))
        .isInstanceOf(PolicyException.class)
        .hasMessageContaining("kumo.nonexistent is not part of KumoMTA's kumo API");
    assertThatThrownBy(() -> load("local x = 1\nreturn kumo.string.nope('a')\n"))
        .isInstanceOf(PolicyException.class)
        .hasMessageContaining("kumo.string.nope is not part of KumoMTA's kumo API");
  }

  @Test
  void validationFailedIsRecorded() {
    PolicyUsage usage = load("\nkumo.validation_failed()\n");
    assertThat(usage.validationFailures()).singleElement()
        .satisfies(failure -> assertThat(failure.where().line()).isEqualTo(2));
  }

  @Test
  void aRegexThatBacktracksForeverStopsAtTheDeadline() {
    Path script = Policies.write(dir, "policy.lua", """
        local re = kumo.regex.compile '^(a+)+\\\\1b$'
        re:is_match(string.rep('a', 40))
        """);
    assertThatThrownBy(() -> LuaInterpreter.load(LuaCompiler.compile(script, "policy.lua"),
        "policy.lua", PolicyFiles.of(script), new PolicySettings(1, Duration.ofMillis(300)),
        new PolicyUsage()))
        .isInstanceOf(PolicyException.class)
        .hasMessageContaining("stopped at the policy handler deadline");
  }
}
