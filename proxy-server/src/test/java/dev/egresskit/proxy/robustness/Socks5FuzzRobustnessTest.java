package dev.egresskit.proxy.robustness;

import static org.assertj.core.api.Assertions.assertThat;

import dev.egresskit.proxy.ProxyCredentials;
import dev.egresskit.proxy.ProxyRobustnessAccess;
import dev.egresskit.proxy.ProxyTimeouts;
import dev.egresskit.testkit.net.InetEmbeddedChannel;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.search.Search;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzz runs of the proxy's three parsers — method greeting, RFC 1929 authentication and
 * the BIND/CONNECT request — through the server's real session handling on an
 * {@link InetEmbeddedChannel}: no sockets, no real time. For every input: nothing escapes the
 * pipeline, every byte the server writes is a well-formed SOCKS5 reply, no request ever succeeds
 * (the embedded event loop cannot register an outbound socket, so nothing is dialled), the
 * session is closed once the phase timeouts have passed, every input buffer is released, and the
 * session is counted exactly once in {@code proxy_connections_failed_total{reason}}.
 */
class Socks5FuzzRobustnessTest {
  static final int RUNS = 10_000;
  private static final Duration PHASE = Duration.ofSeconds(1);
  private static final ProxyTimeouts TIMEOUTS = new ProxyTimeouts(PHASE, PHASE, PHASE, PHASE,
      Duration.ofSeconds(5), Duration.ofSeconds(5));
  private static final ProxyCredentials ALICE =
      ProxyRobustnessAccess.fastCredentials("alice", "s3cret");

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @Test
  void tenThousandRandomGreetingsAreAnsweredOrRefusedAndEachFailureIsCounted() {
    SplittableRandom random = new SplittableRandom(0x6EE7L);
    Consumer<Channel> proxy = ProxyRobustnessAccess.installer(registry, null, false, TIMEOUTS);
    for (int run = 0; run < RUNS; run++) {
      byte[] input = switch (run % 4) {
        case 0 -> bytes(random, random.nextInt(0, 40));
        case 1 -> greeting(random, 5);
        case 2 -> greeting(random, random.nextInt(256));
        default -> mutate(random, new byte[] {5, 2, 0, 2});
      };
      feed(proxy, input, random);
    }
    Map<String, Double> reasons = failedByReason();
    assertThat(total(reasons)).isEqualTo(RUNS);
    assertThat(reasons).containsKeys("protocol_error", "greeting_timeout", "client_closed",
        "no_acceptable_method", "request_timeout");
    assertThat(completed()).isZero();
  }

  @Test
  void tenThousandRandomPasswordExchangesNeverCrashAndOnlyTheRightPasswordPasses() {
    SplittableRandom random = new SplittableRandom(0xA17BL);
    Consumer<Channel> proxy = ProxyRobustnessAccess.installer(registry, ALICE, true, TIMEOUTS);
    int accepted = 0;
    for (int run = 0; run < RUNS; run++) {
      boolean right = run % 10 == 0;
      byte[] auth = switch (run % 4) {
        case 0 -> bytes(random, random.nextInt(0, 40));
        case 1 -> auth(random, text(random, 0, 300), text(random, 0, 300));
        case 2 -> mutate(random, auth(random, "alice", "s3cret"));
        default -> auth(random, "alice", random.nextBoolean() ? "s3cret" : text(random, 0, 10));
      };
      if (right) {
        auth = concat(new byte[] {1, 5}, concat("alice".getBytes(StandardCharsets.US_ASCII),
            concat(new byte[] {6}, "s3cret".getBytes(StandardCharsets.US_ASCII))));
      }
      byte[] out = feed(proxy, concat(new byte[] {5, 1, 2}, auth), random);
      if (out.length >= 4 && out[2] == 1 && out[3] == 0) {
        accepted++;
        // Only the right user and password are ever let in.
        assertThat(new String(auth, StandardCharsets.ISO_8859_1))
            .startsWith("\u0001\u0005alice\u0006s3cret");
      }
    }
    Map<String, Double> reasons = failedByReason();
    assertThat(total(reasons)).isEqualTo(RUNS);
    assertThat(accepted).isGreaterThanOrEqualTo(RUNS / 10);
    assertThat(reasons).containsKeys("auth_failed", "protocol_error", "auth_timeout",
        "request_timeout");
    assertThat(completed()).isZero();
  }

  @Test
  void tenThousandRandomRequestsAreRefusedWithAReplyCodeAndNothingIsEverDialled() {
    SplittableRandom random = new SplittableRandom(0xB1DL);
    Consumer<Channel> proxy = ProxyRobustnessAccess.installer(registry, null, false, TIMEOUTS);
    for (int run = 0; run < RUNS; run++) {
      ByteArrayOutputStream requests = new ByteArrayOutputStream();
      int n = random.nextInt(1, 4);
      for (int i = 0; i < n; i++) {
        requests.writeBytes(run % 3 == 0 ? bytes(random, random.nextInt(0, 30)) : request(random));
      }
      if (random.nextInt(4) == 0) {
        requests.writeBytes(bytes(random, random.nextInt(1, 100))); // early data after CONNECT
      }
      feed(proxy, concat(new byte[] {5, 1, 0}, requests.toByteArray()), random);
    }
    Map<String, Double> reasons = failedByReason();
    assertThat(total(reasons)).isEqualTo(RUNS);
    assertThat(reasons).containsKeys("protocol_error", "request_timeout",
        "command_not_supported", "address_type_not_supported", "domain_not_supported",
        "bind_failed", "connect_failed");
    assertThat(completed()).isZero();
  }

  // ---- one input ----

  private byte[] feed(Consumer<Channel> proxy, byte[] input, SplittableRandom random) {
    double failedBefore = total(failedByReason());
    InetEmbeddedChannel ch = new InetEmbeddedChannel(proxy);
    List<ByteBuf> written = new ArrayList<>();
    int at = 0;
    while (at < input.length && ch.isOpen()) {
      int n = Math.min(input.length - at, random.nextInt(4) == 0 ? 1 : 1 + random.nextInt(64));
      ByteBuf chunk = Unpooled.copiedBuffer(input, at, n);
      written.add(chunk);
      ch.writeInbound(chunk);
      ch.runPendingTasks();
      at += n;
    }
    if (random.nextInt(5) == 0) {
      ch.close(); // the client leaves
    }
    // Each phase re-arms its own timer; a few rounds let every pending one run out.
    for (int round = 0; round < 4 && ch.isOpen(); round++) {
      ch.advanceTimeBy(PHASE.toNanos() + 1, TimeUnit.NANOSECONDS);
      ch.runScheduledPendingTasks();
      ch.runPendingTasks();
    }
    assertThat(ch.isOpen()).as("still open after the timeouts: %s", hex(input)).isFalse();
    byte[] out = ch.drainOutbound();
    checkReplies(out, input);
    ch.checkException();
    ch.finishAndReleaseAll();
    for (ByteBuf b : written) {
      assertThat(b.refCnt()).as("input buffer leaked: %s", hex(input)).isZero();
    }
    assertThat(total(failedByReason()) - failedBefore)
        .as("failures counted for %s", hex(input)).isEqualTo(1.0);
    return out;
  }

  /**
   * The server's bytes: a method reply ({@code 05 M}), then an auth reply ({@code 01 S}) when
   * M is 02, then request replies {@code 05 REP 00 ATYP ADDR PORT}, none a success.
   */
  private static void checkReplies(byte[] out, byte[] input) {
    String why = "replies " + hex(out) + " to " + hex(input);
    if (out.length == 0) {
      return;
    }
    assertThat(out.length).as(why).isGreaterThanOrEqualTo(2);
    assertThat(out[0]).as(why).isEqualTo((byte) 5);
    assertThat(out[1]).as(why).isIn((byte) 0, (byte) 2, (byte) 0xFF);
    int at = 2;
    if (out[1] == 2 && at < out.length) {
      assertThat(out.length).as(why).isGreaterThanOrEqualTo(at + 2);
      assertThat(out[at]).as(why).isEqualTo((byte) 1);
      assertThat(out[at + 1]).as(why).isIn((byte) 0, (byte) 1);
      at += 2;
    }
    while (at < out.length) {
      assertThat(out.length - at).as(why).isGreaterThanOrEqualTo(10);
      assertThat(out[at]).as(why).isEqualTo((byte) 5);
      assertThat(out[at + 1]).as(why + ": a request succeeded").isNotEqualTo((byte) 0);
      assertThat(out[at + 1] & 0xff).as(why).isBetween(1, 8);
      assertThat(out[at + 2]).as(why).isEqualTo((byte) 0);
      assertThat(out[at + 3]).as(why).isEqualTo((byte) 1); // failures carry 0.0.0.0:0
      at += 10;
    }
    assertThat(at).as(why).isEqualTo(out.length);
  }

  private Map<String, Double> failedByReason() {
    Map<String, Double> byReason = new TreeMap<>();
    for (Counter c : Search.in(registry).name(ProxyRobustnessAccess.FAILED).counters()) {
      if (c.count() > 0) {
        byReason.put(c.getId().getTag("reason"), c.count());
      }
    }
    return byReason;
  }

  private static double total(Map<String, Double> reasons) {
    return reasons.values().stream().mapToDouble(Double::doubleValue).sum();
  }

  private double completed() {
    return Search.in(registry).name(ProxyRobustnessAccess.COMPLETED).counters().stream()
        .mapToDouble(Counter::count).sum();
  }

  // ---- generators ----

  static byte[] bytes(SplittableRandom random, int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) random.nextInt(256);
    }
    return b;
  }

  private static String text(SplittableRandom random, int min, int max) {
    StringBuilder s = new StringBuilder();
    int n = random.nextInt(min, max + 1);
    for (int i = 0; i < n; i++) {
      s.append((char) random.nextInt(32, 0x3000));
    }
    return s.toString();
  }

  /** {@code ver nmethods methods...}, with the count and the list drawn separately. */
  private static byte[] greeting(SplittableRandom random, int version) {
    int declared = random.nextInt(0, 256);
    int actual = random.nextBoolean() ? declared : random.nextInt(0, 300);
    byte[] methods = bytes(random, actual);
    return concat(new byte[] {(byte) version, (byte) declared}, methods);
  }

  /** {@code 01 ULEN USER PLEN PASS}; lengths over 255 are cut to their low byte on purpose. */
  private static byte[] auth(SplittableRandom random, String user, String password) {
    byte[] u = user.getBytes(StandardCharsets.UTF_8);
    byte[] p = password.getBytes(StandardCharsets.UTF_8);
    int version = random.nextInt(8) == 0 ? random.nextInt(256) : 1;
    return concat(new byte[] {(byte) version, (byte) u.length},
        concat(u, concat(new byte[] {(byte) p.length}, p)));
  }

  /** {@code 05 CMD RSV ATYP ADDR PORT} with each field mostly valid, sometimes not. */
  private static byte[] request(SplittableRandom random) {
    int ver = random.nextInt(10) == 0 ? random.nextInt(256) : 5;
    int[] commands = {1, 2, 3, 0, 4, 0xFF};
    int cmd = commands[random.nextInt(commands.length)];
    int rsv = random.nextInt(10) == 0 ? random.nextInt(256) : 0;
    int[] types = {1, 1, 4, 3, 0, 2, 5, 0xFF};
    int atyp = types[random.nextInt(types.length)];
    byte[] address = switch (atyp) {
      case 1 -> bytes(random, 4);
      case 4 -> bytes(random, 16);
      case 3 -> {
        byte[] name = text(random, 0, 300).getBytes(StandardCharsets.UTF_8);
        int len = Math.min(name.length, 255);
        yield concat(new byte[] {(byte) len}, java.util.Arrays.copyOf(name, len));
      }
      default -> bytes(random, random.nextInt(0, 20));
    };
    byte[] port = bytes(random, 2);
    byte[] r = concat(new byte[] {(byte) ver, (byte) cmd, (byte) rsv, (byte) atyp},
        concat(address, port));
    return random.nextInt(6) == 0 ? java.util.Arrays.copyOf(r, random.nextInt(r.length)) : r;
  }

  static byte[] mutate(SplittableRandom random, byte[] original) {
    byte[] b = original.clone();
    int edits = random.nextInt(1, 4);
    for (int e = 0; e < edits && b.length > 0; e++) {
      int at = random.nextInt(b.length);
      switch (random.nextInt(3)) {
        case 0 -> b[at] = (byte) random.nextInt(256);
        case 1 -> b = java.util.Arrays.copyOf(b, at);
        default -> b = concat(java.util.Arrays.copyOf(b, at + 1), concat(bytes(random,
            random.nextInt(1, 6)), java.util.Arrays.copyOfRange(b, at + 1, b.length)));
      }
    }
    return b;
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b, 0, Math.min(b.length, 120));
  }
}
