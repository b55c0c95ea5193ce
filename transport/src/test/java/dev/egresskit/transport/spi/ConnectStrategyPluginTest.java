package dev.egresskit.transport.spi;

import static dev.egresskit.transport.testing.Sources.direct;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.egresskit.testkit.await.Await;
import dev.egresskit.transport.EgressConnection;
import dev.egresskit.transport.EgressConnector;
import dev.egresskit.transport.testing.RawServer;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Proves the SPI the way a third-party jar would use it: the plug-in's {@code META-INF/services}
 * file is only visible through an extra class loader, as if a jar had been added.
 */
class ConnectStrategyPluginTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private static ClassLoader withPlugin(String name) {
    URL root = ConnectStrategyPluginTest.class.getResource("/plugins/" + name + "/");
    assertThat(root).as("plug-in resources for " + name).isNotNull();
    return new URLClassLoader(new URL[] {root}, ConnectStrategyPluginTest.class.getClassLoader());
  }

  @Test
  void aHigherPriorityPluginReplacesTheBuiltInStrategyForItsRoute() throws Exception {
    try (RawServer server = new RawServer("127.0.0.1", (s, in, out) -> {
      out.write('+');
      out.flush();
      in.transferTo(java.io.OutputStream.nullOutputStream());
    });
         EgressConnector connector = EgressConnector.builder()
             .classLoader(withPlugin("labelling")).build()) {
      EgressConnection c = Await.result(
          connector.connect(direct("p1", "127.0.0.5"), server.address(), TIMEOUT));
      assertThat(c.reportedSource().protocol()).isEqualTo("direct-plugin");
      assertThat(c.localAddress().getAddress().getHostAddress()).isEqualTo("127.0.0.5");
      c.close();
    }
  }

  @Test
  void withoutThePluginTheBuiltInStrategyIsUsed() throws Exception {
    try (RawServer server = RawServer.silent();
         EgressConnector connector = EgressConnector.builder().build()) {
      EgressConnection c = Await.result(
          connector.connect(direct("p2", "127.0.0.5"), server.address(), TIMEOUT));
      assertThat(c.reportedSource().protocol()).isEqualTo("direct");
      c.close();
    }
  }

  @Test
  void twoFactoriesWithTheSameTopPriorityAreRejectedNamingBoth() {
    assertThatThrownBy(() -> EgressConnector.builder().classLoader(withPlugin("tie")).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("dev.egresskit.transport.strategy.DirectStrategyFactory")
        .hasMessageContaining("dev.egresskit.transport.spi.TiedDirectFactory")
        .hasMessageContaining("same priority 0");
  }
}
