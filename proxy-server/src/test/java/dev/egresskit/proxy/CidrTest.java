package dev.egresskit.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class CidrTest {

  private static InetAddress ip(String text) {
    return NetUtil.createInetAddressFromIpAddressString(text);
  }

  @Test
  void anIpv4NetworkContainsItsAddressesOnly() {
    Cidr net = Cidr.parse("127.0.0.0/8");

    assertThat(net.contains(ip("127.0.0.1"))).isTrue();
    assertThat(net.contains(ip("127.255.255.254"))).isTrue();
    assertThat(net.contains(ip("128.0.0.1"))).isFalse();
    assertThat(net.contains(ip("::1"))).isFalse();
  }

  @Test
  void aBareAddressIsASingleHost() {
    Cidr host = Cidr.parse("10.0.0.5");

    assertThat(host.contains(ip("10.0.0.5"))).isTrue();
    assertThat(host.contains(ip("10.0.0.4"))).isFalse();
  }

  @Test
  void anIpv6NetworkWithAnOddPrefixMasksPartialBytes() {
    Cidr net = Cidr.parse("2001:db8::/33");

    assertThat(net.contains(ip("2001:db8:7fff::1"))).isTrue();
    assertThat(net.contains(ip("2001:db8:8000::1"))).isFalse();
    assertThat(net.contains(ip("10.0.0.1"))).isFalse();
  }

  @Test
  void zeroPrefixMatchesTheWholeFamily() {
    assertThat(Cidr.parse("0.0.0.0/0").contains(ip("203.0.113.9"))).isTrue();
  }

  @Test
  void badInputNamesTheValueAndTheAllowedForm() {
    assertThatThrownBy(() -> Cidr.parse("mail.example.com/8"))
        .hasMessageContaining("\"mail.example.com/8\" is not a CIDR")
        .hasMessageContaining("127.0.0.0/8");
    assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33"))
        .hasMessageContaining("invalid prefix: expected 0 to 32");
    assertThatThrownBy(() -> Cidr.parse("::/-1"))
        .hasMessageContaining("expected 0 to 128");
    assertThatThrownBy(() -> Cidr.parse(" "))
        .hasMessageContaining("empty CIDR");
  }
}
