package dev.egresskit.transport.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class AddressesTest {
  private static InetAddress mapped(int a, int b, int c, int d) throws Exception {
    byte[] bytes = new byte[16];
    bytes[10] = (byte) 0xff;
    bytes[11] = (byte) 0xff;
    bytes[12] = (byte) a;
    bytes[13] = (byte) b;
    bytes[14] = (byte) c;
    bytes[15] = (byte) d;
    return Inet6Address.getByAddress(null, bytes, -1);
  }

  @Test
  void ipv4MappedAddressesUseRfc5952MixedNotationAsKumoMtaPrintsThem() throws Exception {
    assertThat(Addresses.format(mapped(10, 0, 0, 7))).isEqualTo("::ffff:10.0.0.7");
    assertThat(Addresses.format(new InetSocketAddress(mapped(10, 0, 0, 7), 25)))
        .isEqualTo("[::ffff:10.0.0.7]:25");
  }

  @Test
  void otherAddressesKeepTheirForms() throws Exception {
    assertThat(Addresses.format(InetAddress.getByName("2001:db8:0:0:0:0:0:1")))
        .isEqualTo("2001:db8::1");
    assertThat(Addresses.format(InetAddress.getByName("10.0.0.1"))).isEqualTo("10.0.0.1");
  }
}
