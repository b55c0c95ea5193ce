package dev.egresskit.testkit.redis;

import dev.egresskit.testkit.process.Processes;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Debian {@code redis-server} on a free loopback port, with no persistence (a restart
 * comes back empty), run from a private directory and stopped by its own pid. Fault tests
 * {@link #kill()} it, {@link #pause()} it (SIGSTOP: a Redis that accepts connections but never
 * answers), and {@link #restart()} it on the same port.
 */
public final class RedisServer implements AutoCloseable {
  /** Where Debian installs it; {@code REDIS_SERVER} overrides. */
  public static final String DEFAULT_EXECUTABLE = "/usr/bin/redis-server";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(15);

  private final Path dir;
  private final int port;
  private final List<String> extraArgs;
  private final boolean tls;
  private Process process;
  private int starts;

  private RedisServer(Path dir, int port, List<String> extraArgs, boolean tls) {
    this.dir = dir;
    this.port = port;
    this.extraArgs = List.copyOf(extraArgs);
    this.tls = tls;
  }

  /** Starts one in {@code dir} with {@code extraArgs} (e.g. {@code --requirepass x}). */
  public static RedisServer start(Path dir, String... extraArgs) {
    RedisServer server = new RedisServer(dir, freePort(), List.of(extraArgs), false);
    server.launch();
    return server;
  }

  /**
   * Starts one that speaks only TLS on its port, with the PEM {@code certificate} and {@code
   * key}; clients are not asked for certificates.
   */
  public static RedisServer startTls(Path dir, Path certificate, Path key) {
    RedisServer server = new RedisServer(dir, freePort(), List.of("--tls-cert-file",
        certificate.toString(), "--tls-key-file", key.toString(), "--tls-auth-clients", "no"),
        true);
    server.launch();
    return server;
  }

  /** A port nothing listens on now (for "Redis is down at start", then {@link #startOn}). */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress("127.0.0.1", 0));
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts one on a given {@code port}. */
  public static RedisServer startOn(Path dir, int port, String... extraArgs) {
    RedisServer server = new RedisServer(dir, port, List.of(extraArgs), false);
    server.launch();
    return server;
  }

  /** The executable: {@code $REDIS_SERVER}, else {@value #DEFAULT_EXECUTABLE}. */
  public static String executable() {
    String configured = System.getenv("REDIS_SERVER");
    return configured != null && !configured.isBlank() ? configured : DEFAULT_EXECUTABLE;
  }

  public int port() {
    return port;
  }

  /** {@code redis://127.0.0.1:PORT}. */
  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  /** The process id of the running server. */
  public synchronized long pid() {
    return process.pid();
  }

  public synchronized boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** SIGKILL, as a crash: no goodbye to clients. Waits until it has exited. */
  public synchronized void kill() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Starts it again, empty, on the same port. */
  public synchronized void restart() {
    kill();
    launch();
  }

  /** SIGSTOP: connections stay open, nothing is answered (a Redis too slow to be useful). */
  public synchronized void pause() {
    signal("-STOP");
  }

  /** SIGCONT after {@link #pause()}. */
  public synchronized void resume() {
    signal("-CONT");
  }

  private void signal(String signal) {
    try {
      Process kill = new ProcessBuilder("kill", signal, Long.toString(process.pid()))
          .redirectErrorStream(true).start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill " + signal + " " + process.pid() + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void launch() {
    starts++;
    try {
      Files.createDirectories(dir);
      Path log = dir.resolve("redis-" + port + "-" + starts + ".log");
      List<String> command = new ArrayList<>(List.of(executable(),
          "--port", tls ? "0" : Integer.toString(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
          "--dir", dir.toString(), "--daemonize", "no"));
      if (tls) {
        command.addAll(List.of("--tls-port", Integer.toString(port)));
      }
      command.addAll(extraArgs);
      process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
      long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
      while (!answers()) {
        if (!process.isAlive()) {
          throw new IllegalStateException("redis-server exited with " + process.exitValue()
              + ": " + Files.readString(log));
        }
        if (System.nanoTime() - deadline > 0) {
          throw new IllegalStateException("redis-server not answering on " + port + " within "
              + START_TIMEOUT + ": " + Files.readString(log));
        }
        process.waitFor(10, TimeUnit.MILLISECONDS); // returns early if it dies
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + executable(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * One PING: any reply (PONG, or NOAUTH when a password is required) means it is serving; a TLS
   * port only has to accept the connection.
   */
  private boolean answers() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
      if (tls) {
        return true;
      }
      socket.setSoTimeout(500);
      OutputStream out = socket.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      int first = in.read();
      return first == '+' || first == '-';
    } catch (IOException notYet) {
      return false;
    }
  }

  @Override
  public synchronized void close() {
    if (process != null && process.isAlive()) {
      resume();
      Processes.stop(process);
    }
  }
}
