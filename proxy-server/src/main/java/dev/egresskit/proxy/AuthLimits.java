package dev.egresskit.proxy;

import java.time.Duration;
import java.util.Objects;

/**
 * Bounds on the authentication path, so that clients that cannot log in cannot keep others
 * from logging in (see {@link ProxyAuthenticator}).
 *
 * <p>Pending checks wait in one queue per client address (an IPv4 address, or an IPv6 /64, the
 * block one host usually holds), served in turn, so a new address waits for at most the checks
 * already running, never for another address's backlog; and one address runs checks on at most
 * {@code workers - 1} threads (at least one), so with two or more workers another address finds
 * one free. An address may have
 * {@code pendingPerAddress} checks waiting or running; the server {@code pendingTotal}; beyond
 * either an attempt is refused at once. Each refused check spends one of the
 * {@code failureBurst} failure tokens of its client address and username; one token comes back
 * every {@code failureRefill}; without tokens that address is refused for that username without
 * a check until one comes back (other usernames from the same address, such as the other
 * sources of one MTA, are not affected).
 *
 * @param workers the threads that run checks
 * @param pendingPerAddress checks one client address may have waiting or running
 * @param pendingTotal checks the server may have waiting or running
 * @param failureBurst failures an address may have for one username before it is refused
 *     without a check
 * @param failureRefill how often an address gets one failure token back
 */
public record AuthLimits(
    int workers, int pendingPerAddress, int pendingTotal, int failureBurst, Duration failureRefill) {

  /**
   * Validates the bounds.
   *
   * @throws IllegalArgumentException if a count is below 1, {@code pendingPerAddress} exceeds
   *     {@code pendingTotal}, or the refill interval is not positive
   */
  public AuthLimits {
    positive("workers", workers);
    positive("pendingPerAddress", pendingPerAddress);
    positive("pendingTotal", pendingTotal);
    positive("failureBurst", failureBurst);
    Objects.requireNonNull(failureRefill, "failureRefill");
    if (pendingPerAddress > pendingTotal) {
      throw new IllegalArgumentException("pendingPerAddress " + pendingPerAddress
          + " exceeds pendingTotal " + pendingTotal);
    }
    if (failureRefill.isNegative() || failureRefill.isZero()) {
      throw new IllegalArgumentException("failureRefill must be positive");
    }
  }

  /**
   * The defaults: 2 workers, 4 pending checks per address, 256 in all, 10 failures in a burst
   * and one more every 6 s (10 a minute) per address and username.
   *
   * @return the default limits
   */
  public static AuthLimits defaults() {
    return new AuthLimits(2, 4, 256, 10, Duration.ofSeconds(6));
  }

  private static void positive(String name, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " is " + value + ": expected 1 or more");
    }
  }
}
