package dev.egresskit.proxy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * KumoProxy's meters (spec §3.3), each labelled {@code listener}, and two of our own that say
 * how much a splicing relay ({@link SpliceRelay}) really spliced.
 */
final class ProxyMetrics {

  static final String ACCEPTED = "proxy_connections_accepted_total";
  static final String FAILED = "proxy_connections_failed_total";
  static final String COMPLETED = "proxy_connections_completed_total";
  static final String ACTIVE = "proxy_active_connections";
  static final String BYTES_UP = "proxy_bytes_client_to_dest_total";
  static final String BYTES_DOWN = "proxy_bytes_dest_to_client_total";
  static final String TLS_FAILURES = "proxy_tls_handshake_failures_total";
  static final String BYTES_SPLICED = "proxy_bytes_spliced_total";
  static final String PIPES_OPENED = "proxy_relay_pipes_opened_total";

  private final Counter accepted;
  private final Counter completed;
  private final Counter bytesUp;
  private final Counter bytesDown;
  private final Counter tlsFailures;
  private final Counter bytesSpliced;
  private final Counter pipesOpened;
  private final Map<Outcome, Counter> failed = new EnumMap<>(Outcome.class);

  ProxyMetrics(MeterRegistry registry, String listener, AtomicInteger active) {
    accepted = Counter.builder(ACCEPTED).tag("listener", listener)
        .description("SOCKS5 client connections accepted").register(registry);
    completed = Counter.builder(COMPLETED).tag("listener", listener)
        .description("SOCKS5 connections that reached the relay phase and ended").register(registry);
    bytesUp = Counter.builder(BYTES_UP).tag("listener", listener).baseUnit("bytes")
        .description("Bytes relayed from clients to destinations").register(registry);
    bytesDown = Counter.builder(BYTES_DOWN).tag("listener", listener).baseUnit("bytes")
        .description("Bytes relayed from destinations to clients").register(registry);
    bytesSpliced = Counter.builder(BYTES_SPLICED).tag("listener", listener).baseUnit("bytes")
        .description("Of the bytes relayed either way, those moved with splice(2) through a pipe")
        .register(registry);
    pipesOpened = Counter.builder(PIPES_OPENED).tag("listener", listener)
        .description("Relay directions that turned to splice(2): a pipe each, opened once a"
            + " read filled the relay's 16 KiB copy buffer")
        .register(registry);
    tlsFailures = Counter.builder(TLS_FAILURES).tag("listener", listener)
        .description("TLS handshakes with clients that failed").register(registry);
    for (Outcome outcome : Outcome.values()) {
      if (outcome.relayOnly()) {
        continue;
      }
      failed.put(outcome, Counter.builder(FAILED).tag("listener", listener)
          .tag("reason", outcome.label())
          .description("SOCKS5 connections that ended before the relay phase").register(registry));
    }
    Gauge.builder(ACTIVE, active, AtomicInteger::get).tag("listener", listener)
        .description("SOCKS5 connections currently open").strongReference(true).register(registry);
  }

  void accepted() {
    accepted.increment();
  }

  void tlsHandshakeFailed() {
    tlsFailures.increment();
  }

  void completed() {
    completed.increment();
  }

  void failed(Outcome reason) {
    failed.get(reason).increment();
  }

  void bytesClientToDest(long n) {
    bytesUp.increment(n);
  }

  void bytesDestToClient(long n) {
    bytesDown.increment(n);
  }

  void bytesSpliced(long n) {
    bytesSpliced.increment(n);
  }

  void pipeOpened() {
    pipesOpened.increment();
  }
}
