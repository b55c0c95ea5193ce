package dev.egresskit.cli.demo;

import dev.egresskit.cli.options.Endpoints;
import dev.egresskit.cli.output.JobFailedException;
import dev.egresskit.cli.run.AssembledRun;
import dev.egresskit.proxy.Socks5ProxyServer;
import dev.egresskit.sink.ProxyProtocolMode;
import dev.egresskit.sink.SmtpSink;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo's servers, each on a free loopback port and owned by the run: the SMTP sink every
 * route delivers to, a PROXY-aware sink standing in for HAProxy, and the project's SOCKS5 proxy.
 *
 * @param sink       the SMTP sink
 * @param proxyAware the sink that requires a PROXY header (the HAProxy stand-in)
 * @param proxy      the SOCKS5 proxy
 */
record DemoServers(SmtpSink sink, SmtpSink proxyAware, Socks5ProxyServer proxy) {

  /** Starts the three servers; each is closed when the run ends. */
  static DemoServers start(AssembledRun run) {
    InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    try {
      SmtpSink sink = run.own(SmtpSink.builder().listen(loopback)
          .hostname("sink.demo.egresskit.test").build().start());
      SmtpSink proxyAware = run.own(SmtpSink.builder().listen(loopback)
          .hostname("haproxy-sink.demo.egresskit.test")
          .proxyProtocol(ProxyProtocolMode.REQUIRED).build().start());
      Socks5ProxyServer proxy = run.own(run.get(Socks5ProxyServer.Builder.class)
          .listen(loopback)
          .allowSources(List.of("127.0.0.0/8"))
          .listenerName("demo")
          .build()
          .start());
      return new DemoServers(sink, proxyAware, proxy);
    } catch (IllegalStateException e) {
      throw new JobFailedException("demo: cannot start the loopback servers: " + e.getMessage(),
          e);
    }
  }

  /** The addresses the bundled policy reads from {@code demo-ports.json}. */
  Map<String, Object> ports() {
    Map<String, Object> ports = new LinkedHashMap<>();
    ports.put("sink", Endpoints.format(sink.address()));
    ports.put("haproxy", Endpoints.format(proxyAware.address()));
    ports.put("socks5", Endpoints.format(proxy.address()));
    return ports;
  }
}
