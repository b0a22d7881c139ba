package io.veil.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * Several gateway instances on one PostgreSQL: the schema migration run by all of them at once (Flyway's
 * lock lets one migrate, the others wait and find it done), and a rolling upgrade (an instance of this
 * release restarting on a database a newer release has already migrated still starts).
 */
class SchemaUpgradeIT {
  @Test
  void instancesStartingTogetherMigrateOnce() throws Exception {
    DatabaseConfig cfg = TestDatabases.POSTGRES.fresh();
    int instances = 4;
    ExecutorService pool = Executors.newFixedThreadPool(instances);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Database>> opened = new ArrayList<>();
    for (int i = 0; i < instances; i++) {
      opened.add(pool.submit(() -> {
        go.await();
        return Database.open(cfg);
      }));
    }
    go.countDown();
    List<Database> dbs = new ArrayList<>();
    try {
      for (Future<Database> f : opened) {
        dbs.add(f.get());
      }
      for (Database db : dbs) {
        db.ping();
      }
      try (Connection c = java.sql.DriverManager.getConnection(cfg.jdbcUrl(), cfg.user(), cfg.password());
          Statement s = c.createStatement();
          ResultSet r = s.executeQuery("SELECT count(*), count(DISTINCT version), count(*) FILTER (WHERE NOT success)"
              + " FROM veil_schema_history WHERE version IS NOT NULL")) {
        r.next();
        assertThat(r.getInt(1)).as("migrations applied").isPositive();
        assertThat(r.getInt(2)).as("each migration applied once").isEqualTo(r.getInt(1));
        assertThat(r.getInt(3)).as("no failed migration").isZero();
      }
      assertThat(Flyway.configure().dataSource(cfg.jdbcUrl(), cfg.user(), cfg.password())
          .locations("classpath:io/veil/store/migration").table("veil_schema_history").load().info().pending())
          .as("nothing left to migrate").isEmpty();
    } finally {
      dbs.forEach(Database::close);
      pool.shutdownNow();
    }
  }

  @Test
  void anInstanceOfThisReleaseStartsOnASchemaANewerReleaseMigrated() {
    DatabaseConfig cfg = TestDatabases.POSTGRES.fresh();
    Database.open(cfg).close();
    // the newer release's instance migrates further
    Flyway.configure().dataSource(cfg.jdbcUrl(), cfg.user(), cfg.password())
        .locations("classpath:io/veil/store/migration", "classpath:io/veil/store/futuremigration")
        .table("veil_schema_history").load().migrate();
    // this release's instance restarts during the rollout
    try (Database db = Database.open(cfg)) {
      db.ping();
    }
  }

}
