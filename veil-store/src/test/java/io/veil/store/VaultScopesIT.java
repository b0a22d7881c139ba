package io.veil.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.veil.core.EntityType;
import io.veil.core.Scope;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.flywaydb.core.api.MigrationVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Schema V10: the vault's tables keyed by a scope number ({@link VaultScopes}). A database written by the
 * previous schema upgrades with its rows, marks and tenants intact; two instances making one scope at once get
 * one number; a writer that meets the retention purge deleting its scope looks again; the purge deletes a scope
 * only once it holds neither rows nor marks.
 */
@ParameterizedClass
@EnumSource(TestDatabases.class)
class VaultScopesIT {
  @Parameter TestDatabases backend;
  @TempDir Path keyDir;

  static final Function<Integer, String> PERSON = n -> "<PERSON_" + n + ">";
  static final Function<Integer, String> EMAIL = n -> "<EMAIL_" + n + ">";
  static final Scope ACME_1 = new Scope("acme", "conv-1");
  static final Scope OTHER_1 = new Scope("other", "conv-1"); // the same conversation id in another tenant
  static final Scope ACME_2 = new Scope("acme", "conv-2");
  static final Subject ANNA = new Subject("acme", "anna");
  static final Subject BOB = new Subject("acme", "bob");
  static final Subject OLGA = new Subject("other", "olga");

  @Test
  void anUpgradeKeepsEveryScopesRowsMarksAndTenantsApart() throws Exception {
    MutableClock clock = new MutableClock();
    // the rows, keys and marks a vault wrote (real ciphertexts: their associated data names tenant and
    // conversation, not the new number), copied into a database left at the schema before V10
    DatabaseConfig written = backend.fresh(clock);
    Map<Scope, Map<String, String>> before = new HashMap<>();
    try (Database db = Database.open(written)) {
      KeyManager km = KeyManager.openOrCreate(keyDir);
      SubjectKeys keys = new SubjectKeys(db, km);
      JdbcTokenVault vault = new JdbcTokenVault(db, keys, Duration.ofHours(1), SubjectResolver.perConversation());
      vault.tokenize(ACME_1, ANNA, EntityType.PERSON, "Anna Archer", PERSON);
      vault.tokenize(ACME_1, ANNA, EntityType.EMAIL, "anna@example.com", EMAIL);
      vault.tokenize(OTHER_1, OLGA, EntityType.PERSON, "Olga Orlova", PERSON);
      vault.tokenize(ACME_2, ANNA, EntityType.PERSON, "Anna Archer", PERSON);
      vault.tokenize(ACME_2, BOB, EntityType.PERSON, "Bob Baker", PERSON);
      assertThat(new SubjectEraser(db, keys, km).erase(BOB).vaultEntriesDeleted()).isEqualTo(1); // its mark stays
      for (Scope s : List.of(ACME_1, OTHER_1, ACME_2)) {
        before.put(s, vault.entries(s));
      }
    }
    DatabaseConfig old = backend.fresh(clock);
    VaultIndexesIT.flyway(old, MigrationVersion.fromVersion("9")).migrate();
    try (Connection from = VaultIndexesIT.connect(written); Connection to = VaultIndexesIT.connect(old)) {
      copy(from, to, "SELECT * FROM system_keys", "system_keys");
      copy(from, to, "SELECT * FROM subject_keys", "subject_keys");
      copy(from, to, "SELECT s.tenant, s.conversation, v.entity_type, v.token, v.lookup_hash, v.subject_ref,"
          + " v.ciphertext, v.created_at, v.expires_at FROM vault_entries v JOIN vault_scopes s ON s.id = v.scope_id"
          + " ORDER BY v.id", "vault_entries");
      copy(from, to, "SELECT s.tenant, s.conversation, m.entity_type, m.high_water, m.expires_at"
          + " FROM vault_token_marks m JOIN vault_scopes s ON s.id = m.scope_id", "vault_token_marks");
      assertThat(count(to, "SELECT COUNT(*) FROM vault_entries")).isEqualTo(4);
    }

    try (Database db = Database.open(old); Connection c = VaultIndexesIT.connect(old)) {
      assertThat(count(c, "SELECT COUNT(*) FROM vault_scopes")).as("one number per scope").isEqualTo(3);
      assertThat(count(c, "SELECT COUNT(*) FROM INFORMATION_SCHEMA.COLUMNS WHERE LOWER(TABLE_NAME) IN"
          + " ('vault_entries', 'vault_token_marks') AND LOWER(COLUMN_NAME) IN ('tenant', 'conversation')"))
          .as("the scope's strings live in vault_scopes only").isZero();
      JdbcTokenVault vault = new JdbcTokenVault(db, new SubjectKeys(db, KeyManager.openOrCreate(keyDir)),
          Duration.ofHours(1), SubjectResolver.perConversation());
      for (Scope s : List.of(ACME_1, OTHER_1, ACME_2)) {
        assertThat(vault.entries(s)).as("%s after the upgrade", s).isEqualTo(before.get(s));
      }
      assertThat(vault.reveal(ACME_1, "<PERSON_1>")).contains("Anna Archer");
      assertThat(vault.reveal(OTHER_1, "<PERSON_1>")).as("tenants stay apart").contains("Olga Orlova");
      assertThat(vault.reveal(new Scope("other", "conv-2"), "<PERSON_1>")).isEmpty();
      // values found again by their lookup hash; new values numbered above the kept marks
      assertThat(vault.tokenize(ACME_1, ANNA, EntityType.EMAIL, "anna@example.com", EMAIL)).isEqualTo("<EMAIL_1>");
      assertThat(vault.tokenize(ACME_2, ANNA, EntityType.PERSON, "Carl Cole", PERSON))
          .as("the erased <PERSON_2>'s mark survived the upgrade").isEqualTo("<PERSON_3>");
      assertThat(vault.tokenize(OTHER_1, OLGA, EntityType.PERSON, "Anna Archer", PERSON)).isEqualTo("<PERSON_2>");
      assertThat(vault.tokenize(new Scope("acme", "conv-3"), ANNA, EntityType.PERSON, "Anna Archer", PERSON))
          .isEqualTo("<PERSON_1>");
      assertThat(count(c, "SELECT COUNT(*) FROM vault_scopes")).isEqualTo(4);
    }
  }

  @Test
  void theRetentionPurgeDeletesAScopeOnlyOnceItHasNeitherRowsNorMarks() throws Exception {
    MutableClock clock = new MutableClock();
    DatabaseConfig config = backend.fresh(clock);
    try (Database db = Database.open(config); Connection c = VaultIndexesIT.connect(config)) {
      JdbcTokenVault vault = new JdbcTokenVault(db, new SubjectKeys(db, KeyManager.openOrCreate(keyDir)),
          Duration.ofHours(1), SubjectResolver.perConversation());
      RetentionPurger purger = new RetentionPurger(db,
          RetentionPolicy.defaults(RegulationProfile.GDPR).with(DataClass.VAULT_ENTRIES, Duration.ofDays(1)));
      vault.tokenize(ACME_1, ANNA, EntityType.PERSON, "Anna Archer", PERSON);
      vault.clear(ACME_1);
      purger.run();
      assertThat(count(c, "SELECT COUNT(*) FROM vault_scopes")).as("cleared, its mark kept").isEqualTo(1);
      assertThat(vault.tokenize(ACME_1, ANNA, EntityType.PERSON, "Bob Baker", PERSON)).isEqualTo("<PERSON_2>");
      clock.advance(Duration.ofHours(2));
      assertThat(purger.run().deleted().get(DataClass.VAULT_ENTRIES)).isEqualTo(1L);
      assertThat(count(c, "SELECT COUNT(*) FROM vault_scopes")).as("expired rows gone, the mark kept").isEqualTo(1);
      clock.advance(Duration.ofDays(1));
      purger.run();
      assertThat(count(c, "SELECT COUNT(*) FROM vault_token_marks")).isZero();
      assertThat(count(c, "SELECT COUNT(*) FROM vault_scopes")).as("neither rows nor marks").isZero();
      assertThat(vault.tokenize(ACME_1, ANNA, EntityType.PERSON, "Carol Cruz", PERSON))
          .as("silent for two periods: numbered from one, as before V10").isEqualTo("<PERSON_1>");
      assertThat(vault.entries(ACME_1)).containsOnly(Map.entry("<PERSON_1>", "Carol Cruz"));
    }
  }

  /**
   * Two instances (PostgreSQL: two pools on one database; H2: two vaults, each with its own group commit, on one
   * database) mint the first values of many fresh scopes at the same moment: each scope gets one number and each
   * value one token, which both instances restore.
   */
  @Test
  void instancesMakingOneScopeAtOnceGetOneNumber() throws Exception {
    DatabaseConfig config = backend.fresh();
    try (Database db = Database.open(config);
         Database db2 = backend == TestDatabases.POSTGRES ? Database.open(config) : null) {
      KeyManager km = KeyManager.openOrCreate(keyDir);
      JdbcTokenVault a = new JdbcTokenVault(db, new SubjectKeys(db, km), Duration.ofHours(1),
          SubjectResolver.perConversation());
      Database other = db2 != null ? db2 : db;
      JdbcTokenVault b = new JdbcTokenVault(other, new SubjectKeys(other, km), Duration.ofHours(1),
          SubjectResolver.perConversation());
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        int scopes = 30;
        for (int i = 0; i < scopes; i++) {
          Scope scope = new Scope("acme", "race-" + i);
          CountDownLatch go = new CountDownLatch(1);
          List<Future<List<String>>> sides = new ArrayList<>();
          for (JdbcTokenVault v : List.of(a, b)) {
            sides.add(pool.submit(() -> {
              go.await();
              return v.tokenizeTogether(scope, () -> List.of(
                  v.tokenize(scope, EntityType.PERSON, "Anna Archer", PERSON),
                  v.tokenize(scope, EntityType.EMAIL, "anna@example.com", EMAIL),
                  v.tokenize(scope, EntityType.PERSON, (v == a ? "Adam" : "Bert") + " Only", PERSON)));
            }));
          }
          go.countDown();
          List<String> fromA = sides.get(0).get(60, TimeUnit.SECONDS);
          List<String> fromB = sides.get(1).get(60, TimeUnit.SECONDS);
          assertThat(fromA.subList(0, 2)).as("one token per value").isEqualTo(fromB.subList(0, 2));
          assertThat(fromA.get(2)).isNotEqualTo(fromB.get(2));
          Map<String, String> expected = Map.of(fromA.get(0), "Anna Archer", fromA.get(1), "anna@example.com",
              fromA.get(2), "Adam Only", fromB.get(2), "Bert Only");
          assertThat(a.entries(scope)).isEqualTo(expected);
          assertThat(b.entries(scope)).isEqualTo(expected);
        }
        try (Connection c = VaultIndexesIT.connect(config)) {
          assertThat(count(c, "SELECT COUNT(*) FROM vault_scopes")).as("one number per scope").isEqualTo(scopes);
          assertThat(count(c, "SELECT COUNT(DISTINCT scope_id) FROM vault_entries")).isEqualTo(scopes);
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  /**
   * PostgreSQL: the purge deletes a scope (it held neither rows nor marks) while a writer, which found the scope's
   * number a moment before, inserts its first row: the foreign key makes the insert wait for the delete and then
   * fail, and the vault looks again and makes the scope anew, instead of failing the request or storing a row
   * whose scope is gone.
   */
  @Test
  void aWriterWhoseScopeThePurgeDeletesMakesItAgain() throws Exception {
    assumeTrue(backend == TestDatabases.POSTGRES, "row locks across connections are PostgreSQL's");
    DatabaseConfig config = backend.fresh();
    Scope ghost = new Scope("acme", "ghost");
    try (Database db = Database.open(config); Connection purge = VaultIndexesIT.connect(config);
         Connection watch = VaultIndexesIT.connect(config)) {
      JdbcTokenVault vault = new JdbcTokenVault(db, new SubjectKeys(db, KeyManager.openOrCreate(keyDir)),
          Duration.ofHours(1), SubjectResolver.perConversation());
      long ghostId;
      try (Statement s = purge.createStatement()) {
        s.executeUpdate("INSERT INTO vault_scopes (tenant, conversation) VALUES ('acme', 'ghost')");
        ghostId = count(purge, "SELECT id FROM vault_scopes WHERE conversation = 'ghost'");
        purge.setAutoCommit(false);
        s.executeUpdate("DELETE FROM vault_scopes WHERE id = " + ghostId); // not committed yet
      }
      ExecutorService pool = Executors.newSingleThreadExecutor();
      String token;
      try {
        Future<String> minted = pool.submit(() -> vault.tokenize(ghost, ANNA, EntityType.PERSON, "Anna Archer", PERSON));
        for (int i = 0; i < 200 && waitingOnLocks(watch) == 0; i++) {
          Thread.sleep(50); // until the vault's row insert waits for the scope row the purge is deleting
        }
        assertThat(waitingOnLocks(watch)).as("the insert waits for the purge").isEqualTo(1);
        purge.commit();
        // the attempt that failed skipped <PERSON_1> (the vault's rule after any conflict: mint above it)
        token = minted.get(30, TimeUnit.SECONDS);
      } finally {
        pool.shutdownNow();
      }
      assertThat(token).matches("<PERSON_[12]>");
      assertThat(vault.entries(ghost)).containsOnly(Map.entry(token, "Anna Archer"));
      assertThat(count(watch, "SELECT COUNT(*) FROM vault_scopes WHERE conversation = 'ghost' AND id <> " + ghostId))
          .as("made again, under a new number").isEqualTo(1);
    }
  }

  private static int waitingOnLocks(Connection c) throws SQLException {
    return (int) count(c, "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'");
  }

  private static long count(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Inserts every row {@code select} gives into {@code table}, column by column name. */
  private static void copy(Connection from, Connection to, String select, String table) throws SQLException {
    try (Statement s = from.createStatement(); ResultSet rs = s.executeQuery(select)) {
      ResultSetMetaData md = rs.getMetaData();
      List<String> columns = new ArrayList<>();
      for (int i = 1; i <= md.getColumnCount(); i++) {
        columns.add(md.getColumnLabel(i).toLowerCase(java.util.Locale.ROOT));
      }
      String sql = "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES ("
          + String.join(", ", java.util.Collections.nCopies(columns.size(), "?")) + ")";
      try (PreparedStatement ps = to.prepareStatement(sql)) {
        while (rs.next()) {
          for (int i = 1; i <= columns.size(); i++) {
            ps.setObject(i, rs.getObject(i));
          }
          ps.executeUpdate();
        }
      }
    }
  }
}
