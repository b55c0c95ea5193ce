package dev.egresskit.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@code sink} / {@code socks} parameter values of {@link ConnectBenchmarks}. */
class ConnectTargetTest {

  @Test
  void inProcessAsksForNoAddress() {
    assertThat(ConnectTarget.parse("sink", "in-process")).isEmpty();
  }

  @Test
  void readsIpv4AndBracketedIpv6() {
    assertThat(ConnectTarget.parse("sink", "127.0.0.1:2525"))
        .contains(new InetSocketAddress("127.0.0.1", 2525));
    assertThat(ConnectTarget.parse("socks", "[::1]:1080"))
        .contains(new InetSocketAddress("::1", 1080));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "127.0.0.1", "127.0.0.1:", ":25", "127.0.0.1:x",
      "127.0.0.1:0", "127.0.0.1:65536", "::1:25", "inprocess"})
  void rejectsOtherFormsNamingParameterValueAndForm(String value) {
    assertThatThrownBy(() -> ConnectTarget.parse("socks", value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("parameter 'socks'")
        .hasMessageContaining("in-process or HOST:PORT")
        .hasMessageContaining("\"" + value + "\"");
  }
}
