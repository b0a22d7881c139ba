package io.veil.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * What one shared bucket decision costs, against the cheapest database round trip: {@link Database#ping}
 * (a pooled connection's validity check) and {@link SharedRateLimits#tryConsume} interleaved on one
 * embedded PostgreSQL. A measurement, not a check: runs only with {@code -Dveil.measure=true} and writes
 * {@code target/shared-rate-limits-cost.txt}.
 */
@EnabledIfSystemProperty(named = "veil.measure", matches = "true")
class SharedRateLimitsCostIT {
  @Test
  void decisionAgainstARoundTrip() throws Exception {
    try (Database db = Database.open(TestDatabases.POSTGRES.fresh())) {
      SharedRateLimits limits = SharedRateLimits.open(db);
      for (int i = 0; i < 500; i++) {
        db.ping();
        limits.tryConsume("k", 100_000_000);
      }
      int n = 3000;
      long[] ping = new long[n];
      long[] bucket = new long[n];
      for (int i = 0; i < n; i++) {
        long t = System.nanoTime();
        db.ping();
        ping[i] = System.nanoTime() - t;
        t = System.nanoTime();
        limits.tryConsume("k", 100_000_000);
        bucket[i] = System.nanoTime() - t;
      }
      String out = String.format("ping p50 %.0f us p99 %.0f us; bucket decision p50 %.0f us p99 %.0f us;"
          + " ratio p50 %.2f p99 %.2f%n", p(ping, 50) / 1e3, p(ping, 99) / 1e3, p(bucket, 50) / 1e3,
          p(bucket, 99) / 1e3, p(bucket, 50) / (double) p(ping, 50), p(bucket, 99) / (double) p(ping, 99));
      Files.writeString(Path.of("target", "shared-rate-limits-cost.txt"), out);
      System.out.println(out);
    }
  }

  private static long p(long[] v, int pct) {
    long[] s = v.clone();
    Arrays.sort(s);
    return s[Math.min(s.length - 1, (int) Math.ceil(pct / 100.0 * s.length) - 1)];
  }
}
