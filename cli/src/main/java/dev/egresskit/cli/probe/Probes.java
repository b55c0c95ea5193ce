package dev.egresskit.cli.probe;

import dev.egresskit.cli.options.Endpoints;
import dev.egresskit.cli.output.JobFailedException;
import dev.egresskit.cli.output.Timing;
import dev.egresskit.core.model.EgressSource;
import dev.egresskit.transport.EgressConnectException;
import dev.egresskit.core.grammar.Durations;
import dev.egresskit.core.text.Printable;
import dev.egresskit.transport.PhaseTimings;
import dev.egresskit.transport.ProbeResult;
import dev.egresskit.transport.SmtpProbe;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs SMTP probes synchronously and renders their results (shared by probe and demo). */
public final class Probes {
  private Probes() {}

  /**
   * Probes {@code destination} from {@code source}, waiting for the result.
   *
   * @throws EgressConnectException when the connection or the SMTP exchange fails
   */
  public static ProbeResult run(SmtpProbe probe, EgressSource source, InetSocketAddress destination,
      Optional<String> ehlo, Duration timeout) throws EgressConnectException {
    try {
      // The probe enforces its own deadline; the extra second only guards against a bug there.
      return probe.probe(source, destination, ehlo, timeout)
          .get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof EgressConnectException connect) {
        throw connect;
      }
      throw new JobFailedException("probe of " + Printable.escape(source.name()) + " failed: " + e.getCause(),
          e.getCause());
    } catch (TimeoutException e) {
      throw new JobFailedException("probe of " + Printable.escape(source.name()) + " did not finish within "
          + Durations.format(timeout), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new JobFailedException("interrupted while probing " + Printable.escape(source.name()), e);
    }
  }

  /** {@code connect 312µs  handshake 0µs  banner 420µs  ehlo 210µs  total 942µs}. */
  static String timings(PhaseTimings t) {
    return (t.resolveMicros() > 0 ? "resolve " + Timing.micros(t.resolveMicros()) + "  " : "")
        + "connect " + Timing.micros(t.connectMicros())
        + "  handshake " + Timing.micros(t.handshakeMicros())
        + "  banner " + Timing.micros(t.bannerMicros())
        + "  ehlo " + Timing.micros(t.ehloMicros())
        + "  total " + Timing.micros(t.totalMicros());
  }

  /** The JSON view of a probe result (snake case, microseconds). */
  public static Map<String, Object> view(ProbeResult r) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("source", r.sourceName());
    out.put("destination", Endpoints.format(r.destination()));
    out.put("protocol", r.protocol());
    out.put("local_address", Endpoints.format(r.localAddress()));
    out.put("reported_source", Endpoints.format(r.reportedSource().address()));
    out.put("proxy", r.proxyCandidate().map(Endpoints::format).orElse(null));
    out.put("ehlo_sent", r.ehloName());
    out.put("banner", r.banner());
    out.put("ehlo_reply", r.ehloReply());
    out.put("timings_us", timingsView(r.timings()));
    return out;
  }

  static Map<String, Object> timingsView(PhaseTimings t) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("resolve", t.resolveMicros());
    out.put("connect", t.connectMicros());
    out.put("handshake", t.handshakeMicros());
    out.put("banner", t.bannerMicros());
    out.put("ehlo", t.ehloMicros());
    out.put("total", t.totalMicros());
    return out;
  }

  /** The JSON view of a failure. */
  static Map<String, Object> failureView(String source, EgressConnectException e) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("source", source);
    out.put("kind", e.kind().name());
    out.put("protocol", e.protocol());
    out.put("proxy", e.proxy());
    out.put("destination", e.destination());
    out.put("reason", e.reason());
    return out;
  }
}
