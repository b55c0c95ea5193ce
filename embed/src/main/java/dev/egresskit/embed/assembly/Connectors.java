package dev.egresskit.embed.assembly;

import dev.egresskit.core.health.SourceHealth;
import dev.egresskit.transport.EgressConnector;
import java.util.function.Supplier;

/**
 * The assembly's connectors, each started on first use and closed with the assembly: one for
 * Netty connections (Epoll when available), one whose connections can be detached into blocking
 * sockets (NIO, one event-loop thread: it only runs handshakes), and one whose proxy handshakes
 * run in KumoMTA's lock-step (for SOCKS5 servers that drop pipelined requests); with shared
 * health the Netty and lock-step connectors run on the {@link SharedLoops}. All record
 * failures in the shared source health and find connect-strategy plug-ins in the plug-in class
 * loader.
 */
public final class Connectors {
  private final Lazy netty;
  private final Lazy sockets;
  private final Lazy lockstep;

  Connectors(SourceHealth health, ClassLoader plugins, int eventLoopThreads, SharedLoops loops,
      Closer closer) {
    Supplier<EgressConnector.Builder> common = () -> EgressConnector.builder()
        .health(health)
        .classLoader(plugins);
    Supplier<EgressConnector.Builder> onNettyLoops = () -> loops.group()
        .map(group -> common.get().eventLoops(group))
        .orElseGet(() -> common.get().eventLoopThreads(eventLoopThreads));
    this.netty = new Lazy(() -> closer.register(onNettyLoops.get().build()));
    this.sockets = new Lazy(() -> closer.register(
        common.get().nativeTransport(false).eventLoopThreads(1).build()));
    this.lockstep = new Lazy(() -> closer.register(
        onNettyLoops.get().lockstepHandshakes(true).build()));
  }

  /** The connector for Netty connections. */
  public EgressConnector netty() {
    return netty.get();
  }

  /** The connector whose connections can be {@linkplain
   * dev.egresskit.transport.EgressConnection#detach() detached} into blocking sockets. */
  public EgressConnector sockets() {
    return sockets.get();
  }

  /**
   * The connector for Netty connections whose proxy handshakes send each request only after
   * the previous reply (see {@link EgressConnector.Builder#lockstepHandshakes}).
   */
  public EgressConnector lockstep() {
    return lockstep.get();
  }

  /** A value created once, on first use, by any thread. */
  private static final class Lazy {
    private final Supplier<EgressConnector> create;
    private volatile EgressConnector value;

    Lazy(Supplier<EgressConnector> create) {
      this.create = create;
    }

    EgressConnector get() {
      EgressConnector v = value;
      if (v == null) {
        synchronized (this) {
          v = value;
          if (v == null) {
            v = create.get();
            value = v;
          }
        }
      }
      return v;
    }
  }
}
