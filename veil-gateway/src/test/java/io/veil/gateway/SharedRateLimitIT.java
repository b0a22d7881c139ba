package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.veil.gateway.keys.IssuedKey;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-key rate limits with several gateway instances on one PostgreSQL database: the buckets live in
 * the database, so a key gets its rate once across all instances (before, each instance kept its own
 * bucket in memory and a key got N times its rate with N instances). With the database gone, a
 * rate-limited request is refused (503), never forwarded unchecked.
 */
class SharedRateLimitIT {
  @TempDir Path dir;

  @Test
  void aKeysLimitHoldsAcrossTwoInstancesOnOnePostgres() throws Exception {
    GovernanceConfig cfg = TestStores.POSTGRES.fresh();
    Path shared = Files.createDirectories(dir.resolve("shared"));
    try (GovernedGateway a = new GovernedGateway(shared, cfg, Map.of());
        GovernedGateway b = new GovernedGateway(shared, cfg, Map.of())) {
      IssuedKey limited = a.keys.create("acme", "default", 4);
      int allowed = 0;
      HttpResponse<String> refused = null;
      // alternate between the instances: with a bucket per instance all 8 would pass (4 on each)
      for (int i = 0; i < 8; i++) {
        HttpResponse<String> r = chat(i % 2 == 0 ? a : b, limited.secret());
        if (r.statusCode() == 200) {
          allowed++;
        } else {
          assertThat(r.statusCode()).isEqualTo(429);
          refused = r;
        }
      }
      // 4 per minute refill one every 15 s: at most one more if this loop took that long on a busy machine
      assertThat(allowed).as("requests allowed across both instances").isBetween(4, 5);
      assertThat(refused).isNotNull();
      assertThat(refused.body()).contains("rate_limit_exceeded").doesNotContain(limited.secret());
      assertThat(Long.parseLong(refused.headers().firstValue("retry-after").orElseThrow())).isBetween(1L, 60L);
      assertThat(chat(b, a.key).statusCode()).as("a key without a limit is not affected").isEqualTo(200);
      // refusals are counted per instance, by code, without the key or anything of the request
      double refusals = blocked(a, "veil_rate_limit_exceeded") + blocked(b, "veil_rate_limit_exceeded");
      assertThat(refusals).as("refused requests in the two instances' metrics").isEqualTo(8 - allowed);
      assertThat(a.send("GET", "/metrics", null, null).body()).doesNotContain(limited.secret());
    }
  }

  /** {@code veil_requests_blocked_total{code="…"}} of the instance's {@code /metrics}, 0 when absent. */
  static double blocked(GovernedGateway g, String code) throws Exception {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile(
        "(?m)^veil_requests_blocked_total\\{code=\"" + code + "\"[^}]*} (\\S+)$")
        .matcher(g.send("GET", "/metrics", null, null).body());
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  /**
   * {@code database.rateLimits: memory} on PostgreSQL: each instance keeps its own buckets (no database work per
   * limited request), so two instances allow a key twice its rate; refusals are counted as with shared buckets.
   */
  @Test
  void withInMemoryRateLimitsEachInstanceHasItsOwnBucket() throws Exception {
    GovernanceConfig cfg = TestStores.POSTGRES.fresh().withSharedRateLimits(false);
    Path shared = Files.createDirectories(dir.resolve("shared"));
    try (GovernedGateway a = new GovernedGateway(shared, cfg, Map.of());
        GovernedGateway b = new GovernedGateway(shared, cfg, Map.of())) {
      IssuedKey limited = a.keys.create("acme", "default", 3);
      int allowed = 0;
      for (int i = 0; i < 8; i++) {
        int status = chat(i % 2 == 0 ? a : b, limited.secret()).statusCode();
        assertThat(status).isIn(200, 429);
        allowed += status == 200 ? 1 : 0;
      }
      assertThat(allowed).as("3 per instance (a refill of one more at most on a slow machine)").isBetween(6, 7);
      assertThat(blocked(a, "veil_rate_limit_exceeded") + blocked(b, "veil_rate_limit_exceeded")).isEqualTo(8 - allowed);
      try (Connection c = java.sql.DriverManager.getConnection(cfg.jdbcUrl(), cfg.dbUser(), cfg.dbPassword());
          Statement s = c.createStatement();
          java.sql.ResultSet rs = s.executeQuery("SELECT count(*) FROM veil_rate_buckets")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getLong(1)).as("no bucket in the database").isZero();
      }
    }
  }

  @Test
  void aRateLimitedRequestIsRefusedWhileTheDatabaseIsDown() throws Exception {
    GovernanceConfig cfg = TestStores.POSTGRES.fresh();
    String url = cfg.jdbcUrl();
    String dbName = url.substring(url.lastIndexOf('/') + 1, url.contains("?") ? url.indexOf('?') : url.length());
    try (GovernedGateway g = new GovernedGateway(dir, cfg, Map.of())) {
      IssuedKey limited = g.keys.create("acme", "default", 100);
      assertThat(chat(g, limited.secret()).statusCode()).as("the key is known and cached").isEqualTo(200);
      int forwardedBefore = g.echo.bodies.size();
      try (Connection admin = TestStores.postgres().getPostgresDatabase().getConnection();
          Statement s = admin.createStatement()) {
        s.execute("ALTER DATABASE " + dbName + " ALLOW_CONNECTIONS false");
        s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + dbName + "'");
      }
      try {
        HttpResponse<String> r = chat(g, limited.secret());
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).contains("veil_store_unavailable");
        assertThat(g.echo.bodies).as("nothing forwarded").hasSize(forwardedBefore);
        assertThat(blocked(g, "veil_store_unavailable")).as("the refusal is counted").isEqualTo(1);
      } finally {
        try (Connection admin = TestStores.postgres().getPostgresDatabase().getConnection();
            Statement s = admin.createStatement()) {
          s.execute("ALTER DATABASE " + dbName + " ALLOW_CONNECTIONS true");
        }
      }
    }
  }

  private static HttpResponse<String> chat(GovernedGateway g, String key) throws Exception {
    return g.send("POST", "/v1/chat/completions", key, GovernedGateway.chatBody("hello", false));
  }
}
