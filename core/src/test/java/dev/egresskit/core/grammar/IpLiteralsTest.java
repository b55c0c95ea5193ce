package dev.egresskit.core.grammar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class IpLiteralsTest {

  @Test
  void ipv4NeedsFourDecimalOctetsWithoutLeadingZeros() {
    assertThat(IpLiterals.parse("192.0.2.1").getHostAddress()).isEqualTo("192.0.2.1");
    assertThat(IpLiterals.parse("0.0.0.0").getHostAddress()).isEqualTo("0.0.0.0");
    assertThat(IpLiterals.parse("255.255.255.255")).isInstanceOf(Inet4Address.class);
    for (String bad : new String[] {"010.0.0.1", "1.2.3", "1.2.3.4.5", "256.0.0.1", "1.2.3.04",
        "1..2.3", " 1.2.3.4", "1.2.3.4 ", "0x1.2.3.4", "1.2.3.-4", "١.2.3.4"}) {
      assertThatThrownBy(() -> IpLiterals.parse(bad)).as(bad)
          .isInstanceOf(IllegalArgumentException.class).hasMessage("invalid IP address syntax");
    }
  }

  @Test
  void ipv6AcceptsRfc4291TextForms() {
    assertThat(hex("::")).isEqualTo("0:0:0:0:0:0:0:0");
    assertThat(hex("::1")).isEqualTo("0:0:0:0:0:0:0:1");
    assertThat(hex("2001:DB8::1")).isEqualTo("2001:db8:0:0:0:0:0:1");
    assertThat(hex("1:2:3:4:5:6:7:8")).isEqualTo("1:2:3:4:5:6:7:8");
    assertThat(hex("1:2:3:4:5:6:7::")).isEqualTo("1:2:3:4:5:6:7:0");
    assertThat(hex("::2:3:4:5:6:7:8")).isEqualTo("0:2:3:4:5:6:7:8");
    assertThat(hex("0001:00:0::")).isEqualTo("1:0:0:0:0:0:0:0");
    assertThat(hex("::1.2.3.4")).isEqualTo("0:0:0:0:0:0:102:304");
    assertThat(hex("1:2:3:4:5:6:1.2.3.4")).isEqualTo("1:2:3:4:5:6:102:304");
  }

  @Test
  void ipv6RejectsBracketsZonesPortsAndMalformedGroups() {
    for (String bad : new String[] {"[::1]", "::1%1", "fe80::1%eth0", "::1:", ":::1", "1::2::3",
        "12345::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "1.2.3.4::", "::1.2.3.04",
        "1:2:3:4:5:6:7:1.2.3.4", "::ffff:1.2.3", "g::1", "mta.example.com", ""}) {
      assertThatThrownBy(() -> IpLiterals.parse(bad)).as(bad)
          .isInstanceOf(IllegalArgumentException.class).hasMessage("invalid IP address syntax");
    }
  }

  /**
   * Deliberate: Java's InetAddress.getByAddress would hand back an Inet4Address for these 16
   * bytes; KumoMTA keeps IpAddr::V6, and so do we, so the bind family stays IPv6.
   */
  @Test
  void ipv4MappedIpv6StaysAnIpv6Address() {
    InetAddress mapped = IpLiterals.parse("::ffff:1.2.3.4");
    assertThat(mapped).isInstanceOf(Inet6Address.class);
    assertThat(mapped.getAddress()).containsExactly(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff,
        1, 2, 3, 4);
    assertThat(IpLiterals.isIpv4(mapped)).isFalse();
    assertThat(IpLiterals.format(mapped)).isEqualTo("::ffff:1.2.3.4");
    assertThat(IpLiterals.parse("::FFFF:102:304")).isEqualTo(mapped);
  }

  @Test
  void formatCompressesTheFirstLongestZeroRunLikeRust() {
    assertThat(IpLiterals.format(IpLiterals.parse("2001:db8:0:0:1:0:0:1")))
        .isEqualTo("2001:db8::1:0:0:1");
    assertThat(IpLiterals.format(IpLiterals.parse("2001:db8:0:1:1:1:1:1")))
        .isEqualTo("2001:db8:0:1:1:1:1:1");
    assertThat(IpLiterals.format(IpLiterals.parse("::"))).isEqualTo("::");
    assertThat(IpLiterals.format(IpLiterals.parse("1::"))).isEqualTo("1::");
    assertThat(IpLiterals.format(IpLiterals.parse("10.0.0.1"))).isEqualTo("10.0.0.1");
  }

  private static String hex(String text) {
    InetAddress address = IpLiterals.parse(text);
    assertThat(address).isInstanceOf(Inet6Address.class);
    return address.getHostAddress();
  }
}
