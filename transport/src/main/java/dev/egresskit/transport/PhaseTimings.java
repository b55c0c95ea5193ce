package dev.egresskit.transport;

/**
 * Time spent in each phase of a connection and SMTP probe, in microseconds. Phases that did not
 * run (no name to resolve, no SMTP exchange) are 0.
 *
 * @param resolveMicros   resolving the proxy host name into candidates
 * @param connectMicros   from the candidates being known to the winning TCP connection
 *                        (includes failed candidates)
 * @param handshakeMicros the proxy handshake (PROXY header write, SOCKS5 exchange)
 * @param bannerMicros    waiting for the SMTP 220 banner
 * @param ehloMicros      from sending EHLO to the complete 250 reply
 */
public record PhaseTimings(
    long resolveMicros, long connectMicros, long handshakeMicros, long bannerMicros,
    long ehloMicros) {

  /** The sum of all phases. */
  public long totalMicros() {
    return resolveMicros + connectMicros + handshakeMicros + bannerMicros + ehloMicros;
  }

  /** The same timings with the SMTP phases filled in. */
  PhaseTimings withSmtp(long banner, long ehlo) {
    return new PhaseTimings(resolveMicros, connectMicros, handshakeMicros, banner, ehlo);
  }
}
