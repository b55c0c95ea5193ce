package dev.egresskit.interop;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * Gives tests a {@link Peers} parameter and makes peer logs part of every failure.
 *
 * <p>A test method's {@code Peers} logs into {@code target/peers/<Class>/<method>/} and is
 * stopped after the test; a {@code @BeforeAll} method's logs into {@code target/peers/<Class>/}
 * and is stopped after the class. When a test (or a lifecycle method) fails, the logs of every
 * peer in scope (the method's and the class's) are appended to the failure.
 */
final class PeerExtension implements ParameterResolver, TestExecutionExceptionHandler,
    LifecycleMethodExecutionExceptionHandler, AfterEachCallback, AfterAllCallback {

  /** Where peer directories go; set by the failsafe configuration to {@code target/peers}. */
  static final Path BASE =
      Path.of(System.getProperty("interop.peers.dir", "target/peers")).toAbsolutePath();

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(PeerExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == Peers.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context.getStore(NAMESPACE).getOrComputeIfAbsent(key(context),
        key -> new Peers(directoryOf(context)), Peers.class);
  }

  private static Path directoryOf(ExtensionContext context) {
    Path dir = BASE.resolve(context.getRequiredTestClass().getSimpleName());
    return context.getTestMethod().isPresent()
        ? dir.resolve(context.getRequiredTestMethod().getName())
        : dir;
  }

  @Override
  public void handleTestExecutionException(ExtensionContext context, Throwable failure)
      throws Throwable {
    throw PeerLogs.withPeerLogs(failure, peersInScope(context));
  }

  @Override
  public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable failure)
      throws Throwable {
    throw PeerLogs.withPeerLogs(failure, peersInScope(context));
  }

  @Override
  public void handleBeforeEachMethodExecutionException(ExtensionContext context,
      Throwable failure) throws Throwable {
    throw PeerLogs.withPeerLogs(failure, peersInScope(context));
  }

  @Override
  public void afterEach(ExtensionContext context) {
    stop(context);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    stop(context);
  }

  private static void stop(ExtensionContext context) {
    Peers peers = context.getStore(NAMESPACE).remove(key(context), Peers.class);
    if (peers != null) {
      peers.close();
    }
  }

  /**
   * Stores are inherited by nested contexts, so each context's peers are kept under a key of
   * its own: a test method never receives, or stops, its class's peers.
   */
  private static String key(ExtensionContext context) {
    return "peers " + context.getUniqueId();
  }

  /** The processes of this context's peers and of every enclosing context's. */
  private static List<PeerProcess> peersInScope(ExtensionContext context) {
    List<PeerProcess> processes = new ArrayList<>();
    for (Optional<ExtensionContext> c = Optional.of(context); c.isPresent();
        c = c.get().getParent()) {
      Peers peers = c.get().getStore(NAMESPACE).get(key(c.get()), Peers.class);
      if (peers != null) {
        processes.addAll(0, peers.processes());
      }
    }
    return processes;
  }
}
