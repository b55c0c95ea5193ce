package dev.egresskit.fleet;

import dev.egresskit.core.health.HealthEvent;
import dev.egresskit.core.health.WindowShape;

/**
 * The fleet's key names. The source name is a Redis Cluster hash tag, so the two keys one failure
 * touches (its window and its suspension) share a slot.
 *
 * <ul>
 *   <li>{@code PREFIX{SOURCE}:window:EVENT:BUCKETSxCOUNT}: a sorted set of failure ids scored
 *       by bucket index</li>
 *   <li>{@code PREFIX{SOURCE}:suspended}: {@code REASON UNTIL_MS ORIGIN SOURCE}, expiring at the
 *       end of the suspension</li>
 *   <li>{@code PREFIXsuspensions}: the pub/sub channel of every new or longer suspension</li>
 *   <li>{@code PREFIXfailures}: the pub/sub channel of every failure counted in a shared window,
 *       with the window's sum ({@link Tally})</li>
 * </ul>
 */
record Keys(String prefix) {

  String window(String source, HealthEvent event, WindowShape shape) {
    return prefix + '{' + source + "}:window:" + event.name() + ':' + shape.bucketSeconds() + 'x'
        + shape.bucketCount();
  }

  String suspension(String source) {
    return prefix + '{' + source + "}:suspended";
  }

  /** A SCAN pattern for every suspension key (the prefix has no glob characters). */
  String suspensionPattern() {
    return prefix + "{*}:suspended";
  }

  String channel() {
    return prefix + "suspensions";
  }

  String tallyChannel() {
    return prefix + "failures";
  }
}
