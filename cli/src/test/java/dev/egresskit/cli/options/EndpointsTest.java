package dev.egresskit.cli.options;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class EndpointsTest {

  @Test
  void aBarePortListensOnLoopbackOnly() {
    InetSocketAddress address = Endpoints.listen("9464");

    assertThat(address.getAddress().isLoopbackAddress()).isTrue();
    assertThat(address.getPort()).isEqualTo(9464);
  }

  @Test
  void ipv4AndBracketedIpv6ListenAddressesAreAccepted() {
    assertThat(Endpoints.format(Endpoints.listen("127.0.0.2:25"))).isEqualTo("127.0.0.2:25");
    assertThat(Endpoints.format(Endpoints.listen("[::1]:1080"))).isEqualTo("[0:0:0:0:0:0:0:1]:1080");
    assertThat(Endpoints.format(Endpoints.listen("localhost:0"))).isEqualTo("127.0.0.1:0");
  }

  @Test
  void listenAddressesMustBeIpLiteralsWithAValidPort() {
    assertThatThrownBy(() -> Endpoints.listen("mx.example.net:25"))
        .isInstanceOf(TypeConversionException.class).hasMessageContaining("is not an IP address");
    assertThatThrownBy(() -> Endpoints.listen("256.1.1.1:25"))
        .hasMessageContaining("is not an IP address");
    assertThatThrownBy(() -> Endpoints.listen("127.0.0.1"))
        .hasMessageContaining("the port is missing");
    assertThatThrownBy(() -> Endpoints.listen("::1:25"))
        .hasMessageContaining("write IPv6 addresses in brackets");
    assertThatThrownBy(() -> Endpoints.listen("127.0.0.1:x"))
        .hasMessageContaining("invalid port 'x' (allowed: 0..65535");
  }

  @Test
  void aDestinationWithoutAPortGetsTheDefault() {
    assertThat(Endpoints.format(Endpoints.destination("127.0.0.1", 25))).isEqualTo("127.0.0.1:25");
    assertThat(Endpoints.format(Endpoints.destination("127.0.0.1:2525", 25)))
        .isEqualTo("127.0.0.1:2525");
  }
}
