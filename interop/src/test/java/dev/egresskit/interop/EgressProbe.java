package dev.egresskit.interop;

import dev.egresskit.core.model.EgressSource;
import dev.egresskit.transport.EgressConnectException;
import dev.egresskit.transport.EgressConnector;
import dev.egresskit.transport.ProbeResult;
import dev.egresskit.transport.SmtpProbe;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * EgressKit's own client as the tests drive it: an {@link EgressConnector} and an
 * {@link SmtpProbe} (banner, EHLO, QUIT) with one bounded deadline per probe.
 */
final class EgressProbe implements AutoCloseable {
  /** The probe's own deadline (connect, handshake and SMTP together). */
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final EgressConnector connector =
      EgressConnector.builder().eventLoopThreads(1).build();
  private final SmtpProbe probe = SmtpProbe.create(connector);

  /**
   * Probes {@code destination} from {@code source}.
   *
   * @throws EgressConnectException as the transport reports it, unwrapped
   */
  ProbeResult run(EgressSource source, InetSocketAddress destination)
      throws EgressConnectException {
    try {
      // The probe enforces TIMEOUT itself; the extra margin only catches a probe that does not.
      return probe.probe(source, destination, Optional.empty(), TIMEOUT)
          .get(TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof EgressConnectException failure) {
        throw failure;
      }
      throw new IllegalStateException("probe failed outside the transport's contract", e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("probe ignored its own deadline of " + TIMEOUT, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Probes and returns the failure; a success is an assertion failure naming what it reached. */
  EgressConnectException failure(EgressSource source, InetSocketAddress destination) {
    try {
      ProbeResult result = run(source, destination);
      throw new AssertionError("expected " + source.name() + " to fail, but it reached "
          + result.destination() + " from " + result.reportedSource());
    } catch (EgressConnectException expected) {
      return expected;
    }
  }

  @Override
  public void close() {
    connector.close();
  }
}
