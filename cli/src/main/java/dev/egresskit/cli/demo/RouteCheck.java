package dev.egresskit.cli.demo;

import dev.egresskit.cli.options.Endpoints;
import dev.egresskit.cli.probe.Probes;
import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.model.Route;
import dev.egresskit.core.resolve.SourceViews;
import dev.egresskit.sink.ProxyHeader;
import dev.egresskit.sink.SinkSession;
import dev.egresskit.sink.SmtpSink;
import dev.egresskit.transport.EgressConnectException;
import dev.egresskit.transport.ProbeResult;
import dev.egresskit.transport.SmtpProbe;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Probes one route of the demo and compares what the receiving server recorded (peer address,
 * PROXY header, EHLO name, proxy used) with what the policy configured.
 */
final class RouteCheck {
  /** How long to wait for the sink to record a session after a probe ended. */
  private static final Duration RECORD_WAIT = Duration.ofSeconds(5);

  private final SmtpProbe probe;
  private final DemoServers servers;
  private final Duration timeout;

  RouteCheck(SmtpProbe probe, DemoServers servers, Duration timeout) {
    this.probe = probe;
    this.servers = servers;
    this.timeout = timeout;
  }

  /** One unreported connection, so that the measured one does not pay for class loading. */
  void warmUp(EgressSource source) {
    try {
      Probes.run(probe, source, servers.sink().address(), Optional.empty(), timeout);
    } catch (EgressConnectException e) {
      // Reported (and checked) by the measured probe.
    }
  }

  /** Probes {@code source}'s route and checks it against the server's record. */
  RouteOutcome check(EgressSource source) {
    InetSocketAddress destination = servers.sink().address();
    ProbeResult result;
    try {
      result = Probes.run(probe, source, destination, Optional.empty(), timeout);
    } catch (EgressConnectException e) {
      return new RouteOutcome(source, Optional.empty(), Optional.empty(),
          List.of("probe failed (" + e.kind() + "): " + e.getMessage()));
    }
    // Find the server's record of this very connection. The TCP peer the server saw is the
    // probe's local end (direct, and HAProxy, whose stand-in is the server itself) or the
    // proxy's outbound end that the SOCKS5 CONNECT reply reported.
    boolean viaHaProxy = source.route() instanceof Route.HaProxy;
    SmtpSink server = viaHaProxy ? servers.proxyAware() : servers.sink();
    InetSocketAddress expectedPeer = source.route() instanceof Route.Socks5
        ? result.reportedSource().address() : result.localAddress();
    Optional<SinkSession> seen = awaitSession(server, s -> s.peer().equals(expectedPeer));
    if (seen.isEmpty()) {
      return new RouteOutcome(source, Optional.of(result), Optional.empty(), List.of(
          "the server recorded no session from " + Endpoints.format(expectedPeer)
              + " within " + RECORD_WAIT.toSeconds() + "s"));
    }
    return new RouteOutcome(source, Optional.of(result), seen,
        verify(source, result, seen.get()));
  }

  /** Compares what the server saw with what the policy says; one line per difference. */
  private List<String> verify(EgressSource source, ProbeResult result, SinkSession seen) {
    List<String> out = new ArrayList<>();
    Map<String, Object> config = SourceViews.sourceView(source);
    String ehloSeen = seen.ehlo().orElse("(none)");
    String ehloConfigured = source.ehloDomain().orElse(result.ehloName());
    if (!ehloSeen.equals(ehloConfigured)) {
      out.add("EHLO: the server saw " + ehloSeen + ", the policy says " + ehloConfigured);
    }
    Route route = source.route();
    if (route instanceof Route.Direct direct) {
      direct.bindAddress().ifPresent(bind -> expectAddress(out, "source_address",
          seen.peer().getAddress(), bind));
      seen.proxyHeader().ifPresent(h -> out.add("the server got an unexpected PROXY header"));
    } else if (route instanceof Route.HaProxy ha) {
      Optional<ProxyHeader> header = seen.proxyHeader();
      if (header.isEmpty()) {
        out.add("the PROXY-aware server got no PROXY header");
      } else {
        expectAddress(out, "ha_proxy_source_address", header.get().source().getAddress(),
            ha.sourceAddress());
        // The version is the connect strategy's business (a plug-in may speak v1), not the
        // policy's: it is shown, not checked.
        if (!header.get().destination().equals(servers.sink().address())) {
          out.add("PROXY header destination " + Endpoints.format(header.get().destination())
              + ", expected " + Endpoints.format(servers.sink().address()));
        }
      }
      expectProxy(out, result, servers.proxyAware().address(), config.get("ha_proxy_server"));
    } else if (route instanceof Route.Socks5 socks) {
      socks.sourceAddress().ifPresent(bind -> expectAddress(out, "socks5_proxy_source_address",
          seen.peer().getAddress(), bind));
      expectProxy(out, result, servers.proxy().address(), config.get("socks5_proxy_server"));
    }
    return out;
  }

  private static void expectAddress(List<String> out, String field, InetAddress seen,
      InetAddress configured) {
    if (!seen.equals(configured)) {
      out.add(field + ": the server saw " + seen.getHostAddress() + ", the policy says "
          + configured.getHostAddress());
    }
  }

  private static void expectProxy(List<String> out, ProbeResult result,
      InetSocketAddress running, Object configured) {
    String used = result.proxyCandidate().map(Endpoints::format).orElse("(none)");
    if (!used.equals(Endpoints.format(running)) || !used.equals(String.valueOf(configured))) {
      out.add("proxy: connected through " + used + ", the policy says " + configured
          + ", the demo's server is " + Endpoints.format(running));
    }
  }

  /** Waits for a finished session matching {@code wanted}, up to {@link #RECORD_WAIT}. */
  private static Optional<SinkSession> awaitSession(SmtpSink sink,
      Predicate<SinkSession> wanted) {
    long deadline = System.nanoTime() + RECORD_WAIT.toNanos();
    while (true) {
      List<SinkSession> sessions = sink.sessions();
      for (SinkSession s : sessions) {
        if (wanted.test(s)) {
          return Optional.of(s);
        }
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return Optional.empty();
      }
      try {
        sink.awaitSessions(sessions.size() + 1, Duration.ofNanos(left));
      } catch (IllegalStateException timeout) {
        return Optional.empty();
      }
    }
  }
}
