package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.veil.store.DatabaseConfig;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How many H2 commits (MVStore versions: with {@code WRITE_DELAY=0} each commit that changed something writes a
 * chunk to the file) and which statements one single-turn request with a new conversation (a new subject) costs:
 * the cost driver of the distinct-prompts load (docs/notes/commit.md). Requests are sent one after the other, so
 * no group commit across requests can help: what is counted is the request's own write path.
 */
class CommitsPerRequestIT {
  static final int REQUESTS = 20;

  @TempDir
  Path dir;

  @Test
  void aSingleTurnRequestInANewConversationCommitsOnceForItsVaultRowsAndKeyAndOnceForItsAuditRecord() throws Exception {
    try (GovernedGateway g = new GovernedGateway(dir, TestStores.H2.fresh(), Map.of());
        Connection probe = DriverManager.getConnection(DatabaseConfig.h2(dir).jdbcUrl(), "veil", "")) {
      MVStore store = ((SessionLocal) probe.unwrap(JdbcConnection.class).getSession()).getDatabase().getStore().getMvStore();
      // warm up: system keys, the client key's cache, the first audit record
      assertThat(g.chat(prompt(-1)).statusCode()).isEqualTo(200);
      awaitAudit(g, 1);
      try (Statement s = probe.createStatement()) {
        s.execute("SET QUERY_STATISTICS TRUE");
        s.execute("SET QUERY_STATISTICS_MAX_ENTRIES 500");
      }
      long auditCommits = g.governance.audit().commits();
      long before = store.getCurrentVersion();
      for (int i = 0; i < REQUESTS; i++) {
        HttpResponse<String> r = g.chat(prompt(i));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        awaitAudit(g, i + 2);
      }
      long commits = store.getCurrentVersion() - before;
      Map<String, Long> statements = new TreeMap<>();
      try (Statement s = probe.createStatement();
          ResultSet rs = s.executeQuery("SELECT SQL_STATEMENT, EXECUTION_COUNT FROM INFORMATION_SCHEMA.QUERY_STATISTICS")) {
        while (rs.next()) {
          String sql = rs.getString(1);
          if (!sql.contains("QUERY_STATISTICS")) {
            statements.merge(sql.length() > 110 ? sql.substring(0, 110) : sql, rs.getLong(2), Long::sum);
          }
        }
      }
      long total = statements.values().stream().mapToLong(Long::longValue).sum();
      System.out.printf("commits per request: %.2f (H2 versions %d over %d requests; audit groups %d)%n",
          commits / (double) REQUESTS, commits, REQUESTS, g.governance.audit().commits() - auditCommits);
      System.out.printf("statements per request: %.2f%n", total / (double) REQUESTS);
      statements.forEach((sql, n) -> System.out.printf("  %6.2f  %s%n", n / (double) REQUESTS, sql));
      // two commits a request: its vault rows with the new subject's key, its audit record (main: 3.25, the key
      // alone and an identity-sequence flush every 32 vault rows); the H2 file compactor (1 s timer) may write a
      // version of its own now and then
      assertThat(commits).isLessThanOrEqualTo(2L * REQUESTS + 2);
    }
  }

  private static void awaitAudit(GovernedGateway g, long records) throws InterruptedException {
    for (int i = 0; i < 500 && g.governance.audit().recordsWritten() < records; i++) {
      Thread.sleep(10);
    }
    assertThat(g.governance.audit().recordsWritten()).isGreaterThanOrEqualTo(records);
  }

  /** A distinct 1 KB-ish PII-rich prompt: a new conversation (and subject) per request. */
  private static String prompt(int i) {
    return "#" + i + " Please write to Jane Doe (jane.doe" + i + "@example.com, +1 415 555 01" + String.format("%02d", Math.abs(i) % 100)
        + ") and to Robert Miller at robert.miller" + i + "@example.org about the card 4111 1111 1111 1111."
        + " She lives at 1200 Market Street, San Francisco. Her IBAN is DE89 3704 0044 0532 0130 00. "
        + "Summarize the case history below in three sentences. ".repeat(8);
  }
}
