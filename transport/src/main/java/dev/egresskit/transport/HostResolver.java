package dev.egresskit.transport;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * Resolves a proxy host name into addresses at connect time. The connector orders the result A
 * records first, then AAAA (keeping the resolver's order within each family), filters it to the
 * family of {@code source_address}, and tries each address in turn. It never calls the resolver
 * for IP literals. Implementations must not block the calling thread.
 */
@FunctionalInterface
public interface HostResolver {

  /**
   * Resolves {@code host}. The future fails with an exception whose message is quoted in the
   * error text; an empty list means the name exists but has no addresses.
   */
  CompletableFuture<List<InetAddress>> resolve(String host);

  /**
   * The JDK resolver ({@link InetAddress#getAllByName}), run on {@code executor} so the blocking
   * lookup never runs on an event loop.
   */
  static HostResolver system(Executor executor) {
    Objects.requireNonNull(executor, "executor");
    return host -> CompletableFuture.supplyAsync(() -> {
      try {
        return Arrays.asList(InetAddress.getAllByName(host));
      } catch (UnknownHostException e) {
        throw new CompletionException(e);
      }
    }, executor);
  }
}
