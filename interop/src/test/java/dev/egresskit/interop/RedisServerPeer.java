package dev.egresskit.interop;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A real {@code redis-server} (Debian's package) on a free loopback port, with no persistence,
 * its files in the test's peer directory, stopped by pid with the other peers.
 *
 * @param process the running server
 * @param address where it listens
 */
record RedisServerPeer(PeerProcess process, InetSocketAddress address) {

  /** {@code redis://127.0.0.1:<port>}. */
  String url() {
    return "redis://" + address.getAddress().getHostAddress() + ":" + address.getPort();
  }

  /**
   * Starts a server with {@code extraArgs} (e.g. {@code --requirepass x}) and waits until it
   * accepts connections.
   */
  static RedisServerPeer start(Peers peers, String... extraArgs) {
    InetAddress host = InetAddress.getLoopbackAddress();
    IllegalStateException last = null;
    for (int attempt = 1; attempt <= 3; attempt++) {
      int port = Place.HOST.ports().freePort(host);
      List<String> command = new ArrayList<>(List.of("redis-server", "--port",
          String.valueOf(port), "--bind", host.getHostAddress(), "--save", "", "--appendonly",
          "no", "--dir", peers.dir().toString(), "--dbfilename", "dump-" + port + ".rdb",
          "--cluster-config-file", "nodes-" + port + ".conf"));
      command.addAll(List.of(extraArgs));
      PeerProcess process = peers.start("redis-" + port, command);
      InetSocketAddress address = new InetSocketAddress(host, port);
      try {
        process.awaitLog("redis ready", PeerProcess.START_TIMEOUT,
            log -> log.contains("Ready to accept connections") ? Optional.of(true)
                : Optional.empty());
        process.awaitListening(address, Place.HOST.reachability(), PeerProcess.START_TIMEOUT);
        return new RedisServerPeer(process, address);
      } catch (IllegalStateException e) {
        process.close();
        last = e;
        if (process.isAlive() || !process.logText().contains("in use")) {
          break;
        }
      }
    }
    throw last;
  }
}
