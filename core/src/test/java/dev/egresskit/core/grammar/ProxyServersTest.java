package dev.egresskit.core.grammar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.egresskit.core.model.ProxyServer;
import java.net.Inet6Address;
import org.junit.jupiter.api.Test;

class ProxyServersTest {

  private static String hostError(String text) {
    String prefix = "failed to parse " + RustText.debug(text) + " as a resolvable socket address:"
        + " not an IP socket (invalid socket address syntax); not a unix socket path (unix domain"
        + " path must be absolute); not host:port (";
    try {
      ProxyServers.parse(text);
    } catch (IllegalArgumentException e) {
      assertThat(e.getMessage()).startsWith(prefix).endsWith(")");
      return e.getMessage().substring(prefix.length(), e.getMessage().length() - 1);
    }
    throw new AssertionError("accepted " + text);
  }

  @Test
  void literalFormsBecomeIpLiterals() {
    assertThat(ProxyServers.parse("10.0.0.1:25"))
        .isEqualTo(new ProxyServer.IpLiteral(IpLiterals.parse("10.0.0.1"), 25));
    assertThat(ProxyServers.parse("[10.0.0.1]:25"))
        .isEqualTo(new ProxyServer.IpLiteral(IpLiterals.parse("10.0.0.1"), 25));
    assertThat(ProxyServers.parse("[2001:db8::1]:0"))
        .isEqualTo(new ProxyServer.IpLiteral(IpLiterals.parse("2001:db8::1"), 0));
    assertThat(ProxyServers.parse("[::1]:065535"))
        .isEqualTo(new ProxyServer.IpLiteral(IpLiterals.parse("::1"), 65535));
  }

  @Test
  void aNumericZoneIdIsAcceptedInTheStandardSocketForm() {
    ProxyServer.IpLiteral p = (ProxyServer.IpLiteral) ProxyServers.parse("[fe80::1%2]:25");
    assertThat(((Inet6Address) p.address()).getScopeId()).isEqualTo(2);
    assertThat(ProxyServers.format(p)).isEqualTo("[fe80::1%2]:25");
  }

  @Test
  void hostNamesAreKeptVerbatim() {
    assertThat(ProxyServers.parse("Proxy.Example.COM.:1080"))
        .isEqualTo(new ProxyServer.HostName("Proxy.Example.COM.", 1080));
    assertThat(ProxyServers.parse("_socks._tcp.example.com:1080"))
        .isEqualTo(new ProxyServer.HostName("_socks._tcp.example.com", 1080));
    assertThat(ProxyServers.parse("bücher.example:1080"))
        .isEqualTo(new ProxyServer.HostName("bücher.example", 1080));
    assertThat(ProxyServers.parse("proxy:+25")).isEqualTo(new ProxyServer.HostName("proxy", 25));
  }

  @Test
  void numericLookingOutOfRangeAddressIsAHostName() {
    assertThat(ProxyServers.parse("300.1.1.1:25"))
        .isEqualTo(new ProxyServer.HostName("300.1.1.1", 25));
  }

  @Test
  void hostNameErrorsUseHickorysWording() {
    assertThat(hostError("::1:100")).isEqualTo("invalid hostname \"::1\": Malformed label: ::1");
    assertThat(hostError("fe80::1:100"))
        .isEqualTo("invalid hostname \"fe80::1\": Malformed label: fe80::1");
    assertThat(hostError("-bad.example:25"))
        .isEqualTo("invalid hostname \"-bad.example\": Malformed label: -bad");
    assertThat(hostError("a..b:25")).isEqualTo("invalid hostname \"a..b\": Malformed label: ");
    assertThat(hostError(":25")).isEqualTo("invalid hostname \"\": hostname is empty");
    assertThat(hostError("a\tb:25")).isEqualTo("invalid hostname \"a\\tb\": unrecognized char: \t");
    assertThat(hostError("x".repeat(64) + ":25")).endsWith(": label bytes exceed 63: 64");
    String tooLong = ("a".repeat(63) + ".").repeat(4);
    assertThat(hostError(tooLong + ":25")).endsWith(": name label data exceed 255: 257");
    assertThat(hostError("[10.0.0.1]:bogus")).isEqualTo("invalid port \"bogus\"");
    assertThat(hostError("host:-1")).isEqualTo("invalid port \"-1\"");
    assertThat(hostError("host:")).isEqualTo("invalid port \"\"");
    assertThat(hostError("host")).isEqualTo("missing :port suffix");
  }

  @Test
  void aHostNameOfExactly253CharactersIsAccepted() {
    String name = ("a".repeat(62) + ".").repeat(4) + "a"; // 4*63 + 1 = 253
    assertThat(name).hasSize(253);
    assertThat(ProxyServers.parse(name + ":25")).isInstanceOf(ProxyServer.HostName.class);
  }

  @Test
  void unixSocketPathsAreRejectedAsUnsupported() {
    assertThatThrownBy(() -> ProxyServers.parse("/run/kumo/proxy.sock"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"/run/kumo/proxy.sock\" is a Unix-domain socket path")
        .hasMessageContaining("does not support Unix-domain proxy servers");
  }

  @Test
  void formatIsKumoMtasDisplayForm() {
    assertThat(ProxyServers.format(ProxyServers.parse("[10.0.0.1]:25"))).isEqualTo("10.0.0.1:25");
    assertThat(ProxyServers.format(ProxyServers.parse("[2001:DB8:0:0::1]:25")))
        .isEqualTo("[2001:db8::1]:25");
    assertThat(ProxyServers.format(ProxyServers.parse("mx.example.com:25")))
        .isEqualTo("mx.example.com:25");
  }
}
