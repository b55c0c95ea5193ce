package dev.egresskit.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The proxy's destination rule (issue #21.9) on a real non-loopback listener, inside the
 * namespace lab so that no packet can leave the machine even if the rule were wrong: the
 * proxy listens on the egress namespace's 10.200.0.2, and the link-local destination
 * 169.254.77.1 exists only in the sink namespace.
 *
 * <p>Unlike the other namespace tests this one never skips: it proves a security rule, so a
 * machine where namespaces cannot be created fails it, loudly.
 */
@ExtendWith(PeerExtension.class)
class ProxyDestinationPolicyIT {
  private static final String LINK_LOCAL = "169.254.77.1";
  // Closed ports: a dialled destination answers with a reset (reply 05), a refused one never
  // sees a packet (reply 02), so the two can be told apart without a listener.
  private static final List<String> LOCAL = List.of(
      "127.0.0.1:9", "[::1]:9", "[::ffff:127.0.0.1]:9", "0.0.0.0:9", "10.200.0.3:9",
      "10.200.0.2:9", LINK_LOCAL + ":9", "[::ffff:" + LINK_LOCAL + "]:9");
  private static final String ORDINARY = "10.200.0.1:9";

  private static NetnsLab lab;

  @BeforeAll
  static void createNamespaces() throws NetnsLab.NotPermitted {
    lab = NetnsLab.create(); // NotPermitted fails the class: this test must not be skipped
    lab.addAddress(true, LINK_LOCAL + "/16");
    lab.addAddress(false, "169.254.77.2/16");
  }

  @AfterAll
  static void removeNamespaces() {
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  void aProxyListeningBeyondLoopbackRefusesLocalDestinationsUnlessAllowed(Peers peers) {
    String destinations = String.join(",", LOCAL) + "," + ORDINARY;
    List<ResultLine> results = NamespaceJvm.run(peers, lab.egressPlace(), "destination-policy",
        DestinationPolicyMain.class, List.of("10.200.0.2", destinations));

    List<ResultLine> byDefault = results.stream()
        .filter(r -> r.get("proxy").equals("default")).collect(Collectors.toList());
    assertThat(byDefault).hasSize(LOCAL.size() + 1)
        .allSatisfy(r -> assertThat(r.get("refuses_local")).isEqualTo("true"));
    for (String local : LOCAL) {
      assertThat(ResultLine.find(byDefault, "destination", local).get("reply"))
          .as("CONNECT %s through a proxy on 10.200.0.2", local).isEqualTo("2");
    }
    assertThat(ResultLine.find(byDefault, "destination", ORDINARY).get("reply"))
        .as("an ordinary destination is dialled (and refuses: nothing listens)").isEqualTo("5");

    List<ResultLine> allowed = results.stream()
        .filter(r -> r.get("proxy").equals("allowed")).collect(Collectors.toList());
    assertThat(allowed).allSatisfy(r -> assertThat(r.get("refuses_local")).isEqualTo("false"));
    for (String destination : List.of("127.0.0.1:9", LINK_LOCAL + ":9", "10.200.0.3:9", ORDINARY)) {
      assertThat(ResultLine.find(allowed, "destination", destination).get("reply"))
          .as("with local destinations allowed, %s is dialled", destination).isEqualTo("5");
    }
  }
}
