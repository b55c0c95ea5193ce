package dev.egresskit.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The namespace half of the harness, checked with a plain socket client in a JVM started inside
 * the egress namespace: the namespaces and veth pair are created and removed, the addresses
 * exist only inside them, every egress address reaches the sink in the other namespace, and an
 * address the namespace does not have cannot be bound.
 */
@ExtendWith(PeerExtension.class)
class NetnsHarnessIT {
  private static NetnsLab lab;

  @BeforeAll
  static void createNamespaces() {
    lab = Namespaces.createOrSkip();
  }

  @AfterAll
  static void removeNamespaces() {
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  void theNamespacesHoldTheirAddressesOnlyInsideAndVanishWhenClosed() throws Exception {
    NetnsLab own = Namespaces.createOrSkip();
    try {
      assertThat(NetnsLab.exists(own.sinkNamespace())).isTrue();
      assertThat(NetnsLab.exists(own.egressNamespace())).isTrue();
      assertThat(own.addresses(own.sinkNamespace()))
          .contains("10.200.0.1/24").contains("fd00:200::1/64");
      assertThat(own.addresses(own.egressNamespace()))
          .contains("10.200.0.2/24", "10.200.0.3/24", "10.200.0.4/24")
          .contains("fd00:200::2/64", "fd00:200::3/64", "fd00:200::4/64");
      assertThat(Commands.run("ip", "-brief", "addr", "show").requireSuccess().output())
          .doesNotContain("10.200.0.").doesNotContain("fd00:200:");
    } finally {
      own.close();
    }
    assertThat(NetnsLab.exists(own.sinkNamespace())).isFalse();
    assertThat(NetnsLab.exists(own.egressNamespace())).isFalse();
  }

  @Test
  void aJvmInTheEgressNamespaceReachesTheSinkFromEachOfItsAddresses(Peers peers) {
    SmtpSinkPeer sink4 = peers.smtpSink(lab.sinkPlace(), NetnsLab.SINK_V4);
    SmtpSinkPeer sink6 = peers.smtpSink(lab.sinkPlace(), NetnsLab.SINK_V6);

    List<ResultLine> v4 = NamespaceJvm.run(peers, lab.egressPlace(), "jvm-v4",
        SocketProbeMain.class, List.of(NetnsLab.SINK_V4.getHostAddress(),
            String.valueOf(sink4.address().getPort()),
            "10.200.0.3,a.netns.example", "10.200.0.4,b.netns.example"));
    List<ResultLine> v6 = NamespaceJvm.run(peers, lab.egressPlace(), "jvm-v6",
        SocketProbeMain.class, List.of(NetnsLab.SINK_V6.getHostAddress(),
            String.valueOf(sink6.address().getPort()), "fd00:200::3,c.netns.example"));

    assertThat(v4).extracting(r -> r.get("outcome")).containsExactly("ok", "ok");
    assertThat(v6).extracting(r -> r.get("outcome")).containsExactly("ok");
    assertThat(sink4.awaitSessionWithEhlo("a.netns.example").clientAddress())
        .isEqualTo("10.200.0.3");
    assertThat(sink4.awaitSessionWithEhlo("b.netns.example").clientAddress())
        .isEqualTo("10.200.0.4");
    SinkSession six = sink6.awaitSessionWithEhlo("c.netns.example");
    assertThat(six.family()).isEqualTo("AF_INET6");
    assertThat(Ips.ip(six.clientAddress())).isEqualTo(NetnsLab.EGRESS_V6_A);
  }

  @Test
  void anAddressTheNamespaceDoesNotHaveCannotBeBound(Peers peers) {
    SmtpSinkPeer sink = peers.smtpSink(lab.sinkPlace(), NetnsLab.SINK_V4);

    List<ResultLine> results = NamespaceJvm.run(peers, lab.egressPlace(), "jvm-unplumbed",
        SocketProbeMain.class, List.of(NetnsLab.SINK_V4.getHostAddress(),
            String.valueOf(sink.address().getPort()), "10.200.0.77,unplumbed.netns.example"));

    assertThat(results).singleElement().satisfies(r -> {
      assertThat(r.get("outcome")).isEqualTo("error");
      assertThat(r.get("error")).contains("BindException")
          .contains("Cannot assign requested address");
    });
    assertThat(sink.sessions()).noneMatch(s -> s.ehlo().isPresent());
  }

  @Test
  void anUnprivilegedNamespaceCreationIsRecognisedAsNotPermitted() {
    // The one case in which the namespace tests skip: reproduced for real by dropping to nobody.
    CommandResult unprivileged = Commands.run("setpriv", "--reuid=nobody", "--regid=nogroup",
        "--clear-groups", "ip", "netns", "add", "ekit-" + ProcessHandle.current().pid()
            + "-unprivileged");
    CommandResult otherError = Commands.run("ip", "netns", "add", "bad/name");

    assertThat(NetnsLab.isNotPermitted(unprivileged)).as(unprivileged.output()).isTrue();
    assertThat(NetnsLab.isNotPermitted(otherError)).as(otherError.output()).isFalse();
    assertThat(otherError.succeeded()).isFalse();
  }
}
