package io.veil.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.veil.core.EntityType;
import io.veil.core.Scope;
import io.veil.core.VaultException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The database going away surfaces as StoreUnavailableException, with nothing personal in it. */
class StoreFaultsIT {
  @TempDir Path keyDir;

  @Test
  void unreachableDatabaseOnOpen() {
    DatabaseConfig cfg = DatabaseConfig.postgres("jdbc:postgresql://127.0.0.1:1/veil", "veil", "s3cret-pw")
        .withPool(2, Duration.ofMillis(500));
    assertThatThrownBy(() -> Database.open(cfg))
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("unreachable")
        .hasMessageNotContaining("s3cret-pw");
    assertThat(cfg.toString()).doesNotContain("s3cret-pw");
  }

  @Test
  void postgresRefusingConnectionsWhileRunning() throws Exception {
    DatabaseConfig cfg = TestDatabases.POSTGRES.fresh().withPool(2, Duration.ofSeconds(1));
    String dbName = cfg.jdbcUrl().substring(cfg.jdbcUrl().lastIndexOf('/') + 1, cfg.jdbcUrl().indexOf('?'));
    try (Database db = Database.open(cfg)) {
      KeyManager km = KeyManager.openOrCreate(keyDir);
      SubjectKeys keys = new SubjectKeys(db, km);
      JdbcTokenVault vault = new JdbcTokenVault(db, keys, Duration.ofHours(1), SubjectResolver.perConversation());
      Scope scope = new Scope("acme", "c1");
      vault.tokenize(scope, EntityType.PERSON, "Anna Schmidt", n -> "<PERSON_" + n + ">");
      try (Connection admin = TestDatabases.postgres().getPostgresDatabase().getConnection();
          Statement s = admin.createStatement()) {
        s.execute("ALTER DATABASE " + dbName + " ALLOW_CONNECTIONS false");
        s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + dbName + "'");
      }
      assertThatThrownBy(() -> vault.tokenize(scope, EntityType.PERSON, "Anna Schmidt", n -> "<PERSON_" + n + ">"))
          .isInstanceOf(VaultException.class)
          .hasCauseInstanceOf(StoreUnavailableException.class)
          .hasMessageNotContaining("Anna");
      AuditLog log = new AuditLog(db, km);
      assertThatThrownBy(() -> log.append(new AuditRecord("acme", null, "/v1/models", null, new TreeMap<EntityType, Integer>(),
          AuditAction.FORWARDED, "p1", 200, 1))).isInstanceOf(StoreUnavailableException.class);
      assertThatThrownBy(() -> new ConsentStore(db, keys).current(new Subject("acme", "alice@example.org")))
          .isInstanceOf(StoreUnavailableException.class).hasMessageNotContaining("alice");
      try (Connection admin = TestDatabases.postgres().getPostgresDatabase().getConnection();
          Statement s = admin.createStatement()) {
        s.execute("ALTER DATABASE " + dbName + " ALLOW_CONNECTIONS true");
      }
    }
  }

  /**
   * Once a call found the database unreachable, the next calls fail within {@link Database#UNREACHABLE_WAIT}
   * (plus work), not after the pool's connect timeout each (10 s here, as in production): a request makes several
   * store calls and must fail closed before its client gives up. When the database is back, calls succeed again.
   */
  @Test
  void afterTheFirstUnreachableCallTheNextOnesFailFastAndRecoveryStillWorks() throws Exception {
    DatabaseConfig cfg = TestDatabases.POSTGRES.fresh().withPool(2, Duration.ofSeconds(10));
    String dbName = cfg.jdbcUrl().substring(cfg.jdbcUrl().lastIndexOf('/') + 1, cfg.jdbcUrl().indexOf('?'));
    try (Database db = Database.open(cfg)) {
      SubjectKeys keys = new SubjectKeys(db, KeyManager.openOrCreate(keyDir));
      Subject alice = new Subject("acme", "alice@example.org");
      assertThat(keys.hasKey(alice)).isFalse(); // one query, no cache
      try (Connection admin = TestDatabases.postgres().getPostgresDatabase().getConnection();
          Statement s = admin.createStatement()) {
        s.execute("ALTER DATABASE " + dbName + " ALLOW_CONNECTIONS false");
        s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + dbName + "'");
      }
      assertThatThrownBy(() -> keys.hasKey(alice)).isInstanceOf(StoreUnavailableException.class);
      for (int i = 0; i < 3; i++) {
        long start = System.nanoTime();
        assertThatThrownBy(() -> keys.hasKey(alice)).isInstanceOf(StoreUnavailableException.class);
        assertThat((System.nanoTime() - start) / 1_000_000).as("call %s while unreachable (ms)", i).isLessThan(3_000);
      }
      try (Connection admin = TestDatabases.postgres().getPostgresDatabase().getConnection();
          Statement s = admin.createStatement()) {
        s.execute("ALTER DATABASE " + dbName + " ALLOW_CONNECTIONS true");
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      boolean back = false;
      while (!back && System.nanoTime() < deadline) {
        try {
          keys.hasKey(alice);
          back = true;
        } catch (StoreUnavailableException e) {
          Thread.sleep(200); // the pool connects again in the background
        }
      }
      assertThat(back).as("calls succeed again once the database is back").isTrue();
    }
  }

  @Test
  void closedStoreIsUnavailable() {
    Database db = Database.open(TestDatabases.H2.fresh());
    SubjectKeys keys = new SubjectKeys(db, KeyManager.openOrCreate(keyDir));
    db.close();
    assertThatThrownBy(() -> new PrivacySettingsStore(db, keys).get(new Subject("acme", "bob")))
        .isInstanceOf(StoreUnavailableException.class);
  }
}
