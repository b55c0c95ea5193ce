package dev.egresskit.benchmarks;

import dev.egresskit.proxy.Socks5ProxyServer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The auth flood target as an interleaved comparison (check, login, check, login, ...), so that
 * both sides see the same machine load: the median time of a first login from 127.0.0.3 while
 * 127.0.0.2 floods the proxy with wrong passwords, divided by the median time of one password
 * check measured between those logins, under the same flood. The same pairs are measured first
 * without the flood.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.egresskit.benchmarks.AuthFloodRatio [PAIRS]
 * </pre>
 */
public final class AuthFloodRatio {

  private AuthFloodRatio() {}

  public static void main(String[] args) throws Exception {
    int pairs = args.length > 0 ? Integer.parseInt(args[0]) : 25;
    try (Socks5ProxyServer proxy = AuthFloodBenchmarks.newProxy()) {
      measure(proxy, 5, false); // warm-up
      Result quiet = measure(proxy, pairs, false);
      AtomicBoolean running = new AtomicBoolean(true);
      AtomicLong attempts = new AtomicLong();
      List<Thread> flood = new ArrayList<>();
      for (int i = 0; i < AuthFloodBenchmarks.FLOOD_THREADS; i++) {
        Thread t = new Thread(() -> {
          while (running.get()) {
            try {
              AuthFloodBenchmarks.login(proxy.address(), AuthFloodBenchmarks.ATTACKER, "wrong");
            } catch (IOException e) {
              // refused or reset: still an attempt
            }
            attempts.incrementAndGet();
          }
        }, "flood-" + i);
        t.setDaemon(true);
        t.start();
        flood.add(t);
      }
      measure(proxy, 3, true); // let the flood fill the queue
      Result flooded = measure(proxy, pairs, true);
      running.set(false);
      for (Thread t : flood) {
        t.join(60_000);
      }
      System.out.println(quiet.line("without flood"));
      System.out.println(flooded.line("under flood  "));
      System.out.printf(Locale.ROOT, "flood attempts: %d; target: login under flood <= 2.00x one"
          + " check under flood: %s%n", attempts.get(), flooded.ratio() <= 2.0 ? "met" : "MISSED");
    }
  }

  private record Result(List<Double> checks, List<Double> logins) {
    double ratio() {
      return median(logins) / median(checks);
    }

    String line(String label) {
      return String.format(Locale.ROOT, "%s  check median %.1f ms  login median %.1f ms"
          + " (p90 %.1f, max %.1f)  ratio %.2fx  (%d pairs)", label, median(checks),
          median(logins), pct(logins, 0.9), Collections.max(logins), ratio(), logins.size());
    }
  }

  private static Result measure(Socks5ProxyServer proxy, int pairs, boolean underFlood)
      throws IOException {
    List<Double> checks = new ArrayList<>();
    List<Double> logins = new ArrayList<>();
    for (int i = 0; i < pairs; i++) {
      long t0 = System.nanoTime();
      AuthFloodBenchmarks.derive("right");
      long t1 = System.nanoTime();
      int status = AuthFloodBenchmarks.login(proxy.address(), AuthFloodBenchmarks.LEGIT, "right");
      long t2 = System.nanoTime();
      if (status != 0) {
        throw new IllegalStateException("legitimate login refused (status " + status + ")"
            + (underFlood ? " under the flood" : ""));
      }
      checks.add((t1 - t0) / 1e6);
      logins.add((t2 - t1) / 1e6);
    }
    return new Result(checks, logins);
  }

  private static double median(List<Double> values) {
    return pct(values, 0.5);
  }

  private static double pct(List<Double> values, double p) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.floor(p * sorted.size())));
  }
}
