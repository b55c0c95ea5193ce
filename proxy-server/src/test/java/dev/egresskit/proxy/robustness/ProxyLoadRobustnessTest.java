package dev.egresskit.proxy.robustness;

import static org.assertj.core.api.Assertions.assertThat;

import dev.egresskit.proxy.ProxyRobustnessAccess;
import dev.egresskit.proxy.Socks5ProxyServer;
import dev.egresskit.testkit.await.Await;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.search.Search;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/**
 * 20,000 proxied sessions, 200 at a time, through the SOCKS5 proxy to a recording echo server
 * on loopback. Every byte of every session is accounted for on both ends (the client gets back
 * exactly what it sent; the destination saw exactly that, by length and CRC-32, per session; the
 * proxy's byte counters agree), the proxy counts every session as completed and none as failed,
 * and neither file descriptors nor heap grow. Half the sessions use KumoProxy's BIND-then-CONNECT
 * from 127.0.0.2–9, the rest a plain CONNECT; all send greeting, request and payload in one
 * write (pipelined), then half-close.
 */
class ProxyLoadRobustnessTest {
  static final int SESSIONS = 20_000;
  static final int CONCURRENT = 200;
  private static final Duration RUN_BOUND = Duration.ofSeconds(75);

  @Test
  void twentyThousandProxiedSessionsLoseNoByteLeakNoDescriptorAndKeepHeapBounded()
      throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (RecordingEchoServer echo = new RecordingEchoServer();
        Socks5ProxyServer proxy = Socks5ProxyServer.builder()
            .listen(new InetSocketAddress("127.0.0.1", 0)).meterRegistry(registry).ioThreads(2)
            .build().start()) {
      ExecutorService clients = Executors.newFixedThreadPool(CONCURRENT);
      try {
        Map<Long, Sent> sent = new ConcurrentHashMap<>();
        // Warm up (threads, pools, JIT) before the baseline is taken.
        run(clients, proxy.address(), echo.address(), 0, 400, sent, Duration.ofSeconds(30));
        assertThat(Await.until(() -> gauge(registry) == 0, Duration.ofSeconds(10))).isTrue();
        long fdsBefore = JvmResources.openFds();
        long heapBefore = JvmResources.usedHeapAfterGc();

        long started = System.nanoTime();
        run(clients, proxy.address(), echo.address(), 400, 400 + SESSIONS, sent, RUN_BOUND);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        int total = 400 + SESSIONS;
        assertThat(Await.until(() -> gauge(registry) == 0 && echo.received().size() == total,
            Duration.ofSeconds(20))).as("proxy drained (active %s) and echo recorded every session "
            + "(%s of %s)", gauge(registry), echo.received().size(), total).isTrue();
        // Both ends: what each session sent reached the destination byte for byte.
        assertThat(sent).hasSize(total);
        assertThat(echo.received()).hasSize(total);
        long bytes = 0;
        for (Map.Entry<Long, Sent> e : sent.entrySet()) {
          RecordingEchoServer.Received got = echo.received().get(e.getKey());
          assertThat(got).as("session %d at the destination", e.getKey()).isNotNull();
          assertThat(got.bytes()).isEqualTo(e.getValue().bytes());
          assertThat(got.crc()).isEqualTo(e.getValue().crc());
          bytes += got.bytes();
        }
        assertThat(echo.connections()).isEqualTo(total);
        assertThat(counter(registry, ProxyRobustnessAccess.BYTES_UP)).isEqualTo(bytes);
        assertThat(counter(registry, ProxyRobustnessAccess.BYTES_DOWN)).isEqualTo(bytes);
        assertThat(counter(registry, ProxyRobustnessAccess.ACCEPTED)).isEqualTo(total);
        assertThat(counter(registry, ProxyRobustnessAccess.COMPLETED)).isEqualTo(total);
        assertThat(counter(registry, ProxyRobustnessAccess.FAILED)).isZero();

        long fdsAfter = JvmResources.openFds();
        long heapAfter = JvmResources.usedHeapAfterGc();
        assertThat(fdsAfter).as("open fds before %d, after %d", fdsBefore, fdsAfter)
            .isLessThanOrEqualTo(fdsBefore + 16);
        assertThat(heapAfter - heapBefore).as("heap growth in bytes (before %d, after %d)",
            heapBefore, heapAfter).isLessThan(64L << 20);
        assertThat(took).isLessThan(RUN_BOUND);
      } finally {
        clients.shutdownNow();
        assertThat(clients.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
      }
    }
  }

  record Sent(long bytes, long crc) {}

  /** Runs sessions [from, to) on CONCURRENT workers; fails on any session error or on time. */
  private static void run(ExecutorService clients, InetSocketAddress proxy,
      InetSocketAddress destination, int from, int to, Map<Long, Sent> sent, Duration bound)
      throws Exception {
    AtomicInteger next = new AtomicInteger(from);
    long deadline = System.nanoTime() + bound.toNanos();
    List<Future<?>> workers = new ArrayList<>();
    AtomicLong done = new AtomicLong();
    for (int w = 0; w < CONCURRENT; w++) {
      workers.add(clients.submit(() -> {
        for (int id = next.getAndIncrement(); id < to; id = next.getAndIncrement()) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("load run exceeded " + bound + " after "
                + done.get() + " sessions");
          }
          sent.put((long) id, session(proxy, destination, id));
          done.incrementAndGet();
        }
        return null;
      }));
    }
    for (Future<?> f : workers) {
      f.get(bound.toNanos() + TimeUnit.SECONDS.toNanos(10), TimeUnit.NANOSECONDS);
    }
    assertThat(done.get()).isEqualTo(to - from);
  }

  /** One pipelined session; checks the replies and that the echo is exactly the payload. */
  private static Sent session(InetSocketAddress proxy, InetSocketAddress destination, long id)
      throws IOException {
    SplittableRandom random = new SplittableRandom(id);
    byte[] payload = new byte[8 + random.nextInt(0, 4096)];
    for (int i = 8; i < payload.length; i++) {
      payload[i] = (byte) random.nextInt(256);
    }
    ByteBuffer.wrap(payload).putLong(id);
    boolean bind = id % 2 == 0;
    byte[] port = {(byte) (destination.getPort() >> 8), (byte) destination.getPort()};
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {5, 1, 0});
    if (bind) {
      out.writeBytes(new byte[] {5, 2, 0, 1, 127, 0, 0, (byte) (2 + id % 8), 0, 0});
    }
    out.writeBytes(new byte[] {5, 1, 0, 1, 127, 0, 0, 1, port[0], port[1]});
    out.writeBytes(payload);
    int replies = 2 + 10 + (bind ? 10 : 0);
    try (Socket s = new Socket()) {
      s.setSoTimeout(30_000);
      s.connect(proxy, 10_000);
      s.getOutputStream().write(out.toByteArray());
      s.shutdownOutput();
      byte[] all = readAll(s.getInputStream());
      if (all.length != replies + payload.length) {
        throw new IllegalStateException("session " + id + ": got " + all.length
            + " bytes, expected " + (replies + payload.length));
      }
      if (all[0] != 5 || all[1] != 0 || all[3] != 0 || (bind && all[13] != 0)) {
        throw new IllegalStateException("session " + id + ": bad replies "
            + java.util.HexFormat.of().formatHex(all, 0, replies));
      }
      if (!Arrays.equals(all, replies, all.length, payload, 0, payload.length)) {
        throw new IllegalStateException("session " + id + ": echo differs from payload");
      }
    }
    CRC32 crc = new CRC32();
    crc.update(payload);
    return new Sent(payload.length, crc.getValue());
  }

  private static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
      all.write(buf, 0, n);
    }
    return all.toByteArray();
  }

  private static double gauge(SimpleMeterRegistry registry) {
    return registry.get(ProxyRobustnessAccess.ACTIVE).gauge().value();
  }

  private static double counter(SimpleMeterRegistry registry, String name) {
    return Search.in(registry).name(name).counters().stream().mapToDouble(Counter::count).sum();
  }
}
