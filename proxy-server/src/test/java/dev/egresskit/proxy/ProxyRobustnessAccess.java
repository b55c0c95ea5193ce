package dev.egresskit.proxy;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.Channel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Lets the tests in {@code dev.egresskit.proxy.robustness} run the proxy's real session handling
 * on a channel of their own (an {@code EmbeddedChannel}): the same {@link ServerContext},
 * handlers and meters as an accepted connection, without a listening socket.
 *
 * <p>The context uses the NIO transport. An {@code EmbeddedChannel}'s event loop cannot register
 * NIO sockets, so every BIND and CONNECT fails at registration: a fuzzed request can never dial
 * anything, whatever address it names.
 */
public final class ProxyRobustnessAccess {

  private ProxyRobustnessAccess() {}

  /** The meter names, as the server registers them. */
  public static final String FAILED = ProxyMetrics.FAILED;
  public static final String ACCEPTED = ProxyMetrics.ACCEPTED;
  public static final String COMPLETED = ProxyMetrics.COMPLETED;
  public static final String ACTIVE = ProxyMetrics.ACTIVE;
  public static final String BYTES_UP = ProxyMetrics.BYTES_UP;
  public static final String BYTES_DOWN = ProxyMetrics.BYTES_DOWN;

  /**
   * A session installer backed by one server context.
   *
   * @param registry where the context's meters go
   * @param credentials the users, or null
   * @param requireAuth whether clients must authenticate
   * @param timeouts the per-phase timeouts
   * @return something that installs the session handlers on a channel that is not yet active
   */
  public static Consumer<Channel> installer(MeterRegistry registry, ProxyCredentials credentials,
      boolean requireAuth, ProxyTimeouts timeouts) {
    AtomicInteger active = new AtomicInteger();
    ProxyConfig config = new ProxyConfig(credentials, requireAuth, null, null,
        DestinationRule.any(), timeouts);
    ProxyMetrics metrics = new ProxyMetrics(registry, "embedded", active);
    // Checks run on the calling thread; the fuzz runs many attempts from one address, so the
    // failure rate limit is set out of their way.
    AuthGate gate = credentials == null ? null : new AuthGate(credentials,
        new AuthLimits(1, 4, 4, Integer.MAX_VALUE, java.time.Duration.ofSeconds(1)),
        Runnable::run, System::nanoTime);
    ServerContext context = new ServerContext(config, SocketBackend.select(false), metrics, active,
        gate, new DefaultChannelGroup(GlobalEventExecutor.INSTANCE), "embedded", null);
    return context::accept;
  }

  /**
   * Credentials with one user, hashed with the fewest PBKDF2 iterations allowed (fast tests).
   *
   * @param user the user name
   * @param password the password
   * @return the credentials
   */
  public static ProxyCredentials fastCredentials(String user, String password) {
    return ProxyCredentials.parse("robustness",
        List.of(ProxyCredentials.hashLine(user, password.toCharArray(), PasswordHash.MIN_ITERATIONS)));
  }
}
