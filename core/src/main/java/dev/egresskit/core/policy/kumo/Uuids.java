package dev.egresskit.core.policy.kumo;

import dev.egresskit.core.policy.support.KumoApiException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * {@code kumo.uuid.*}: new v1, v4, v6 and v7 UUIDs and {@code parse}, as KumoMTA's Uuid fields
 * ({@code hyphenated}, {@code simple}, {@code braced}, {@code urn}). Time-based UUIDs read the
 * library's clock; their node id is random (a policy has no MAC address to offer).
 */
final class Uuids {
  /** 100 ns intervals between 1582-10-15 and 1970-01-01. */
  private static final long GREGORIAN_OFFSET = 0x01b21dd213814000L;
  private static final SecureRandom RANDOM = new SecureRandom();

  private Uuids() {}

  static void register(KumoLibrary.Builder b, Clock clock) {
    b.real("uuid.new_v4", (a, c) -> fields(UUID.randomUUID()));
    b.real("uuid.new_v1", (a, c) -> fields(timeBased(clock, false)));
    b.real("uuid.new_v6", (a, c) -> fields(timeBased(clock, true)));
    b.real("uuid.new_v7", (a, c) -> fields(v7(clock)));
    b.real("uuid.parse", (a, c) -> {
      String text = a.string(0, "TEXT");
      String hex = text.replaceFirst("^urn:uuid:", "").replaceAll("^\\{|\\}$", "")
          .replace("-", "");
      if (!hex.matches("[0-9a-fA-F]{32}")) {
        throw new KumoApiException(a.function() + ": '" + text + "' is not a UUID (allowed:"
            + " hyphenated, simple, braced or urn form)");
      }
      return fields(new UUID(Long.parseUnsignedLong(hex.substring(0, 16), 16),
          Long.parseUnsignedLong(hex.substring(16), 16)));
    });
  }

  private static Map<String, Object> fields(UUID uuid) {
    String hyphenated = uuid.toString();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("hyphenated", hyphenated);
    out.put("simple", hyphenated.replace("-", ""));
    out.put("braced", "{" + hyphenated + "}");
    out.put("urn", "urn:uuid:" + hyphenated);
    return out;
  }

  private static UUID timeBased(Clock clock, boolean v6) {
    long ticks = clock.millis() * 10_000 + GREGORIAN_OFFSET + RANDOM.nextInt(10_000);
    long high;
    if (v6) {
      high = ((ticks >>> 12) << 16) | 0x6000L | (ticks & 0xfff);
    } else {
      long low = ticks & 0xffffffffL;
      long mid = (ticks >>> 32) & 0xffff;
      long hi = (ticks >>> 48) & 0x0fff;
      high = (low << 32) | (mid << 16) | 0x1000L | hi;
    }
    long clockSeq = RANDOM.nextInt(0x4000);
    long node = RANDOM.nextLong() & 0xffffffffffffL | 0x010000000000L;
    long lowBits = (0x8000L | clockSeq) << 48 | node;
    return new UUID(high, lowBits);
  }

  private static UUID v7(Clock clock) {
    long high = (clock.millis() << 16) | 0x7000L | RANDOM.nextInt(0x1000);
    long low = (RANDOM.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
    return new UUID(high, low);
  }
}
