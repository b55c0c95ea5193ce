package dev.egresskit.fleet;

import dev.egresskit.core.health.WindowShape;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One failure counted in a shared window, as the failure script publishes it on the tally
 * channel: {@code SUM OLDEST ORIGIN ID WINDOW_KEY}. Every node keeps the latest tally of each
 * window, so its next failure there can trip the rule at once on the connect thread (the sum it
 * heard, plus that failure, reaches the limit) instead of after a round trip to Redis.
 *
 * @param sum    the failures in the window once this one was counted
 * @param oldest the bucket index of the oldest failure in {@code sum}
 * @param origin the node that recorded the failure
 * @param id     the failure's id
 * @param window the window's key ({@link Keys#window})
 */
record Tally(long sum, long oldest, String origin, String id, String window) {

  Tally {
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(window, "window");
  }

  /**
   * Whether {@code sum} still holds at head bucket {@code head} of a window of {@code buckets}
   * buckets: the oldest failure counted has not left it (a tally only ever undercounts then,
   * since failures after it add to the window).
   */
  boolean holdsAt(long head, int buckets) {
    return oldest > head - buckets;
  }

  /**
   * Whether the tally still holds at {@code now}, for the window shape its key names ({@code
   * ...:BUCKET_SECONDSxBUCKET_COUNT}, {@link Keys#window}); false if the key names none.
   */
  boolean holdsAt(Instant now) {
    String shape = window.substring(window.lastIndexOf(':') + 1);
    int x = shape.indexOf('x');
    try {
      WindowShape parsed = new WindowShape(Long.parseLong(shape.substring(0, Math.max(0, x))),
          Integer.parseInt(shape.substring(x + 1)));
      return holdsAt(parsed.bucketOf(now), parsed.bucketCount());
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** The tally in {@code text}, or empty if it is not one. */
  static Optional<Tally> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    String[] parts = text.split(" ", 5);
    if (parts.length != 5 || parts[2].isEmpty() || parts[3].isEmpty() || parts[4].isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(new Tally(Long.parseLong(parts[0]), Long.parseLong(parts[1]), parts[2],
          parts[3], parts[4]));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
