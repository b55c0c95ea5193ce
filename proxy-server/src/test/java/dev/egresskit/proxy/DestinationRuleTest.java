package dev.egresskit.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DestinationRuleTest {

  private static final DestinationRule REFUSE =
      DestinationRule.refuseLocal(List.of(ip("192.0.2.10"), ip("2001:db8::10")));

  private static InetAddress ip(String text) {
    return NetUtil.createInetAddressFromIpAddressString(text);
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "127.255.0.9", "::1", "::ffff:127.0.0.1", "::127.0.0.1",
      "0.0.0.0", "0.1.2.3", "::", "::ffff:0.0.0.0", "169.254.169.254", "::ffff:169.254.169.254",
      "fe80::1", "febf::1", "192.0.2.10", "::ffff:192.0.2.10", "2001:db8::10"})
  void localDestinationsAreRefused(String destination) {
    assertThat(REFUSE.refusal(ip(destination))).isNotNull();
    assertThat(DestinationRule.any().refusal(ip(destination))).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"192.0.2.11", "198.51.100.25", "10.0.0.1", "2001:db8::11", "fec0::1",
      "::ffff:198.51.100.25", "64:ff9b::c633:6419"})
  void otherDestinationsAreAllowed(String destination) {
    assertThat(REFUSE.refusal(ip(destination))).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "::1"})
  void theMachinesOwnLoopbackAddressesAreAmongItsAddresses(String address) {
    assertThat(DestinationRule.machineAddresses()).contains(ip(address));
  }
}
