package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a shared (PostgreSQL) rate-limit bucket costs per request: one gateway on PostgreSQL, the same
 * requests with a key without a limit (no bucket) and with a key whose limit is never reached (one bucket
 * transaction per request), interleaved in one JVM so that machine load hits both alike. A measurement,
 * not a check: runs only with {@code -Dveil.measure=true}, prints ratios to
 * {@code target/rate-limit-cost.txt}, and asserts only that every request was answered 200.
 */
@EnabledIfSystemProperty(named = "veil.measure", matches = "true")
class RateLimitCostIT {
  @TempDir Path dir;

  @Test
  void sharedBucketCostPerRequest() throws Exception {
    try (GovernedGateway g = new GovernedGateway(dir, TestStores.POSTGRES.fresh(), Map.of())) {
      String unlimited = g.key;
      String limited = g.keys.create("acme", "default", 10_000_000).secret();
      for (int i = 0; i < 300; i++) {
        chat(g, unlimited);
        chat(g, limited);
      }
      int n = 1500;
      long[] free = new long[n];
      long[] shared = new long[n];
      for (int i = 0; i < n; i++) {
        free[i] = timed(g, unlimited);
        shared[i] = timed(g, limited);
      }
      StringBuilder out = new StringBuilder("sequential, " + n + " requests per key, interleaved\n");
      out.append(row("no limit", free)).append(row("shared bucket", shared));
      out.append(String.format("ratio shared/no limit: p50 %.2f, p99 %.2f, mean %.2f; added at p50 %.0f us%n",
          pct(shared, 50) / (double) pct(free, 50), pct(shared, 99) / (double) pct(free, 99),
          mean(shared) / mean(free), (pct(shared, 50) - pct(free, 50)) / 1e3));
      for (int round = 0; round < 2; round++) {
        double freeRate = throughput(g, unlimited, 8, 200);
        double sharedRate = throughput(g, limited, 8, 200);
        out.append(String.format("concurrency 8, one key (round %d): throughput shared/no limit %.2f%n", round,
            sharedRate / freeRate));
      }
      Files.writeString(Path.of("target", "rate-limit-cost.txt"), out);
      System.out.println(out);
    }
  }

  private static String row(String what, long[] nanos) {
    return String.format("%-14s p50 %6.0f us  p99 %6.0f us  mean %6.0f us%n", what, pct(nanos, 50) / 1e3,
        pct(nanos, 99) / 1e3, mean(nanos) / 1e3);
  }

  private static long pct(long[] v, int p) {
    long[] s = v.clone();
    Arrays.sort(s);
    return s[Math.min(s.length - 1, (int) Math.ceil(p / 100.0 * s.length) - 1)];
  }

  private static double mean(long[] v) {
    return Arrays.stream(v).average().orElseThrow();
  }

  private static long timed(GovernedGateway g, String key) throws Exception {
    long t = System.nanoTime();
    chat(g, key);
    return System.nanoTime() - t;
  }

  private static double throughput(GovernedGateway g, String key, int threads, int each) throws Exception {
    long t = System.nanoTime();
    try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        done.add(pool.submit(() -> {
          for (int k = 0; k < each; k++) {
            chat(g, key);
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    }
    return threads * each / ((System.nanoTime() - t) / 1e9);
  }

  private static void chat(GovernedGateway g, String key) throws Exception {
    HttpResponse<String> r = g.send("POST", "/v1/chat/completions", key, GovernedGateway.chatBody("hello", false));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }
}
