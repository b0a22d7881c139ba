package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a load balancer sees: {@code /health} is liveness (200 while the process serves, so an
 * orchestrator does not restart an instance whose database is away), {@code /ready} is readiness
 * (503 while the store is unreachable or the gateway is draining, 200 again when the store is back,
 * without a restart).
 */
class ReadinessIT {
  @TempDir
  Path dir;

  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private static HttpResponse<String> get(Gateway g, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.port() + path))
        .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void readyFollowsTheStoreAndHealthStaysLive() throws Exception {
    GovernanceConfig cfg = TestStores.POSTGRES.fresh();
    String db = cfg.jdbcUrl().substring(cfg.jdbcUrl().lastIndexOf('/') + 1).replaceAll("\\?.*", "");
    try (GovernedGateway g = new GovernedGateway(dir, cfg, Map.of())) {
      HttpResponse<String> ready = get(g.gateway, "/ready");
      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(ready.body()).isEqualTo("{\"status\":\"ready\"}");
      cut(db);
      try {
        HttpResponse<String> down = awaitStatus(g.gateway, 503);
        assertThat(down.body()).isEqualTo("{\"status\":\"unavailable\",\"reason\":\"store\"}");
        assertThat(down.body()).doesNotContain(db).doesNotContain("jdbc");
        assertThat(get(g.gateway, "/health").statusCode()).as("liveness does not follow the store").isEqualTo(200);
      } finally {
        reopen(db);
      }
      assertThat(awaitStatus(g.gateway, 200).body()).isEqualTo("{\"status\":\"ready\"}");
    }
  }

  @Test
  void duringTheDrainDelayReadyIsUnavailableWhileRequestsAreStillServed() throws Exception {
    try (GovernedGateway g = new GovernedGateway(dir, TestStores.H2.fresh(), Map.of())) {
      Gateway drained = Gateway.start(new GatewayConfig("127.0.0.1", 0, dir, new UpstreamConfig(URI.create(g.upstream.url("/v1").toString().replaceAll("/$", "")),
          null, null, UpstreamConfig.AuthHeader.BEARER, Duration.ofSeconds(5), Duration.ofSeconds(10)), null,
          Map.of("default", GatewayPolicy.defaults("default")), g.govConfig)
          .withServer(new ServerOptions(Duration.ofSeconds(5), 100, Duration.ofSeconds(30), Duration.ofSeconds(3))),
          TestVeil.create(g.governance.vault()), g.keys, g.governance);
      assertThat(get(drained, "/ready").statusCode()).isEqualTo(200);
      Thread closer = Thread.ofVirtual().start(drained::close);
      HttpResponse<String> draining = awaitStatus(drained, 503);
      assertThat(draining.body()).isEqualTo("{\"status\":\"unavailable\",\"reason\":\"stopping\"}");
      HttpResponse<String> served = HTTP.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + drained.port() + "/v1/chat/completions"))
          .header("Authorization", "Bearer " + g.key).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(GovernedGateway.chatBody("hello", false))).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(served.statusCode()).as("still served while draining").isEqualTo(200);
      closer.join(30_000);
      assertThat(closer.isAlive()).isFalse();
    }
  }

  private static HttpResponse<String> awaitStatus(Gateway g, int status) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    HttpResponse<String> r = get(g, "/ready");
    while (r.statusCode() != status && System.nanoTime() < deadline) {
      Thread.sleep(200);
      r = get(g, "/ready");
    }
    assertThat(r.statusCode()).isEqualTo(status);
    return r;
  }

  private static void cut(String db) throws Exception {
    try (Connection admin = TestStores.postgres().getPostgresDatabase().getConnection();
        Statement s = admin.createStatement()) {
      s.execute("ALTER DATABASE " + db + " ALLOW_CONNECTIONS false");
      s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + db + "'");
    }
  }

  private static void reopen(String db) throws Exception {
    try (Connection admin = TestStores.postgres().getPostgresDatabase().getConnection();
        Statement s = admin.createStatement()) {
      s.execute("ALTER DATABASE " + db + " ALLOW_CONNECTIONS true");
    }
  }
}
