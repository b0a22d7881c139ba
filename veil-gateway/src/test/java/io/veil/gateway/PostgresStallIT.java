package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL that goes silent instead of away (a network partition, a failover whose old address drops packets, a
 * stopped database host): the connections stay open and nothing comes back. A request whose statement is on the wire
 * at that moment must still end with a clear 503 in bounded time, not wait for as long as the silence lasts, and the
 * gateway recovers by itself when the database answers again. (qa12: two gateways on one PostgreSQL, the database's
 * processes stopped with SIGSTOP: the requests in flight on one gateway hung for the whole 48 s of the stop, and
 * every later request that stored a new value queued behind them in the vault's group commit.)
 */
class PostgresStallIT {
  static final String[] CONV = {"X-Veil-Conversation", "stall"};
  static final Pattern HOST_PORT = Pattern.compile("^jdbc:postgresql://([^:/]+):(\\d+)/(.*)$");

  @TempDir Path dir;

  @Test
  void aStatementOnTheWireWhenTheDatabaseGoesSilentEndsInA503AndTheGatewayRecovers() throws Exception {
    GovernanceConfig direct = TestStores.POSTGRES.fresh();
    Matcher m = HOST_PORT.matcher(direct.jdbcUrl());
    assertThat(m.matches()).as(direct.jdbcUrl()).isTrue();
    try (SilentNetworkProxy net = new SilentNetworkProxy(m.group(1), Integer.parseInt(m.group(2)));
        MisbehavingUpstream up = new MisbehavingUpstream();
        GovernedGateway g = new GovernedGateway(dir, direct.withDatabase(
            "jdbc:postgresql://127.0.0.1:" + net.port() + "/" + m.group(3), direct.dbUser(), direct.dbPassword()),
            Map.of(), Duration.ofSeconds(10), up.baseUrl())) {
      HttpResponse<String> first = chat(g, "Write to erika.first@example.com please.");
      assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
      String token = firstToken(up.bodies.get(0));
      int forwarded = up.bodies.size();

      // a request's vault insert waits for a lock held by another session (directly, not through the relay) ...
      CompletableFuture<HttpResponse<String>> inFlight;
      try (Connection locker = DriverManager.getConnection(direct.jdbcUrl(), direct.dbUser(), direct.dbPassword())) {
        locker.setAutoCommit(false);
        try (Statement s = locker.createStatement()) {
          s.execute("LOCK TABLE vault_entries IN SHARE ROW EXCLUSIVE MODE");
        }
        inFlight = CompletableFuture.supplyAsync(() -> {
          try {
            return chat(g, "Now write to stan.stalled@example.org instead.");
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
        awaitLockWaiter(direct);
        // ... and then the network goes silent, with that statement on the wire
        net.silence();
      } // the lock is released: the database answers, but nothing reaches the gateway any more

      long start = System.nanoTime();
      HttpResponse<String> stalled;
      try {
        stalled = inFlight.get(90, TimeUnit.SECONDS);
      } finally {
        System.out.println("PostgresStallIT: in-flight request ended after "
            + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) + " s of silence");
      }
      assertThat(stalled.statusCode()).as(stalled.body()).isEqualTo(503);
      assertThat(GovernedGateway.json(stalled).at("/error/code").asText()).isEqualTo("veil_store_unavailable");
      assertThat(stalled.body()).doesNotContain("stan.stalled").doesNotContain("erika.first");
      assertThat(up.bodies).as("nothing forwarded while the database was silent").hasSize(forwarded);

      // the database answers again: the gateway recovers by itself, and the old token still restores
      net.heal();
      HttpResponse<String> back = null;
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < until) {
        back = chat(g, "Repeat " + token);
        if (back.statusCode() != 503) {
          break;
        }
        Thread.sleep(500);
      }
      assertThat(back.statusCode()).as(back.body()).isEqualTo(200);
      assertThat(GovernedGateway.json(back).at("/choices/0/message/content").asText()).contains("erika.first@example.com");
      assertThat(up.bodies).allSatisfy(b -> assertThat(b).doesNotContain("@example."));
    }
  }

  /** Sends with a client timeout far above any bound the gateway should keep (the fixture's is 20 s). */
  private static HttpResponse<String> chat(GovernedGateway g, String text) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.gateway.port()
        + "/v1/chat/completions")).timeout(Duration.ofSeconds(120)).header("Content-Type", "application/json")
        .header("Authorization", "Bearer " + g.key).header(CONV[0], CONV[1])
        .POST(HttpRequest.BodyPublishers.ofString(GovernedGateway.chatBody(text, false)));
    return g.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String firstToken(String body) {
    Matcher t = Pattern.compile("<EMAIL_\\d+>").matcher(body);
    assertThat(t.find()).as(body).isTrue();
    return t.group();
  }

  /** Waits (bounded) until a session of this database waits for a lock. */
  private static void awaitLockWaiter(GovernanceConfig direct) throws Exception {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    try (Connection probe = DriverManager.getConnection(direct.jdbcUrl(), direct.dbUser(), direct.dbPassword())) {
      while (System.nanoTime() < until) {
        try (Statement s = probe.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity"
            + " WHERE datname = current_database() AND wait_event_type = 'Lock'")) {
          rs.next();
          if (rs.getInt(1) > 0) {
            return;
          }
        }
        Thread.sleep(20);
      }
    }
    throw new AssertionError("no request waited for the vault's lock");
  }
}
