package dev.egresskit.fleet;

import dev.egresskit.core.health.HealthEvent;
import dev.egresskit.core.health.SourceHealthTracker.Suspension;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A suspension as the fleet stores and announces it: {@code REASON UNTIL_MS ORIGIN SOURCE}, one
 * space between fields, the source name last so it may hold any character (the failure script
 * writes the same form).
 *
 * @param suspension the source, reason and end
 * @param origin     the node that decided it (no white space)
 */
record Announcement(Suspension suspension, String origin) {

  Announcement {
    Objects.requireNonNull(suspension, "suspension");
    Objects.requireNonNull(origin, "origin");
  }

  String format() {
    return suspension.reason().name() + ' ' + suspension.until().toEpochMilli() + ' ' + origin
        + ' ' + suspension.source();
  }

  /** The announcement in {@code text}, or empty if it is not one (logged by the caller). */
  static Optional<Announcement> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    String[] parts = text.split(" ", 4);
    if (parts.length != 4 || parts[2].isEmpty() || parts[3].isEmpty()) {
      return Optional.empty();
    }
    HealthEvent reason;
    long until;
    try {
      reason = HealthEvent.valueOf(parts[0]);
      until = Long.parseLong(parts[1]);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    return Optional.of(new Announcement(
        new Suspension(parts[3], reason, Instant.ofEpochMilli(until)), parts[2]));
  }
}
