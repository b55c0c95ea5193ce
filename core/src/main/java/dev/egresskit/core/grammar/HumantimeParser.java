package dev.egresskit.core.grammar;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A faithful port of humantime 2.4.0's {@code parse_duration} state machine (spec §5.2), with
 * its u64 arithmetic and its error messages (offsets are UTF-8 byte offsets, as in Rust).
 */
final class HumantimeParser {
  private static final BigInteger U64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
  private static final BigInteger BILLION = BigInteger.valueOf(1_000_000_000L);
  private static final BigInteger TEN = BigInteger.TEN;
  private static final String OVERFLOW = "number is too large or cannot be represented without a"
      + " lack of precision (values below 1ns are not supported)";

  private final String src;
  private final int[] cps;
  private final int[] charIndex;
  private final int[] byteOffset;
  private int k;
  private BigInteger outSeconds = BigInteger.ZERO;
  private BigInteger outNanos = BigInteger.ZERO;

  HumantimeParser(String src) {
    this.src = src;
    this.cps = src.codePoints().toArray();
    this.charIndex = new int[cps.length + 1];
    this.byteOffset = new int[cps.length + 1];
    int ci = 0;
    int bo = 0;
    for (int i = 0; i < cps.length; i++) {
      charIndex[i] = ci;
      byteOffset[i] = bo;
      ci += Character.charCount(cps[i]);
      bo += new String(Character.toChars(cps[i])).getBytes(StandardCharsets.UTF_8).length;
    }
    charIndex[cps.length] = ci;
    byteOffset[cps.length] = bo;
  }

  private record Fraction(BigInteger numerator, BigInteger denominator) {}

  private static boolean digit(int c) {
    return c >= '0' && c <= '9';
  }

  private static boolean letter(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == 'µ';
  }

  Duration parse() {
    BigInteger n = parseFirstChar();
    if (n == null) {
      throw new IllegalArgumentException("value was empty");
    }
    outer:
    while (true) {
      Fraction frac = null;
      int[] off = {k};
      while (k < cps.length) {
        int c = cps[k++];
        if (digit(c)) {
          n = checked(n.multiply(TEN).add(BigInteger.valueOf(c - '0')));
        } else if (Whitespace.is(c)) {
          // humantime ignores white space inside a number
        } else if (letter(c)) {
          break;
        } else if (c == '.') {
          frac = parseFraction(off);
          break;
        } else {
          throw invalidCharacter(off[0]);
        }
        off[0] = k;
      }
      int start = off[0];
      int unitEnd = k;
      while (k < cps.length) {
        int c = cps[k++];
        if (digit(c)) {
          parseUnit(n, frac, start, unitEnd);
          n = BigInteger.valueOf(c - '0');
          continue outer;
        } else if (Whitespace.is(c)) {
          break;
        } else if (!letter(c)) {
          throw invalidCharacter(unitEnd);
        }
        unitEnd = k;
      }
      parseUnit(n, frac, start, unitEnd);
      n = parseFirstChar();
      if (n == null) {
        if (outSeconds.bitLength() > 63) {
          throw new IllegalArgumentException(OVERFLOW);
        }
        return Duration.ofSeconds(outSeconds.longValue(), outNanos.longValue());
      }
    }
  }

  private BigInteger parseFirstChar() {
    int off = k;
    while (k < cps.length) {
      int c = cps[k++];
      if (digit(c)) {
        return BigInteger.valueOf(c - '0');
      }
      if (!Whitespace.is(c)) {
        throw new IllegalArgumentException("expected number at " + byteOffset[off]);
      }
    }
    return null;
  }

  private Fraction parseFraction(int[] off) {
    BigInteger numerator = BigInteger.ZERO;
    BigInteger denominator = BigInteger.ONE;
    while (k < cps.length) {
      int c = cps[k++];
      if (digit(c)) {
        denominator = checked(denominator.multiply(TEN));
        numerator = checked(numerator.multiply(TEN).add(BigInteger.valueOf(c - '0')));
      } else if (Whitespace.is(c)) {
        // allowed, as in humantime
      } else if (letter(c)) {
        break;
      } else {
        throw invalidCharacter(off[0]);
      }
      off[0] = k;
    }
    if (denominator.equals(BigInteger.ONE)) {
      throw invalidCharacter(off[0]);
    }
    return new Fraction(numerator, denominator);
  }

  private IllegalArgumentException invalidCharacter(int cpIndex) {
    return new IllegalArgumentException("invalid character at " + byteOffset[cpIndex]);
  }

  private static BigInteger checked(BigInteger value) {
    if (value.compareTo(U64_MAX) > 0) {
      throw new IllegalArgumentException(OVERFLOW);
    }
    return value;
  }

  private static BigInteger mul(BigInteger a, long b) {
    return checked(a.multiply(BigInteger.valueOf(b)));
  }

  private static BigInteger exactDiv(BigInteger a, BigInteger b) {
    BigInteger[] qr = a.divideAndRemainder(b);
    if (qr[1].signum() != 0) {
      throw new IllegalArgumentException(OVERFLOW);
    }
    return qr[0];
  }

  /** Seconds per unit for whole-second units, or 0 for the sub-second ones. */
  private static long unitSeconds(String unit) {
    return switch (unit) {
      case "seconds", "second", "secs", "sec", "s" -> 1;
      case "minutes", "minute", "min", "mins", "m" -> 60;
      case "hours", "hour", "hr", "hrs", "h" -> 3600;
      case "days", "day", "d" -> 86_400;
      case "weeks", "week", "wk", "wks", "w" -> 604_800;
      case "months", "month", "M" -> Durations.MONTH;
      case "years", "year", "yr", "yrs", "y" -> Durations.YEAR;
      default -> 0;
    };
  }

  /** Nanoseconds per unit for the sub-second units, or 0 otherwise. */
  private static long unitNanos(String unit) {
    return switch (unit) {
      case "nanos", "nsec", "ns" -> 1;
      case "usec", "us", "µs" -> 1000;
      case "millis", "msec", "ms" -> 1_000_000;
      default -> 0;
    };
  }

  private void parseUnit(BigInteger n, Fraction frac, int start, int end) {
    String unit = src.substring(charIndex[start], charIndex[end]);
    long secs = unitSeconds(unit);
    long nanosPerUnit = unitNanos(unit);
    if (secs == 0 && nanosPerUnit == 0) {
      if (unit.isEmpty()) {
        throw new IllegalArgumentException(
            "time unit needed, for example " + n + "sec or " + n + "ms");
      }
      throw new IllegalArgumentException("unknown time unit " + RustText.debug(unit)
          + ", supported units: ns, us/µs, ms, sec, min, hours, days, weeks, months, years"
          + " (and few variations)");
    }
    if (secs > 0) {
      addCurrent(mul(n, secs), BigInteger.ZERO);
    } else {
      addCurrent(BigInteger.ZERO, mul(n, nanosPerUnit));
    }
    if (frac == null) {
      return;
    }
    BigInteger num = frac.numerator();
    BigInteger den = frac.denominator();
    if (nanosPerUnit == 1) {
      throw new IllegalArgumentException(OVERFLOW);
    } else if (nanosPerUnit > 0) {
      addCurrent(BigInteger.ZERO, exactDiv(mul(num, nanosPerUnit), den));
    } else if (secs <= 60) {
      // seconds and minutes keep nanosecond precision; longer units whole seconds only
      addCurrent(BigInteger.ZERO, exactDiv(mul(num, secs * 1_000_000_000L), den));
    } else {
      addCurrent(exactDiv(mul(num, secs), den), BigInteger.ZERO);
    }
  }

  private void addCurrent(BigInteger sec, BigInteger nsec) {
    BigInteger nanos = checked(outNanos.add(nsec));
    if (nanos.compareTo(BILLION) >= 0) {
      sec = checked(sec.add(nanos.divide(BILLION)));
      nanos = nanos.mod(BILLION);
    }
    outSeconds = checked(outSeconds.add(sec));
    outNanos = nanos;
  }
}
