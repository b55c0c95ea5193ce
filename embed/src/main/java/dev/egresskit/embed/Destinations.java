package dev.egresskit.embed;

import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.model.Route;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Turns a destination host name into the address a connection dials: the JDK resolver on two
 * daemon threads (IP literals are parsed, not looked up), and the first address of the family of
 * the address the destination will see, when the route fixes one ({@code source_address} for a
 * direct route, {@code ha_proxy_source_address}, {@code socks5_proxy_source_address}): a
 * 127.0.0.2 source cannot reach ::1.
 */
final class Destinations implements AutoCloseable {
  private final ExecutorService executor;

  Destinations() {
    ThreadPoolExecutor pool = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, "egresskit-dns");
          t.setDaemon(true);
          return t;
        });
    pool.allowCoreThreadTimeOut(true);
    this.executor = pool;
  }

  /**
   * {@code given} when its family suits {@code source}; otherwise its host name resolved again
   * for an address of the right family (Jakarta Mail resolves a name to its first address only).
   */
  InetSocketAddress forSource(EgressSource source, InetSocketAddress given)
      throws UnknownHostException {
    Optional<InetAddress> seen = presentedAddress(source);
    if (seen.isEmpty() || sameFamily(seen.get(), given.getAddress())) {
      return given;
    }
    String host = given.getHostString();
    return new InetSocketAddress(pick(source, host, InetAddress.getAllByName(host)),
        given.getPort());
  }

  /** The source address the destination will see, when the route decides it. */
  private static Optional<InetAddress> presentedAddress(EgressSource source) {
    Route route = source.route();
    if (route instanceof Route.HaProxy ha) {
      return Optional.of(ha.sourceAddress());
    }
    if (route instanceof Route.Socks5 socks) {
      return socks.sourceAddress();
    }
    return route.bindAddress();
  }

  private static boolean sameFamily(InetAddress a, InetAddress b) {
    return (a instanceof Inet4Address) == (b instanceof Inet4Address);
  }

  /** {@code host:port} for {@code source}, resolved without blocking the caller. */
  CompletableFuture<InetSocketAddress> resolve(EgressSource source, String host, int port) {
    checkPort(port);
    return CompletableFuture.supplyAsync(() -> {
      try {
        return new InetSocketAddress(pick(source, host, InetAddress.getAllByName(host)), port);
      } catch (UnknownHostException e) {
        throw new CompletionException(e);
      }
    }, executor);
  }

  private static InetAddress pick(EgressSource source, String host, InetAddress[] found)
      throws UnknownHostException {
    List<InetAddress> all = Arrays.asList(found);
    Optional<InetAddress> seen = presentedAddress(source);
    if (seen.isEmpty()) {
      return all.get(0);
    }
    boolean v4 = seen.get() instanceof Inet4Address;
    return all.stream().filter(a -> sameFamily(a, seen.get())).findFirst()
        .orElseThrow(() -> new UnknownHostException(host + " has no IPv" + (v4 ? "4" : "6")
            + " address for source " + source.name() + " (which presents "
            + seen.get().getHostAddress() + "); it has " + all));
  }

  private static void checkPort(int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535 (0 means 25): " + port);
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
