package io.veil.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.veil.core.EntityType;
import io.veil.core.Scope;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationVersion;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Schema V8: the vault's expiry index, which no statement used, is gone after the upgrade, on H2 and PostgreSQL;
 * the rows stay, the vault still reads and writes them, and the retention purge still removes expired ones. Schema
 * V10: PostgreSQL finds a scope's rows and marks by index through its number.
 */
class VaultIndexesIT {
  private static final String PURGE = "DELETE FROM vault_entries WHERE expires_at <= 1000 OR created_at <= 500";

  @ParameterizedTest
  @EnumSource(TestDatabases.class)
  void theRetentionPurgeNeverUsedTheExpiryIndex(TestDatabases backend) throws Exception {
    DatabaseConfig config = backend.fresh();
    migrateToTheVersionBeforeV8(config);
    try (Connection c = connect(config); Statement s = c.createStatement()) {
      assertThat(indexExists(c, backend, "vault_expiry_ix")).as("V1 created it").isTrue();
      insertRows(c, 2_000);
      if (backend == TestDatabases.POSTGRES) {
        s.execute("ANALYZE vault_entries");
      }
      String plan = plan(s, PURGE);
      assertThat(plan.toLowerCase(Locale.ROOT)).as(plan).doesNotContain("vault_expiry_ix");
    }
  }

  @ParameterizedTest
  @EnumSource(TestDatabases.class)
  void upgradeDropsTheExpiryIndexAndKeepsTheVault(TestDatabases backend) throws Exception {
    DatabaseConfig config = backend.fresh();
    migrateToTheVersionBeforeV8(config);
    try (Connection c = connect(config)) {
      insertRows(c, 50); // expire at 1000..1049: long gone
    }
    try (Database db = Database.open(config); Connection c = connect(config)) {
      assertThat(indexExists(c, backend, "vault_expiry_ix")).as("dropped by V8").isFalse();
      assertThat(indexExists(c, backend, "vault_subject_ix")).as("the other indexes stay").isTrue();
      assertThat(count(c)).isEqualTo(50);
      JdbcTokenVault vault = new JdbcTokenVault(db, new SubjectKeys(db, KeyManager.openOrCreate(
          java.nio.file.Files.createTempDirectory("veil-keys-"))), Duration.ofHours(1), SubjectResolver.perConversation());
      Scope scope = new Scope("acme", "after-upgrade");
      String token = vault.tokenize(scope, EntityType.EMAIL, "anna@example.com", n -> "<EMAIL_" + n + ">");
      assertThat(vault.reveal(scope, token)).contains("anna@example.com");
      RetentionPurger.Report report = new RetentionPurger(db, RetentionPolicy.defaults(RegulationProfile.GDPR)).run();
      assertThat(report.deleted().get(DataClass.VAULT_ENTRIES)).as("the expired rows").isEqualTo(50L);
      assertThat(count(c)).as("the live row stays").isEqualTo(1);
    }
  }

  /**
   * Schema V10, PostgreSQL's planner: every statement that reaches a scope's vault rows or marks does so through the
   * scope's number and an index that starts with it, never by scanning the tables, with 2,000 scopes of 30 rows
   * each analysed (the load run's conversations hold ~67).
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("scopeStatements")
  void aScopesStatementsFindItsRowsByIndex(String name, String sql, List<Object> params, String index)
      throws Exception {
    DatabaseConfig config = TestDatabases.POSTGRES.fresh();
    try (Database db = Database.open(config); Connection c = connect(config); Statement s = c.createStatement()) {
      s.execute("INSERT INTO vault_scopes (tenant, conversation) SELECT 'acme', 'c-' || i FROM generate_series(0, 1999) i");
      s.execute("INSERT INTO vault_entries (scope_id, entity_type, token, lookup_hash, subject_ref, ciphertext,"
          + " created_at, expires_at) SELECT sc.id, CASE WHEN j % 2 = 0 THEN 'PERSON' ELSE 'EMAIL' END,"
          + " '<T_' || j || '>', md5(sc.id || '/' || j) || md5(j || '/' || sc.id), md5('s' || sc.id) || md5('t' || sc.id),"
          + " decode(md5('c' || j), 'hex'), 0, 9000000000000 FROM vault_scopes sc, generate_series(1, 30) j");
      s.execute("INSERT INTO vault_token_marks (scope_id, entity_type, high_water, expires_at)"
          + " SELECT sc.id, t.type, 15, 9000000000000 FROM vault_scopes sc, (VALUES ('PERSON'), ('EMAIL')) t(type)");
      for (String table : List.of("vault_scopes", "vault_entries", "vault_token_marks")) {
        s.execute("ANALYZE " + table);
      }
      String plan;
      try (PreparedStatement ps = c.prepareStatement("EXPLAIN " + sql)) {
        for (int i = 0; i < params.size(); i++) {
          ps.setObject(i + 1, params.get(i));
        }
        StringBuilder b = new StringBuilder();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            b.append(rs.getString(1)).append('\n');
          }
        }
        plan = b.toString();
      }
      assertThat(plan).as(name + "\n" + plan).doesNotContain("Seq Scan on vault_entries")
          .doesNotContain("Seq Scan on vault_scopes").doesNotContain("Seq Scan on vault_token_marks")
          .contains(index).contains("vault_scopes_uq");
    }
  }

  static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> scopeStatements() {
    List<Object> scope = List.of("acme", "c-17");
    return java.util.stream.Stream.of(
        org.junit.jupiter.params.provider.Arguments.of("scope read (entries)", JdbcTokenVault.SCOPE_READ, scope,
            "vault_"),
        org.junit.jupiter.params.provider.Arguments.of("batch lookups", JdbcTokenVault.READ_LOOKUPS, scope, "vault_"),
        org.junit.jupiter.params.provider.Arguments.of("lookup of one value", JdbcTokenVault.FIND_BY_LOOKUP,
            List.of("acme", "c-17", "0123"), "vault_lookup_uq"),
        org.junit.jupiter.params.provider.Arguments.of("reveal", JdbcTokenVault.REVEAL,
            List.of("acme", "c-17", "<T_3>", 0L), "vault_token_uq"),
        org.junit.jupiter.params.provider.Arguments.of("count of a type", JdbcTokenVault.COUNT_TYPE,
            List.of("acme", "c-17", "PERSON", "acme", "c-17", "PERSON"), "vault_token_marks_pk"),
        org.junit.jupiter.params.provider.Arguments.of("clear", JdbcTokenVault.CLEAR, scope, "vault_"),
        org.junit.jupiter.params.provider.Arguments.of("marks of a scope", TokenMarks.OF, scope,
            "vault_token_marks_pk"),
        org.junit.jupiter.params.provider.Arguments.of("scope number", VaultScopes.ID_OF, scope, "vault_scopes_uq"));
  }

  /** The schema an earlier release left: every migration before V8 (whichever numbers other changes took). */
  private static void migrateToTheVersionBeforeV8(DatabaseConfig config) {
    MigrationVersion v8 = MigrationVersion.fromVersion("8");
    MigrationVersion before = Arrays.stream(flyway(config, MigrationVersion.LATEST).info().all())
        .map(MigrationInfo::getVersion).filter(v -> v.compareTo(v8) < 0).max(Comparator.naturalOrder()).orElseThrow();
    flyway(config, before).migrate();
  }

  static Flyway flyway(DatabaseConfig config, MigrationVersion target) {
    return Flyway.configure().dataSource(config.jdbcUrl(), config.user(), config.password())
        .locations("classpath:io/veil/store/migration").table("veil_schema_history").target(target).load();
  }

  static Connection connect(DatabaseConfig config) throws SQLException {
    return DriverManager.getConnection(config.jdbcUrl(), config.user(), config.password());
  }

  /** Rows as an earlier release wrote them; row i expires at 1000 + i (epoch ms: long ago). */
  private static void insertRows(Connection c, int n) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO vault_entries (tenant, conversation, entity_type, token,"
        + " lookup_hash, subject_ref, ciphertext, created_at, expires_at) VALUES (?,?,?,?,?,?,?,?,?)")) {
      for (int i = 0; i < n; i++) {
        ps.setString(1, "acme");
        ps.setString(2, "old-" + i / 10);
        ps.setString(3, "EMAIL");
        ps.setString(4, "<EMAIL_" + i + ">");
        ps.setString(5, String.format("%064x", i));
        ps.setString(6, String.format("%064x", i / 10));
        ps.setBytes(7, new byte[] {1, 2, 3});
        ps.setLong(8, 900 + i);
        ps.setLong(9, 1000 + i);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private static String plan(Statement s, String sql) throws SQLException {
    StringBuilder out = new StringBuilder();
    try (ResultSet rs = s.executeQuery("EXPLAIN " + sql)) {
      while (rs.next()) {
        out.append(rs.getString(1)).append('\n');
      }
    }
    return out.toString();
  }

  private static boolean indexExists(Connection c, TestDatabases backend, String name) throws SQLException {
    String sql = backend == TestDatabases.H2
        ? "SELECT COUNT(*) FROM INFORMATION_SCHEMA.INDEXES WHERE LOWER(INDEX_NAME) = ?"
        : "SELECT COUNT(*) FROM pg_indexes WHERE indexname = ?";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1) > 0;
      }
    }
  }

  private static int count(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM vault_entries")) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
