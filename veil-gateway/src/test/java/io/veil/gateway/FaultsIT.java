package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.veil.gateway.MisbehavingUpstream.Fault;
import io.veil.store.StoreUnavailableException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults injected into real components around a real gateway with governance: an upstream that
 * misbehaves on command (refuses connections, stalls, 5xx, malformed JSON and SSE, breaks off a
 * stream), an embedded PostgreSQL that goes away between and during requests and comes back, a
 * database that is slow (a lock held elsewhere), H2 on a disk that fills up, and a store that is
 * down at start. In every case: a clear error to the client, nothing unredacted forwarded, the old
 * tokens still restorable, every authenticated request audited and the chain verified after
 * recovery, and no restart needed to recover.
 */
class FaultsIT {
  static final String EMAIL = "jane.roe@example.com";
  static final String TEXT = "Please write to " + EMAIL + " about the invoice.";
  static final Pattern TOKEN = Pattern.compile("<EMAIL_\\d+>");
  static final String[] CONV = {"X-Veil-Conversation", "faults"};

  @TempDir Path dir;

  record Case(Fault fault, boolean stream, int status, String code) {}

  private static HttpResponse<String> chat(GovernedGateway g, String text, boolean stream) throws Exception {
    return g.send("POST", "/v1/chat/completions", g.key, GovernedGateway.chatBody(text, stream), CONV);
  }

  private static String content(HttpResponse<String> r) throws Exception {
    return GovernedGateway.json(r).at("/choices/0/message/content").asText("");
  }

  private static String tokenIn(String body) {
    Matcher m = TOKEN.matcher(body);
    assertThat(m.find()).as("a token in the forwarded body").isTrue();
    return m.group();
  }

  /** The error code of the last in-stream error event, or null. */
  private static String streamError(String sse) throws Exception {
    String code = null;
    for (JsonNode e : GatewayFixture.events(sse)) {
      if (e.has("error")) {
        code = e.at("/error/code").asText();
      }
    }
    return code;
  }

  /** Waits (bounded) until the audit chain holds {@code n} records: streams append theirs when they close. */
  private static long awaitAuditRecords(GovernedGateway g, long n) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    long count;
    while ((count = g.count("SELECT COUNT(*) FROM audit_records")) < n && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    return count;
  }

  private static void assertChainValid(GovernedGateway g) {
    io.veil.store.AuditVerification v = g.governance.verifier().verify();
    assertThat(v.valid()).as(v.problem()).isTrue();
  }

  @Test
  void upstreamFaultsGiveClearErrorsLeakNothingLoseNothingAndRecover() throws Exception {
    try (MisbehavingUpstream up = new MisbehavingUpstream();
        GovernedGateway g = new GovernedGateway(dir, TestStores.H2.fresh(), Map.of(), Duration.ofSeconds(2), up.baseUrl())) {
      int requests = 0;
      HttpResponse<String> first = chat(g, TEXT, false);
      requests++;
      assertThat(content(first)).contains(EMAIL);
      String token = tokenIn(up.bodies.get(0));
      List<Case> cases = List.of(
          new Case(Fault.STATUS_503, false, 503, "overloaded"),
          new Case(Fault.STATUS_500_HTML, false, 500, null),
          new Case(Fault.MALFORMED_JSON, false, 502, "veil_upstream_invalid_response"),
          new Case(Fault.NOT_AN_OBJECT, false, 502, "veil_upstream_invalid_response"),
          new Case(Fault.STALL_HEADERS, false, 504, "veil_upstream_timeout"),
          new Case(Fault.STALL_BODY, false, 504, "veil_upstream_timeout"),
          new Case(Fault.STATUS_503, true, 503, "overloaded"),
          new Case(Fault.STALL_HEADERS, true, 504, "veil_upstream_timeout"),
          new Case(Fault.DROP_MID_STREAM, true, 200, "veil_upstream_stream_interrupted"),
          new Case(Fault.STALL_MID_STREAM, true, 200, "veil_upstream_stream_interrupted"),
          new Case(Fault.MALFORMED_SSE, true, 200, "veil_upstream_invalid_response"),
          new Case(Fault.ERROR_IN_STREAM, true, 200, "overloaded"));
      for (Case c : cases) {
        up.fault = c.fault();
        HttpResponse<String> r = chat(g, TEXT + " " + c.fault(), c.stream());
        requests++;
        up.fault = Fault.NONE;
        assertThat(r.statusCode()).as(c + ": " + r.body()).isEqualTo(c.status());
        if (c.status() == 200) {
          assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
          assertThat(streamError(r.body())).as(c + ": " + r.body()).isEqualTo(c.code());
          assertThat(r.body()).as("no [DONE] after a broken stream").doesNotContain("[DONE]");
        } else {
          JsonNode err = GovernedGateway.json(r).get("error");
          assertThat(err).as(c.toString()).isNotNull();
          assertThat(err.get("message").asText()).isNotBlank();
          if (c.code() != null) {
            assertThat(err.get("code").asText()).isEqualTo(c.code());
          }
        }
        assertThat(r.body()).as(c.toString()).doesNotContain("sk-provider-secret-123456").doesNotContain("<html>")
            .doesNotContain("Internal Server Error");
        // recovered by itself: the next request works, and the token minted before the fault still restores
        HttpResponse<String> after = chat(g, "Repeat " + token, false);
        requests++;
        assertThat(after.statusCode()).as("after " + c).isEqualTo(200);
        assertThat(content(after)).contains(EMAIL);
      }
      // the provider refuses connections, then comes back on the same address
      up.stop();
      HttpResponse<String> refused = chat(g, TEXT, false);
      requests++;
      assertThat(refused.statusCode()).isEqualTo(502);
      assertThat(GovernedGateway.json(refused).at("/error/code").asText()).isEqualTo("veil_upstream_unreachable");
      up.restart();
      HttpResponse<String> back = chat(g, "Repeat " + token, true);
      requests++;
      assertThat(back.statusCode()).isEqualTo(200);
      assertThat(back.body()).doesNotContain("\"error\"");

      assertThat(up.bodies).as("nothing unredacted reached the provider").allSatisfy(b -> assertThat(b).doesNotContain(EMAIL));
      assertThat(awaitAuditRecords(g, requests)).as("one audit record per request").isEqualTo(requests);
      assertChainValid(g);
    }
  }

  @Test
  void postgresLostBetweenAndDuringRequestsOrSlowThenBack() throws Exception {
    GovernanceConfig cfg = TestStores.POSTGRES.fresh();
    String db = cfg.jdbcUrl().substring(cfg.jdbcUrl().lastIndexOf('/') + 1).replaceAll("\\?.*", "");
    try (MisbehavingUpstream up = new MisbehavingUpstream();
        GovernedGateway g = new GovernedGateway(dir, cfg, Map.of(), Duration.ofSeconds(10), up.baseUrl())) {
      int requests = 0;
      assertThat(content(chat(g, TEXT, false))).contains(EMAIL);
      requests++;
      String token = tokenIn(up.bodies.get(0));

      // lost between requests: refused with 503 before anything is forwarded
      cut(db);
      int forwarded = up.bodies.size();
      for (boolean stream : List.of(false, true)) {
        HttpResponse<String> r = chat(g, TEXT, stream);
        requests++;
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(GovernedGateway.json(r).at("/error/code").asText()).isEqualTo("veil_store_unavailable");
        assertThat(r.body()).doesNotContain(EMAIL);
      }
      assertThat(g.privacy("GET", "/privacy/settings", "alice", null).statusCode()).isEqualTo(503);
      assertThat(g.admin("GET", "/admin/audit/verify", null).statusCode()).isEqualTo(503);
      assertThat(up.bodies).as("nothing forwarded while the store is down").hasSize(forwarded);
      reopen(db);

      // lost in the middle of a request: the provider is answering when the database goes away
      up.fault = Fault.SLOW_OK;
      CompletableFuture<HttpResponse<String>> inFlight = CompletableFuture.supplyAsync(() -> {
        try {
          return chat(g, "Again: " + EMAIL, false);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (up.bodies.size() == forwarded && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      cut(db);
      HttpResponse<String> mid = inFlight.get(60, TimeUnit.SECONDS);
      requests++;
      up.fault = Fault.NONE;
      // either the answer was restored before the database went, or a clear 503; never raw tokens
      System.out.println("FaultsIT: database lost while the provider answered -> " + mid.statusCode());
      if (mid.statusCode() == 200) {
        assertThat(content(mid)).contains(EMAIL);
      } else {
        assertThat(mid.statusCode()).as(mid.body()).isEqualTo(503);
        assertThat(GovernedGateway.json(mid).at("/error/code").asText()).isEqualTo("veil_store_unavailable");
      }
      assertThat(mid.body()).doesNotContain("<EMAIL_");
      reopen(db);

      // recovers by itself (no restart; the pool replaces its dead connections): within a bounded
      // time, answering a clean 503 meanwhile; then the old token restores
      HttpResponse<String> back = null;
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      int attempts = 0;
      while (System.nanoTime() < until) {
        back = chat(g, "Repeat " + token, false);
        requests++;
        attempts++;
        if (back.statusCode() != 503) {
          break;
        }
        assertThat(GovernedGateway.json(back).at("/error/code").asText()).isEqualTo("veil_store_unavailable");
        Thread.sleep(500);
      }
      System.out.println("FaultsIT: PostgreSQL back, first 200 after " + attempts + " request(s)");
      assertThat(back.statusCode()).as(back.body()).isEqualTo(200);
      assertThat(content(back)).contains(EMAIL);

      // slow: another session holds the audit head's row lock for a while; requests wait, then finish
      List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
      try (Connection c = g.jdbc()) {
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
          s.execute("SELECT * FROM audit_head FOR UPDATE");
        }
        for (int i = 0; i < 3; i++) {
          waiting.add(CompletableFuture.supplyAsync(() -> {
            try {
              return chat(g, "Repeat " + token + " slowly", false);
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          }));
        }
        Thread.sleep(2_000);
        c.commit();
      }
      for (CompletableFuture<HttpResponse<String>> f : waiting) {
        HttpResponse<String> r = f.get(60, TimeUnit.SECONDS);
        requests++;
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(content(r)).contains(EMAIL);
      }

      assertThat(up.bodies).allSatisfy(b -> assertThat(b).doesNotContain(EMAIL));
      assertThat(awaitAuditRecords(g, requests)).as("audit records of the requests made while the database"
          + " was away were kept and appended when it came back").isEqualTo(requests);
      assertChainValid(g);
    }
  }

  @Test
  void h2DiskFullFailsClosedAndRecovers() throws Exception {
    DiskFullFileSystem.register();
    String url = "jdbc:h2:" + DiskFullFileSystem.SCHEME + ":" + dir.toAbsolutePath().resolve("veil")
        + ";LOCK_TIMEOUT=10000;DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0";
    GovernanceConfig cfg = GovernanceConfig.defaults().withDatabase(url, "veil", "");
    try (MisbehavingUpstream up = new MisbehavingUpstream();
        GovernedGateway g = new GovernedGateway(dir, cfg, Map.of(), Duration.ofSeconds(10), up.baseUrl())) {
      assertThat(content(chat(g, TEXT, false))).contains(EMAIL);
      String token = tokenIn(up.bodies.get(0));
      long before = g.count("SELECT COUNT(*) FROM audit_records");
      List<Integer> statuses = new ArrayList<>();
      List<Long> millis = new ArrayList<>();
      DiskFullFileSystem.full(true);
      try {
        for (int i = 0; i < 5; i++) {
          long t0 = System.nanoTime();
          HttpResponse<String> r = chat(g, "New mail " + i + ".other@example.org and " + EMAIL, i % 2 == 0);
          millis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
          statuses.add(r.statusCode());
          if (r.statusCode() != 200) {
            assertThat(GovernedGateway.json(r).at("/error/code").asText()).startsWith("veil_");
          }
          assertThat(r.body()).doesNotContain("No space left");
          Thread.sleep(300);
        }
      } finally {
        DiskFullFileSystem.full(false);
      }
      // failed closed fast: each store call waits at most Database.UNREACHABLE_WAIT for a connection once the
      // database was found unreachable (before, each could wait out the pool's 10 s connect timeout)
      assertThat(millis).as("answered while full (ms), statuses %s", statuses).allMatch(ms -> ms < 5_000);
      assertThat(up.bodies).as("nothing unredacted forwarded").allSatisfy(b ->
          assertThat(b).doesNotContain(EMAIL).doesNotContain(".other@example.org"));
      // the disk has room again: the gateway recovers without a restart
      HttpResponse<String> back = null;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      int attempts = 0;
      while (System.nanoTime() < deadline) {
        back = chat(g, "Repeat " + token, false);
        attempts++;
        if (back.statusCode() == 200) {
          break;
        }
        Thread.sleep(500);
      }
      System.out.println("FaultsIT: disk has room again, first 200 after " + attempts + " request(s); while full: "
          + statuses + " in " + millis + " ms");
      assertThat(back.statusCode()).as("recovered after the disk emptied; statuses while full: " + statuses).isEqualTo(200);
      assertThat(content(back)).as("the token minted before the disk filled still restores").contains(EMAIL);
      assertThat(g.count("SELECT COUNT(*) FROM audit_records")).isGreaterThan(before);
      assertChainValid(g);
    }
  }

  @Test
  void storeDownAtStartIsAClearErrorWithoutSecrets() {
    GovernanceConfig cfg = GovernanceConfig.defaults()
        .withDatabase("jdbc:postgresql://127.0.0.1:1/veil", "veil", "pw-that-must-not-show-991");
    Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> Governance.open(cfg, dir, Map.of()));
    assertThat(t).isInstanceOf(StoreUnavailableException.class);
    assertThat(t.getMessage()).contains("unreachable").doesNotContain("pw-that-must-not-show-991");
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
