package dev.egresskit.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The peers of one test (or one test class): each is started here, logs into this test's own
 * directory under {@code target/peers/}, and is stopped by pid when the test ends, whatever
 * its outcome. {@link PeerExtension} hands an instance to tests and attaches the logs to
 * failures.
 */
final class Peers implements AutoCloseable {
  /** How often a peer start is retried when its port was taken between picking and binding. */
  private static final int START_ATTEMPTS = 3;

  private final Path dir;
  private final List<PeerProcess> processes = new ArrayList<>();
  private final Deque<AutoCloseable> resources = new ArrayDeque<>();
  private boolean closed;

  Peers(Path dir) {
    this.dir = dir;
    try {
      if (Files.exists(dir)) {
        try (Stream<Path> old = Files.walk(dir)) {
          old.sorted((a, b) -> b.getNameCount() - a.getNameCount())
              .filter(p -> !p.equals(dir))
              .forEach(p -> p.toFile().delete());
        }
      }
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare " + dir, e);
    }
  }

  /** The directory that holds this test's peer logs and configuration files. */
  Path dir() {
    return dir;
  }

  /** An smtp-sink on a free port of {@code host}, in the test JVM's own namespace. */
  SmtpSinkPeer smtpSink(InetAddress host) {
    return smtpSink(Place.HOST, host);
  }

  /** An smtp-sink on a free port of {@code host} in {@code place}, ready to accept. */
  synchronized SmtpSinkPeer smtpSink(Place place, InetAddress host) {
    IllegalStateException last = null;
    for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      int port = place.ports().freePort(host);
      InetSocketAddress address = new InetSocketAddress(host, port);
      PeerProcess process = start("smtp-sink-" + place.label() + "-" + port,
          place.wrap(SmtpSinkPeer.command(host, port)));
      try {
        process.awaitListening(address, place.reachability(), PeerProcess.START_TIMEOUT);
        // The readiness connection is a session too: wait until smtp-sink has logged its end,
        // so the log is quiet when the test starts and "no new session" can be asserted.
        process.awaitLog("the readiness connection logged", PeerProcess.START_TIMEOUT,
            log -> log.contains("smtp-sink: disconnect") ? Optional.of(true) : Optional.empty());
        return new SmtpSinkPeer(process, address);
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

  /** An HAProxy whose frontends listen on free ports of {@code host}, ready to accept. */
  HaproxyPeer haproxy(InetAddress host, InetSocketAddress fixedServer,
      List<String> allowedNetworks) {
    return haproxy(Place.HOST, host, fixedServer, allowedNetworks);
  }

  /**
   * An HAProxy in {@code place} (see {@link HaproxyPeer} for its two frontends). The
   * configuration is checked with {@code haproxy -c} first, so a config error is reported as
   * such rather than as a start timeout.
   */
  synchronized HaproxyPeer haproxy(Place place, InetAddress host, InetSocketAddress fixedServer,
      List<String> allowedNetworks) {
    IllegalStateException last = null;
    for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      InetSocketAddress fixed = new InetSocketAddress(host, place.ports().freePort(host));
      InetSocketAddress usesrc = new InetSocketAddress(host, place.ports().freePort(host));
      if (fixed.getPort() == usesrc.getPort()) {
        continue;
      }
      Path config = dir.resolve("haproxy-" + place.label() + "-" + fixed.getPort() + ".cfg");
      write(config, HaproxyPeer.config(fixed, usesrc, fixedServer, allowedNetworks));
      Commands.run("haproxy", "-c", "-f", config.toString()).requireSuccess();
      PeerProcess process = start("haproxy-" + place.label() + "-" + fixed.getPort(),
          place.wrap(HaproxyPeer.command(config.toString())));
      try {
        process.awaitListening(fixed, place.reachability(), PeerProcess.START_TIMEOUT);
        process.awaitListening(usesrc, place.reachability(), PeerProcess.START_TIMEOUT);
        return new HaproxyPeer(process, fixed, usesrc);
      } catch (IllegalStateException e) {
        process.close();
        last = e;
        if (process.isAlive() || !process.logText().contains("in use")) {
          break;
        }
      }
    }
    throw last != null ? last : new IllegalStateException("no two distinct free ports on " + host);
  }

  /** Starts any other process as a peer of this test: its log is kept and attached likewise. */
  synchronized PeerProcess start(String name, List<String> command) {
    if (closed) {
      throw new IllegalStateException("the peers of " + dir + " are already stopped");
    }
    String unique = name;
    for (int n = 2; isTaken(unique); n++) {
      unique = name + "-" + n;
    }
    PeerProcess process = PeerProcess.start(unique, command, dir.resolve(unique + ".log"));
    processes.add(process);
    return process;
  }

  private boolean isTaken(String name) {
    return processes.stream().anyMatch(p -> p.name().equals(name));
  }

  /** Closes {@code resource} (an in-process server, say) when the peers stop, before them. */
  synchronized <T extends AutoCloseable> T closeAtEnd(T resource) {
    resources.push(resource);
    return resource;
  }

  /** The processes started so far, in start order. */
  synchronized List<PeerProcess> processes() {
    return List.copyOf(processes);
  }

  /** Stops every resource, then every process, newest first. Safe to call twice. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    RuntimeException failure = null;
    while (!resources.isEmpty()) {
      try {
        resources.pop().close();
      } catch (Exception e) {
        failure = failure == null ? new IllegalStateException("stopping peers failed", e) : failure;
      }
    }
    for (int i = processes.size() - 1; i >= 0; i--) {
      processes.get(i).close();
    }
    if (failure != null) {
      throw failure;
    }
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
