package dev.egresskit.transport;

import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.model.HealthRules;
import dev.egresskit.core.model.ProxyServer;
import dev.egresskit.core.model.Route;
import dev.egresskit.core.model.Secret;
import dev.egresskit.core.model.Socks5Credentials;
import dev.egresskit.proxy.ProxyCredentials;
import dev.egresskit.proxy.Socks5ProxyServer;
import dev.egresskit.sink.SmtpSink;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Our SMTP sink behind the project's own SOCKS5 proxy (user {@code kumo}, password
 * {@code s3cret}, authentication required), and a connector and probe to reach it: what the
 * tests of the SOCKS5 client against that proxy share.
 */
final class ProjectProxyLab implements AutoCloseable {
  final SmtpSink sink;
  final Socks5ProxyServer proxy;
  final EgressConnector connector;
  final SmtpProbe probe;

  /** Starts the sink and the proxy; {@code lockstep} picks the client's SOCKS5 exchange. */
  ProjectProxyLab(boolean lockstep) {
    sink = SmtpSink.builder().build().start();
    ProxyCredentials users = ProxyCredentials.parse("test users",
        List.of(ProxyCredentials.hashLine("kumo", "s3cret".toCharArray(), 1000)));
    proxy = Socks5ProxyServer.builder().listen(new InetSocketAddress("127.0.0.1", 0))
        .credentials(users).requireAuth(true).build().start();
    connector = EgressConnector.builder().lockstepHandshakes(lockstep).build();
    probe = SmtpProbe.create(connector);
  }

  /**
   * A source through the proxy: KumoProxy's BIND-then-CONNECT when {@code sourceAddress} is
   * given, a plain CONNECT otherwise; user {@code kumo} with {@code password}, or no
   * credentials when it is {@code null}.
   */
  EgressSource source(String sourceAddress, String password) throws UnknownHostException {
    Optional<InetAddress> bound = sourceAddress == null ? Optional.empty()
        : Optional.of(InetAddress.getByName(sourceAddress));
    Route route = new Route.Socks5(
        new ProxyServer.IpLiteral(proxy.address().getAddress(), proxy.address().getPort()),
        bound, Optional.ofNullable(password)
            .map(p -> new Socks5Credentials("kumo", new Secret.Inline(p))),
        Optional.empty());
    return new EgressSource("via-proxy", Optional.of("mta.example.com"), OptionalInt.empty(),
        EgressSource.DEFAULT_TTL, HealthRules.NONE, route);
  }

  @Override
  public void close() {
    connector.close();
    proxy.close();
    sink.close();
  }
}
