package io.veil.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.veil.core.EntityType;
import io.veil.core.Scope;
import io.veil.core.VaultException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGConnection;

/**
 * The pool's silence limit ({@link Database#SILENCE_LIMIT}) on PostgreSQL: the URL's own {@code socketTimeout} is the
 * limit when it sets one; request work that waits longer fails closed; maintenance work that may legitimately take
 * longer (retention scans, audit verification and export, subject export, migrations) runs without it and the pool
 * gives the connection its limit back. A database that waits (a lock held 3 s by another session) stands in for a
 * slow one; a silent network: {@code PostgresStallIT} (veil-gateway).
 */
class SilenceLimitIT {
  private static final Function<Integer, String> PERSON_TOKEN = n -> "<PERSON_" + n + ">";
  /** Longer than the 1 s limit the tests set in the URL. */
  private static final Duration HELD = Duration.ofSeconds(3);

  @TempDir Path keyDir;

  @Test
  void theUrlsOwnSocketTimeoutIsTheLimitAndRequestWorkFailsClosedAtIt() throws Exception {
    DatabaseConfig fresh = TestDatabases.POSTGRES.fresh();
    try (Database db = Database.open(fresh)) {
      assertThat(networkTimeoutMs(db)).isEqualTo(Database.SILENCE_LIMIT.toMillis());
    }
    try (Store s = new Store(withOneSecondLimit(fresh))) {
      assertThat(networkTimeoutMs(s.db)).isEqualTo(1_000);
      try (TableLock lock = new TableLock(s.dbName, "vault_entries", HELD)) {
        long start = System.nanoTime();
        Throwable t = catchThrowable(() -> s.vault.tokenize(s.scope, EntityType.PERSON, "Berta Meier", PERSON_TOKEN));
        assertThat(msSince(start)).as("failed at the URL's limit, not the default's")
            .isLessThan(Database.SILENCE_LIMIT.toMillis());
        assertThat(t).isInstanceOf(VaultException.class).hasCauseInstanceOf(StoreUnavailableException.class)
            .hasMessageNotContaining("Berta");
        assertThat(t.getCause()).hasMessageNotContaining("Berta");
      }
      untilServes(() -> s.vault.tokenize(s.scope, EntityType.PERSON, "Berta Meier", PERSON_TOKEN));
    }
  }

  /** The retention run's scans of vault scopes and of idle subject keys wait out a lock longer than the limit. */
  @Test
  void retentionScansRunWithoutTheLimitAndTheConnectionGetsItBack() throws Exception {
    try (Store s = new Store(withOneSecondLimit(TestDatabases.POSTGRES.fresh()))) {
      RetentionPurger purger = new RetentionPurger(s.db, RetentionPolicy.defaults(RegulationProfile.GDPR));
      s.waitsOutALockOn("vault_scopes", "the purge", purger::run);
      s.waitsOutALockOn("subject_keys", "the purge", purger::run);
      assertEveryConnectionHasTheLimit(s.db, 1_000);
    }
  }

  /**
   * The retention run's audit purge may delete for longer than the limit (a large trail; here one of its rows is
   * locked by another session for {@link #HELD}), but a request's audit record, appended meanwhile, waits on no part
   * of it: the purge deleted while holding the chain head's lock, which every append takes, so the append failed at
   * the limit (503 for every request while the purge ran).
   */
  @Test
  void theAuditPurgeHoldsNoRequestsAuditRecordBeyondTheLimit() throws Exception {
    DatabaseConfig cfg = withOneSecondLimit(TestDatabases.POSTGRES.fresh());
    try (Store s = new Store(cfg);
        Database later = Database.open(new DatabaseConfig(cfg.jdbcUrl(), cfg.user(), cfg.password(), 2,
            Duration.ofSeconds(10), Clock.offset(Clock.systemUTC(), Duration.ofDays(36_500))))) {
      RetentionPurger purger = new RetentionPurger(later, RetentionPolicy.defaults(RegulationProfile.GDPR));
      AuditLog log = new AuditLog(s.db, s.km);
      try (TableLock rowLock = TableLock.rows(s.dbName, "SELECT seq FROM audit_records WHERE seq = 1 FOR UPDATE", HELD);
          java.util.concurrent.ExecutorService purging = java.util.concurrent.Executors.newSingleThreadExecutor()) {
        java.util.concurrent.Future<RetentionPurger.Report> purge = purging.submit(purger::run);
        rowLock.untilSomeoneWaits("DELETE FROM audit_records%");
        long start = System.nanoTime();
        log.append(new AuditRecord("acme", null, "/v1/chat/completions", null, new TreeMap<EntityType, Integer>(),
            AuditAction.FORWARDED, "p1", 200, 1));
        assertThat(msSince(start)).as("the append waited for the purge's delete").isLessThan(1_000);
        assertThat(purge.get().deleted().get(DataClass.AUDIT_RECORDS)).isEqualTo(1L);
      }
      assertThat(new AuditVerifier(s.db, s.km).verify().valid()).isTrue();
      assertEveryConnectionHasTheLimit(s.db, 1_000);
    }
  }

  /**
   * The retention run's vault purge may take longer than the limit (a large backlog; here a row past its first page
   * is locked by another session for {@link #HELD}), but a request that meets an expired row of its conversation, and
   * deletes that row itself, does not wait for all of it: one statement over the whole backlog kept the row locked
   * until it ended, and the request failed at the limit.
   */
  @Test
  void theVaultPurgeHoldsNoRequestsExpiredRowBeyondTheLimit() throws Exception {
    try (Store s = new Store(withOneSecondLimit(TestDatabases.POSTGRES.fresh()))) {
      JdbcTokenVault expiring = new JdbcTokenVault(s.db, s.keys, Duration.ofSeconds(1), SubjectResolver.perConversation());
      expiring.tokenize(s.scope, EntityType.PERSON, "Berta Meier", PERSON_TOKEN);
      for (int i = 0; i < 500; i++) {
        expiring.tokenize(s.scope, EntityType.EMAIL, "p" + i + "@example.org", n -> "<EMAIL_" + n + ">");
      }
      Thread.sleep(1_100); // every row expired
      RetentionPurger purger = new RetentionPurger(s.db, RetentionPolicy.defaults(RegulationProfile.GDPR));
      try (TableLock rowLock = TableLock.rows(s.dbName,
              "SELECT id FROM vault_entries WHERE id = (SELECT MAX(id) FROM vault_entries) FOR UPDATE", HELD);
          java.util.concurrent.ExecutorService purging = java.util.concurrent.Executors.newSingleThreadExecutor()) {
        java.util.concurrent.Future<RetentionPurger.Report> purge = purging.submit(purger::run);
        rowLock.untilSomeoneWaits("DELETE FROM vault_entries%");
        long start = System.nanoTime();
        expiring.tokenize(s.scope, EntityType.PERSON, "Berta Meier", PERSON_TOKEN);
        assertThat(msSince(start)).as("the request waited for the purge's delete").isLessThan(1_000);
        assertThat(purge.get().deleted().get(DataClass.VAULT_ENTRIES)).isGreaterThanOrEqualTo(501L);
      }
      assertEveryConnectionHasTheLimit(s.db, 1_000);
    }
  }

  @Test
  void auditVerificationAndExportRunWithoutTheLimit() throws Exception {
    try (Store s = new Store(withOneSecondLimit(TestDatabases.POSTGRES.fresh()))) {
      AuditVerifier verifier = new AuditVerifier(s.db, s.km);
      s.waitsOutALockOn("audit_records", "verification", () -> assertThat(verifier.verify().valid()).isTrue());
      s.waitsOutALockOn("audit_records", "the audit export", () -> verifier.export(OutputStream.nullOutputStream()));
      assertEveryConnectionHasTheLimit(s.db, 1_000);
    }
  }

  @Test
  void subjectExportRunsWithoutTheLimit() throws Exception {
    try (Store s = new Store(withOneSecondLimit(TestDatabases.POSTGRES.fresh()))) {
      SubjectExporter exporter = new SubjectExporter(s.db, s.keys);
      s.waitsOutALockOn("privacy_settings", "the subject export",
          () -> exporter.export(new Subject("acme", "alice@example.org"), OutputStream.nullOutputStream()));
      assertEveryConnectionHasTheLimit(s.db, 1_000);
    }
  }

  /** Migrations at start run without the limit: opening waits out a lock on the schema history longer than it. */
  @Test
  void migrationsAtOpenRunWithoutTheLimit() throws Exception {
    DatabaseConfig cfg = withOneSecondLimit(TestDatabases.POSTGRES.fresh());
    Database.open(cfg).close();
    try (TableLock lock = new TableLock(dbName(cfg), "veil_schema_history", HELD)) {
      long start = System.nanoTime();
      try (Database db = Database.open(cfg)) {
        assertThat(msSince(start)).as("Flyway waited beyond the limit").isGreaterThan(1_500);
        assertThat(networkTimeoutMs(db)).isEqualTo(1_000);
      }
    }
  }

  /** A store with a vault row, an audit record and a checkpoint, on a pool of two connections. */
  private final class Store implements AutoCloseable {
    final Database db;
    final String dbName;
    final KeyManager km = KeyManager.openOrCreate(keyDir);
    final SubjectKeys keys;
    final JdbcTokenVault vault;
    final Scope scope = new Scope("acme", "c1");

    Store(DatabaseConfig cfg) {
      db = Database.open(cfg.withPool(2, Duration.ofSeconds(10)));
      dbName = dbName(cfg);
      keys = new SubjectKeys(db, km);
      vault = new JdbcTokenVault(db, keys, Duration.ofHours(1), SubjectResolver.perConversation());
      vault.tokenize(scope, EntityType.PERSON, "Anna Schmidt", PERSON_TOKEN);
      AuditLog log = new AuditLog(db, km);
      log.append(new AuditRecord("acme", null, "/v1/chat/completions", null, new TreeMap<EntityType, Integer>(),
          AuditAction.FORWARDED, "p1", 200, 1));
      log.checkpoint();
    }

    /** Runs {@code work} while {@code table} is locked for {@link #HELD}: it must wait beyond the limit and succeed. */
    void waitsOutALockOn(String table, String what, Runnable work) throws Exception {
      try (TableLock lock = new TableLock(dbName, table, HELD)) {
        long start = System.nanoTime();
        work.run();
        assertThat(msSince(start)).as("%s waited on %s beyond the limit", what, table).isGreaterThan(1_500);
      }
    }

    @Override
    public void close() {
      db.close();
    }
  }

  /**
   * Borrows both of the pool's connections at once (the one the long work used among them): each has the limit, so
   * the pool set it back on the connection whose limit was lifted.
   */
  private static void assertEveryConnectionHasTheLimit(Database db, int ms) {
    AtomicReference<Map<PGConnection, Integer>> seen = new AtomicReference<>();
    db.withConnection("test", c1 -> db.withConnection("test", c2 -> {
      seen.set(Map.of(c1.unwrap(PGConnection.class), c1.getNetworkTimeout(),
          c2.unwrap(PGConnection.class), c2.getNetworkTimeout()));
      return null;
    }));
    assertThat(seen.get()).hasSize(2).allSatisfy((connection, limit) -> assertThat(limit).isEqualTo(ms));
  }

  private static DatabaseConfig withOneSecondLimit(DatabaseConfig fresh) {
    String url = fresh.jdbcUrl() + (fresh.jdbcUrl().contains("?") ? "&" : "?") + "socketTimeout=1";
    return new DatabaseConfig(url, fresh.user(), fresh.password(), fresh.maxPoolSize(), fresh.connectTimeout(),
        fresh.clock());
  }

  private static String dbName(DatabaseConfig cfg) {
    String url = cfg.jdbcUrl();
    return url.substring(url.lastIndexOf('/') + 1, url.indexOf('?') < 0 ? url.length() : url.indexOf('?'));
  }

  private static long msSince(long nanoTime) {
    return (System.nanoTime() - nanoTime) / 1_000_000;
  }

  private static long networkTimeoutMs(Database db) {
    return db.withConnection("test", Connection::getNetworkTimeout);
  }

  /** Calls {@code call} until it succeeds (20 s at most). */
  private static void untilServes(Callable<?> call) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      try {
        call.call();
        return;
      } catch (RuntimeException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(200); // the pool replaces the connection it lost
      }
    }
  }

  /** An exclusive lock on a table of {@code db} (or on rows), held by another session until {@code held} has passed. */
  private static final class TableLock implements AutoCloseable {
    private final Connection admin;
    private final Thread release;
    private final String db;

    TableLock(String db, String table, Duration held) throws Exception {
      this(db, "LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE", held, true);
    }

    /** The locks {@code lockStatement} (a {@code SELECT ... FOR UPDATE}) takes, held for {@code held}. */
    static TableLock rows(String db, String lockStatement, Duration held) throws Exception {
      return new TableLock(db, lockStatement, held, true);
    }

    private TableLock(String db, String lockStatement, Duration held, boolean unused) throws Exception {
      admin = TestDatabases.postgres().getDatabase("postgres", db).getConnection();
      admin.setAutoCommit(false);
      try (Statement s = admin.createStatement()) {
        s.execute(lockStatement);
      }
      this.db = db;
      release = Thread.ofPlatform().daemon().start(() -> {
        try {
          Thread.sleep(held.toMillis());
          admin.commit();
        } catch (Exception e) {
          // closed below
        }
      });
    }

    /** Returns once another session's statement like {@code queryLike} waits for a lock (10 s at most). */
    void untilSomeoneWaits(String queryLike) throws Exception {
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      try (Connection watcher = TestDatabases.postgres().getDatabase("postgres", db).getConnection();
          java.sql.PreparedStatement ps = watcher.prepareStatement("SELECT count(*) FROM pg_stat_activity"
              + " WHERE datname = ? AND wait_event_type = 'Lock' AND query LIKE ?")) {
        ps.setString(1, db);
        ps.setString(2, queryLike);
        while (System.nanoTime() < deadline) {
          try (java.sql.ResultSet rs = ps.executeQuery()) {
            rs.next();
            if (rs.getInt(1) > 0) {
              return;
            }
          }
          Thread.sleep(20);
        }
      }
      throw new AssertionError("no statement like " + queryLike + " waited for a lock");
    }

    @Override
    public void close() throws Exception {
      release.join();
      admin.close();
    }
  }
}
