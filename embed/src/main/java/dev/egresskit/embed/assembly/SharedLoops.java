package dev.egresskit.embed.assembly;

import dev.egresskit.transport.EgressConnector;
import io.netty.channel.EventLoopGroup;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The event loops a kit that shares source health through Redis runs its Netty connectors and
 * its Redis client on together: a failure goes to Redis from the thread where the attempt
 * ended, and the fleet's news is read on the threads that start attempts, with no wake-up of a
 * thread of Redis's own in between. A kit with its own health has none (each connector keeps
 * loops of its own).
 *
 * @param group the loops, closed by the assembly after everything that runs on them
 */
record SharedLoops(Optional<EventLoopGroup> group) {

  static SharedLoops none() {
    return new SharedLoops(Optional.empty());
  }

  /**
   * Loops of {@code threads} (0: Netty's choice), registered with {@code closer} before the
   * connectors and the health that use them, so they close after them.
   */
  static SharedLoops start(int threads, Closer closer) {
    EventLoopGroup group = EgressConnector.newEventLoops(threads);
    closer.register(() -> group.shutdownGracefully(0, 2, TimeUnit.SECONDS)
        .awaitUninterruptibly(5, TimeUnit.SECONDS));
    return new SharedLoops(Optional.of(group));
  }
}
