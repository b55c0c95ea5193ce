package dev.egresskit.core.validate;

import static dev.egresskit.core.validate.Specs.onlyProblem;
import static dev.egresskit.core.validate.Specs.source;
import static dev.egresskit.core.validate.Specs.sourceError;
import static dev.egresskit.core.validate.Specs.table;
import static org.assertj.core.api.Assertions.assertThat;

import dev.egresskit.core.grammar.IpLiterals;
import dev.egresskit.core.grammar.ProxyServers;
import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.model.HealthRules;
import dev.egresskit.core.model.ProxyServer;
import dev.egresskit.core.model.Route;
import dev.egresskit.core.model.Secret;
import dev.egresskit.core.model.SuspendOnFailure;
import dev.egresskit.core.model.Trigger;
import dev.egresskit.core.spec.Problem;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Spec §11 cases 1–26, as far as they concern parsing and validation. */
class ConformanceCasesTest {

  private static InetAddress ip(String text) {
    return IpLiterals.parse(text);
  }

  @Test
  void case01NameOnlyGivesEveryOptionEmptyAndTtlSixtySeconds() {
    EgressSource s = source("name", "ip-1");
    assertThat(s).isEqualTo(new EgressSource("ip-1", Optional.empty(), OptionalInt.empty(),
        Duration.ofSeconds(60), HealthRules.NONE, new Route.Direct(Optional.empty())));
  }

  @Test
  void case02MissingNameIsReported() {
    Problem p = onlyProblem(sourceError());
    assertThat(p.field()).isEqualTo("name");
    assertThat(p.reason()).isEqualTo("missing field `name`");
    assertThat(p.value()).isEmpty();
  }

  @Test
  void case03UnknownFieldListsTheKnownFieldsInDeclarationOrder() {
    Problem p = onlyProblem(sourceError("name", "a", "sourceaddress", "10.0.0.1"));
    assertThat(p.field()).isEqualTo("sourceaddress");
    assertThat(p.reason()).isEqualTo("unknown field `sourceaddress`, expected one of `name`,"
        + " `ehlo_domain`, `source_address`, `remote_port`, `ha_proxy_server`,"
        + " `ha_proxy_source_address`, `socks5_proxy_server`, `socks5_proxy_source_address`,"
        + " `socks5_proxy_username`, `socks5_proxy_password`, `suspend_when_unplumbed`,"
        + " `suspend_when_proxy_unhealthy`, `ttl`, `socks5_proxy_tls`, `socks5_proxy_tls_ca`");
  }

  @Test
  void case04SourceAddressAcceptsIpv4AndIpv6Literals() {
    assertThat(source("name", "a", "source_address", "10.0.0.1").sourceAddress())
        .get().isInstanceOf(Inet4Address.class).isEqualTo(ip("10.0.0.1"));
    assertThat(source("name", "a", "source_address", "2001:db8::1").sourceAddress())
        .get().isInstanceOf(Inet6Address.class)
        .extracting(InetAddress::getHostAddress).isEqualTo("2001:db8:0:0:0:0:0:1");
  }

  @Test
  void case05SourceAddressRejectsBracketsPortsHostNamesAndLeadingZeros() {
    for (String bad : new String[] {"[10.0.0.1]", "10.0.0.1:25", "mta.example.com", "010.0.0.1"}) {
      Problem p = onlyProblem(sourceError("name", "a", "source_address", bad));
      assertThat(p.field()).isEqualTo("source_address");
      assertThat(p.reason()).isEqualTo("invalid IP address syntax");
      assertThat(p.value()).contains("\"" + bad + "\"");
    }
  }

  @Test
  void case06HaProxyServerAcceptsAnIpv4SocketAddress() {
    Route.HaProxy r = (Route.HaProxy) source("name", "a", "ha_proxy_server", "10.0.0.1:5000",
        "ha_proxy_source_address", "10.0.0.2").route();
    assertThat(r.server()).isEqualTo(new ProxyServer.IpLiteral(ip("10.0.0.1"), 5000));
  }

  @Test
  void case07BracketedIpv4ProxyServerIsAccepted() {
    Route.HaProxy r = (Route.HaProxy) source("name", "a", "ha_proxy_server", "[10.0.0.1]:5000",
        "ha_proxy_source_address", "10.0.0.2").route();
    assertThat(r.server()).isEqualTo(new ProxyServer.IpLiteral(ip("10.0.0.1"), 5000));
    assertThat(((ProxyServer.IpLiteral) r.server()).address()).isInstanceOf(Inet4Address.class);
  }

  @Test
  void case08BracketedIpv6Socks5ServerIsAccepted() {
    Route.Socks5 r = (Route.Socks5) source("name", "a", "socks5_proxy_server", "[::1]:1080",
        "socks5_proxy_source_address", "::1").route();
    assertThat(r.server()).isEqualTo(new ProxyServer.IpLiteral(ip("::1"), 1080));
    assertThat(ProxyServers.format(r.server())).isEqualTo("[::1]:1080");
  }

  @Test
  void case09UnbracketedIpv6WithPortIsAMalformedHostName() {
    Problem p = onlyProblem(sourceError("name", "a", "socks5_proxy_server", "::1:1080"));
    assertThat(p.field()).isEqualTo("socks5_proxy_server");
    assertThat(p.reason()).endsWith(
        "not host:port (invalid hostname \"::1\": Malformed label: ::1)");
  }

  @Test
  void case10HostNameProxyServerIsKeptForConnectTimeResolution() {
    Route.Socks5 r = (Route.Socks5) source("name", "a",
        "socks5_proxy_server", "proxy.example.com:1080").route();
    assertThat(r.server()).isEqualTo(new ProxyServer.HostName("proxy.example.com", 1080));
  }

  @Test
  void case11HostNameWithoutOrWithABadPortIsRejected() {
    assertThat(onlyProblem(sourceError("name", "a", "socks5_proxy_server", "proxy.example.com"))
        .reason()).endsWith("not host:port (missing :port suffix)");
    assertThat(onlyProblem(sourceError("name", "a", "socks5_proxy_server",
        "proxy.example.com:bogus")).reason()).endsWith("not host:port (invalid port \"bogus\")");
    assertThat(onlyProblem(sourceError("name", "a", "socks5_proxy_server",
        "proxy.example.com:70000")).reason()).endsWith("not host:port (invalid port \"70000\")");
  }

  @Test
  void case12HostNameWithSpacesGivesKumoMtasCombinedMessage() {
    Problem p = onlyProblem(sourceError("name", "a", "socks5_proxy_server", "I have spaces:25"));
    assertThat(p.reason()).isEqualTo("failed to parse \"I have spaces:25\" as a resolvable socket"
        + " address: not an IP socket (invalid socket address syntax); not a unix socket path"
        + " (unix domain path must be absolute); not host:port (invalid hostname"
        + " \"I have spaces\": unrecognized char:  )");
  }

  /** EgressKit deviation: KumoMTA accepts the path and fails at connect time. */
  @Test
  void case13UnixSocketProxyServerIsRejectedAtParseTime() {
    Problem p = onlyProblem(sourceError("name", "a", "ha_proxy_server", "/run/p.sock",
        "ha_proxy_source_address", "10.0.0.1"));
    assertThat(p.field()).isEqualTo("ha_proxy_server");
    assertThat(p.reason()).contains("\"/run/p.sock\"")
        .contains("does not support Unix-domain proxy servers");
    assertThat(p.allowed()).contains("Unix-domain socket paths are not supported");
  }

  @Test
  void case14RemotePortMustFitU16AndNotBeNegative() {
    assertThat(source("name", "a", "remote_port", 2525L).remotePort()).hasValue(2525);
    assertThat(onlyProblem(sourceError("name", "a", "remote_port", 70000L)).reason())
        .isEqualTo("invalid value: integer `70000`, expected u16");
    Problem negative = onlyProblem(sourceError("name", "a", "remote_port", -1L));
    assertThat(negative.reason()).isEqualTo("invalid value: integer `-1`, expected u16");
    assertThat(negative.allowed()).contains("1..65535").contains("EgressKit rejects");
  }

  @Test
  void case15TtlAcceptsHumantimeStringsIntegersAndZero() {
    assertThat(ttl("5 mins")).isEqualTo(Duration.ofSeconds(300));
    assertThat(ttl("10m")).isEqualTo(Duration.ofSeconds(600));
    assertThat(ttl("1h 30m")).isEqualTo(Duration.ofSeconds(5400));
    assertThat(ttl("1h30m")).isEqualTo(Duration.ofSeconds(5400));
    assertThat(ttl("1.5h")).isEqualTo(Duration.ofSeconds(5400));
    assertThat(ttl(90L)).isEqualTo(Duration.ofSeconds(90));
    assertThat(ttl("0")).isEqualTo(Duration.ZERO);
  }

  private static Duration ttl(Object value) {
    return source("name", "a", "ttl", value).ttl();
  }

  @Test
  void case16TtlRejectsBareNumbersUpperCaseUnitsEmptyStringsAndNegativeIntegers() {
    for (String bad : new String[] {"90", "5MIN", ""}) {
      assertThat(onlyProblem(sourceError("name", "a", "ttl", bad)).reason())
          .isEqualTo("invalid value: string \"" + bad + "\", expected a duration");
    }
    assertThat(onlyProblem(sourceError("name", "a", "ttl", -5L)).reason())
        .isEqualTo("duration must either be a string or a positive integer specifying the number"
            + " of seconds. (error: out of range integral type conversion attempted)");
  }

  @Test
  void case17CapitalMIsAMonthAndSmallMIsAMinute() {
    assertThat(ttl("1M")).isEqualTo(Duration.ofSeconds(2_630_016));
    assertThat(ttl("1m")).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void case18SuspendRuleWithoutTriggerIsImmediate() {
    EgressSource s = source("name", "a", "suspend_when_unplumbed", table("duration", "5m"));
    assertThat(s.health().whenUnplumbed()).contains(
        new SuspendOnFailure(Trigger.Immediate.INSTANCE, Duration.ofSeconds(300)));
    assertThat(s.health().whenProxyUnhealthy()).isEmpty();
  }

  @Test
  void case19ThresholdTriggerGivesLimitAndPeriod() {
    EgressSource s = source("name", "a", "suspend_when_proxy_unhealthy",
        table("trigger", table("Threshold", "3/5m"), "duration", "10m"));
    assertThat(s.health().whenProxyUnhealthy()).contains(new SuspendOnFailure(
        new Trigger.Threshold(3, Duration.ofSeconds(300)), Duration.ofSeconds(600)));
  }

  @Test
  void case20SuspendRuleWithoutDurationIsReported() {
    Problem p = onlyProblem(sourceError("name", "a", "suspend_when_unplumbed",
        table("trigger", "Immediate")));
    assertThat(p.field()).isEqualTo("suspend_when_unplumbed.duration");
    assertThat(p.reason()).isEqualTo("missing field `duration`");
  }

  @Test
  void case21BadThresholdsGiveThrottleSpecMessages() {
    assertThat(threshold("0/5m"))
        .isEqualTo("invalid ThrottleSpec `0/5m`: limit must be greater than 0!");
    assertThat(threshold("3/5")).isEqualTo("invalid period quantity 5");
    assertThat(threshold("3/5x")).isEqualTo("unknown period quantity x");
    assertThat(threshold("3")).isEqualTo("expected 'limit/period', got 3");
  }

  private static String threshold(String spec) {
    Problem p = onlyProblem(sourceError("name", "a", "suspend_when_unplumbed",
        table("trigger", table("Threshold", spec), "duration", "1m")));
    assertThat(p.field()).isEqualTo("suspend_when_unplumbed.trigger.Threshold");
    return p.reason();
  }

  @Test
  void case22PlainPasswordStringIsAFilePathAndKeyDataIsInline() {
    Route.Socks5 file = (Route.Socks5) source("name", "a", "socks5_proxy_server", "[::1]:1080",
        "socks5_proxy_username", "u", "socks5_proxy_password", "/etc/kumo/pw").route();
    assertThat(file.credentials().orElseThrow().password())
        .isEqualTo(new Secret.FileRef(Path.of("/etc/kumo/pw")));
    Route.Socks5 inline = (Route.Socks5) source("name", "a", "socks5_proxy_server", "[::1]:1080",
        "socks5_proxy_username", "u", "socks5_proxy_password", table("key_data", "s3cret"))
        .route();
    assertThat(inline.credentials().orElseThrow().password())
        .isEqualTo(new Secret.Inline("s3cret"));
    assertThat(inline.toString()).doesNotContain("s3cret");
  }

  /** EgressKit deviation: KumoMTA silently connects directly. */
  @Test
  void case23HalfAnHaProxyConfigIsAnError() {
    Problem p = onlyProblem(sourceError("name", "a", "ha_proxy_server", "10.0.0.1:5000"));
    assertThat(p.field()).isEqualTo("ha_proxy_server");
    assertThat(p.reason()).contains("ha_proxy_source_address is not").contains("EgressKit rule");
  }

  /** EgressKit deviation: KumoMTA silently prefers HAProxy. */
  @Test
  void case24CompleteHaProxyAndSocks5TogetherIsAnError() {
    Problem p = onlyProblem(sourceError("name", "a",
        "ha_proxy_server", "10.0.0.1:5000", "ha_proxy_source_address", "10.0.0.2",
        "socks5_proxy_server", "10.0.0.1:1080", "socks5_proxy_source_address", "10.0.0.3"));
    assertThat(p.field()).isEmpty();
    assertThat(p.reason()).contains("both a complete HAProxy config").contains("EgressKit rule");
  }

  /** The destination is unknown at parse time, so case 25 stays a connect-time check. */
  @Test
  void case25HaSourceFamilyVersusDestinationIsNotKnowableAtParseTime() {
    Route.HaProxy r = (Route.HaProxy) source("name", "a", "ha_proxy_server", "10.0.0.9:5000",
        "ha_proxy_source_address", "10.0.0.1").route();
    assertThat(r.sourceAddress()).isEqualTo(ip("10.0.0.1"));
  }

  /**
   * Case 26 (a host-name proxy whose only address is of the other family) can only fail at
   * connect time; a literal proxy of the other family is caught at parse time (EgressKit rule).
   */
  @Test
  void case26SourceAddressFamilyIsCheckedAgainstLiteralProxiesOnly() {
    Route.HaProxy r = (Route.HaProxy) source("name", "a", "source_address", "127.0.0.1",
        "ha_proxy_server", "proxy.test:5000", "ha_proxy_source_address", "10.0.0.1").route();
    assertThat(r.bindAddress()).contains(ip("127.0.0.1"));

    Problem p = onlyProblem(sourceError("name", "a", "source_address", "127.0.0.1",
        "ha_proxy_server", "[::1]:5000", "ha_proxy_source_address", "10.0.0.1"));
    assertThat(p.field()).isEqualTo("source_address");
    assertThat(p.reason()).isEqualTo("source_address 127.0.0.1 is IPv4 but ha_proxy_server"
        + " [::1]:5000 is IPv6: a socket bound to it could never reach the proxy (EgressKit rule)");
  }
}
