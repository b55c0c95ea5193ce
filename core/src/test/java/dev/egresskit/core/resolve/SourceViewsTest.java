package dev.egresskit.core.resolve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.egresskit.core.grammar.IpLiterals;
import dev.egresskit.core.model.EgressPool;
import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.model.HealthRules;
import dev.egresskit.core.model.PoolEntry;
import dev.egresskit.core.model.ProxyServer;
import dev.egresskit.core.model.Route;
import dev.egresskit.core.model.Secret;
import dev.egresskit.core.model.Socks5Credentials;
import dev.egresskit.core.model.SuspendOnFailure;
import dev.egresskit.core.model.Trigger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class SourceViewsTest {

  private static InetAddress ip(String text) throws UnknownHostException {
    return InetAddress.getByName(text);
  }

  @Test
  void minimalSourceShowsOnlyItsNameAndTtl() {
    assertThat(SourceViews.sourceView(EgressSource.named("ip-1")))
        .containsExactly(Map.entry("name", "ip-1"), Map.entry("ttl", "1m"));
  }

  @Test
  void directSourceShowsEveryFieldInKumoMtaOrder() throws Exception {
    EgressSource source = new EgressSource("ip-1", Optional.of("mta1.example.com"),
        OptionalInt.of(2525), Duration.ofSeconds(5400),
        new HealthRules(Optional.of(new SuspendOnFailure(Trigger.Immediate.INSTANCE,
            Duration.ofMinutes(5))), Optional.empty()),
        new Route.Direct(Optional.of(ip("2001:db8::1"))));

    assertThat(SourceViews.sourceView(source)).containsExactly(
        Map.entry("name", "ip-1"),
        Map.entry("ehlo_domain", "mta1.example.com"),
        Map.entry("source_address", "2001:db8::1"),
        Map.entry("remote_port", 2525),
        Map.entry("suspend_when_unplumbed",
            Map.of("trigger", "Immediate", "duration", "5m")),
        Map.entry("ttl", "1h 30m"));
  }

  @Test
  void haProxySourceShowsItsServerInDisplayForm() throws Exception {
    EgressSource source = new EgressSource("ha", Optional.empty(), OptionalInt.empty(),
        Duration.ofSeconds(60),
        new HealthRules(Optional.empty(), Optional.of(new SuspendOnFailure(
            new Trigger.Threshold(3, Duration.ofMinutes(5)), Duration.ofMinutes(10)))),
        new Route.HaProxy(new ProxyServer.IpLiteral(ip("::1"), 5000), ip("10.0.0.1"),
            Optional.of(ip("127.0.0.2"))));

    assertThat(SourceViews.sourceView(source)).containsExactly(
        Map.entry("name", "ha"),
        Map.entry("source_address", "127.0.0.2"),
        Map.entry("ha_proxy_server", "[::1]:5000"),
        Map.entry("ha_proxy_source_address", "10.0.0.1"),
        Map.entry("suspend_when_proxy_unhealthy",
            Map.of("trigger", Map.of("Threshold", "3/5m"), "duration", "10m")),
        Map.entry("ttl", "1m"));
  }

  @Test
  void socks5PasswordIsAlwaysRedacted() throws Exception {
    for (Secret secret : List.of(new Secret.Inline("s3cret"),
        new Secret.FileRef(Path.of("/etc/kumo/s3cret-file")))) {
      EgressSource source = new EgressSource("s", Optional.empty(), OptionalInt.empty(),
          Duration.ofSeconds(60), HealthRules.NONE,
          new Route.Socks5(new ProxyServer.IpLiteral(ip("10.0.0.9"), 1080),
              Optional.empty(), Optional.of(new Socks5Credentials("user", secret)),
              Optional.empty()));

      Map<String, Object> view = SourceViews.sourceView(source);

      assertThat(view).containsExactly(
          Map.entry("name", "s"),
          Map.entry("socks5_proxy_server", "10.0.0.9:1080"),
          Map.entry("socks5_proxy_username", "user"),
          Map.entry("socks5_proxy_password", "<redacted>"),
          Map.entry("ttl", "1m"));
      assertThat(view.toString()).doesNotContain("s3cret");
    }
  }

  @Test
  void poolShowsEntriesInDeclarationOrder() {
    EgressPool pool = new EgressPool("p", List.of(new PoolEntry("b", 2), new PoolEntry("a", 0)),
        Duration.ofSeconds(90));

    assertThat(SourceViews.poolView(pool)).containsExactly(
        Map.entry("name", "p"),
        Map.entry("entries", List.of(Map.of("name", "b", "weight", 2L),
            Map.of("name", "a", "weight", 0L))),
        Map.entry("ttl", "1m 30s"));
  }

  @Test
  void viewsCannotBeModified() {
    Map<String, Object> view = SourceViews.sourceView(EgressSource.named("x"));

    assertThatThrownBy(() -> view.put("name", "y"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void ipv6AddressesUseTheShortForm() throws Exception {
    assertThat(IpLiterals.format(ip("2001:db8:0:0:0:0:0:1"))).isEqualTo("2001:db8::1");
    assertThat(IpLiterals.format(ip("::"))).isEqualTo("::");
    assertThat(IpLiterals.format(ip("::1"))).isEqualTo("::1");
    assertThat(IpLiterals.format(ip("fe80::"))).isEqualTo("fe80::");
    assertThat(IpLiterals.format(ip("2001:db8:0:1:0:0:0:1"))).isEqualTo("2001:db8:0:1::1");
    assertThat(IpLiterals.format(ip("2001:0:0:1:0:0:0:1"))).isEqualTo("2001:0:0:1::1");
    assertThat(IpLiterals.format(ip("2001:db8:1:2:3:4:0:5"))).isEqualTo("2001:db8:1:2:3:4:0:5");
    assertThat(IpLiterals.format(ip("2001:DB8::AB"))).isEqualTo("2001:db8::ab");
    assertThat(SourceViews.serverText(new ProxyServer.IpLiteral(ip("2001:db8::25"), 25)))
        .isEqualTo("[2001:db8::25]:25");
    assertThat(SourceViews.serverText(new ProxyServer.HostName("proxy.example.com", 1080)))
        .isEqualTo("proxy.example.com:1080");
  }

  @Test
  void thresholdPeriodsUseTheThrottleSpecGrammar() {
    assertThat(SourceViews.periodText(Duration.ofSeconds(300))).isEqualTo("5m");
    assertThat(SourceViews.periodText(Duration.ofSeconds(60))).isEqualTo("m");
    assertThat(SourceViews.periodText(Duration.ofHours(1))).isEqualTo("h");
    assertThat(SourceViews.periodText(Duration.ofHours(2))).isEqualTo("2h");
    assertThat(SourceViews.periodText(Duration.ofDays(1))).isEqualTo("d");
    assertThat(SourceViews.periodText(Duration.ofSeconds(90))).isEqualTo("90s");
    assertThat(SourceViews.periodText(Duration.ofSeconds(1))).isEqualTo("s");
  }
}
