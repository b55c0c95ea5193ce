package dev.egresskit.core.validate;

import static dev.egresskit.core.validate.Specs.onlyProblem;
import static dev.egresskit.core.validate.Specs.reasons;
import static dev.egresskit.core.validate.Specs.source;
import static dev.egresskit.core.validate.Specs.sourceError;
import static dev.egresskit.core.validate.Specs.table;
import static org.assertj.core.api.Assertions.assertThat;

import dev.egresskit.core.grammar.IpLiterals;
import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.model.ProxyServer;
import dev.egresskit.core.model.Route;
import dev.egresskit.core.model.Secret;
import dev.egresskit.core.model.Socks5Credentials;
import dev.egresskit.core.spec.InvalidSpecException;
import dev.egresskit.core.spec.Problem;
import dev.egresskit.core.spec.RawSpec;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EgressSpecsTest {

  @Test
  void everyFieldIsReadIntoTheModel() {
    EgressSource s = source("name", "ip-1", "ehlo_domain", "mta1.example.com",
        "source_address", "127.0.0.2", "remote_port", 2525L,
        "socks5_proxy_server", "127.0.0.1:1080", "socks5_proxy_source_address", "10.0.0.1",
        "socks5_proxy_username", "user", "socks5_proxy_password", table("key_data", "pass"),
        "ttl", "5m");
    assertThat(s.name()).isEqualTo("ip-1");
    assertThat(s.ehloDomain()).contains("mta1.example.com");
    assertThat(s.remotePort()).hasValue(2525);
    assertThat(s.ttl()).hasSeconds(300);
    assertThat(s.route()).isEqualTo(new Route.Socks5(
        new ProxyServer.IpLiteral(IpLiterals.parse("127.0.0.1"), 1080),
        Optional.of(IpLiterals.parse("10.0.0.1")),
        Optional.of(new Socks5Credentials("user", new Secret.Inline("pass"))),
        Optional.of(IpLiterals.parse("127.0.0.2"))));
  }

  @Test
  void anEmptyNameIsAccepted() {
    assertThat(source("name", "").name()).isEmpty();
  }

  @Test
  void sourceAddressAloneIsADirectRouteWithABindAddress() {
    assertThat(source("name", "a", "source_address", "127.0.0.3").route())
        .isEqualTo(new Route.Direct(Optional.of(IpLiterals.parse("127.0.0.3"))));
  }

  @Test
  void socks5ServerWithoutSourceAddressIsAPlainConnect() {
    Route.Socks5 r = (Route.Socks5) source("name", "a", "socks5_proxy_server", "[::1]:1080")
        .route();
    assertThat(r.sourceAddress()).isEmpty();
    assertThat(r.credentials()).isEmpty();
  }

  @Test
  void haProxyRouteCarriesServerSourceAndBindAddress() {
    assertThat(source("name", "a", "source_address", "127.0.0.4",
        "ha_proxy_server", "127.0.0.1:5000", "ha_proxy_source_address", "10.0.0.1").route())
        .isEqualTo(new Route.HaProxy(
            new ProxyServer.IpLiteral(IpLiterals.parse("127.0.0.1"), 5000),
            IpLiterals.parse("10.0.0.1"), Optional.of(IpLiterals.parse("127.0.0.4"))));
  }

  @Test
  void haProxySourceAddressWithoutServerIsAnError() {
    Problem p = onlyProblem(sourceError("name", "a", "ha_proxy_source_address", "10.0.0.1"));
    assertThat(p.field()).isEqualTo("ha_proxy_source_address");
    assertThat(p.reason()).contains("ha_proxy_server is not");
  }

  @Test
  void socks5SourceAddressWithoutServerIsAnError() {
    Problem p = onlyProblem(sourceError("name", "a", "socks5_proxy_source_address", "10.0.0.1"));
    assertThat(p.field()).isEqualTo("socks5_proxy_source_address");
    assertThat(p.reason()).contains("socks5_proxy_server is not").contains("EgressKit rule");
  }

  @Test
  void usernameWithoutPasswordAndTheReverseAreErrors() {
    Problem user = onlyProblem(sourceError("name", "a", "socks5_proxy_server", "[::1]:1080",
        "socks5_proxy_username", "u"));
    assertThat(user.field()).isEqualTo("socks5_proxy_username");
    assertThat(user.reason()).contains("socks5_proxy_password is not");
    Problem pass = onlyProblem(sourceError("name", "a", "socks5_proxy_server", "[::1]:1080",
        "socks5_proxy_password", "/etc/pw"));
    assertThat(pass.field()).isEqualTo("socks5_proxy_password");
    assertThat(pass.value()).contains(Secret.REDACTED);
  }

  @Test
  void credentialsWithoutASocks5ServerAreAnError() {
    InvalidSpecException e = sourceError("name", "a", "socks5_proxy_username", "u",
        "socks5_proxy_password", table("key_data", "pw"));
    assertThat(reasons(e)).singleElement().asString()
        .startsWith("SOCKS5 credentials are set but socks5_proxy_server is not");
  }

  @Test
  void completeHaProxyWithAPlainConnectSocks5ServerIsAnError() {
    assertThat(reasons(sourceError("name", "a", "ha_proxy_server", "10.0.0.1:5000",
        "ha_proxy_source_address", "10.0.0.2", "socks5_proxy_server", "proxy:1080")))
        .singleElement().asString().startsWith("both a complete HAProxy config");
  }

  @Test
  void ipv4MappedSourceAddressCountsAsIpv6ForTheFamilyRule() {
    Problem p = onlyProblem(sourceError("name", "a", "source_address", "::ffff:127.0.0.1",
        "socks5_proxy_server", "127.0.0.1:1080"));
    assertThat(p.reason()).startsWith("source_address ::ffff:127.0.0.1 is IPv6 but"
        + " socks5_proxy_server 127.0.0.1:1080 is IPv4");
  }

  @Test
  void sameFamilySourceAddressAndLiteralProxyAreAccepted() {
    Route.Socks5 r = (Route.Socks5) source("name", "a", "source_address", "::1",
        "socks5_proxy_server", "[::1]:1080").route();
    assertThat(r.bindAddress()).contains(IpLiterals.parse("::1"));
  }

  @Test
  void malformedProxyFieldIsReportedOnceNotAlsoAsAHalfConfig() {
    InvalidSpecException e = sourceError("name", "a", "ha_proxy_server", "10.0.0.1:5000",
        "ha_proxy_source_address", "10.0.0.300");
    assertThat(onlyProblem(e).field()).isEqualTo("ha_proxy_source_address");
  }

  @Test
  void typesAreChecked() {
    assertThat(reason("name", 5L)).isEqualTo("invalid type: integer `5`, expected a string");
    assertThat(reason("ehlo_domain", true))
        .isEqualTo("invalid type: boolean `true`, expected a string");
    assertThat(reason("remote_port", "25")).isEqualTo("invalid type: string \"25\", expected u16");
    assertThat(reason("remote_port", 25.5))
        .isEqualTo("invalid type: floating point `25.5`, expected u16");
    assertThat(reason("remote_port", 25.0))
        .isEqualTo("invalid type: floating point `25.0`, expected u16");
    assertThat(reason("source_address", 10L))
        .isEqualTo("invalid type: integer `10`, expected IP address");
    assertThat(reason("ha_proxy_server", List.of("a")))
        .isEqualTo("invalid type: sequence, expected a string");
    assertThat(reason("suspend_when_unplumbed", "5m"))
        .isEqualTo("invalid type: string \"5m\", expected struct SuspendOnFailure");
  }

  private static String reason(String field, Object value) {
    InvalidSpecException e = sourceError("name", "a", field, value);
    return e.problems().stream().filter(p -> p.field().equals(field)).findFirst().orElseThrow()
        .reason();
  }

  @Test
  void remotePortZeroIsRejectedAsAnEgressKitRule() {
    Problem p = onlyProblem(sourceError("name", "a", "remote_port", 0L));
    assertThat(p.reason()).contains("EgressKit rule");
    assertThat(p.allowed()).isEqualTo("an integer 1..65535 (KumoMTA also accepts 0; EgressKit"
        + " rejects it)");
  }

  @Test
  void suspendTablesDenyUnknownFieldsAndCheckTheTrigger() {
    assertThat(onlyProblem(sourceError("name", "a", "suspend_when_unplumbed",
        table("duration", "1m", "for", "1m"))).reason())
        .isEqualTo("unknown field `for`, expected `trigger` or `duration`");
    assertThat(onlyProblem(sourceError("name", "a", "suspend_when_unplumbed",
        table("duration", "1m", "trigger", "Sometimes"))).reason())
        .isEqualTo("unknown variant `Sometimes`, expected `Immediate` or `Threshold`");
    assertThat(onlyProblem(sourceError("name", "a", "suspend_when_unplumbed",
        table("duration", "1m", "trigger", table("Threshold", 3L)))).reason())
        .isEqualTo("invalid type: integer `3`, expected a string");
    assertThat(onlyProblem(sourceError("name", "a", "suspend_when_proxy_unhealthy",
        table("duration", "soon"))).field()).isEqualTo("suspend_when_proxy_unhealthy.duration");
  }

  @Test
  void everyProblemIsReportedAtOnceInANumberedList() {
    InvalidSpecException e = sourceError("sourceaddress", "10.0.0.1", "source_address", "010.0.0.1",
        "remote_port", 70000L, "ha_proxy_server", "::1:1080", "ttl", "90",
        "suspend_when_unplumbed", table("trigger", table("Threshold", "0/5m")));
    assertThat(e.problems()).extracting(Problem::field).containsExactly(
        "name", "source_address", "remote_port", "ha_proxy_server",
        "suspend_when_unplumbed.trigger.Threshold", "suspend_when_unplumbed.duration", "ttl",
        "sourceaddress", "ha_proxy_server");
    String message = e.getMessage();
    assertThat(message).startsWith("make_egress_source at policy.lua:7: 9 problems\n");
    assertThat(message).contains("\n  1) name: missing field `name` (allowed: ")
        .contains("\n  2) source_address: invalid IP address syntax: \"010.0.0.1\" (allowed: ")
        .contains("\n  3) remote_port: invalid value: integer `70000`, expected u16 (allowed: ")
        .contains("\n  7) ttl: invalid value: string \"90\", expected a duration (allowed: ")
        .contains("\n  9) ha_proxy_server: ha_proxy_server is set but ha_proxy_source_address");
    assertThat(message.lines().skip(1)).allSatisfy(line ->
        assertThat(line).endsWith(" at policy.lua:7"));
  }

  @Test
  void passwordsNeverAppearInErrorsOrToString() {
    String secret = "s3cret-Zq9";
    List<Object[]> specs = List.of(
        new Object[] {"name", "a", "socks5_proxy_password", table("key_data", secret)},
        new Object[] {"name", "a", "socks5_proxy_password", secret},
        new Object[] {"name", "a", "socks5_proxy_server", "p:1", "socks5_proxy_username", "u",
            "socks5_proxy_password", table("key_data", secret, "vault_token", secret)},
        new Object[] {"name", "a", "socks5_proxy_server", "p:1", "socks5_proxy_username", "u",
            "socks5_proxy_password", table("key_data", secret, "extra", secret)},
        new Object[] {"name", "a", "socks5_proxy_server", "p:1", "socks5_proxy_username", "u",
            "socks5_proxy_password", table("key_data", List.of(secret))},
        new Object[] {"name", "a", "socks5_password", secret});
    for (Object[] spec : specs) {
      InvalidSpecException e = sourceError(spec);
      assertThat(e.getMessage()).doesNotContain(secret);
      assertThat(e.toString()).doesNotContain(secret);
      assertThat(e.problems()).allSatisfy(p -> {
        assertThat(p.toString()).doesNotContain(secret);
        assertThat(p.describe()).doesNotContain(secret);
      });
    }
    EgressSource ok = source("name", "a", "socks5_proxy_server", "p:1", "socks5_proxy_username",
        "u", "socks5_proxy_password", table("key_data", secret));
    assertThat(ok.toString()).doesNotContain(secret).contains(Secret.REDACTED);
    assertThat(new RawSpec(table("socks5_proxy_password", secret), Specs.AT).toString())
        .doesNotContain(secret);
  }

  @Test
  void vaultAndEventPasswordsAreNotSupported() {
    Problem p = onlyProblem(sourceError("name", "a", "socks5_proxy_server", "p:1",
        "socks5_proxy_username", "u", "socks5_proxy_password",
        table("vault_mount", "secret", "vault_path", "kumo/pw")));
    assertThat(p.reason()).isEqualTo(
        "key source form {vault_mount, vault_path} is not supported by EgressKit");
    assertThat(p.allowed()).contains("file path").contains("key_data");
    assertThat(p.value()).contains(Secret.REDACTED);
  }

  @Test
  void aDoubleIsNeverAnIntegerButIsAFineDuration() {
    assertThat(source("name", "a", "ttl", 1.5).ttl()).hasMillis(1500);
  }

  @Test
  void unsupportedJavaTypesFromABindingAreReportedNotThrown() {
    InvalidSpecException e = sourceError("name", "a", "remote_port", new Object());
    assertThat(onlyProblem(e).reason()).startsWith("invalid type: unsupported value of Java type");
  }

  @Test
  void anEmptyListCountsAsAnEmptyTableBecauseLuaCannotTellThemApart() {
    assertThat(onlyProblem(sourceError("name", "a", "suspend_when_unplumbed", List.of()))
        .reason()).isEqualTo("missing field `duration`");
  }
}
